"""The Tahseen queue of the officer console (/staff/tahseen): the open tickets of the Civil
Affairs officer's city, oldest first; one ticket with the answer form (answer it, or close
it saying why). Each answer is a move of the ticket (services/tahseen.answer): made once
however many officers press at once, audited with the officer, texted to the holder after
the commit. An officer without the civil_affairs role gets 403, and so does one who opens a
ticket of another city.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from absher_web.extensions import client_address, db
from absher_web.forms.tahseen import CLOSE, AnswerForm
from absher_web.models import TahseenTicket, TicketStatus, utcnow
from absher_web.replica import reads_may_lag
from absher_web.services import requests, staff, tahseen
from absher_web.web.staff import signed_in_officer
from absher_web.web.staff_queues import officers_of

bp = Blueprint("staff_tahseen", __name__, url_prefix="/<lang_code>/staff/tahseen")

# TRANSLATORS: A link in the officer console's menu, and the title of its page: the Tahseen
# tickets (complaints, questions, suggestions) waiting for a Civil Affairs officer's answer.
TITLE = _l("Tahseen tickets")
NOTICE_KEY = "staff_tahseen_notice"  # what the last answer did: a message key and a number

officers_of(bp, staff.CIVIL_AFFAIRS)


def render_queue(found: list[TahseenTicket], waiting: int, notice: dict | None = None,
                 **context):
    return render_template("staff/tahseen.html", title=TITLE, found=found, waiting=waiting,
                           waiting_max=requests.QUEUE_COUNTED_MAX, notice=notice,
                           names=_names(), **context)


def render_ticket(ticket: TahseenTicket, form: AnswerForm | None = None, status: int = 200,
                  **context):
    if "person" not in context:  # the states gallery gives its own, from no database
        context["person"] = ticket.account.person
        context["answered_by"] = tahseen.officer_of(db.session, ticket)
        context["attachments"] = tahseen.attachments(db.session, ticket)
    return render_template("staff/tahseen_ticket.html", title=TITLE, ticket=ticket,
                           form=form or AnswerForm(formdata=None), names=_names(),
                           open=ticket.status is TicketStatus.OPEN, text_max=tahseen.TEXT_MAX,
                           page_has_errors=status >= 400, **context), status


def _names() -> dict:
    return {"kinds": tahseen.KIND_NAMES, "topics": tahseen.TOPICS,
            "states": tahseen.STATUS_NAMES}


@bp.get("")
@reads_may_lag
def queue():
    city = signed_in_officer().city
    found = tahseen.waiting(db.session, city) if city else []
    waiting = tahseen.waiting_count(db.session, city) \
        if len(found) >= tahseen.QUEUE_SHOWN else len(found)
    return render_queue(found, waiting, session.pop(NOTICE_KEY, None))


def _ticket(number: str) -> TahseenTicket:
    """The ticket of that number if this officer answers it: 404 for none, 403 for one of
    another city."""
    found = tahseen.by_number(db.session, number)
    if found is None:
        abort(404)
    if not tahseen.may_answer(signed_in_officer(), found):
        abort(403)
    return found


@bp.get("/<number>")
def ticket(number: str):
    return render_ticket(_ticket(number))


@bp.post("/<number>/answer")
def answer(number: str) -> Response:
    found = _ticket(number)
    form = AnswerForm()
    if not form.validate_on_submit():
        return render_ticket(found, form, 422)
    now = utcnow()
    made = tahseen.answer(db.session, found, signed_in_officer(), form.text.data, now,
                          close=form.outcome.data == CLOSE, client_address=client_address())
    requests.commit_and_tell(db.session, now)
    key = ("closed" if form.outcome.data == CLOSE else "answered") if made else "already"
    session[NOTICE_KEY] = {"key": key, "number": found.number}
    return redirect(url_for(".queue"), 303)
