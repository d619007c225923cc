"""The Passports queue of the officer console: the paid passport requests of the officer's
office (its city) to print, and the printed ones to hand over, oldest first. "Printed" and
"Delivered" are moves of the request (services/passports.py): made once however many
officers press at once, audited with the officer, texted to the holder after the commit.

A request for collection is the office's of the city chosen; one by post, the office of the
city of the person's national address, which hands it to Saudi Post and marks it delivered
once the post reports it received. An officer without the passports role gets 403, and so
does one who acts on another city's request.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.models import ServiceRequest, utcnow
from absher_web.replica import reads_may_lag
from absher_web.services import passports, requests, staff
from absher_web.web.staff import signed_in_officer
from absher_web.web.staff_queues import Case, cases_of, officers_of

bp = Blueprint("staff_passports", __name__, url_prefix="/<lang_code>/staff/passports")

NOTICE_KEY = "staff_passports_notice"  # what the last move did: a message key and a number


officers_of(bp, staff.PASSPORTS)


def render_queue(to_print: list[Case], to_hand_over: list[Case], notice: dict | None = None,
                 **context):
    return render_template("staff/passports.html", to_print=to_print,
                           to_hand_over=to_hand_over, notice=notice,
                           form=ConfirmForm(formdata=None), **context)


@bp.get("")
@reads_may_lag
def queue():
    to_print, to_hand_over = passports.queue_of(db.session, signed_in_officer())
    cases = cases_of(to_print + to_hand_over)  # everyone's name in one query
    return render_queue(cases[:len(to_print)], cases[len(to_print):],
                        session.pop(NOTICE_KEY, None))


def _request(number: str) -> ServiceRequest:
    found = requests.by_number(db.session, number)
    if found is None or found.service != passports.SERVICE:
        abort(404)
    if not requests.may_decide(signed_in_officer(), found):
        abort(403)
    return found


def _moved(number: str, move, done_key: str) -> Response:  # noqa: ANN001 (a service move)
    found = _request(number)
    if ConfirmForm().validate_on_submit():
        now = utcnow()
        made = move(db.session, found, signed_in_officer(), now, client_address())
        requests.commit_and_tell(db.session, now)
        session[NOTICE_KEY] = {"key": done_key if made else "staff_passport_already",
                               "number": found.number}
    return redirect(url_for(".queue"), 303)


@bp.post("/<number>/printed")
def printed(number: str) -> Response:
    return _moved(number, passports.mark_printed, "staff_passport_printed")


@bp.post("/<number>/delivered")
def delivered(number: str) -> Response:
    return _moved(number, passports.mark_delivered, "staff_passport_delivered")
