"""The holder's security activity: their audit events, filtered by kind and dates, read a
page at a time along the index on (account, time, id), and "this wasn't me".

A page goes on from the last event of the one before (keyset pagination): the cursor is
that event's time in microseconds and its id, so a page never skips or repeats an event,
however many are added meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from absher_web.dates import RIYADH
from absher_web.models import Account, AuditEvent
from absher_web.services import signin

# The kinds of event the filter offers; "services" is every other kind.
SIGN_INS = ("signed_in", "sign_in_failed", "account_locked", "account_needs_recovery",
            "signed_out_everywhere", "device_signed_out", "signed_out_elsewhere",
            "not_me_reported", "account_unlocked", "account_unlocked_at_office")
ACCOUNT_CHANGES = ("account_created", "password_changed", "mobile_changed", "email_changed",
                   "language_changed", "security_questions_set", "password_recovered",
                   "account_activated", "activation_requested", "mobile_changed_at_office",
                   "mobile_changed_at_kiosk", "staff_looked_up")
CATEGORIES = ("all", "sign_ins", "account", "services")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR = re.compile(r"[0-9]{1,17}\.[0-9]{1,10}")
# No event is older than the site nor newer than this: a cursor outside them is forged.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    id: int

    def text(self) -> str:
        return f"{(self.created_at - EPOCH) // timedelta(microseconds=1)}.{self.id}"

    @classmethod
    def read(cls, text: str) -> Cursor | None:
        """The cursor a "next page" link carries; None for anything we did not write."""
        if not CURSOR.fullmatch(text):
            return None
        micros, number = (int(part) for part in text.split("."))
        at = EPOCH + timedelta(microseconds=micros)
        if not EARLIEST <= at < LATEST or not 1 <= number <= 2**31 - 1:
            return None
        return cls(at, number)


@dataclass(frozen=True)
class Filters:
    category: str = "all"
    since: date | None = None  # days in Riyadh, both included
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), RIYADH).astimezone(UTC)


def page(session: Session, account_id: int, filters: Filters, after: Cursor | None,
         size: int) -> tuple[list[AuditEvent], Cursor | None]:
    """``size`` events of the account, newest first, after ``after``; and the cursor of the
    next page, or None when there is none."""
    conditions = [AuditEvent.account_id == account_id]
    if filters.category == "sign_ins":
        conditions.append(AuditEvent.kind.in_(SIGN_INS))
    elif filters.category == "account":
        conditions.append(AuditEvent.kind.in_(ACCOUNT_CHANGES))
    elif filters.category == "services":
        conditions.append(AuditEvent.kind.not_in(SIGN_INS + ACCOUNT_CHANGES))
    if filters.since:
        conditions.append(AuditEvent.created_at >= _start_of(filters.since))
    if filters.until:
        conditions.append(AuditEvent.created_at < _start_of(filters.until + timedelta(days=1)))
    if after:
        conditions.append(or_(AuditEvent.created_at < after.created_at,
                              and_(AuditEvent.created_at == after.created_at,
                                   AuditEvent.id < after.id)))
    found = list(session.scalars(
        select(AuditEvent).where(*conditions)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(size + 1)))
    if len(found) <= size:
        return found, None
    last = found[size - 1]
    return found[:size], Cursor(last.created_at, last.id)


def event_of(session: Session, account_id: int, event_id: int | None) -> AuditEvent | None:
    """One of the account's own events (another's is not found)."""
    if event_id is None:
        return None
    return session.scalar(select(AuditEvent).where(AuditEvent.id == event_id,
                                                   AuditEvent.account_id == account_id))


def not_me(session: Session, account: Account, event: AuditEvent | None, now: datetime,
           client_address: str | None) -> None:
    """"This wasn't me": every session of the account ends (this one too), recorded with
    the event the holder did not recognise; commits."""
    detail = {"event": event.id, "event_kind": event.kind} if event else {}
    signin.sign_out_everywhere(session, account, now, client_address, "not_me_reported",
                               **detail)
