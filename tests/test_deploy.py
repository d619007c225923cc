"""The files in deploy/ are the ones checked here: gunicorn's settings as gunicorn reads them,
the nginx server block through `nginx -t` and then serving for real, the systemd units through
`systemd-analyze verify`, the example environment through production's start-up checks, and
the retained static files that keep a rolling deploy's pages whole."""

from __future__ import annotations

import configparser
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from absher_web import assets, cli, create_app
from absher_web.config import PROJECT_ROOT, Config, TestConfig
from tests.nginx_site import HOST, NGINX, NGINX_CONF, nginx_prefix

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

DEPLOY = PROJECT_ROOT / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
SYSTEMD = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "absher.env.example"
IMMUTABLE = "public, max-age=31536000, immutable"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- gunicorn ---------------------------------------------------------------------------

LOAD_GUNICORN_CONF = """
import json, sys
from gunicorn.app.base import Application

class Probe(Application):
    def init(self, parser, opts, args):
        pass
    def load_config(self):
        self.load_config_from_file(sys.argv[1])
    def load(self):
        raise AssertionError("not served")

cfg = Probe().cfg
import os
print(json.dumps({
    "bind": cfg.bind, "worker_class": cfg.worker_class_str, "workers": cfg.workers,
    "threads": cfg.threads, "timeout": cfg.timeout, "graceful_timeout": cfg.graceful_timeout,
    "keepalive": cfg.keepalive, "preload_app": cfg.preload_app,
    "accesslog": cfg.accesslog, "errorlog": cfg.errorlog,
    "access_log_format": cfg.access_log_format, "logger_class": cfg.logger_class.__name__,
    "has_control_socket": "control_socket_disable" in cfg.settings,
    "control_socket_disable": getattr(cfg, "control_socket_disable", None),
    "hooks": {name: getattr(cfg, name).__module__ != "gunicorn.config"  # not the default
              for name in ("on_starting", "post_fork", "child_exit")},
    "metrics_dir": os.environ.get("PROMETHEUS_MULTIPROC_DIR"),
    "forwarder_headers": cfg.forwarder_headers,
}))
"""


@pytest.fixture(scope="module")
def gunicorn_settings(tmp_path_factory) -> dict:
    """deploy/gunicorn.conf.py as gunicorn itself reads it (in a child: it sets variables)."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"PROMETHEUS_MULTIPROC_DIR", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"}}
    completed = subprocess.run([sys.executable, "-c", LOAD_GUNICORN_CONF, str(GUNICORN_CONF)],
                               capture_output=True, text=True, env=env, check=True,
                               cwd=tmp_path_factory.mktemp("gunicorn"))
    return json.loads(completed.stdout)


def test_gunicorn_conf_sets_what_it_claims(gunicorn_settings):
    settings = gunicorn_settings
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["worker_class"] == "gthread" and settings["threads"] == 4
    assert 2 <= settings["workers"] <= 8
    timeouts = settings["timeout"], settings["graceful_timeout"], settings["keepalive"]
    assert timeouts == (30, 30, 30)
    assert settings["preload_app"] is True
    assert settings["accesslog"] == "-" and settings["errorlog"] == "-"
    assert settings["logger_class"] == "AccessLogWithoutProbes"
    assert all(settings["hooks"].values()), settings["hooks"]
    assert settings["metrics_dir"], "PROMETHEUS_MULTIPROC_DIR is set for the workers"


ECHO_APP = """
import json

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({name: environ.get(name, "") for name in
                        ("SCRIPT_NAME", "PATH_INFO", "REMOTE_USER")}).encode()]
