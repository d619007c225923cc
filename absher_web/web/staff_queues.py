"""The decision queues of the officer console, one for each role whose requests wait for an
officer (QUEUES): Civil Affairs (/staff/civil-affairs: a mother's custody not recorded, a
first name outside the list) and Passports (/staff/passports/requests: a Premium Residency
holder's visit visa). Each shows the requests of the role's Kinds for the officer's city,
oldest first; an officer opens one and approves it, or refuses it with a reason.

Behind the one officer sign-in (web/staff.py): an officer without the queue's role gets
403 there, and so does one who opens a request of another city or role. Each decision is a move
of the request (services/requests.decide): made once however many officers press at once,
audited with the officer and the holder, and texted to the holder after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from absher_web import dates
from absher_web.agencies import civil_registry
from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.staff import LookReasonForm, RefuseRequestForm
from absher_web.models import Person, RequestStatus, ServiceRequest, StaffUser, utcnow
from absher_web.replica import reads_may_lag
from absher_web.services import requests, staff, staff_looks
from absher_web.web.staff import officer_signed_in_at, signed_in_officer

bp = Blueprint("staff_queues", __name__, url_prefix="/<lang_code>/staff")

# Each role's queue: its place under /<lang>/staff, and its title (heading, menu link).
QUEUES = {
    staff.CIVIL_AFFAIRS: ("civil-affairs",
                          # TRANSLATORS: A link in the officer console's menu, and the title
                          # of its page: the Civil Affairs requests waiting for an officer's
                          # decision.
                          _l("Civil Affairs requests")),
    staff.PASSPORTS: ("passports/requests",
                      # TRANSLATORS: A link in the officer console's menu, and the title of its
                      # page: the Passports requests (visit visas of Premium Residency
                      # holders) waiting for an officer's decision.
                      _l("Passports requests")),
    # TRANSLATORS: A link in the officer console's menu, and the title of its page: the
    # objections to public decorum violations waiting for the objections committee.
    staff.OBJECTIONS_COMMITTEE: ("decorum-objections",
                                _l("Objections to decorum violations")),
}



@dataclass(frozen=True)
class DecisionWords:
    """How a queue's case page names the two decisions: a request is approved or refused,
    an objection accepted or rejected."""

    approve_heading: object
    approve_hint: object
    approve_button: object
    refuse_heading: object
    refuse_button: object


REQUEST_WORDS = DecisionWords(
    # TRANSLATORS: A heading on one request of an officer's queue.
    _l("Approve"),
    # TRANSLATORS: On one request of an officer's queue, above the Approve button.
    _l("Approve once the holder's documents show what the rules could not check. The service "
       "then does what was asked, and the holder is told by SMS."),
    # TRANSLATORS: The button that approves a request, in an officer's queue.
    _l("Approve the request"),
    # TRANSLATORS: A heading on one request of an officer's queue.
    _l("Refuse"),
    # TRANSLATORS: The button that refuses a request, in an officer's queue.
    _l("Refuse the request"))
# Each queue whose decisions have names of their own; any other uses REQUEST_WORDS.
DECISION_WORDS = {
    staff.OBJECTIONS_COMMITTEE: DecisionWords(
        # TRANSLATORS: A heading on one objection to a public decorum violation, in the
        # objections committee's queue.
        _l("Accept the objection"),
        # TRANSLATORS: Above the button that accepts an objection to a public decorum
        # violation.
        _l("Accepting cancels the violation: its fine is cancelled, or refunded if it was "
           "paid. The holder is told by SMS."),
        # TRANSLATORS: The button that accepts an objection to a public decorum violation.
        _l("Accept the objection"),
        # TRANSLATORS: A heading on one objection to a public decorum violation.
        _l("Reject the objection"),
        # TRANSLATORS: The button that rejects an objection to a public decorum violation;
        # the fine must then be paid.
        _l("Reject the objection")),
}

NOTICE_KEY = "staff_queue_notice"  # what the last decision did: a message key and a number


@dataclass(frozen=True)
class Case:
    """A request as the officer sees it: its service, its beneficiary, its details."""

    request: ServiceRequest
    kind: requests.Kind
    person: Person | None

    @property
    def reason(self) -> str:
        return self.kind.reason_text(self.request.reason)

    @property
    def details(self) -> list[tuple[object, str]]:
        """The details the Kind labels: a list joined by the page language's comma, a date
        (a key ending in _date) in Gregorian and Hijri."""
        values = self.request.details or {}
        comma = "، " if str(get_locale()) == "ar" else ", "
        words = self.kind.detail_values
        return [(label, str(words[key].get(value, value)) if key in words
                 else _shown(key, value, comma))
                for key, label in self.kind.detail_labels.items()
                if (value := values.get(key))]


def _shown(key: str, value: object, comma: str) -> str:
    if isinstance(value, list):
        return comma.join(map(str, value))
    if key.endswith("_date") and isinstance(value, str):
        try:
            return dates.both(date.fromisoformat(value))
        except ValueError:
            pass
    return str(value)


def cases_of(found: list[ServiceRequest]) -> list[Case]:
    people = civil_registry.stored_people(db.session, [r.beneficiary_id for r in found])
    return [Case(r, requests.KINDS[r.service], people.get(r.beneficiary_id)) for r in found]


def officers_of(blueprint: Blueprint, role: str,
                by_endpoint: Mapping[str, str] | None = None) -> None:
    """A queue of the console for one role's officers: the sign-in page for anyone not
    signed in as an officer, 403 for an officer without the role, never cached.
    ``by_endpoint`` names the pages of the blueprint that belong to another role."""

    @blueprint.before_request
    def role_only() -> Response | None:
        officer = signed_in_officer()
        if officer is None:
            return redirect(url_for("staff.sign_in"), 303)
        if not staff.has_role(officer, (by_endpoint or {}).get(request.endpoint, role)):
            abort(403)
        return None

    @blueprint.after_request
    def never_cached(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"  # someone else's personal data
        return response




@bp.before_request
def queue_officers_only() -> Response | None:
    officer = signed_in_officer()
    if officer is None:
        return redirect(url_for("staff.sign_in"), 303)
    if not staff.has_role(officer, _role()):
        abort(403)
    return None


def _role() -> str:
    """The role of the queue this request is for (a default of its URL rule)."""
    return (request.view_args or {}).get("role", staff.CIVIL_AFFAIRS)


@bp.url_defaults
def same_queue(_endpoint: str, values: dict) -> None:
    """Links between a queue's pages stay in that queue."""
    if "role" not in values and request and request.blueprint == bp.name:
        values["role"] = _role()


