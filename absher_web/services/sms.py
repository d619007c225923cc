"""Sending a code SMS and recording it.

Every message is recorded in sms_messages with its status, attempts and last
error, so a failure is visible to operators and nothing is silently lost.
Code messages are recorded with the code masked: codes are never stored.
The provider itself (and what keeps a hanging one from holding every thread) is
absher_web/sms_gateway.py; it is called only through absher_web.outside.call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy.orm import Session

from absher_web import observability, outside, sms_gateway
from absher_web.models import SmsMessage, SmsStatus
from absher_web.sms_gateway import SmsDeliveryError, SmsPaused

__all__ = ["SmsDeliveryError", "SmsPaused", "Sent", "init_app", "send_sms"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """What became of one message: taken by the provider, or not (``paused``: refused at
    once, the provider having failed too often in a row)."""

    ok: bool
    paused: bool = False

    def __bool__(self) -> bool:
        return self.ok


def init_app(app: Flask) -> None:
    sms_gateway.init_app(app)


def send_sms(session: Session, to: str, body: str, purpose: str, now: datetime,
             recorded_body: str | None = None) -> Sent:
    """Commit the caller's work with a record of the message, send it, and record the
    outcome in a new transaction (left for the caller to commit with its own undoing).

    ``recorded_body`` is what is kept (the body with any code masked). Notices do not come
    here: they go through the outbox (services/outbox.py), sent again until they arrive.
    """
    message = SmsMessage(to=to, body=recorded_body or body, purpose=purpose,
                         status=SmsStatus.QUEUED, attempts=1, retryable=False,
                         created_at=now)
    session.add(message)
    try:
        outside.call("SMS to the provider", lambda: sms_gateway.send(to, body), session)
    except SmsDeliveryError as error:
        log.warning("SMS to %s (%s) failed: %s", to[-4:], purpose, error)
        message.status, message.last_error = SmsStatus.FAILED, str(error)[:500]
        session.flush()
        observability.count_sms(purpose, sent=False)
        return Sent(False, paused=isinstance(error, SmsPaused))
    message.status, message.sent_at = SmsStatus.SENT, now
    session.flush()
    observability.count_sms(purpose, sent=True)
    return Sent(True)
