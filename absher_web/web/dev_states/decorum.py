"""Public decorum violations: the holder's list (none, several in every state), one
violation (to pay or object, its bill waiting, the objection sent empty or with values that
break the rules, the period closed, the objection with the committee with its files,
accepted with the fine refunded, rejected with the committee's reason); the officer's
record form (first opened, sent empty, with wrong values, the violation recorded, no city);
the objections committee's queue (full, empty, after a decision) and one objection (open
with its files, decided already). From fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.forms.common import ConfirmForm
from absher_web.forms.decorum import ObjectionForm, RecordViolationForm
from absher_web.forms.staff import RefuseRequestForm
from absher_web.models import (
    BillStatus,
    DecorumStatus,
    DecorumViolation,
    RequestStatus,
    ServiceRequest,
    Upload,
)
from absher_web.services import decorum as rules
from absher_web.services import requests, staff
from absher_web.services.decorum import Refusal, Refused
from absher_web.web import decorum as views
from absher_web.web import staff_decorum, staff_queues
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, BROKEN, EMPTY, State, form_of, not_active
from absher_web.web.dev_states.requests import officer_page

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Public decorum violations")
TITLE = views.TITLE
# TRANSLATORS: The states gallery for testers (development only): a page's name.
VIOLATION = _l("One public decorum violation")
# TRANSLATORS: The states gallery for testers (development only): a page's name.
RECORD = _l("Recording a decorum violation")
# TRANSLATORS: The states gallery for testers (development only): a page's name.
QUEUE = _l("Objections committee queue")
# TRANSLATORS: The states gallery for testers (development only): a page's name: one
# objection in the committee's queue.
CASE = _l("An objection in the committee's queue")
NOW = fx.NOW
D, S, B = DecorumStatus, RequestStatus, BillStatus
REASON = ("I was in the queue from the start; the officer mistook me for the man behind "
          "me. The mall's receipt shows the time I arrived.")


def violation(number: str = "5028471930", status: DecorumStatus = D.UNPAID,
              article: str = "10", days: int = 2, repeat: bool = False) -> DecorumViolation:
    fine = rules.decorum.article(article).fine(repeat)
    return DecorumViolation(id=int(number[:4]), number=number, national_id=DEMO_IDS[0],
                            article=article, repeat=repeat, fine=fine, city="الرياض",
                            place="Riyadh Park mall, the main entrance",
                            occurred_at=NOW - timedelta(days=days, hours=3),
                            recorded_at=NOW - timedelta(days=days), recorded_by=1,
                            status=status, changed_at=NOW - timedelta(hours=2))


def every_state() -> list[DecorumViolation]:
    return [violation(), violation("5039182740", D.OBJECTED, "12", 5),
            violation("5040293851", D.PAID, "2", 40),
            violation("5051304962", D.CANCELLED, "11", 60, repeat=True)]


def objection(status: RequestStatus = S.UNDER_REVIEW, **values) -> ServiceRequest:
    return ServiceRequest(id=71, number="6071829354", service=rules.OBJECTION,
                          request_key="5028471930", account_id=1, beneficiary_id=DEMO_IDS[0],
                          status=status, office_city="الرياض",
                          details={"violation": "5028471930", "article": "10",
                                   "reason": REASON},
                          reason=rules.AWAITING_COMMITTEE, created_at=NOW - timedelta(days=1),
                          changed_at=NOW - timedelta(hours=1), **values)


def files() -> list[Upload]:
    return [Upload(id=1, public_id="Qm9va2luZ1JlY2VpcHQtMDAx", account_id=1,
                   purpose=rules.OBJECTION, media_type="image/jpeg", size=48213,
                   display_name="mall-receipt.jpg", created_at=NOW - timedelta(days=1)),
            Upload(id=2, public_id="UXVldWVQaG90by0wMDAwMDAy", account_id=1,
                   purpose=rules.OBJECTION, media_type="application/pdf", size=90412,
                   display_name="statement.pdf", created_at=NOW - timedelta(days=1))]


def fine_bill(status: BillStatus = BillStatus.UNPAID):
    return fx.bill(9, rules.SERVICE, "5028471930", 5000, status, violation_id=5028)


def page(status: int = 200, **context):
    return views.render_page(status, now=NOW, days=30,
                             sign_out_form=ConfirmForm(formdata=None), **context)


def the_list(found: list | None = None):
    return page(found=every_state() if found is None else found)


def one(found: DecorumViolation | None = None, status: int = 200, **context):
    return page(status, violation=found or violation(), **context)


def objection_form(typed: dict | None = None):
    return one(status=422, form=form_of(ObjectionForm, typed))


def late():
    closed = violation(days=45)
    return one(closed)


def objected():
    return one(violation(status=D.OBJECTED), objections=[objection()], files=files(),
               notice="sent")


def accepted():
    return one(violation(status=D.CANCELLED), objections=[objection(S.APPROVED)],
               bill=fine_bill(B.REFUNDING))


def rejected():
    return one(violation(), objections=[objection(
        S.REFUSED, note="The officer's photograph shows you stepping past the queue.")])


def refused(reason: Refusal):
    found = violation(status=D.OBJECTED) if reason is Refusal.OBJECTION_OPEN else violation()
    return one(found, 409, refused=Refused(reason), objections=[objection()]
               if reason is Refusal.OBJECTION_OPEN else [])


# --- the officer's form ------------------------------------------------------------------------


def decorum_officer(city: bool = True):
    officer = fx.officer()
    officer.roles, officer.office = ["decorum_officer"], "Riyadh Police - Olaya"
    if not city:
        officer.city = None
    return officer


def record_page(typed: dict | None = None, recorded=None, city: bool = True,  # noqa: ANN001
                errors: dict | None = None):
    form = form_of(RecordViolationForm, typed, errors)
    status = 422 if typed is not None else 200
    return officer_page(staff_decorum.render_record, form, status, recorded,
                        officer=decorum_officer(city))


TYPED = {"national_id": "1234567890", "article": "99", "place": "x" * 201,
         "day": "2026-13-40", "time": "25:61"}


# --- the committee -----------------------------------------------------------------------------


def member():
    officer = fx.officer()
    officer.roles, officer.office = ["objections_committee"], "Riyadh Objections Committee"
    return officer


def case_of(found: ServiceRequest) -> staff_queues.Case:
    return staff_queues.Case(found, requests.KINDS[found.service], fx.person())


def queue(cases: bool = True, notice: dict | None = None):
    waiting = [objection(), objection()] if cases else []
    for index, found in enumerate(waiting):
        found.number, found.id = ("6071829354", "6082930461")[index], 71 + index
    return officer_page(staff_queues.render_queue, [case_of(r) for r in waiting], notice,
                        staff.OBJECTIONS_COMMITTEE, officer=member())


def case(status: RequestStatus = S.UNDER_REVIEW, typed: dict | None = None):
    form = form_of(RefuseRequestForm, typed)
    return officer_page(staff_queues.render_case, case_of(objection(status)), form,
                        422 if form.errors else 200, role=staff.OBJECTIONS_COMMITTEE,
                        files=files(), officer=member())


STATES: list[State] = [
    State("decorum-not-active", GROUP, TITLE, _l("Account not activated"),
          partial(not_active, TITLE, views.EXPLANATION)),
    # TRANSLATORS: states gallery, a state of Public decorum violations: none recorded.
    State("decorum-none", GROUP, TITLE, _l("No violation"), partial(the_list, [])),
    # TRANSLATORS: states gallery, a state of Public decorum violations: several, one in
    # each state.
    State("decorum-list", GROUP, TITLE, _l("Violations in every state"), the_list),
    # TRANSLATORS: states gallery, a state of one violation: unpaid, to pay or object to.
    State("decorum-violation", GROUP, VIOLATION, _l("To pay or object to"), one),
    # TRANSLATORS: states gallery, a state of one violation: its bill issued, unpaid.
    State("decorum-violation-billed", GROUP, VIOLATION, _l("Bill to pay"),
          partial(one, bill=fine_bill())),
    # TRANSLATORS: states gallery, a state of one violation: a repeat, the fine doubled.
    State("decorum-violation-repeat", GROUP, VIOLATION, _l("A repeat: the fine doubled"),
          partial(one, violation(article="3", repeat=True))),
    State("decorum-objection-empty", GROUP, VIOLATION, EMPTY, partial(objection_form, {})),
    State("decorum-objection-broken", GROUP, VIOLATION, BROKEN,
          partial(objection_form, {"reason": "no"})),
    # TRANSLATORS: states gallery, a state of one violation: the objection period closed.
    State("decorum-objection-late", GROUP, VIOLATION, _l("Objection period closed"), late),
    # TRANSLATORS: states gallery, a state of one violation: paying refused while the
    # objection is open (409).
    State("decorum-pay-refused", GROUP, VIOLATION, _l("Paying while objecting (409)"),
          partial(refused, Refusal.OBJECTION_OPEN)),
    # TRANSLATORS: states gallery, a state of one violation: the objection sent, with its
    # files, waiting for the committee.
    State("decorum-objection-sent", GROUP, VIOLATION, _l("Objection sent, with its files"),
          objected),
    # TRANSLATORS: states gallery, a state of one violation: the committee accepted the
    # objection, the paid fine refunded.
    State("decorum-objection-accepted", GROUP, VIOLATION, _l("Objection accepted"), accepted),
    # TRANSLATORS: states gallery, a state of one violation: the committee rejected the
    # objection, with its reason.
    State("decorum-objection-rejected", GROUP, VIOLATION, _l("Objection rejected"), rejected),
    # TRANSLATORS: states gallery, a state of one violation: paid.
    State("decorum-violation-paid", GROUP, VIOLATION, _l("Paid"),
          partial(one, violation(status=D.PAID), bill=fine_bill(B.PAID))),
    State("staff-decorum-record", GROUP, RECORD, BLANK, record_page),
    State("staff-decorum-record-empty", GROUP, RECORD, EMPTY, partial(record_page, {})),
    State("staff-decorum-record-broken", GROUP, RECORD, BROKEN, partial(record_page, TYPED)),
    # TRANSLATORS: states gallery, a state of the officer's record form: the person's ID is
    # not in the civil registry.
    State("staff-decorum-record-unknown", GROUP, RECORD, _l("ID not in the civil registry"),
          partial(record_page, {"national_id": DEMO_IDS[0], "article": "10",
                                "place": "Riyadh Park mall", "day": "2026-11-24",
                                "time": "17:30"}, errors={"national_id":
                                                          "decorum_person_unknown"})),
    # TRANSLATORS: states gallery, a state of the officer's record form: a violation was
    # just recorded (a repeat, its fine doubled).
    State("staff-decorum-recorded", GROUP, RECORD, _l("Recorded"),
          partial(record_page, recorded=violation(repeat=True, days=0))),
    # TRANSLATORS: states gallery, a state of the officer's record form: the operator gave
    # the officer no city.
    State("staff-decorum-record-no-city", GROUP, RECORD, _l("No city set"),
          partial(record_page, city=False)),
    # TRANSLATORS: states gallery, a state of the objections committee's queue.
    State("staff-decorum-objections", GROUP, QUEUE, _l("Objections waiting"), queue),
    # TRANSLATORS: states gallery, a state of the objections committee's queue.
    State("staff-decorum-objections-empty", GROUP, QUEUE, _l("Nothing waiting"),
          partial(queue, False)),
    # TRANSLATORS: states gallery, a state of the objections committee's queue: after a
    # member rejected an objection.
    State("staff-decorum-objections-decided", GROUP, QUEUE, _l("After a rejection"),
          partial(queue, True, {"key": "staff_request_refused", "number": "6071829354"})),
    # TRANSLATORS: states gallery, a state of one objection: open, with the holder's files.
    State("staff-decorum-case", GROUP, CASE, _l("Open, with its files"), case),
    State("staff-decorum-case-empty", GROUP, CASE, EMPTY,
          partial(case, typed={"reason": ""})),
    # TRANSLATORS: states gallery, a state of one objection: decided already.
    State("staff-decorum-case-decided", GROUP, CASE, _l("Decided already"),
          partial(case, S.REFUSED)),
]