@bp.app_context_processor
def queues_context() -> dict:
    """The officer console's menu links each queue of the officer's roles."""
    return {"staff_queues": QUEUES}


@bp.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # someone else's personal data
    return response


def render_queue(cases: list[Case], notice: dict | None = None,
                 role: str = staff.CIVIL_AFFAIRS, **context):
    return render_template("staff/civil_affairs.html", cases=cases, notice=notice, role=role,
                           queue_title=QUEUES[role][1], **context)


def render_case(case: Case, refuse_form: RefuseRequestForm | None = None, status: int = 200,
                role: str = staff.CIVIL_AFFAIRS, **context):
    return render_template(
        "staff/civil_affairs_request.html", case=case, role=role,
        queue_title=QUEUES[role][1],
        words=DECISION_WORDS.get(role, REQUEST_WORDS), approve_form=ConfirmForm(formdata=None),
        refuse_form=refuse_form or RefuseRequestForm(formdata=None),
        open=case.request.status is RequestStatus.UNDER_REVIEW,
        page_has_errors=status >= 400, **context), status


def render_look_reason(case: Case, form: LookReasonForm, status: int = 200,
                       role: str = staff.CIVIL_AFFAIRS, **context):
    """The question asked before a request is shown: why the officer opens it."""
    return render_template("staff/look_reason.html", case=case, form=form, role=role,
                           queue_title=QUEUES[role][1], page_has_errors=status >= 400,
                           **context), status


