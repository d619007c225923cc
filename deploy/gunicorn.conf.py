"""gunicorn settings for Absher Web behind nginx (deploy/nginx/absher.conf).

    gunicorn --config /etc/absher/gunicorn.conf.py --bind 127.0.0.1:8001 'absher_web:create_app()'

The command line (and GUNICORN_CMD_ARGS) override anything here; the systemd unit gives
each instance its port with --bind. tests/test_deploy.py loads this file through gunicorn's
own configuration and checks every value it claims below.
"""

from __future__ import annotations

import glob
import json
import os
import tempfile
import time

from gunicorn.glogging import Logger

# Loopback only: nginx is the one client, and it terminates TLS.
bind = "127.0.0.1:8000"

# Worker class: threads. A request may wait on the SMS provider for up to 3 s (code steps
# send inside the request, with no transaction open) and on PostgreSQL; with threads a
# worker keeps answering other requests meanwhile (at most ABSHER_SMS_MAX_IN_FLIGHT +
# ABSHER_SMS_MAX_WAITING of its threads, 2 + 1 by default, ever wait on the provider),
# while bcrypt (which releases the GIL) uses the cores. nginx buffers slow clients'
# requests and responses, so no worker waits on a slow connection, and the app needs no
# async libraries (gevent would have to patch psycopg, redis and bcrypt).
worker_class = "gthread"
# One process per core (at least two, so one crash never empties an instance; at most
# eight), four threads each: a process then uses at most four database connections at once,
# within SQLAlchemy's pool of five, and PostgreSQL sees at most 5 x workers per instance.
# WEB_CONCURRENCY (gunicorn's own convention) or --workers sets another count.
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, min(os.cpu_count() or 2, 8)))
threads = 4

# Timeouts.
# - timeout: a worker that has not checked in for 30 s is killed and replaced. The
#   slowest honest request is far shorter (SMS <= 3 s with retries, pages in milliseconds),
#   and nginx gives up on the answer after 30 s too (proxy_read_timeout).
# - graceful_timeout: on stop or restart, requests in progress get 30 s to finish; the
#   systemd unit waits 40 s (TimeoutStopSec) before killing.
# - keepalive: idle connections from nginx are kept 30 s, longer than nginx keeps them
#   (keepalive_timeout 20s in the upstream block), so nginx never reuses a connection
#   this side is closing (which would be a 502).
timeout = 30
graceful_timeout = 30
keepalive = 30

# Load the app once in the master before forking. A release that cannot start (a bad
# setting, a missing file) fails before gunicorn tells systemd it is ready, so a rolling
# restart stops at the first instance instead of leaving workers that crash on boot.
# New code needs a restart (systemctl restart absher@PORT), not a HUP.
preload_app = True

# gunicorn 25.1+ opens a control socket for gunicornc in $XDG_RUNTIME_DIR or ~/.gunicorn,
# one path per user: a second instance on the host would silently take it over. Nothing
# here uses it, so it stays closed (older gunicorn has no socket and ignores the setting).
control_socket_disable = True

# Logs to stdout/stderr: journald keeps them, with the unit's name. The access log is JSON
# lines shaped like the application's (absher_web/observability.py JsonFormatter: time,
# level, logger, message, request_id), carrying the request id the app answered with
# (nginx's X-Request-ID, or the app's own), so one filter finds every line of a request.
accesslog = "-"
errorlog = "-"
loglevel = "info"
proc_name = "absher"

# Probes and scrapes that succeed (/healthz, /readyz, /metrics, every few seconds) are
# left out of the access log; a failing one (503, 403) is logged like any request.
QUIET_WHEN_OK = ("/healthz", "/readyz", "/metrics")


def access_line(atoms: dict, status: int) -> str:
    """One request as a JSON line (gunicorn's atoms: request line, headers, timings)."""

    def atom(name: str) -> str | None:
        value = atoms.get(name)
        return None if value in (None, "-", "") else str(value)

    return json.dumps({
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": atom("r"),
        "request_id": atom("{x-request-id}o") or "-",
        "client_address": atom("{x-forwarded-for}i") or atom("h"),
        "peer": atom("h"),
        "method": atom("m"),
        "path": atom("U"),
        "status": status,
        "bytes": atoms.get("B") or 0,
        "duration_ms": atoms.get("M"),
        "referer": atom("f"),
        "user_agent": atom("a"),
    }, ensure_ascii=False)


class AccessLogWithoutProbes(Logger):
    def access(self, resp, req, environ, request_time):
        status = getattr(resp, "status_code", None) or int(str(resp.status).split()[0])
        if environ.get("PATH_INFO") in QUIET_WHEN_OK and status < 400:
            return
        if not self.cfg.accesslog:
            return
        self.access_log.info(access_line(self.atoms(resp, req, environ, request_time),
                                         status))


logger_class = AccessLogWithoutProbes

# X-Forwarded-* are read by the app itself (ABSHER_PROXY_COUNT=1, werkzeug's ProxyFix);
# gunicorn trusts them only from the loopback proxy, its default.
forwarded_allow_ips = "127.0.0.1,::1"
# No header sets a WSGI variable. gunicorn's default lets a trusted (here: any loopback)
# client set SCRIPT_NAME and PATH_INFO by header; the site lives at the root and nginx
# sends neither, so a SCRIPT_NAME header could only come from someone who reached gunicorn
# directly, to put their own prefix into every link of a page (the app clears one anyway:
# security.SiteAtTheRoot).
forwarder_headers = ""

# Prometheus counts from every worker add up through files in one directory per
# instance (prometheus_client's multiprocess mode). The systemd unit gives each instance
# its own, emptied at each start (RuntimeDirectory); run by hand, a new temporary one.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="absher-metrics-")
metrics_directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server):
    """Counts start from zero with each start of an instance."""
    os.makedirs(metrics_directory, exist_ok=True)
    for stale in glob.glob(os.path.join(metrics_directory, "*.db")):
        os.remove(stale)


def post_fork(server, worker):
    """Each worker opens its own database connections, never the master's."""
    if not server.cfg.preload_app:
        return  # the worker builds its own app
    state = getattr(worker.app.wsgi(), "extensions", {}).get("absher_db")
    if state is not None:
        state.engine.dispose(close=False)


def child_exit(server, worker):
    """A dead worker's gauges leave the sums; its counters stay counted."""
    try:
        from prometheus_client import multiprocess
    except ImportError:
        return
    multiprocess.mark_process_dead(worker.pid)
