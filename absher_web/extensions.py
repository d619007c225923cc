"""Extension objects, created unbound and attached to the app in create_app()."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import flask_compress
from flask import Flask, Response, current_app, g, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def client_address() -> str:
    """The address limits are counted against.

    Behind a trusted proxy, ProxyFix (see wsgi.py) has already put the client's
    address in remote_addr, so nothing here reads X-Forwarded-For itself.
    """
    return request.remote_addr or "unknown"


csrf = CSRFProtect()
babel = Babel()


class Compress(flask_compress.Compress):
    """Flask-Compress, for refusals and error pages too.

    Flask-Compress leaves every answer outside 2xx as it is; but a 422 form step, a 403
    refusal or a 429 page is as big as a 200 one and crosses the same slow link. Such an
    answer is compressed as if it were a 200 (it carries no ETag or Last-Modified, so the
    conditional check Flask-Compress then makes cannot turn it into a 304), then given its
    status back.
    """

    def after_request(self, response: Response | None) -> Response:
        if response is None or not 400 <= response.status_code < 600:
            return super().after_request(response)
        status = response.status
        response.status_code = 200
        try:
            return super().after_request(response)
        finally:
            response.status = status


compress = Compress()
login_manager = LoginManager()


def default_limit() -> str:
    # Read per request: one Limiter serves every app in the process (tests make many).
    return current_app.config["RATELIMIT_DEFAULT"]


limiter = Limiter(key_func=client_address, default_limits=[default_limit])

# How long a request may wait for Redis before the limits fall back to this process's memory.
REDIS_TIMEOUT_SECONDS = 0.5


def init_limiter(app: Flask) -> None:
    """Flask-Limiter, degrading instead of failing when its storage is unreachable.

    With Redis gone, each process counts in its own memory (the same limits, no longer
    shared), logs it, and /readyz shows it; Flask-Limiter checks Redis again with growing
    pauses and returns to it by itself. No request waits more than REDIS_TIMEOUT_SECONDS.
    """
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        })
    limiter.init_app(app)


@dataclass
class DatabaseState:
    engine: Engine
    session_factory: sessionmaker[Session]


class Database:
    """One engine and one session factory per app; a session per request.

    The state is kept on each app (app.extensions), so several apps in one
    process (tests, a CLI next to a server) never share or steal an engine.
    """

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["absher_db"] = DatabaseState(
            engine, sessionmaker(engine, expire_on_commit=False)
        )
        app.teardown_appcontext(self._close_request_session)
        # Reads that may lag: a replica when ABSHER_DATABASE_REPLICA_URL names one.
        from absher_web import replica

        replica.init_app(app, app.extensions["absher_db"].session_factory)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["absher_db"].engine

    @property
    def session(self) -> Session:
        """The current request's session, opened on first use."""
        if "db_session" not in g:
            g.db_session = current_app.extensions["absher_db"].session_factory()
        return g.db_session

    def new_session(self) -> Session:
        """A session of its own outside the request's, whose owner commits (a long CLI
        job committing as it goes); use it in a with block, which closes it."""
        return current_app.extensions["absher_db"].session_factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A short unit of work outside the request session (CLI, jobs)."""
        with current_app.extensions["absher_db"].session_factory.begin() as session:
            yield session

    @staticmethod
    def _close_request_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        from sqlalchemy.pool import StaticPool

        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 15},
            # An in-memory database lives as long as its one connection.
            poolclass=StaticPool if in_memory else None,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # pool_pre_ping: a restarted database costs one failed check, not a failed request.
    return create_engine(url, pool_pre_ping=True)


db = Database()