"""


def test_gunicorn_lets_no_header_set_a_wsgi_variable(gunicorn_settings, tmp_path):
    """gunicorn with deploy/gunicorn.conf.py, asked straight from loopback (a trusted
    forwarder) with SCRIPT_NAME and PATH_INFO headers: the app sees the real path."""
    assert gunicorn_settings["forwarder_headers"] == []
    (tmp_path / "echo.py").write_text(ECHO_APP)
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"}}
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "echo:app"], cwd=tmp_path, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, _, body = request(port, "GET", "//evil.example/en/", tls=False, headers={
                    "SCRIPT_NAME": "//evil.example", "PATH_INFO": "/en/admin",
                    "REMOTE_USER": "admin"})
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert status == 200
    assert json.loads(body) == {"SCRIPT_NAME": "", "PATH_INFO": "//evil.example/en/",
                                "REMOTE_USER": ""}


def test_gunicorn_access_log_is_json_lines_with_the_request_id(database_url, tmp_path):
    """Served by gunicorn with deploy/gunicorn.conf.py: each request one JSON line shaped
    like the application's (time, level, logger, message, request_id), the request id the
    one the app answered with; successful probes left out."""
    import urllib.request

    port = free_port()
    env = {**os.environ, "ABSHER_ENV": "development", "ABSHER_DATABASE_URL": database_url,
           "ABSHER_SMS_FILE": str(tmp_path / "sms.jsonl"),
           "ABSHER_INSTANCE_DIR": str(tmp_path / "instance"),
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    env.pop("GUNICORN_CMD_ARGS", None)
    (tmp_path / "metrics").mkdir()
    out = (tmp_path / "out.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", str(GUNICORN_CONF),
         "--workers", "1", "--bind", f"127.0.0.1:{port}", "absher_web:create_app()"],
        env=env, cwd=tmp_path, stdout=out, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no gunicorn"
                time.sleep(0.2)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/en/", headers={
            "X-Request-ID": "req-access-0001", "X-Forwarded-For": "203.0.113.7",
            "User-Agent": 'Probe "quoted"'})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.headers["X-Request-ID"] == "req-access-0001"
        unnamed = urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=10)
        given_id = unnamed.headers["X-Request-ID"]
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
        out.close()
    lines = [json.loads(line) for line in (tmp_path / "out.log").read_text().splitlines()
             if line.startswith("{") and '"gunicorn.access"' in line]
    # Threads write their access lines as each answer ends, so the two may come in either order.
    assert sorted(line["request_id"] for line in lines) == sorted(["req-access-0001", given_id])
    first = next(line for line in lines if line["request_id"] == "req-access-0001")
    assert {"time", "level", "logger", "message", "request_id"} <= set(first)
    assert first["message"] == "GET /en/ HTTP/1.1" and first["status"] == 200
    assert first["client_address"] == "203.0.113.7" and first["path"] == "/en/"
    assert first["user_agent"] == 'Probe "quoted"'
    assert isinstance(first["duration_ms"], int)


def test_gunicorn_control_socket_is_off(gunicorn_settings):
    import gunicorn

    if not gunicorn_settings["has_control_socket"]:
        pytest.skip(f"gunicorn {gunicorn.__version__} has no control socket")
    assert gunicorn_settings["control_socket_disable"] is True


def test_gunicorn_and_nginx_timeouts_fit_together(gunicorn_settings):
    nginx = NGINX_CONF.read_text()
    upstream_idle = int(re.search(r"keepalive_timeout (\d+)s;", nginx)[1])
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", nginx)[1])
    # nginx drops an idle upstream connection before gunicorn does (no 502 on reuse).
    assert upstream_idle < gunicorn_settings["keepalive"]
    assert read_timeout <= gunicorn_settings["timeout"]
    unit = (SYSTEMD / "absher@.service").read_text()
    stop = int(re.search(r"TimeoutStopSec=(\d+)", unit)[1])
    assert stop > gunicorn_settings["graceful_timeout"]


# --- nginx ------------------------------------------------------------------------------

needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed "
                                 "(make test installs Debian's: scripts/ensure-nginx.sh)")


@needs_nginx
def test_nginx_accepts_the_server_block(tmp_path):
    config = nginx_prefix(tmp_path, free_port(), free_port(), (free_port(), free_port()),
                          tmp_path)
    completed = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(config),
                                "-e", "stderr"], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert "test is successful" in completed.stderr
    # nginx 1.25.1+ prefers "http2 on;" to "listen ... http2" (Debian 12 has 1.22): tolerated.
    warnings = [line for line in completed.stderr.splitlines()
                if "[warn]" in line and "http2" not in line]
    assert warnings == []


class Echo(BaseHTTPRequestHandler):
    """The upstream: answers with what it received."""

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.dumps({"path": self.path, "method": self.command,
                           "headers": {k.lower(): v for k, v in self.headers.items()},
                           "body_length": len(self.rfile.read(length))}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args) -> None:
        pass


def request(port: int, method: str, path: str, *, tls: bool = True, server_name: str = HOST,
            headers: dict | None = None, body: bytes | None = None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(server_name, port, context=context, timeout=10)
    else:
        connection = http.client.HTTPConnection(server_name, port, timeout=10)
    connection._create_connection = (  # reach 127.0.0.1 while naming the site (SNI, Host)
        lambda address, *args, **kwargs: socket.create_connection(("127.0.0.1", port), 10))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def static_table(root: Path, css: str) -> assets.AssetTable:
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_text(css)
    (root / "img").mkdir()
    (root / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return assets.AssetTable(root)


@pytest.fixture
def two_releases(tmp_path):
    """The retained directory after the previous release and the current one were collected."""
    retained = tmp_path / "state" / "static"
    previous = static_table(tmp_path / "v1", "body { color: black; }\n" * 40)
    current = static_table(tmp_path / "v2", "body { color: navy; }\n" * 40)
    assets.collect_static(previous, retained, "absher-web 1")
    assets.collect_static(current, retained, "absher-web 2")
    return retained, previous.url("css/site.css"), current.url("css/site.css")


@needs_nginx
def test_nginx_serves_both_releases_and_proxies_with_the_right_headers(tmp_path, two_releases):
    retained, previous_css, current_css = two_releases
    echo = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    # One live instance and one that is down: nginx must go round the dead one.
    config = nginx_prefix(prefix, http_port, https_port, (echo.server_address[1], free_port()),
                          retained.parent)
    nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(config), "-e", "stderr",
                              "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), 1).close()
                break
            except OSError:
                assert nginx.poll() is None, nginx.stderr.read()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)

        # Static files of both releases, from disk, immutable, pre-compressed when asked.
        for url in (previous_css, current_css):
            status, headers, body = request(https_port, "GET", url)
            assert status == 200 and headers["cache-control"] == IMMUTABLE, (url, headers)
            assert body == (retained / url.removeprefix("/static/")).read_bytes()
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["content-type"].startswith("text/css")
            status, headers, body = request(https_port, "GET", url,
                                            headers={"Accept-Encoding": "gzip"})
            assert status == 200 and headers.get("content-encoding") == "gzip"
            assert gzip.decompress(body).startswith(b"body {")
        # A name not on disk (unhashed, or a hash no retained release has) goes to the app.
        for path in ("/static/css/site.css", "/static/css/site.0123456789ab.css"):
            status, headers, body = request(https_port, "GET", path)
            assert status == 200 and json.loads(body)["path"] == path
            assert "cache-control" not in headers

        # Only hashed assets come from disk: collect-static's own files never (they name the
        # release and every file), whatever the spelling.
        for path in ("/static/.releases.json", "/static/.lock", "/static/css/../.lock",
                     "/static/.releases.json?v=1", "/static/%2Ereleases.json",
                     "/static/.lock.0123456789ab"):
            status, _, body = request(https_port, "GET", path)
            assert status == 404 and b"absher-web" not in body, (path, status, body[:200])
        # Probes and scrapes are for each instance's own port: 404 here, the app never asked.
        for path in ("/readyz", "/metrics", "/readyz?x=1"):
            status, _, body = request(https_port, "GET", path)
            assert status == 404 and b"path" not in body, (path, status)

        # The app gets the client's address, scheme and host, and a fresh request id,
        # whatever the client claimed; each request reaches the live instance.
        ids = set()
        for _ in range(4):
            status, _, body = request(https_port, "GET", "/ar/", headers={
                "X-Forwarded-For": "203.0.113.9", "X-Request-ID": "client-chosen-id",
                "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"})
            assert status == 200
            seen = json.loads(body)["headers"]
            assert seen["x-forwarded-for"] == "127.0.0.1"
            assert seen["x-forwarded-proto"] == "https"
            assert seen["x-forwarded-host"] == HOST and seen["host"] == HOST
            assert re.fullmatch(r"[0-9a-f]{32}", seen["x-request-id"])
            ids.add(seen["x-request-id"])
        assert len(ids) == 4

        # The body limit is ABSHER_MAX_CONTENT_LENGTH's.
        limit = Config.MAX_CONTENT_LENGTH
        status, _, body = request(https_port, "POST", "/ar/register", body=b"x" * limit,
                                  headers={"Content-Type": "application/octet-stream"})
        assert status == 200 and json.loads(body)["body_length"] == limit
        status, _, _ = request(https_port, "POST", "/ar/register", body=b"x" * (limit + 1),
                               headers={"Content-Type": "application/octet-stream"})
        assert status == 413

        # Plain HTTP redirects to HTTPS; another host name gets no TLS handshake at all.
        status, headers, _ = request(http_port, "GET", "/ar/?a=1", tls=False)
        assert status == 301 and headers["location"] == f"https://{HOST}/ar/?a=1"
        with pytest.raises(ssl.SSLError):
            request(https_port, "GET", "/", server_name="other.example")
    finally:
        nginx.terminate()
        nginx.wait(10)
        echo.shutdown()


# --- retained static files (rolling deploys) ----------------------------------------------

def test_collect_static_keeps_the_previous_release_only(tmp_path, two_releases):
    retained, previous_css, current_css = two_releases
    releases = json.loads((retained / ".releases.json").read_text())
    assert [entry["release"] for entry in releases] == ["absher-web 1", "absher-web 2"]
    for url in (previous_css, current_css):
        name = url.removeprefix("/static/")
        assert (retained / name).is_file() and (retained / f"{name}.gz").is_file()
        assert (retained / name).stat().st_mode & 0o777 == 0o644  # nginx reads as another user
    logo = retained / assets.AssetTable(tmp_path / "v2").url("img/logo.svg").removeprefix(
        "/static/")

    # Collecting the same build again changes nothing; a third build drops the first's files
    # but not those it shares with a kept one (the logo did not change).
    again = assets.collect_static(assets.AssetTable(tmp_path / "v2"), retained, "absher-web 2")
    assert again.written == 0 and len(again.releases) == 2
    third = assets.collect_static(static_table(tmp_path / "v3", "body { color: teal; }\n"),
                                  retained, "absher-web 3")
    assert not (retained / previous_css.removeprefix("/static/")).exists()
    assert (retained / current_css.removeprefix("/static/")).is_file() and logo.is_file()
    assert third.removed == 2  # the first release's stylesheet and its .gz

    # Rolling back to the second release keeps the third's files for pages already out.
    back = assets.collect_static(assets.AssetTable(tmp_path / "v2"), retained, "absher-web 2")
    assert back.releases == [third.build, again.build] and back.removed == 0


@pytest.fixture
def app_with_retained(database_url, tmp_path, two_releases):
    retained = two_releases[0]
    config = type("RetainedConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl"),
        "RETAINED_STATIC_DIR": str(retained)})
    return create_app(config)


def test_the_app_serves_another_release_hashed_file(app_with_retained, two_releases):
    """An instance that never built a release's stylesheet still answers for it."""
    retained, previous_css, current_css = two_releases
    client = app_with_retained.test_client()
    for url in (previous_css, current_css):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.mimetype == "text/css"
        assert response.get_data() == (retained / url.removeprefix("/static/")).read_bytes()
        assert response.headers["ETag"] == f'"{url.rsplit(".", 2)[1]}"'
        assert "Set-Cookie" not in response.headers
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.get_data()) == response.get_data()
    # The release's own files are still served from memory.
    own = client.get(app_with_retained.extensions["absher_assets"].url("css/site.css"))
    assert own.status_code == 200 and own.headers["Cache-Control"] == IMMUTABLE


