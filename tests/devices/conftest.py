"""Holders signing in from several browsers, each with its own User-Agent."""

from __future__ import annotations

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import DeviceSession
from tests.account.conftest import Citizen, csrf_of

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0.0.0 Safari/537.36")
ANDROID = ("Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
           "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36")


def browser(app, account, sms_outbox, user_agent: str = IPHONE, lang: str = "en",
            address: str = "127.0.0.1") -> Citizen:
    """A browser of its own (its own cookies and User-Agent), signed in as ``account``."""
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": address})
    citizen = Citizen(client, account, sms_outbox, lang)
    citizen.sign_in()
    return citizen


def rows_of(app, account_id: int) -> list[DeviceSession]:
    with app.app_context():
        found = list(db.session.scalars(select(DeviceSession).where(
            DeviceSession.account_id == account_id).order_by(DeviceSession.created_at)))
        db.session.expunge_all()
        return found


def post_form(client, page: str, action: str, **fields):
    """Post the form of ``page`` that goes to ``action``, with its CSRF token."""
    return client.post(action, data={"csrf_token": csrf_of(client.get(page)), **fields})


def new_device_texts(sms_outbox, mobile: str) -> list[str]:
    return [sent["body"] for sent in sms_outbox.messages()
            if sent["to"] == mobile and ("new device" in sent["body"]
                                         or "جهاز جديد" in sent["body"])]
