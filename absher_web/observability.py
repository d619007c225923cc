"""What operators see: request ids, logs, Prometheus metrics, and the health endpoints.

- Every request has an id: the proxy's X-Request-ID when it is a sane token, else a new
  one. It is echoed in the response and carried by every log line of the request.
- Logs are JSON lines in production (readable lines elsewhere): one line per security
  event (every audit-log row, announced once its transaction commits), per refusal and
  per failure; never a secret, a code, a password or a full ID number.
- /metrics serves Prometheus text. Under gunicorn, set PROMETHEUS_MULTIPROC_DIR (the
  deploy/gunicorn.conf.py does) so every worker's counts add up.
- /healthz says the process answers (no I/O); /readyz checks the database and Redis
  within a short timeout and names what failed (503 without the database; "degraded"
  without Redis, whose limits then fall back to each process's memory; "redis: not
  configured" with memory:// limits), and says "sms: paused" (degraded) while this
  process's SMS circuit breaker is open. Its answer is kept for
  ABSHER_READINESS_CACHE_SECONDS and Redis is asked over one pooled connection, so probes
  cost next to nothing; nginx keeps it, like /metrics, off the public site.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterable

from flask import Flask, Response, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from sqlalchemy import event, text
from sqlalchemy.orm import Session, object_session

from absher_web import replica, sms_gateway
from absher_web.text import constant_time_equal

log = logging.getLogger("absher_web")
security_log = logging.getLogger("absher_web.security")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only if it is a plain token: it goes into every log line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# Methods counted by name; any other a client makes up counts as "other", so nobody can
# add series to /metrics (every worker keeps each one for good) by inventing methods.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Paths a load balancer or Prometheus calls: no session, no rate limit, no host check.
OPERATOR_PATHS = ("/healthz", "/readyz", "/metrics")

# --- metrics ---------------------------------------------------------------------------

REQUESTS = Counter("absher_http_requests_total", "Requests answered, by endpoint and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("absher_http_request_duration_seconds", "Time to answer, by endpoint.",
                    ["endpoint"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                                           5, 10))
EVENTS = Counter("absher_events_total",
                 "Security and journey events (the audit log's kinds, e.g. account_created, "
                 "signed_in, account_locked, password_recovered, account_activated), "
                 "and registration_started.", ["kind"])
SMS = Counter("absher_sms_total", "Text messages handed to the provider, by purpose and outcome.",
              ["purpose", "outcome"])
RATE_LIMITED = Counter("absher_rate_limited_total", "Requests refused by a rate limit.",
                       ["endpoint"])
DEPENDENCY_ERRORS = Counter("absher_dependency_errors_total",
                            "Failures of the database, Redis or the SMS provider.",
                            ["dependency"])
API_REFUSALS = Counter("absher_api_refusals_total", "Activation API refusals, by error code.",
                       ["code"])
RUN_DUE = Counter("absher_run_due_total", "Results of the due-jobs runner.", ["result"])
BILLS = Counter("absher_bills_total",
                "Bills by fee-bearing service and what happened to them: created, paid, "
                "expired, cancelled, refunding, refunded, carry_on_failed.",
                ["service", "event"])
PAYMENT_NOTICES = Counter("absher_payment_notices_total",
                          "Banks' payment notices by outcome: paid, repeated, or the refusal's "
                          "code (bill_unknown, bill_expired, amount_wrong...).", ["outcome"])
# Files people send (services/uploads.py): accepted, or the refusal's reason.
UPLOADS = Counter("absher_uploads_total",
                  "Files people sent, by purpose and outcome: accepted, or the refusal's reason "
                  "(too_large, empty, not_accepted, damaged, too_many_pixels, active_pdf, "
                  "protected_pdf).", ["purpose", "outcome"])


# /verify's answers (web/verify.py): a run of "unknown" is someone trying numbers.
DOCUMENT_CHECKS = Counter("absher_document_checks_total",
                          "Document checks at /verify by answer: valid, lapsed, unknown.",
                          ["answer"])


def count_document_check(answer: str) -> None:
    DOCUMENT_CHECKS.labels(answer).inc()


def count_bill(service: str, event: str) -> None:
    BILLS.labels(service, event).inc()


def count_payment_notice(outcome: str) -> None:
    PAYMENT_NOTICES.labels(outcome).inc()


def count_event(kind: str) -> None:
    EVENTS.labels(kind).inc()


def count_sms(purpose: str, sent: bool) -> None:
    SMS.labels(purpose, "sent" if sent else "failed").inc()
    if not sent:
        DEPENDENCY_ERRORS.labels("sms").inc()


def count_dependency_error(dependency: str) -> None:
    DEPENDENCY_ERRORS.labels(dependency).inc()


def metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def add_scraped(app: Flask, collector: object) -> None:
    """Have ``collector`` (prometheus_client's protocol: ``collect()``) read at each scrape
    of /metrics: for what the database holds (services/bill_jobs.WaitingWork), the same on
    every instance, unlike the per-process counts."""
    app.extensions.setdefault("absher_scraped", []).append(collector)


def scraped_text(app: Flask) -> bytes:
    collectors = app.extensions.get("absher_scraped", [])
    if not collectors:
        return b""
    registry = CollectorRegistry(auto_describe=False)
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


# --- logs ------------------------------------------------------------------------------

def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    EXTRA = ("event", "account_id", "staff_user_id", "client_address", "endpoint", "status",
             "dependency", "code")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        line.update({name: getattr(record, name) for name in self.EXTRA
                     if getattr(record, name, None) is not None})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """One handler on the package's logger (and Flask's), JSON or text as configured."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    # app.logger is this same "absher_web" logger (the package's name): one handler serves
    # the app's own lines, Flask's unhandled-error lines and every module's logger.
    # Flask-Limiter's own lines (storage unreachable, recovered) go the same way.
    assert app.logger is log
    handler.absher = True  # type: ignore[attr-defined]
    for logger in (log, logging.getLogger("flask-limiter")):
        for old in [h for h in logger.handlers if getattr(h, "absher", False)]:
            logger.removeHandler(old)  # replaced: create_app may run several times
        logger.addHandler(handler)
    log.setLevel(app.config["LOG_LEVEL"])


