"""Counting password tries: the one lock rule for citizens and officers.

Every try is counted by an atomic conditional UPDATE, committed, *before* bcrypt
runs. A try the UPDATE refuses (locked, or too many failures since the last
recovery) is answered without checking the password. So tries sent all at once
are counted one by one: at most FAILURES_BEFORE_LOCK of them reach the password
hash, and the lock applies in the middle of a burst. A right password gives its
try back; a wrong one may take the lock, by a second conditional UPDATE that
exactly one request wins (the one that tells the holder).

Names that belong to nobody are counted too, in the rate-limit storage (Redis
in production, so every process shares the count), and lock the same way: a
"locked" answer must not tell an existing account from an unknown one.

Every path spends one bcrypt check, on the real hash or on a dummy one, so the
time taken does not tell them apart either.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from limits.storage import Storage
from sqlalchemy import Executable, Result, case, or_, select, update
from sqlalchemy.orm import Session

from absher_web import passwords
from absher_web.extensions import limiter
from absher_web.models import Account, StaffUser

log = logging.getLogger(__name__)

FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
# Citizens only: after this many failures since the last recovery, only recovery reopens.
FAILURES_BEFORE_RECOVERY = 100

# How long the rate-limit storage remembers an unknown name's failures and locks. A real
# holder's counts never expire; these must (the storage would fill), so a prober who waits
# longer than this between tries could see the difference. A week makes that slow.
UNKNOWN_MEMORY = timedelta(days=7)


def lock_duration(lockouts: int) -> timedelta:
    """FIRST_LOCK, doubled with each lockout after it, never more than LONGEST_LOCK."""
    # The exponent is capped: a day is reached long before, and timedelta has a maximum.
    return min(FIRST_LOCK * (2 ** min(lockouts, 16)), LONGEST_LOCK)


@dataclass(frozen=True)
class Holders:
    """Who holds a password (a table), and how their counts differ."""

    model: type[Account] | type[StaffUser]
    counts_since_recovery: bool  # citizens: the hard stop after FAILURES_BEFORE_RECOVERY
    success_forgets_lockouts: bool  # officers start again at the shortest lock


CITIZENS = Holders(Account, counts_since_recovery=True, success_forgets_lockouts=False)
OFFICERS = Holders(StaffUser, counts_since_recovery=False, success_forgets_lockouts=True)


class Verdict(enum.StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    REFUSED = "refused"  # not checked: locked, or recovery needed


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    locked_until: datetime | None = None  # set when the holder is locked after this try
    locked_now: bool = False  # this request applied the lock: it alone tells the holder
    needs_recovery: bool = False
    reached_recovery: bool = False  # this wrong try was the one that made recovery needed


def check_password(session: Session, holders: Holders, holder: Account | StaffUser,
                   password: str, bcrypt_rounds: int, now: datetime) -> Check:
    """Count a try, then check the password, under the lock rules.

    The try is committed before bcrypt runs. The result's own update (the try
    given back, or the lock) is left in the session's transaction: the caller adds
    its records (audit, notices) and commits.
    """
    model = holders.model
    reserved = _reserve(session, holders, holder.id, now)
    session.commit()
    if reserved is None:
        passwords.verify_password(password, passwords.dummy_hash(bcrypt_rounds))
        return _refusal(session, holders, holder.id, now)

    if passwords.verify_password(password, holder.password_hash):
        values: dict = {"consecutive_failures": 0, "locked_until": None}
        if holders.counts_since_recovery:
            values["failures_since_recovery"] = case(
                (model.failures_since_recovery > 0, model.failures_since_recovery - 1), else_=0)
        if holders.success_forgets_lockouts:
            values["lockouts"] = 0
        _execute(session, update(model).where(model.id == holder.id).values(values))
        return Check(Verdict.RIGHT)

    if holders.counts_since_recovery and reserved >= FAILURES_BEFORE_RECOVERY:
        # Only one try can take the count to the limit (the reservation stops there).
        return Check(Verdict.WRONG, needs_recovery=True, reached_recovery=True)
    until = _lock_if_due(session, model, holder.id, now)
    if until is not None:
        return Check(Verdict.WRONG, locked_until=until, locked_now=True)
    return Check(Verdict.WRONG, locked_until=_current_lock(session, model, holder.id, now))


def _reserve(session: Session, holders: Holders, holder_id: int, now: datetime) -> int | None:
    """Count one try if the holder may try now; the failures since recovery, or None."""
    model = holders.model
    conditions = [model.id == holder_id,
                  model.consecutive_failures < FAILURES_BEFORE_LOCK,
                  or_(model.locked_until.is_(None), model.locked_until <= now)]
    values: dict = {"consecutive_failures": model.consecutive_failures + 1}
    counted = model.consecutive_failures
    if holders.counts_since_recovery:
        conditions.append(model.failures_since_recovery < FAILURES_BEFORE_RECOVERY)
        values["failures_since_recovery"] = model.failures_since_recovery + 1
        counted = model.failures_since_recovery
    row = _execute(session, update(model).where(*conditions).values(values)
                   .returning(counted)).first()
    return None if row is None else row[0]


def _refusal(session: Session, holders: Holders, holder_id: int, now: datetime) -> Check:
    """Why a try was refused; takes a lock that is due but not yet taken."""
    model = holders.model
    columns = [model.locked_until]
    if holders.counts_since_recovery:
        columns.append(model.failures_since_recovery)
    row = session.execute(select(*columns).where(model.id == holder_id)).first()
    if row is None:
        return Check(Verdict.REFUSED)
    if holders.counts_since_recovery and row[1] >= FAILURES_BEFORE_RECOVERY:
        return Check(Verdict.REFUSED, needs_recovery=True)
    if row[0] is not None and row[0] > now:
        return Check(Verdict.REFUSED, locked_until=row[0])
    # The tries that filled the count are still being checked (or their process died
    # before it could lock): the lock is due, so this request takes it now.
    until = _lock_if_due(session, model, holder_id, now)
    if until is not None:
        return Check(Verdict.REFUSED, locked_until=until, locked_now=True)
    return Check(Verdict.REFUSED, locked_until=_current_lock(session, model, holder_id, now))


def _current_lock(session: Session, model: type[Account] | type[StaffUser], holder_id: int,
                  now: datetime) -> datetime | None:
    """The end of a lock another request took a moment ago, if there is one."""
    until = session.scalar(select(model.locked_until).where(model.id == holder_id))
    return until if until is not None and until > now else None


def _lock_if_due(session: Session, model: type[Account] | type[StaffUser], holder_id: int,
                 now: datetime) -> datetime | None:
    """Lock the holder if the count is full; the end of the lock if this request took it."""
    lockouts = session.scalar(select(model.lockouts).where(
        model.id == holder_id, model.consecutive_failures >= FAILURES_BEFORE_LOCK))
    if lockouts is None:
        return None
    until = now + lock_duration(lockouts)
    # The lockouts seen above are part of the condition: of two requests racing here,
    # only the first finds the row as it read it.
    taken = _execute(session, update(model).where(
        model.id == holder_id, model.consecutive_failures >= FAILURES_BEFORE_LOCK,
        model.lockouts == lockouts,
    ).values(locked_until=until, lockouts=model.lockouts + 1, consecutive_failures=0))
    return until if taken.rowcount == 1 else None


def _execute(session: Session, statement: Executable) -> Result:
    # The objects already loaded keep their old values; callers read what they need again.
    return session.execute(statement, execution_options={"synchronize_session": False})


# --- names that belong to nobody ----------------------------------------------------------


def check_unknown(kind: str, name: str, password: str, bcrypt_rounds: int,
                  now: datetime) -> Check:
    """A try for a name with no holder: answered like a wrong password, and locked like one.

    ``kind`` keeps citizens' and officers' names apart; ``name`` is what the holder
    would be found by (normalised by the caller).
    """
    passwords.verify_password(password, passwords.dummy_hash(bcrypt_rounds))
    storage = _storage()
    if storage is None:
        return Check(Verdict.WRONG)
    # A digest: people type passwords into the name field, and the store needs no names.
    key = f"absher/lockout/{kind}/{hashlib.sha256(name.encode()).hexdigest()}"
    try:
        return _count_unknown(storage, key, now)
    except storage.base_exceptions as error:  # degrade, don't fail: the try goes uncounted
        log.warning("Failure count storage unavailable: %s", error)
        return Check(Verdict.WRONG)


def _storage() -> Storage | None:
    """The limiter's storage, or its in-process fallback when Redis is down."""
    if not limiter.enabled:
        return None
    return limiter.limiter.storage


