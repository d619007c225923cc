"""Visas for Premium Residency holders: not a holder, residency expired, the form (with
requests in every state, none yet), sent empty (422), each refusal beside its field or
above the form (relation, passport, too many open, one already open), the review with the
fee (and the fee changed, 409), and one request billed, its bill expired, under review,
approved with its visa number, refused with the officer's reason, withdrawn; the Passports
officers' queue (with cases, empty) and one case (open, decided). From fixture data, never
stored."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.forms.common import ConfirmForm
from absher_web.forms.premium_visas import PremiumVisaConfirmForm, PremiumVisaForm
from absher_web.forms.staff import RefuseRequestForm
from absher_web.models import (
    BillStatus,
    PremiumKind,
    PremiumResidency,
    PremiumStatus,
    RequestStatus,
    ServiceRequest,
)
from absher_web.services import premium_visas as rules
from absher_web.services import requests, staff
from absher_web.services.premium_visas import Quote, Refusal, Refused, Relative
from absher_web.web import premium_visas as views
from absher_web.web import staff_queues
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, EMPTY, State, form_of, not_active
from absher_web.web.dev_states.requests import officer_page

# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Visas for Premium Residency holders")
TITLE = views.TITLE
# TRANSLATORS: The states gallery for testers (development only): a page's name.
QUEUE = _l("Passports requests")
# TRANSLATORS: The states gallery for testers (development only): a page's name: one
# request in the Passports officers' queue.
CASE = _l("A request in the Passports queue")
NOW = fx.NOW
FEE = 30000
S, B = RequestStatus, BillStatus
RELATIVE = Relative("mother", "فاطمة علي حسن", "Fatima Ali Hassan", "EGY", "A12345678",
                    "family_visit", "multiple", 90)


def residency(kind: PremiumKind = PremiumKind.PERMANENT,
              expires_on: date | None = None) -> PremiumResidency:
    return PremiumResidency(id=1, person_id=DEMO_IDS[2], certificate_number="PR-2025-000101",
                            kind=kind, issued_on=fx.TODAY - timedelta(days=400),
                            expires_on=expires_on, status=PremiumStatus.ACTIVE)


def asked(number: str, status: RequestStatus, relative: Relative = RELATIVE, days: int = 1,
          **values) -> ServiceRequest:
    details = {"relation": relative.relation, "name_ar": relative.name_ar,
               "name_en": relative.name_en, "nationality": relative.nationality,
               "passport": relative.passport, "purpose": relative.purpose,
               "entry": relative.entry, "days": relative.days, "fee": FEE,
               "certificate": "PR-2025-000101", **values.pop("details", {})}
    return ServiceRequest(id=int(number[:4]), number=number, service=rules.SERVICE,
                          request_key=f"{relative.nationality}:{relative.passport}",
                          account_id=1, beneficiary_id=DEMO_IDS[2], status=status,
                          office_city="الرياض", details=details, bill_id=9,
                          created_at=NOW - timedelta(days=days),
                          changed_at=NOW - timedelta(hours=2), **values)


def approved() -> ServiceRequest:
    return asked("6048271935", S.APPROVED, days=3,
                 details={"visa_number": "6012345674",
                          "visa_issued_on": (fx.TODAY - timedelta(days=1)).isoformat()})


def refused() -> ServiceRequest:
    return asked("6059382746", S.REFUSED, Relative(
        "son", "يوسف أحمد محمود", "Youssef Ahmed Mahmoud", "EGY", "A23456789", "tourism",
        "single", 30), days=6, reason=rules.NOT_ELIGIBLE,
        note="The passport expires before the end of the visit. Ask again with the renewed "
             "passport.")


def every_state() -> list[ServiceRequest]:
    return [
        asked("6037162841", S.SUBMITTED),
        asked("6026051738", S.UNDER_REVIEW, Relative(
            "brother", "محمد محمود سالم", "Mohamed Mahmoud Salem", "EGY", "A34567890",
            "occasion", "single", 14), reason=rules.AWAITING_DECISION),
        approved(), refused(),
        asked("6015940627", S.CANCELLED, Relative(
            "sister", "منى محمود سالم", "Mona Mahmoud Salem", "JOR", "N4567890",
            "family_visit", "single", 60), days=20),
    ]


def page(mode: str, status: int = 200, **context):
    return views.render_page(mode, status, now=NOW,
                             sign_out_form=ConfirmForm(formdata=None), **context)


def office(reason: Refusal, record: PremiumResidency | None = None):
    return page(views.Mode.OFFICE, refused=Refused(reason, record))


def form_page(found: list | None = None, typed: dict | None = None,
              refusal: Refused | None = None):
    form = form_of(PremiumVisaForm, typed)
    if refusal is not None:
        views.with_refusal(form, refusal)
    status = 422 if typed is not None else 200
    return page(views.Mode.FORM, status, form=form, refused=refusal,
                found=every_state() if found is None else found)


TYPED = {"relation": "mother", "name_ar": "فاطمة علي حسن", "name_en": "Fatima Ali Hassan",
         "nationality": "EGY", "passport": "A12345678", "purpose": "family_visit",
         "entry": "multiple", "days": "90"}


def refused_form(reason: Refusal, **typed):
    request = asked("6037162841", S.SUBMITTED) if reason is Refusal.ALREADY_OPEN else None
    return form_page([], {**TYPED, **typed}, Refused(reason, residency(), request))


def review(changed: bool = False):
    form = form_of(PremiumVisaConfirmForm, {**TYPED, "fee": str(FEE)})
    fee = FEE + 15000 if changed else FEE
    return page(views.Mode.REVIEW, 409 if changed else 200, form=form,
                quote=Quote(RELATIVE, residency(), fee),
                refused=Refused(Refusal.CHANGED, residency()) if changed else None)


def visa_bill(status: BillStatus = BillStatus.UNPAID, fulfilled: bool = True,
              expired: bool = False):
    made = fx.bill(9, rules.SERVICE, "6037162841", FEE, status, fulfilled,
                   beneficiary=DEMO_IDS[2], request="6037162841")
    if expired:
        made.expires_at = NOW - timedelta(hours=1)
    return made


def request_page(found: ServiceRequest, bill=None):  # noqa: ANN001
    return page(views.Mode.REQUEST, asked=found, bill=bill)


def case_of(found: ServiceRequest) -> staff_queues.Case:
    holder = fx.person()
    holder.national_id, holder.name_en = DEMO_IDS[2], "Ahmed Mahmoud Salem"
    holder.name_ar = "أحمد محمود سالم"
    return staff_queues.Case(found, requests.KINDS[found.service], holder)


def queue(cases: bool = True, notice: dict | None = None):
    waiting = [asked("6026051738", S.UNDER_REVIEW, reason=rules.AWAITING_DECISION),
               asked("6037162841", S.UNDER_REVIEW, reason=rules.AWAITING_DECISION,
                     days=0)] if cases else []
    return officer_page(staff_queues.render_queue, [case_of(r) for r in waiting], notice,
                        staff.PASSPORTS)


def case(status: RequestStatus = S.UNDER_REVIEW):
    return officer_page(staff_queues.render_case,
                        case_of(asked("6026051738", status, reason=rules.AWAITING_DECISION)),
                        RefuseRequestForm(formdata=None), role=staff.PASSPORTS)


STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: the
    # holder's record shows no Premium Residency.
    State("premium-visas-not-holder", GROUP, TITLE, _l("Not a Premium Residency holder"),
          partial(office, Refusal.NOT_HOLDER)),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: a limited
    # Premium Residency that expired.
    State("premium-visas-expired", GROUP, TITLE, _l("Premium Residency expired"),
          partial(office, Refusal.EXPIRED,
                  residency(PremiumKind.LIMITED, fx.TODAY - timedelta(days=30)))),
    State("premium-visas-not-active", GROUP, TITLE, _l("Account not activated"),
          partial(not_active, TITLE, views.EXPLANATION)),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: the form,
    # with requests in every state below it.
    State("premium-visas", GROUP, TITLE, _l("The form, requests in every state"), form_page,
          htmx=True),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: the form,
    # no request yet.
    State("premium-visas-first", GROUP, TITLE, BLANK, partial(form_page, [])),
    State("premium-visas-empty", GROUP, TITLE, EMPTY, partial(form_page, [], {}), htmx=True),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: a relation
    # the visa is not for (422).
    State("premium-visas-relation", GROUP, TITLE, _l("Relation not allowed (422)"),
          partial(refused_form, Refusal.RELATION, relation="cousin")),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: a passport
    # number not written as one (422).
    State("premium-visas-passport", GROUP, TITLE, _l("Passport number malformed (422)"),
          partial(refused_form, Refusal.PASSPORT_FORMAT, passport="12345678")),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: too many
    # requests open at once (422).
    State("premium-visas-too-many", GROUP, TITLE, _l("Too many open requests (422)"),
          partial(refused_form, Refusal.TOO_MANY_OPEN)),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: a request
    # for the same passport is open already (422).
    State("premium-visas-already-open", GROUP, TITLE, _l("Passport already asked for (422)"),
          partial(refused_form, Refusal.ALREADY_OPEN)),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: the review
    # with the fee, before confirming.
    State("premium-visas-review", GROUP, TITLE, _l("Review with the fee"), review, htmx=True),
    # TRANSLATORS: states gallery, a state of Visas for Premium Residency holders: the fee
    # changed between the review and the confirmation (409).
    State("premium-visas-review-changed", GROUP, TITLE, _l("Fee changed (409)"),
          partial(review, True)),
    # TRANSLATORS: states gallery, a state of a visit visa request: its bill waits.
    State("premium-visa-billed", GROUP, TITLE, _l("Bill to pay"),
          lambda: request_page(asked("6037162841", S.SUBMITTED), visa_bill())),
    # TRANSLATORS: states gallery, a state of a visit visa request: its bill expired.
    State("premium-visa-bill-expired", GROUP, TITLE, _l("Bill expired"),
          lambda: request_page(asked("6037162841", S.SUBMITTED), visa_bill(expired=True))),
    # TRANSLATORS: states gallery, a state of a visit visa request: paid, with an officer.
    State("premium-visa-under-review", GROUP, TITLE, _l("Paid, with an officer"),
          lambda: request_page(asked("6026051738", S.UNDER_REVIEW,
                                     reason=rules.AWAITING_DECISION), visa_bill(B.PAID))),
    # TRANSLATORS: states gallery, a state of a visit visa request: approved, the visa
    # number shown.
    State("premium-visa-approved", GROUP, TITLE, _l("Approved, with the visa number"),
          lambda: request_page(approved(), visa_bill(B.PAID))),
    # TRANSLATORS: states gallery, a state of a visit visa request: refused with the
    # officer's reason, the fee refunded.
    State("premium-visa-refused", GROUP, TITLE, _l("Refused, with the reason"),
          lambda: request_page(refused(), visa_bill(B.REFUNDED))),
    # TRANSLATORS: states gallery, a state of a visit visa request: withdrawn by the holder.
    State("premium-visa-withdrawn", GROUP, TITLE, _l("Withdrawn"),
          lambda: request_page(asked("6015940627", S.CANCELLED), visa_bill(B.CANCELLED))),
    # TRANSLATORS: states gallery, a state of the Passports queue: requests wait.
    State("staff-passports-requests", GROUP, QUEUE, _l("Requests waiting"), queue),
    # TRANSLATORS: states gallery, a state of the Passports queue: nothing waits.
    State("staff-passports-requests-empty", GROUP, QUEUE, _l("Nothing waiting"),
          partial(queue, False)),
    State("staff-passports-requests-approved", GROUP, QUEUE, _l("After an approval"),
          partial(queue, True, {"key": "staff_request_approved", "number": "6048271935"})),
    State("staff-passports-case", GROUP, CASE, BLANK, case),
    # TRANSLATORS: states gallery, a state of a request in the Passports queue: decided
    # already.
    State("staff-passports-case-decided", GROUP, CASE, _l("Decided already"),
          partial(case, S.APPROVED)),
]
