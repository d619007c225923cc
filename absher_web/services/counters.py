"""Counts over a rolling window (the last hour, the last day), exact under any concurrency.

SMS budgets and the per-account limits of changes that text someone are counted here,
in the sms_budgets table. A count is kept in buckets of 1/60 of its window (for an hour's
window, each bucket is a minute); a use is allowed when the buckets of the last 60 sum to
less than the limit, so twice the limit never fits across a boundary of the clock.

Exact under concurrency: each scope has one more row (at LOCK) that every taker first
writes (an upsert: a row lock on PostgreSQL, the write lock on SQLite), so takers of one
scope queue, and each one's sum includes what the one before it committed. The caller
commits (at once: the row stays locked until then).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from absher_web.models import SmsBudget

BUCKETS = 60
# The bucket_start of each scope's lock row: older than any bucket, so never summed.
LOCK = datetime(1970, 1, 1, tzinfo=UTC)


def bucket_size(window: timedelta) -> int:
    return max(1, int(window.total_seconds()) // BUCKETS)


def bucket_of(now: datetime, window: timedelta) -> datetime:
    """The start of the bucket ``now`` falls in (buckets of window / 60, from the epoch)."""
    size, seconds = bucket_size(window), int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % size, UTC)


def _upsert(session: Session, scope: str, start: datetime, used: int, set_: dict,
            where=None):  # noqa: ANN001, ANN202
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SmsBudget).values(scope=scope, window_start=start, used=used)
    return statement.on_conflict_do_update(index_elements=["scope", "window_start"],
                                           set_=set_, where=where)


def used(session: Session, scope: str, window: timedelta, now: datetime) -> int:
    """Uses of ``scope`` in the window ending now (its last 60 buckets)."""
    current = bucket_of(now, window)
    oldest = current - timedelta(seconds=bucket_size(window) * (BUCKETS - 1))
    return session.scalar(select(func.coalesce(func.sum(SmsBudget.used), 0)).where(
        SmsBudget.scope == scope, SmsBudget.window_start >= oldest,
        SmsBudget.window_start <= current)) or 0


def take(session: Session, scope: str, limit: int, window: timedelta, now: datetime) -> bool:
    """Count one use of ``scope`` if fewer than ``limit`` were counted in the last
    ``window``; False (nothing counted) otherwise."""
    if limit <= 0:
        return False
    session.execute(_upsert(session, scope, LOCK, 0, {"used": SmsBudget.used}))  # queue here
    if used(session, scope, window, now) >= limit:
        return False
    session.execute(_upsert(session, scope, bucket_of(now, window), 1,
                            {"used": SmsBudget.used + 1}))
    return True


def give_back(session: Session, scope: str, window: timedelta, now: datetime) -> None:
    """Return a use taken at ``now`` (the action it was for did not happen)."""
    session.execute(update(SmsBudget).where(
        SmsBudget.scope == scope, SmsBudget.window_start == bucket_of(now, window),
        SmsBudget.used > 0).values(used=SmsBudget.used - 1))