@pytest.mark.parametrize("path", [
    "/static/css/site.0123456789ab.css",      # a hash no release had
    "/static/css/site.css.gz",                # not a hashed name
    "/static/.releases.json",
    "/static/..%2fsms.jsonl.0123456789ab",
    "/static/css/../../sms.0123456789ab.jsonl",
    "/static/.lock.0123456789ab",
    "/static/css",
])
def test_the_app_serves_nothing_else_from_the_retained_directory(app_with_retained, path):
    assert app_with_retained.test_client().get(path).status_code == 404


def test_collect_static_command(app_with_retained, two_releases):
    retained = two_releases[0]
    result = app_with_retained.test_cli_runner().invoke(cli.absher, ["collect-static"])
    assert result.exit_code == 0, result.output
    table = app_with_retained.extensions["absher_assets"]
    for path in table.by_path:
        assert (retained / table.url(path).removeprefix("/static/")).is_file()
    assert "builds kept" in result.output
    kept = json.loads((retained / ".releases.json").read_text())
    assert len(kept) == 2 and kept[-1]["files"] == sorted(
        table.url(path).removeprefix("/static/") for path in table.by_path)


# --- systemd ----------------------------------------------------------------------------

UNITS = ("absher@.service", "absher-run-due.service", "absher-run-due.timer")


