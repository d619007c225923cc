"""Signed-in sessions: Flask-Login, a per-account token, an idle timeout and a lifetime.

The session cookie holds the account id and the account's session token. The
token changes on sign-out, password change and "sign out of all devices", which
ends every session that carries the old one (server-side invalidation): a copy
of the cookie taken before sign-out opens nothing afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import UserMixin, current_user, login_user, logout_user

from absher_web.extensions import db, login_manager
from absher_web.models import Account, utcnow
from absher_web.observability import OPERATOR_PATHS
from absher_web.passwords import new_session_token
from absher_web.text import constant_time_equal

SEEN_KEY = "last_seen"
SIGNED_IN_KEY = "signed_in_at"
SIGNED_OUT_KEY = "signed_out_reason"


class SignedInUser(UserMixin):
    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.id}:{self.account.session_token}"


def load_user(user_id: str) -> SignedInUser | None:
    account_id, _, token = user_id.partition(":")
    if not account_id.isdigit():
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not constant_time_equal(account.session_token, token):
        return None
    return SignedInUser(account)


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


def start_session(account: Account) -> None:
    """Sign in with a fresh session: nothing from before sign-in is carried over."""
    clear_but_language()
    login_user(SignedInUser(account))
    session[SEEN_KEY] = session[SIGNED_IN_KEY] = utcnow().timestamp()


def end_session(reason: str | None = None) -> None:
    logout_user()
    session.clear()
    if reason:
        session[SIGNED_OUT_KEY] = reason


def sign_out(reason: str) -> None:
    """End this session and every copy of its cookie: the account's token changes."""
    account = current_user.account
    account.session_token = new_session_token()
    db.session.commit()
    end_session(reason)


def end_expired_sessions() -> None:
    if not current_user.is_authenticated:
        return
    now = utcnow()
    reason = expiry_reason(session.get(SEEN_KEY), session.get(SIGNED_IN_KEY), now)
    if reason:
        end_session(reason)
        return
    session[SEEN_KEY] = now.timestamp()


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
    login_manager.login_view = "auth.login"
    # The sign-in page says why the person was sent there; no flashed English text.
    login_manager.login_message = None
    login_manager.session_protection = None  # the per-account token does this job
    app.before_request(end_expired_sessions)
