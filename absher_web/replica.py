"""Reads that may lag a few seconds, served by a PostgreSQL streaming replica.

The one place that decides where a read goes. With ABSHER_DATABASE_REPLICA_URL set, a view
marked ``@reads_may_lag`` (the public catalogue, the e-service pages shown on GET, an
officer's queue list) reads from the replica, unless:

- the request is not a GET or HEAD: a form's answer always runs on the primary;
- this browser wrote less than ABSHER_REPLICA_OWN_WRITES_SECONDS ago (read-your-own-writes);
- the replica replays more than ABSHER_REPLICA_MAX_LAG_SECONDS behind the primary, or cannot
  be reached (asked at most every ABSHER_REPLICA_CHECK_SECONDS, per process).

Read-your-own-writes is a timestamp in the signed session cookie, set after any request
that committed: it costs no read anywhere (a marker in a table would need a read of the
primary on every request, the very load the replica takes away), it cannot be forged, and
it follows the browser that made the change, which is the one that looks for it at once.

Everything else (every write, every read inside a flow that writes, the signed-in person and
their session, checked before the view runs) stays on the primary. A view that fails on
the replica (it went away mid-request) is run again on the primary: these views only read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from flask import Flask, current_app, g, has_request_context, request, session
from prometheus_client import Counter, Gauge
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("absher_web.replica")

OK, BEHIND, AWAY = "ok", "behind", "away"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
STATES = (OK, BEHIND, AWAY)
STATE = Gauge("absher_replica_state", "The read replica's state in this process (1 for the "
              "current one): ok, behind (lag over the limit) or away.", ["state"],
              multiprocess_mode="livemax")
LAG = Gauge("absher_replica_lag_seconds", "How far the read replica replays behind, "
            "at the last check.", multiprocess_mode="livemax")
READS = Counter("absher_replica_reads_total", "Views whose reads may lag, by where they read "
                "and why.", ["database", "reason"])

# The session key holding when this browser's reads may go to the replica again.
OWN_WRITES_KEY = "primary_until"

# Seconds the replica's replay is behind: 0 when it has replayed all the primary had written
# (:written, the primary's flushed WAL position read just before), or when it is not a
# standby at all (promoted). Compared with the primary's position, not with what the standby
# received: a standby cut off from the primary has replayed all it received, and would
# otherwise look current for ever. Without :written (the primary did not answer), what it
# received is all there is to compare with. NULL when it is behind by an unknown time: a
# standby started since its last replayed transaction does not know that transaction's
# time, and counts as behind until it has caught up.
WRITTEN_QUERY = text("SELECT pg_current_wal_flush_lsn()::text")
LAG_QUERY = text("""
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_replay_lsn() >= COALESCE(CAST(:written AS pg_lsn),
                                                  pg_last_wal_receive_lsn(),
                                                  pg_last_wal_replay_lsn()) THEN 0
        ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
    END
