"""Signed-in sessions: Flask-Login, a row per session, a per-account token, an idle
timeout and a lifetime.

The session cookie holds the account id, the account's session token and the secret of
the session's row (services/devices.py), read together in one primary-key read. Signing
out ends the row; the Devices page ends any of them; a password change, a recovery and
"sign out of all devices" end them all and change the token. A copy of the cookie taken
before opens nothing afterwards (server-side invalidation).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, g, has_request_context, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import UserMixin, current_user, login_user, logout_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from absher_web.extensions import db, login_manager
from absher_web.models import Account, DeviceSession, utcnow
from absher_web.observability import OPERATOR_PATHS
from absher_web.services import audit, devices, inbox, security_questions

SEEN_KEY = "last_seen"
SIGNED_IN_KEY = "signed_in_at"
SIGNED_OUT_KEY = "signed_out_reason"


# The secret of this browser's session row, kept in the cookie beside Flask-Login's id.
DEVICE_KEY = "device"


# Read with the session's row, in its one query (services/devices.signed_in): what every
# signed-in page asks of the account, the guard's security answers and the header's unread
# messages.
COUNTED_ALONG = {"answers": security_questions.answers_counted,
                 "unread": inbox.unread_counted}
# Set on g when the request writes through the primary's sessions (a flush, an UPDATE, a
# commit): the counts read with the session may be out of date from then on.
WROTE_KEY = "wrote_since_sign_in_read"


class SignedInUser(UserMixin):
    def __init__(self, account: Account, device: DeviceSession,
                 counts: dict[str, int] | None = None) -> None:
        self.account = account
        self.device = device
        self.counts = counts or {}

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_token}"

    def counted(self, name: str) -> int | None:
        """A count of COUNTED_ALONG as read with the session, or None when the caller must
        read it itself: this request has written since, or it was not read."""
        return None if g.get(WROTE_KEY) else self.counts.get(name)


def load_user(user_id: str) -> SignedInUser | None:
    """The signed-in holder, from one read of the session's row with its account (and the
    counts every page needs)."""
    account_id, _, token = user_id.partition(":")
    secret = session.get(DEVICE_KEY)
    g.pop(WROTE_KEY, None)  # what was written before this read, it sees
    found = devices.signed_in(db.session, account_id, token,
                              secret if isinstance(secret, str) else "", COUNTED_ALONG)
    if found is None:
        return None
    g.acting_device = audit.ACTING_DEVICE.set((found[0].id, found[1].public_id))
    return SignedInUser(*found)


def note_writes(sessions: sessionmaker[Session]) -> None:
    """Mark the request as written to whenever one of these sessions writes."""

    def wrote(*_args: object) -> None:
        if has_request_context():
            g.setdefault(WROTE_KEY, True)

    def executed(state: ORMExecuteState) -> None:
        if not state.is_select:
            wrote()

    event.listen(sessions, "after_flush", wrote)
    event.listen(sessions, "after_commit", wrote)
    event.listen(sessions, "do_orm_execute", executed)


def clear_but_language() -> None:
    """Empty the session, keeping only the chosen language: done at every sign-in
    (citizen or officer), so nothing from before it is carried over."""
    language = session.get("_lang")
    session.clear()
    if language:
        session["_lang"] = language


def older_than(timestamp: object, limit: timedelta, now: datetime) -> bool:
    """True when a session timestamp is missing, unreadable or older than the limit."""
    if not isinstance(timestamp, int | float) or isinstance(timestamp, bool):
        return True
    try:
        return now - datetime.fromtimestamp(timestamp, now.tzinfo) > limit
    except (OverflowError, OSError, ValueError):
        return True


def expiry_reason(last_seen: object, signed_in_at: object, now: datetime) -> str | None:
    """Why a signed-in session (citizen's or officer's) ends now, as a message key, or None.

    Idle for longer than IDLE_TIMEOUT_MINUTES, or signed in longer ago than
    SESSION_LIFETIME however active: no session lives for ever.
    """
    config = current_app.config
    if older_than(signed_in_at, timedelta(seconds=config["SESSION_LIFETIME_SECONDS"]), now):
        return "signed_out_lifetime"
    if older_than(last_seen, timedelta(minutes=config["IDLE_TIMEOUT_MINUTES"]), now):
        return "signed_out_idle"
    return None


def start_session(account: Account, opened: devices.Opened) -> None:
    """Sign in with a fresh session: nothing from before sign-in is carried over."""
    clear_but_language()
    login_user(SignedInUser(account, opened.row))
    session[DEVICE_KEY] = opened.secret
    session[SEEN_KEY] = session[SIGNED_IN_KEY] = utcnow().timestamp()


def end_session(reason: str | None = None) -> None:
    logout_user()
    session.clear()
    if reason:
        session[SIGNED_OUT_KEY] = reason


def sign_out(reason: str) -> None:
    """End this session and every copy of its cookie: its row is signed out."""
    devices.end_this(db.session, current_user.device.id, utcnow())
    end_session(reason)


def end_expired_sessions() -> None:
    if not current_user.is_authenticated:
        return
    now = utcnow()
    reason = expiry_reason(session.get(SEEN_KEY), session.get(SIGNED_IN_KEY), now)
    if reason:
        sign_out(reason)
        return
    session[SEEN_KEY] = now.timestamp()
    devices.seen(db.session, current_user.device, now,
                 timedelta(seconds=current_app.config["DEVICE_SEEN_EVERY_SECONDS"]))


def forget_acting_device(_error: BaseException | None = None) -> None:
    """The request is over: later events (on this thread) name no device."""
    if g.pop("acting_device", None) is not None:
        audit.ACTING_DEVICE.set(None)


class NoSessionForTheApi(SecureCookieSessionInterface):
    """The signed cookie session, except under /api/: banks and kiosks sign each request,
    so the API reads no cookie and sets none (not even Vary: Cookie)."""

    def open_session(self, app, request):  # noqa: ANN001, ANN201 (Flask's signature)
        if request.path.startswith("/api/") or request.path in OPERATOR_PATHS:
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:  # noqa: ANN001
        if session.__class__ is self.null_session_class:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = NoSessionForTheApi()
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    note_writes(app.extensions["absher_db"].session_factory)
    login_manager.login_view = "auth.login"
    # The sign-in page says why the person was sent there; no flashed English text.
    login_manager.login_message = None
    login_manager.session_protection = None  # the per-account token does this job
    app.before_request(end_expired_sessions)
    app.teardown_request(forget_acting_device)
