"""Requests with a state: My requests (every state, none yet, after a withdrawal), the
withdrawal's confirmation, and the Civil Affairs officers' queue (with cases, empty, after
a decision, without a city) and one case (open, its refusal sent empty or too long,
decided already). From fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.common import ConfirmForm
from absher_web.forms.staff import RefuseRequestForm
from absher_web.models import RequestStatus, ServiceRequest
from absher_web.services import family_records as rules
from absher_web.services import requests
from absher_web.web import my_requests, staff_queues
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, EMPTY, State, form_of
from absher_web.web.dev_states.family_records import mother

S = RequestStatus
# TRANSLATORS: The states gallery for testers (development only): a group of pages.
GROUP = _l("Requests")
# TRANSLATORS: The states gallery for testers (development only): a page's name.
QUEUE = _l("Civil Affairs requests")
# TRANSLATORS: The states gallery for testers (development only): a page's name: one
# request in the Civil Affairs officers' queue.
CASE = _l("A request in the Civil Affairs queue")
# TRANSLATORS: The states gallery for testers (development only): a page's name.
WITHDRAW = _l("Withdraw the request?")


def asked(number: str, status: RequestStatus, service: str = rules.MOTHER_SERVICE,
          days: int = 1, **values) -> ServiceRequest:
    return ServiceRequest(id=int(number[:4]), number=number, service=service, status=status,
                          beneficiary_id=mother().national_id, office_city="الرياض",
                          created_at=fx.NOW - timedelta(days=days),
                          changed_at=fx.NOW - timedelta(days=days - 1 if days > 1 else 0),
                          **values)


def every_state() -> list[ServiceRequest]:
    return [
        asked("5028471937", S.UNDER_REVIEW, reason=rules.CUSTODY_UNRECORDED,
              details={"children": ["1050201407", "1050201704"]}),
        asked("4017293842", S.SUBMITTED, rules.MARRIAGE_SERVICE, days=2),
        asked("3091827465", S.REFUSED, days=20, reason=rules.NOT_ELIGIBLE,
              note="The custody deed you showed names another child. Bring the court's deed "
                   "for Reem and Khalid."),
        asked("2084736152", S.APPROVED, rules.MARRIAGE_SERVICE, days=40),
        asked("1073625148", S.DELIVERED, days=60),
        asked("6062514739", S.CANCELLED, days=90),
    ]


def holder_page(render, *args, **kwargs):
    return render(*args, sign_out_form=ConfirmForm(formdata=None), **kwargs)


def my_list(found=None, notice=None):
    return holder_page(my_requests.render_list, every_state() if found is None else found,
                       notice)


def withdraw_page():
    return holder_page(my_requests.render_cancel, every_state()[0])


def officer_page(render, *args, **kwargs):
    return render(*args, officer=kwargs.pop("officer", None) or fx.officer(),
                  staff_sign_out_form=ConfirmForm(formdata=None), **kwargs)


def case_of(found: ServiceRequest) -> staff_queues.Case:
    return staff_queues.Case(found, requests.KINDS[found.service], mother())


def queue(cases=True, notice=None, city=True):
    officer = fx.officer()
    if not city:
        officer.city = None
    waiting = [asked("5028471937", S.UNDER_REVIEW, reason=rules.CUSTODY_UNRECORDED,
                     details={"children": ["1050201407", "1050201704"]}),
               asked("5039182746", S.UNDER_REVIEW, reason=rules.CUSTODY_UNRECORDED, days=0,
                     details={"children": ["1050201605"]})] if cases and city else []
    return officer_page(staff_queues.render_queue, [case_of(r) for r in waiting], notice,
                        officer=officer)


def case(status=S.UNDER_REVIEW, typed=None):
    found = asked("5028471937", status, reason=rules.CUSTODY_UNRECORDED,
                  details={"children": ["1050201407", "1050201704"]})
    form = form_of(RefuseRequestForm, typed)
    return officer_page(staff_queues.render_case, case_of(found), form,
                        422 if form.errors else 200)


STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of My requests: one request in every state.
    State("my-requests", GROUP, my_requests.TITLE, _l("A request in every state"), my_list),
    # TRANSLATORS: states gallery, a state of My requests: the holder has none.
    State("my-requests-none", GROUP, my_requests.TITLE, _l("No request yet"),
          partial(my_list, [])),
    # TRANSLATORS: states gallery, a state of My requests: just after a withdrawal.
    State("my-requests-withdrawn", GROUP, my_requests.TITLE, _l("After a withdrawal"),
          partial(my_list, None, {"key": "request_withdrawn", "number": "5028471937"})),
    # TRANSLATORS: states gallery, a state of My requests: the request was decided before
    # the holder's withdrawal.
    State("my-requests-not-open", GROUP, my_requests.TITLE, _l("Decided before the withdrawal"),
          partial(my_list, None, {"key": "request_not_open", "number": "5028471937"})),
    State("my-requests-withdraw", GROUP, WITHDRAW, BLANK, withdraw_page),
    # TRANSLATORS: states gallery, a state of the Civil Affairs queue: requests wait.
    State("staff-civil-affairs", GROUP, QUEUE, _l("Requests waiting"), queue),
    # TRANSLATORS: states gallery, a state of the Civil Affairs queue: nothing waits.
    State("staff-civil-affairs-empty", GROUP, QUEUE, _l("Nothing waiting"),
          partial(queue, False)),
    # TRANSLATORS: states gallery, a state of the Civil Affairs queue: the officer's account
    # has no city.
    State("staff-civil-affairs-no-city", GROUP, QUEUE, _l("No city set for the officer"),
          partial(queue, city=False)),
    # TRANSLATORS: states gallery, a state of the Civil Affairs queue: just after an approval.
    State("staff-civil-affairs-approved", GROUP, QUEUE, _l("After an approval"),
          partial(queue, True, {"key": "staff_request_approved", "number": "5039182746"})),
    # TRANSLATORS: states gallery, a state of the Civil Affairs queue: just after a refusal.
    State("staff-civil-affairs-refused", GROUP, QUEUE, _l("After a refusal"),
          partial(queue, True, {"key": "staff_request_refused", "number": "5039182746"})),
    # TRANSLATORS: states gallery, a state of the Civil Affairs queue: another officer
    # decided the request first.
    State("staff-civil-affairs-already", GROUP, QUEUE, _l("Decided by another officer first"),
          partial(queue, True, {"key": "staff_request_already_decided",
                                "number": "5039182746"})),
    State("staff-civil-affairs-case", GROUP, CASE, BLANK, case),
    # TRANSLATORS: states gallery, a state of a request in the Civil Affairs queue: refused
    # without a reason (422).
    State("staff-civil-affairs-case-empty", GROUP, CASE, EMPTY,
          partial(case, S.UNDER_REVIEW, {"reason": ""})),
    # TRANSLATORS: states gallery, a state of a request in the Civil Affairs queue: the
    # reason for a refusal is too long (422).
    State("staff-civil-affairs-case-too-long", GROUP, CASE, _l("Reason too long"),
          partial(case, S.UNDER_REVIEW, {"reason": "x" * 501})),
    # TRANSLATORS: states gallery, a state of a request in the Civil Affairs queue: decided
    # already.
    State("staff-civil-affairs-case-decided", GROUP, CASE, _l("Decided already"),
          partial(case, S.APPROVED)),
]
