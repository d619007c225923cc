"""The Civil Affairs queue of the officer console: the requests the rules could not decide
(a mother's custody not recorded, a first name outside the list), for the officer's city,
oldest first; an officer opens one and approves it, or refuses it with a reason.

Behind the one officer sign-in (web/staff.py): an officer without the civil_affairs role
gets 403 here, and so does one who opens another city's request. Each decision is a move
of the request (services/requests.decide): made once however many officers press at once,
audited with the officer and the holder, and texted to the holder after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from absher_web import dates
from absher_web.agencies import civil_registry
from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.staff import RefuseRequestForm
from absher_web.models import Person, RequestStatus, ServiceRequest, utcnow
from absher_web.services import requests, staff
from absher_web.web.staff import signed_in_officer

bp = Blueprint("staff_queues", __name__, url_prefix="/<lang_code>/staff/civil-affairs")

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
        return [(label, _shown(key, value, comma))
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


def officers_of(blueprint: Blueprint, role: str) -> None:
    """A queue of the console for one role's officers: the sign-in page for anyone not
    signed in as an officer, 403 for an officer without the role, never cached."""

    @blueprint.before_request
    def role_only() -> Response | None:
        officer = signed_in_officer()
        if officer is None:
            return redirect(url_for("staff.sign_in"), 303)
        if not staff.has_role(officer, role):
            abort(403)
        return None

    @blueprint.after_request
    def never_cached(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"  # someone else's personal data
        return response


officers_of(bp, staff.CIVIL_AFFAIRS)


def render_queue(cases: list[Case], notice: dict | None = None, **context):
    return render_template("staff/civil_affairs.html", cases=cases, notice=notice, **context)


def render_case(case: Case, refuse_form: RefuseRequestForm | None = None, status: int = 200,
                **context):
    return render_template(
        "staff/civil_affairs_request.html", case=case, approve_form=ConfirmForm(formdata=None),
        refuse_form=refuse_form or RefuseRequestForm(formdata=None),
        open=case.request.status is RequestStatus.UNDER_REVIEW,
        page_has_errors=status >= 400, **context), status


@bp.get("")
def queue():
    officer = signed_in_officer()
    services = requests.services_of_role(staff.CIVIL_AFFAIRS)
    found = requests.awaiting_officer(db.session, services, officer.city,
                                      requests.QUEUE_SHOWN) if officer.city else []
    waiting = requests.awaiting_count(db.session, services, officer.city) \
        if len(found) >= requests.QUEUE_SHOWN else len(found)
    return render_queue(cases_of(found), session.pop(NOTICE_KEY, None), waiting=waiting)


def _case(number: str) -> Case:
    """The request of that number, if this officer decides it: 404 for none, 403 for one
    of another role or city."""
    found = requests.by_number(db.session, number)
    if found is None or found.service not in requests.KINDS:
        abort(404)
    if not requests.may_decide(signed_in_officer(), found):
        abort(403)
    return cases_of([found])[0]


@bp.get("/<number>")
def case(number: str):
    return render_case(_case(number))


@bp.post("/<number>/approve")
def approve(number: str) -> Response:
    found = _case(number)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".case", number=number), 303)
    return _decided(found, approve=True)


@bp.post("/<number>/refuse")
def refuse(number: str):
    found = _case(number)
    form = RefuseRequestForm()
    if not form.validate_on_submit():
        return render_case(found, form, 422)
    return _decided(found, approve=False, note=form.reason.data)


def _decided(found: Case, approve: bool, note: str | None = None) -> Response:
    now = utcnow()
    made = requests.decide(db.session, found.request, approve, signed_in_officer(), now,
                           note=note, client_address=client_address())
    requests.commit_and_tell(db.session, now)
    key = ("staff_request_approved" if approve else "staff_request_refused") if made \
        else "staff_request_already_decided"
    session[NOTICE_KEY] = {"key": key, "number": found.request.number}
    return redirect(url_for(".queue"), 303)