""")


class Watch:
    """The replica's state, asked at most every ``every`` seconds; one thread asks while the
    others use the last answer, so no request waits for a check it did not start."""

    def __init__(self, engine: Engine, max_lag: float, every: float, timeout: int,
                 primary: Engine | None = None) -> None:
        self.engine, self.max_lag, self.every = engine, max_lag, every
        self.primary = primary
        self.timeout_ms = int(timeout) * 1000
        self.lock = threading.Lock()
        self.state: str | None = None
        self.checked_at = float("-inf")
        self.lag: float | None = None

    def current(self) -> str:
        due = time.monotonic() - self.checked_at >= self.every
        if (due or self.state is None) and self.lock.acquire(blocking=self.state is None):
            try:
                self.check()
            finally:
                self.lock.release()
        return self.state or AWAY

    def written(self) -> str | None:
        """How far the primary has written its WAL, or None if it cannot say now."""
        if self.primary is None:
            return None
        try:
            with self.primary.connect() as connection:
                return connection.execute(WRITTEN_QUERY).scalar_one()
        except DBAPIError:
            return None

    def check(self) -> None:
        written = self.written()
        try:
            with self.engine.connect() as connection:
                # A replica that accepts connections but does not answer is away too.
                connection.execute(text(f"SET LOCAL statement_timeout = {self.timeout_ms}"))
                measured = connection.execute(LAG_QUERY, {"written": written}).scalar_one()
        except DBAPIError as error:
            self.set(AWAY, f"{type(error.orig).__name__}")
            return
        # Behind by an unknown time is behind: the gauge shows +Inf.
        lag = float("inf") if measured is None else float(measured)
        self.lag = lag
        LAG.set(lag)
        self.set(BEHIND if lag > self.max_lag else OK, f"lag {lag:.1f} s")

    def set(self, state: str, why: str) -> None:
        self.checked_at = time.monotonic()
        if state != self.state:
            # Logged once per change of state, not on every check.
            level = logging.INFO if state == OK else logging.WARNING
            log.log(level, "read replica %s (%s)", state, why, extra={"replica_state": state})
            for name in STATES:
                STATE.labels(name).set(1 if name == state else 0)
        self.state = state


class Replica:
    def __init__(self, url: str, config: dict, primary: Engine | None = None) -> None:
        self.engine = create_engine(
            url, pool_pre_ping=True,
            connect_args={"connect_timeout": config["REPLICA_CONNECT_TIMEOUT_SECONDS"]})
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.watch = Watch(self.engine, config["REPLICA_MAX_LAG_SECONDS"],
                           config["REPLICA_CHECK_SECONDS"],
                           config["REPLICA_CONNECT_TIMEOUT_SECONDS"], primary)


def replica_of(app: Flask) -> Replica | None:
    return app.extensions.get("absher_replica")


def init_app(app: Flask, primary_sessions: sessionmaker[Session]) -> None:
    """Without ABSHER_DATABASE_REPLICA_URL: nothing at all (no engine, no hook)."""
    url = app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return
    app.extensions["absher_replica"] = Replica(url, app.config, primary_sessions.kw["bind"])

    @event.listens_for(primary_sessions, "after_commit")
    def _wrote(_session: Session) -> None:
        if has_request_context():
            g.replica_wrote = True

    @app.after_request
    def remember_own_writes(response):  # noqa: ANN001, ANN202
        # A form's answer (any method but GET and HEAD) that committed: the person's change.
        if g.pop("replica_wrote", False) and request.method not in SAFE_METHODS:
            session[OWN_WRITES_KEY] = int(time.time()) + app.config["REPLICA_OWN_WRITES_SECONDS"]
        return response


def status(app: Flask) -> str | None:
    """For /readyz: the replica's state, or None when there is none."""
    replica = replica_of(app)
    return replica.watch.current() if replica else None


def wrote_lately() -> bool:
    # Without a session cookie there is nothing to read (and the session stays untouched:
    # no "Vary: Cookie" on public pages).
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    until = session.get(OWN_WRITES_KEY, 0)
    return isinstance(until, int) and until > time.time()


def where_to_read() -> tuple[Replica | None, str]:
    """The replica to read from (None: the primary) and why."""
    replica = replica_of(current_app)
    if replica is None:
        return None, "not configured"
    if request.method not in SAFE_METHODS:
        return None, "writing"
    if wrote_lately():
        return None, "own writes"
    state = replica.watch.current()
    return (replica, state) if state == OK else (None, state)


@contextmanager
def reading_from(replica: Replica) -> Iterator[None]:
    """The request's db.session is a replica session inside, the primary's again after."""
    primary = g.pop("db_session", None)
    g.db_session = replica.session_factory()
    try:
        yield
    finally:
        g.pop("db_session").close()
        if primary is not None:
            g.db_session = primary


def reads_may_lag(view: Callable) -> Callable:
    """Mark a view whose reads may come from the replica (a GET that only reads)."""

    @wraps(view)
    def routed(*args, **kwargs):  # noqa: ANN202
        replica, reason = where_to_read()
        if replica is not None:
            try:
                with reading_from(replica):
                    answer = view(*args, **kwargs)
                READS.labels("replica", reason).inc()
                return answer
            except DBAPIError as error:
                # Gone between two checks: the primary answers, never a 500.
                replica.watch.set(AWAY, f"{type(error.orig).__name__} in {request.endpoint}")
                reason = AWAY
        if reason != "not configured":
            READS.labels("primary", reason).inc()
        return view(*args, **kwargs)

    routed.reads_may_lag = True
    return routed