def security_event(kind: str, account_id: int | None, staff_user_id: int | None,
                   client_address: str | None) -> None:
    """One log line per committed audit event: who and what, never personal data."""
    count_event(kind)
    security_log.info("security event %s", kind, extra={
        "event": kind, "account_id": account_id, "staff_user_id": staff_user_id,
        "client_address": client_address})


# --- events from committed rows ---------------------------------------------------------

UNANNOUNCED = "absher_unannounced_events"


def remember_audit_event(_mapper, _connection, row) -> None:  # noqa: ANN001
    """Every audit row, however it was added, is announced once its transaction commits."""
    session = object_session(row)
    if session is not None:
        session.info.setdefault(UNANNOUNCED, []).append(
            (row.kind, row.account_id, row.staff_user_id, row.client_address))


def remember_registration_started(_mapper, _connection, row) -> None:  # noqa: ANN001
    session = object_session(row)
    if session is not None:
        session.info.setdefault(UNANNOUNCED, []).append(
            ("registration_started", None, None, None))


def announce_committed(session: Session) -> None:
    for kind, account_id, staff_user_id, client_address in session.info.pop(UNANNOUNCED, []):
        security_event(kind, account_id, staff_user_id, client_address)


def forget_rolled_back(session: Session) -> None:
    session.info.pop(UNANNOUNCED, None)


def listen_to_committed_rows() -> None:
    from absher_web.models import AuditEvent, PendingRegistration

    for target, name, listener in (
            (AuditEvent, "after_insert", remember_audit_event),
            (PendingRegistration, "after_insert", remember_registration_started),
            (Session, "after_commit", announce_committed),
            (Session, "after_rollback", forget_rolled_back)):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


# --- access to /metrics ------------------------------------------------------------------

def address_allowed(address: str | None, allowed: Iterable[str]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(entry, strict=False) for entry in allowed)


def may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and constant_time_equal(given, f"Bearer {token}"):
        return True
    return address_allowed(request.remote_addr, current_app.config["METRICS_ALLOWED_ADDRESSES"])


# --- readiness -----------------------------------------------------------------------------

def check_database() -> str | None:
    from absher_web.extensions import db

    try:
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                timeout = int(current_app.config["READINESS_TIMEOUT_SECONDS"] * 1000)
                connection.execute(text(f"SET statement_timeout = {timeout}"))
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 (any failure means not ready)
        return f"{type(error).__name__}"
    return None