@reads_may_lag
def queue(role: str):
    officer = signed_in_officer()
    services = requests.services_of_role(role)
    found = requests.awaiting_officer(db.session, services, officer.city,
                                      requests.QUEUE_SHOWN) if officer.city else []
    waiting = requests.awaiting_count(db.session, services, officer.city) \
        if len(found) >= requests.QUEUE_SHOWN else len(found)
    return render_queue(cases_of(found), session.pop(NOTICE_KEY, None), role,
                        waiting=waiting, waiting_max=requests.QUEUE_COUNTED_MAX)


def _case(number: str, role: str) -> Case:
    """The request of that number, if this officer decides it in this queue: 404 for none
    (or one of another queue's role), 403 for one of another role or city."""
    found = requests.by_number(db.session, number)
    if found is None or found.service not in requests.KINDS:
        abort(404)
    if not requests.may_decide(signed_in_officer(), found):
        abort(403)
    if requests.KINDS[found.service].role != role:
        abort(404)
    return cases_of([found])[0]


# What a queue's case page adds once an officer of that role opened a case (the files sent
# with it): role -> function(case, officer) -> context.
CASE_OPENED: dict[str, Callable[[Case, StaffUser], dict]] = {}


def case(number: str, role: str):
    """The request, once the officer said why they open it (a look at the beneficiary's
    record, staff_looks): asked the first time in each officer session."""
    found = _case(number, role)
    if request.method == "GET" and opened(found):
        adds = CASE_OPENED.get(role)
        return render_case(found, role=role,
                           **(adds(found, signed_in_officer()) if adds else {}))
    form = LookReasonForm()
    if not form.validate_on_submit():
        return render_look_reason(found, form, 422 if form.errors else 200, role=role)
    staff_looks.record(db.session, staff=signed_in_officer(),
                       person_national_id=found.request.beneficiary_id,
                       reason=staff_looks.reason_of(form), now=utcnow(), role=role)
    db.session.commit()
    return redirect(url_for(".case", number=number), 303)


def opened(found: Case) -> bool:
    """Whether this officer gave a reason to open the beneficiary's record in this session."""
    return staff_looks.looked_since(db.session, signed_in_officer(),
                                    found.request.beneficiary_id, officer_signed_in_at())


def approve(number: str, role: str) -> Response:
    found = _case(number, role)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".case", number=number), 303)
    return _decided(found, approve=True)


def refuse(number: str, role: str):
    found = _case(number, role)
    form = RefuseRequestForm()
    if not form.validate_on_submit():
        if not opened(found):  # the record was never opened in this session
            return redirect(url_for(".case", number=number), 303)
        return render_case(found, form, 422, role=role)
    return _decided(found, approve=False, note=form.reason.data)


for _role_name, (_path, _title) in QUEUES.items():
    _defaults = {"role": _role_name}
    bp.add_url_rule(f"/{_path}", "queue", queue, defaults=_defaults, methods=["GET"])
    bp.add_url_rule(f"/{_path}/<number>", "case", case, defaults=_defaults,
                    methods=["GET", "POST"])
    bp.add_url_rule(f"/{_path}/<number>/approve", "approve", approve, defaults=_defaults,
                    methods=["POST"])
    bp.add_url_rule(f"/{_path}/<number>/refuse", "refuse", refuse, defaults=_defaults,
                    methods=["POST"])


def _decided(found: Case, approve: bool, note: str | None = None) -> Response:
    now = utcnow()
    made = requests.decide(db.session, found.request, approve, signed_in_officer(), now,
                           note=note, client_address=client_address())
    requests.commit_and_tell(db.session, now)
    key = ("staff_request_approved" if approve else "staff_request_refused") if made \
        else "staff_request_already_decided"
    session[NOTICE_KEY] = {"key": key, "number": found.request.number}
    return redirect(url_for(".queue"), 303)