def _count_unknown(storage: Storage, key: str, now: datetime) -> Check:
    locked, failures, lockouts = f"{key}/locked", f"{key}/failures", f"{key}/lockouts"
    memory = _seconds(UNKNOWN_MEMORY)
    if storage.get(locked):
        return Check(Verdict.REFUSED, locked_until=_expiry(storage, locked, now))
    if storage.incr(failures, memory) < FAILURES_BEFORE_LOCK:
        return Check(Verdict.WRONG)
    earlier_locks = storage.get(lockouts)
    duration = lock_duration(earlier_locks)
    # The first request to create the lock takes it; the others are told it is locked.
    if storage.incr(locked, _seconds(duration)) > 1:
        return Check(Verdict.REFUSED, locked_until=_expiry(storage, locked, now))
    # Written anew, so the memory of earlier locks lasts from this one.
    storage.clear(lockouts)
    storage.incr(lockouts, memory, amount=earlier_locks + 1)
    storage.clear(failures)
    return Check(Verdict.WRONG, locked_until=now + duration, locked_now=True)


def _expiry(storage: Storage, key: str, now: datetime) -> datetime:
    expiry = datetime.fromtimestamp(storage.get_expiry(key), UTC)
    return expiry if expiry > now else now + FIRST_LOCK


def _seconds(duration: timedelta) -> int:
    return math.ceil(duration.total_seconds())