def readiness_redis(app: Flask):  # noqa: ANN201 (a redis.Redis, imported only when used)
    """One Redis client per process for /readyz, with its own pool: each probe reuses the
    pooled connection instead of opening one (redis-py opens a new pool after a fork)."""
    import redis

    client = app.extensions.get("absher_readiness_redis")
    if client is None:
        timeout = app.config["READINESS_TIMEOUT_SECONDS"]
        client = app.extensions["absher_readiness_redis"] = redis.Redis.from_url(
            app.config["RATELIMIT_STORAGE_URI"], socket_timeout=timeout,
            socket_connect_timeout=timeout, max_connections=2,
            client_name=f"absher-readyz-{os.getpid()}")
    return client


NOT_CONFIGURED = "not configured"


def check_redis() -> str | None:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith("memory://"):
        return NOT_CONFIGURED  # each process counts alone: nothing to reach, nothing shared
    if not uri.startswith(("redis://", "rediss://")):
        return None  # a storage this check does not speak
    try:
        readiness_redis(current_app).ping()
    except Exception as error:  # noqa: BLE001 (any failure means not ready)
        return f"{type(error).__name__}"
    return None


def check_readiness() -> tuple[dict, int]:
    """Ask the database and Redis now: the answer's body and status."""
    checks = {"database": check_database(), "redis": check_redis()}
    for name, problem in checks.items():
        if problem and problem != NOT_CONFIGURED:
            count_dependency_error(name)
            log.warning("not ready: %s unavailable (%s)", name, problem,
                        extra={"dependency": name})
    # Without the database nothing works: 503 takes the instance out of rotation.
    # Without Redis every page still works (limits counted in each process's memory):
    # "degraded", still 200, because a Redis outage must not take every instance out.
    # The SMS provider failing too often in a row (codes refused at once for a while):
    # degraded too, since every other page still works.
    sms = "paused" if sms_gateway.breaker_open() else "ok"
    if checks["database"]:
        status, code = "unavailable", 503
    elif checks["redis"] not in (None, NOT_CONFIGURED) or sms != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = {"status": status,
            "checks": {**{name: problem or "ok" for name, problem in checks.items()},
                       "sms": sms}}
    # The read replica is reported, never required: behind or away, reads use the primary.
    replica_state = replica.status(current_app)
    if replica_state is not None:
        body["checks"]["replica"] = replica_state
    return body, code


class ReadinessCache:
    """The last answer of /readyz, given again for ABSHER_READINESS_CACHE_SECONDS: however
    often probes ask, a process asks the database and Redis at most once in that time. One
    thread asks while the others wait for its answer (a lock), so a burst costs one check."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answer: tuple[dict, int] | None = None
        self.checked_at = 0.0

    def get(self, max_age: float) -> tuple[dict, int]:
        with self.lock:
            if self.answer is None or time.monotonic() - self.checked_at >= max_age:
                self.answer = check_readiness()
                self.checked_at = time.monotonic()
            return self.answer


def readiness(app: Flask) -> tuple[dict, int]:
    return app.extensions["absher_readiness"].get(app.config["READINESS_CACHE_SECONDS"])


def json_answer(body: dict, status: int) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- wiring --------------------------------------------------------------------------------

def init_app(app: Flask) -> None:
    from absher_web.extensions import limiter

    configure_logging(app)
    listen_to_committed_rows()
    app.extensions["absher_readiness"] = ReadinessCache()

    @app.before_request
    def start_request() -> None:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id") or uuid.uuid4().hex
        endpoint = request.endpoint or "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        if "request_started" in g:
            LATENCY.labels(endpoint).observe(time.perf_counter() - g.request_started)
        if response.status_code == 429:
            RATE_LIMITED.labels(endpoint).inc()
            security_log.warning("rate limit refused %s", endpoint,
                                 extra={"endpoint": endpoint, "status": 429,
                                        "client_address": request.remote_addr})
        return response

    @app.get("/healthz")
    @limiter.exempt
    def healthz() -> Response:
        return json_answer({"status": "ok"}, 200)

    @app.get("/readyz")
    @limiter.exempt
    def readyz() -> Response:
        return json_answer(*readiness(app))

    @app.get("/metrics")
    @limiter.exempt
    def metrics() -> Response:
        if not may_read_metrics():
            return json_answer({"error": "forbidden"}, 403)
        response = Response(metrics_text() + scraped_text(app),
                            mimetype=CONTENT_TYPE_LATEST)
        response.headers["Cache-Control"] = "no-store"
        return response
