"""The notices' outbox: a notice is a row saved with the change that causes it, then sent.

- Saved in the same transaction as the change (services/notices.send), so a crash can
  never keep the change and lose the notice.
- Sent at once after the commit when it can be; otherwise (the provider down, or the
  process gone) by run-due, with pauses that grow from a minute to two hours, and given up
  after ABSHER_SMS_MAX_ATTEMPTS tries (logged).
- Each try is claimed first by a conditional update (and, on PostgreSQL, rows are handed
  out with FOR UPDATE SKIP LOCKED), so two runners — or a runner and the request — never
  send one notice twice. A claim left by a process that died mid-send is taken again
  after CLAIM_TIMEOUT, with the same idempotency key, so the provider can drop the repeat.
Code messages never come here: they are sent inside the request (services/otp.py).
Every try goes through absher_web.outside.call, after the claim is committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from absher_web import observability, outside, sms_gateway
from absher_web.models import SmsMessage, SmsStatus, utcnow
from absher_web.sms_gateway import SmsDeliveryError

log = logging.getLogger(__name__)

# The request sending a notice at once has this long before run-due may take it over.
REQUEST_GRACE = timedelta(minutes=1)
CLAIM_TIMEOUT = timedelta(minutes=10)
FIRST_PAUSE, LONGEST_PAUSE = timedelta(minutes=1), timedelta(hours=2)


def idempotency_key(message: SmsMessage) -> str:
    return f"absher-notice-{message.id}"


def pause_after(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed try, never more than two hours."""
    return min(FIRST_PAUSE * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


def queue(session: Session, to: str, body: str, purpose: str, now: datetime,
          at_once: bool = True) -> SmsMessage:
    """Add a notice to the caller's transaction. `at_once`: the caller sends it after its
    commit (deliver), so run-due leaves it alone for REQUEST_GRACE."""
    message = SmsMessage(to=to, body=body, purpose=purpose, status=SmsStatus.QUEUED,
                         attempts=0, retryable=True, created_at=now,
                         next_attempt_at=now + REQUEST_GRACE if at_once else now)
    session.add(message)
    session.flush()
    return message


def due(now: datetime, max_attempts: int) -> ColumnElement[bool]:
    """Notices run-due should try now."""
    waiting = and_(SmsMessage.status.in_((SmsStatus.QUEUED, SmsStatus.FAILED)),
                   func.coalesce(SmsMessage.next_attempt_at, SmsMessage.created_at) <= now)
    # Judged on the wall clock too: a runner working "as of" a later moment (a due date)
    # must not take a claim that a request made a moment ago.
    abandoned = and_(SmsMessage.status == SmsStatus.SENDING,
                     SmsMessage.claimed_at < min(now, utcnow()) - CLAIM_TIMEOUT)
    return and_(SmsMessage.retryable.is_(True), SmsMessage.attempts < max_attempts,
                or_(waiting, abandoned))


def claim(session: Session, message_id: int, condition: ColumnElement[bool],
          now: datetime) -> bool:
    """Take one try of the notice if `condition` still holds (the caller commits at once)."""
    taken = session.execute(
        update(SmsMessage).where(SmsMessage.id == message_id, condition)
        .values(status=SmsStatus.SENDING, claimed_at=now, attempts=SmsMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def try_claimed(session: Session, message_id: int) -> str | None:
    """Send a notice this process has claimed: None when the provider took it, else why
    not. Ends the session's transaction first (outside.call): no row stays locked, and no
    connection held, while the provider answers."""
    message = session.get(SmsMessage, message_id, populate_existing=True)
    to, body, key = message.to, message.body, idempotency_key(message)
    try:
        outside.call("notice to the SMS provider", partial(sms_gateway.send, to, body, key),
                     session)
    except SmsDeliveryError as error:
        return str(error)[:500] or "failed"
    return None


def record_try(session: Session, message_id: int, error: str | None, now: datetime,
               max_attempts: int) -> bool:
    """Record what became of a try (the caller commits); True when the notice went."""
    message = session.get(SmsMessage, message_id, populate_existing=True)
    if error is None:
        message.status, message.sent_at, message.last_error = SmsStatus.SENT, now, None
        observability.count_sms(message.purpose, sent=True)
        return True
    message.status, message.last_error = SmsStatus.FAILED, error
    message.next_attempt_at = now + pause_after(message.attempts)
    if message.attempts >= max_attempts:
        log.error("giving up on notice %s (%s) to …%s after %s tries: %s", message.id,
                  message.purpose, message.to[-4:], message.attempts, message.last_error)
    observability.count_sms(message.purpose, sent=False)
    return False


def deliver(session: Session, message: SmsMessage, now: datetime) -> bool:
    """Send a notice just committed with its change; False leaves it to run-due."""
    claimed = claim(session, message.id, SmsMessage.status == SmsStatus.QUEUED, now)
    session.commit()
    if not claimed:
        return False
    error = try_claimed(session, message.id)
    sent = record_try(session, message.id, error, now, current_app.config["SMS_MAX_ATTEMPTS"])
    session.commit()
    return sent


def send_due(begin: Callable[[], object], now: datetime, max_attempts: int) -> tuple[int, int]:
    """Send every notice that is due (run-due); how many went, and how many failed."""
    sent = failed = 0
    tried: set[int] = set()
    while True:
        with begin() as session:
            query = (select(SmsMessage.id).where(due(now, max_attempts))
                     .order_by(SmsMessage.id).limit(1).with_for_update(skip_locked=True))
            if tried:
                query = query.where(SmsMessage.id.not_in(tried))
            message_id = session.scalar(query)
            if message_id is None:
                return sent, failed
            tried.add(message_id)
            claimed = claim(session, message_id, due(now, max_attempts), now)
        if not claimed:
            continue  # another runner took it between the two statements
        # The claim is committed: the provider is called with no transaction open.
        with begin() as session:
            message = session.get(SmsMessage, message_id)
            to, body, key = message.to, message.body, idempotency_key(message)
        try:
            outside.call("notice to the SMS provider", partial(sms_gateway.send, to, body, key))
            error = None
        except SmsDeliveryError as problem:
            error = str(problem)[:500] or "failed"
        with begin() as session:
            if record_try(session, message_id, error, now, max_attempts):
                sent += 1
            else:
                failed += 1
