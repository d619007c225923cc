"""Tahseen (خدمة تحسين): the form that sends a complaint, a question or a suggestion to Civil
Affairs, My tickets (each with its state and answer), one ticket's page (withdraw while it
is open). A visitor not signed in reads what the service is and signs in. Another holder's
ticket number answers 404, like one that does not exist. The rules are in
services/tahseen.py."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.tahseen import TahseenForm
from absher_web.models import TahseenTicket, TicketKind, TicketStatus, utcnow
from absher_web.services import tahseen
from absher_web.web.files import takes_files
from absher_web.web.guards import signed_in_only

bp = Blueprint("tahseen", __name__, url_prefix="/<lang_code>/account/tahseen")

TITLE = tahseen.TITLE
# TRANSLATORS: The page listing the holder's Tahseen tickets: its heading and title.
TICKETS_TITLE = _l("My tickets")
NOTICE_KEY = "tahseen_notice"  # what the last send or withdrawal did: a key and a number
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's list of recent security activity: the holder
    # sent a Tahseen ticket (complaint, question or suggestion) to Civil Affairs.
    tahseen.AUDIT_SENT: _l("Tahseen ticket sent"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    tahseen.AUDIT_ANSWERED: _l("Tahseen ticket answered"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    tahseen.AUDIT_CLOSED: _l("Tahseen ticket closed by Civil Affairs"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    tahseen.AUDIT_WITHDRAWN: _l("Tahseen ticket withdrawn"),
}


def open_max() -> int:
    return current_app.config["TAHSEEN_OPEN_MAX"]


def render_signed_out():
    return render_template("public/tahseen.html", title=TITLE)


def render_form(form: TahseenForm | None = None, status: int = 200,
                too_many: tahseen.TooMany | None = None, **context):
    return render_template("account/tahseen.html", title=TITLE,
                           form=form or TahseenForm(formdata=None), too_many=too_many,
                           open_max=open_max(), text_max=tahseen.TEXT_MAX,
                           page_has_errors=status >= 400, **context), status


def render_tickets(found: list[TahseenTicket], **context):
    return render_template("account/tahseen_tickets.html", title=TICKETS_TITLE, found=found,
                           names=_names(), **context)


def render_ticket(ticket: TahseenTicket, notice: dict | None = None, **context):
    if "attachments" not in context:  # the states gallery gives its own
        context["attachments"] = tahseen.attachments(db.session, ticket)
    return render_template("account/tahseen_ticket.html", title=TICKETS_TITLE, ticket=ticket,
                           notice=notice, names=_names(), form=ConfirmForm(formdata=None),
                           may_withdraw=ticket.status is TicketStatus.OPEN, **context)


def _names() -> dict:
    return {"kinds": tahseen.KIND_NAMES, "topics": tahseen.TOPICS,
            "states": tahseen.STATUS_NAMES}


@bp.route("", methods=["GET", "POST"])
@takes_files
def page():
    if not current_user.is_authenticated:
        return render_signed_out()
    return _form()


@signed_in_only
def _form():
    form = TahseenForm()
    if not form.is_submitted():
        return render_form(form)
    if not form.validate_on_submit():
        return render_form(form, 422)
    sent = tahseen.send(db.session, current_user.account, kind=TicketKind(form.kind.data),
                        topic=form.topic.data, text=form.text.data, open_max=open_max(),
                        now=utcnow(), attached=form.attachment.uploads,
                        client_address=client_address())
    if isinstance(sent, tahseen.TooMany):
        return render_form(form, 409, too_many=sent)
    session[NOTICE_KEY] = {"key": "sent", "number": sent.number}
    return redirect(url_for(".ticket", number=sent.number), 303)


@bp.get("/tickets")
@signed_in_only
def tickets():
    return render_tickets(tahseen.of_holder(db.session, current_user.account))


def _own(number: str) -> TahseenTicket:
    found = tahseen.of_holder_by_number(db.session, current_user.account, number)
    if found is None:
        abort(404)
    return found


@bp.get("/tickets/<number>")
@signed_in_only
def ticket(number: str):
    return render_ticket(_own(number), session.pop(NOTICE_KEY, None))


@bp.post("/tickets/<number>/withdraw")
@signed_in_only
def withdraw(number: str) -> Response:
    found = _own(number)
    if ConfirmForm().validate_on_submit():
        made = tahseen.withdraw(db.session, found, current_user.account, utcnow(),
                                client_address())
        session[NOTICE_KEY] = {"key": "withdrawn" if made else "already",
                               "number": found.number}
    return redirect(url_for(".ticket", number=found.number), 303)