def parse_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string((SYSTEMD / name).read_text())
    return parser


def test_units_say_what_the_site_needs():
    site = parse_unit("absher@.service")
    service = site["Service"]
    assert service["Type"] == "notify"
    assert service["ExecStart"].split()[:3] == [
        "/opt/absher/venv/bin/gunicorn", "--config", "/etc/absher/gunicorn.conf.py"]
    assert "--bind 127.0.0.1:%i" in service["ExecStart"]
    assert service["ExecStart"].endswith(" absher_web:create_app()")
    assert service["ExecStartPre"] == "/opt/absher/venv/bin/absher collect-static"
    assert service["EnvironmentFile"] == "/etc/absher/absher.env"
    assert service["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/absher-%i"
    assert service["RuntimeDirectory"] == "absher-%i"
    assert service["StateDirectory"] == "absher"
    run_due = parse_unit("absher-run-due.service")["Service"]
    assert run_due["Type"] == "oneshot"
    assert run_due["ExecStart"] == "/opt/absher/venv/bin/absher run-due"
    assert run_due["EnvironmentFile"] == service["EnvironmentFile"]
    timer = parse_unit("absher-run-due.timer")["Timer"]
    assert timer["OnCalendar"] == "*:0/5"  # every 5 minutes
    # The paths the units, nginx and the environment file share.
    nginx = NGINX_CONF.read_text()
    environment = ENV_EXAMPLE.read_text()
    assert "ABSHER_INSTANCE_DIR=/var/lib/absher\n" in environment
    assert "root /var/lib/absher;" in nginx and "location /static/" in nginx
    for port in re.findall(r"server 127\.0\.0\.1:(\d+)", nginx):
        assert f"absher@{port}" in (PROJECT_ROOT / "README.md").read_text()


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # verify wants the commands to exist: stand-ins where the install would put them.
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for command in ("gunicorn", "absher"):
        (bin_dir / command).write_text("#!/bin/sh\n")
        (bin_dir / command).chmod(0o755)
    for name in UNITS:
        text = (SYSTEMD / name).read_text()
        assert name.endswith(".timer") or "/opt/absher/venv/bin/" in text
        (tmp_path / name).write_text(text.replace("/opt/absher/venv/bin/", f"{bin_dir}/"))
    units = [tmp_path / "absher@8001.service", tmp_path / "absher-run-due.service",
             tmp_path / "absher-run-due.timer"]
    completed = subprocess.run([SYSTEMD_ANALYZE, "verify", *map(str, units)],
                               capture_output=True, text=True)
    ours = [line for line in (completed.stdout + completed.stderr).splitlines()
            if "absher" in line]
    assert completed.returncode == 0 and ours == [], completed.stdout + completed.stderr


# --- the example environment ----------------------------------------------------------------

def env_example() -> dict[str, str]:
    pairs = [line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return {name: value for name, value in pairs}


def test_env_example_lists_real_settings():
    settings = env_example()
    source = (PROJECT_ROOT / "absher_web" / "config.py").read_text()
    readme = (PROJECT_ROOT / "README.md").read_text()
    known = {f"ABSHER_{name}" for name in re.findall(r'env\w*\("([A-Z_]+)"', source)}
    known.add("ABSHER_INSTANCE_DIR")
    assert set(settings) <= known, set(settings) - known
    for name in settings:
        assert f"`{name}`" in readme, f"{name} is not in README.md"
    for required in ("ABSHER_ENV", "ABSHER_SECRET_KEY", "ABSHER_API_KEY_ENCRYPTION_KEY",
                     "ABSHER_DATABASE_URL", "ABSHER_ALLOWED_HOSTS", "ABSHER_PROXY_COUNT",
                     "ABSHER_RATELIMIT_STORAGE_URI", "ABSHER_SMS_URL", "ABSHER_SMS_API_KEY"):
        assert required in settings
    assert settings["ABSHER_ENV"] == "production"


def test_env_example_passes_production_checks_once_the_secrets_are_filled(tmp_path):
    from cryptography.fernet import Fernet

    env = {key: value for key, value in os.environ.items() if not key.startswith("ABSHER_")}
    env.update(env_example())
    env["ABSHER_SECRET_KEY"] = "s" * 48
    env["ABSHER_API_KEY_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    env["ABSHER_SMS_API_KEY"] = "provider-key"
    env["ABSHER_INSTANCE_DIR"] = str(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-c", "from absher_web import create_app; "
         "app = create_app(); print(app.config['SESSION_COOKIE_NAME'])"],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "__Host-absher_session"


def test_readme_production_names_the_deploy_files():
    readme = (PROJECT_ROOT / "README.md").read_text()
    production = readme[readme.index("## Production"):]
    for path in ("deploy/gunicorn.conf.py", "deploy/nginx/absher.conf",
                 "deploy/systemd/absher@.service", "deploy/systemd/absher-run-due.timer",
                 "deploy/absher.env.example", "absher collect-static", "absher migrate"):
        assert path in production, path


def test_nginx_lets_every_page_that_takes_files_through(tmp_path):
    """The server block holds the location `upload-pages` prints for each page that takes
    files (with the app's body limit), and no other: a new form with attachments that is
    missing here would be cut at 64k by nginx."""
    app = create_app(type("UploadPagesConfig", (TestConfig,),
                          {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}))
    printed = app.test_cli_runner().invoke(cli.absher, ["upload-pages"]).output
    wanted = [block for block in re.findall(r'^location ~ "[^"]+" \{.*?^\}', printed,
                                            flags=re.M | re.S)]
    assert wanted, printed
    site = re.sub(r"^    ", "", NGINX_CONF.read_text(), flags=re.M)
    for block in wanted:
        assert block in site, f"deploy/nginx/absher.conf lacks:\n{block}"
    in_site = re.findall(r'^location ~ "\^/\[\^/\]\+/[^"]*" \{\n    client_max_body_size',
                         site, flags=re.M)
    assert len(in_site) == len(wanted)
