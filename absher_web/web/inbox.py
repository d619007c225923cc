"""The holder's inbox (services/inbox.py): the list, one message, "mark all as read", and the
unread count in the header of every signed-in page.

Opening a message (GET) marks it read: that is what "read" means to the holder, it works
without JavaScript, and it is safe as a GET: the update only sets ``read_at`` while it is
empty (repeating it changes nothing), touches only the signed-in holder's own message,
and its address holds a random id that another site cannot guess. "Mark all as read"
changes many messages at once, so it is a POST with its CSRF token.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import InterfaceError, OperationalError, PendingRollbackError
from werkzeug.routing import BuildError

from absher_web import wording
from absher_web.extensions import db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.messages import MESSAGES
from absher_web.models import InboxMessage, Language, utcnow
from absher_web.services import inbox
from absher_web.web.guards import signed_in_only

if TYPE_CHECKING:
    from absher_web.web.sessions import SignedInUser

bp = Blueprint("inbox", __name__, url_prefix="/<lang_code>/account/inbox")

NOTICE_KEY = "inbox_notice"  # set after "mark all as read": how many it marked
LARGEST_CURSOR = 2**31 - 1

# TRANSLATORS: The title of the holder's inbox page, and the start of the link to it in the
# header of every signed-in page.
TITLE = _l("Inbox")

# What each message is about, by the purpose of the notice that carried it.
TOPICS = {
    # TRANSLATORS: In the inbox, what a message is about: the holder's Absher account (sign-in,
    # password, mobile number, activation).
    "account": _l("Your account"),
    # TRANSLATORS: In the inbox, what a message is about.
    "driving_authorisation_notice": _l("Driving authorisations"),
    # TRANSLATORS: In the inbox, what a message is about: workers, visitors, visas, iqamas.
    "residency": _l("Residency and visas"),
    # TRANSLATORS: In the inbox, what a message is about.
    "traffic_violation_notice": _l("Traffic violations"),
    # TRANSLATORS: In the inbox, what a message is about: bills and refunds.
    "bill_refunded_notice": _l("Payments"),
    # TRANSLATORS: In the inbox, what a message is about: family record, births.
    "family": _l("Family"),
    # TRANSLATORS: In the inbox, what a message is about.
    "request_decided_notice": _l("Requests"),
    # TRANSLATORS: In the inbox, what a message is about.
    "vehicle_sale_notice": _l("Vehicle sales"),
    # TRANSLATORS: In the inbox, what a message is about.
    "passport_notice": _l("Passports"),
    # TRANSLATORS: In the inbox, what a message is about: a message a page showed once after
    # something the holder did.
    inbox.PAGE_NOTICE: _l("Shown on the site"),
}
TOPIC_GROUPS = {
    "lock_notice": "account", "recovery_lock_notice": "account",
    "password_changed_notice": "account", "mobile_changed_notice": "account",
    "account_activated_notice": "account",
    "absence_report_notice": "residency", "visa_extension_notice": "residency",
    "residency_notice": "residency",
    "family_record_notice": "family", "birth_registered_notice": "family",
    "birth_delivered_notice": "family",
}
# TRANSLATORS: In the inbox, what a message is about, when it has no more precise subject.
OTHER_TOPIC = _l("Notice")


def topic_name(topic: str) -> str:
    return str(TOPICS.get(TOPIC_GROUPS.get(topic, topic), OTHER_TOPIC))


def link_of(message: InboxMessage) -> str | None:
    """The address of the page the message is about, in the reader's language."""
    if not message.link:
        return None
    try:
        return url_for(message.link)
    except BuildError:  # an endpoint a later release renamed: no link rather than an error
        return None


def unread_shown(count: int) -> str:
    return f"{inbox.UNREAD_SHOWN_MAX}+" if count > inbox.UNREAD_SHOWN_MAX else str(count)


@bp.record_once
def header_helpers(state) -> None:  # noqa: ANN001 (Flask's BlueprintSetupState)
    state.app.jinja_env.globals.update(inbox_unread_shown=unread_shown,
                                       inbox_unread_max=inbox.UNREAD_SHOWN_MAX)


@bp.app_context_processor
def unread_in_header() -> dict:
    """The header's unread count, read only when a page's header asks for it."""
    if not current_user.is_authenticated:
        return {}
    return {"inbox_unread": partial(count_for_header, current_user._get_current_object())}


def unread_of(user: SignedInUser) -> int:
    """The holder's unread count: as read with the session (web/sessions.py) while the
    request has written nothing since, else read now."""
    counted = user.counted("unread")
    return inbox.unread_count(db.session, user.account.id) if counted is None else counted


def count_for_header(user: SignedInUser) -> int | None:
    """The count, or None (no link) while the database is out of reach: the 503 page a
    signed-in holder then gets must not fail over its header."""
    try:
        return unread_of(user)
    except (OperationalError, InterfaceError, PendingRollbackError):
        return None


def keep_shown(text: str, link: str | None = None) -> None:
    """Keep a one-time message the next page shows the holder about their records, in the
    language they see it in, in the current transaction (the caller commits)."""
    plain = text.striptags() if isinstance(text, Markup) else str(text)
    inbox.keep(db.session, current_user.account, inbox.PAGE_NOTICE, plain,
               Language(get_locale().language), utcnow(), link)


def keep_message(key: str, link: str | None = None, **values: object) -> None:
    """``keep_shown`` for a message of forms/messages.py, as plain text."""
    keep_shown(wording.fill(MESSAGES[key], {**wording.standing_values(), **values}), link)


def render_list(page: inbox.Page, unread: int, first: bool = True, marked: int | None = None,
                **context):
    """The list; ``unread`` serves the header too (one count per page)."""
    return render_template("account/inbox.html", page=page, first=first, marked=marked,
                           unread=unread, inbox_unread=lambda: unread,
                           max_shown=inbox.UNREAD_SHOWN_MAX, topic_name=topic_name,
                           retention_days=current_app.config["RETAIN_INBOX_SECONDS"] // 86400,
                           form=ConfirmForm(formdata=None), **context)


def render_message(message: InboxMessage):
    return render_template("account/inbox_message.html", message=message,
                           topic_name=topic_name, link=link_of(message))


def cursor() -> int | None:
    """``?before=`` as a message id, or None for the first page; anything else is no page."""
    typed = request.args.get("before")
    if typed is None:
        return None
    if not (typed.isascii() and typed.isdigit() and len(typed) <= 10
            and 0 < int(typed) <= LARGEST_CURSOR):
        abort(404)
    return int(typed)


@bp.get("")
@signed_in_only
def index():
    before = cursor()
    page = inbox.page_of(db.session, current_user.account.id,
                         current_app.config["INBOX_PAGE_SIZE"], before)
    marked = session.pop(NOTICE_KEY, None) if before is None else None
    unread = unread_of(current_user)
    return render_list(page, unread, before is None,
                       marked if isinstance(marked, int) and not isinstance(marked, bool)
                       else None)


@bp.get("/<public_id>")
@signed_in_only
def message(public_id: str):
    found = inbox.own(db.session, current_user.account.id, public_id)
    if found is None:
        abort(404)
    if found.read_at is None:
        inbox.mark_read(db.session, found, utcnow())
        db.session.commit()
    return render_message(found)


@bp.post("/read-all")
@signed_in_only
def read_all():
    if ConfirmForm().validate_on_submit():
        session[NOTICE_KEY] = inbox.mark_all_read(db.session, current_user.account.id,
                                                  utcnow())
        db.session.commit()
    return redirect(url_for(".index"), 303)
