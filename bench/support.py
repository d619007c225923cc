"""What the benchmarks share: a throw-away PostgreSQL database filled with COPY, gunicorn
servers started and stopped, the shipped nginx in front of them (HTTPS, HTTP/2), CPU time
read from /proc, and medians.

Only ever 127.0.0.1. The database server is ABSHER_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/test): a new database is created on it for each run
and dropped at the end. Redis for the rate limits is ABSHER_BENCH_REDIS_URL (default
redis://127.0.0.1:6379/14).
"""

from __future__ import annotations

import functools
import gzip
import http.client
import io
import json
import os
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from itertools import islice
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli

from tests.nginx_site import HOST, NGINX, nginx_prefix

PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DATABASE_SERVER = os.environ.get("ABSHER_BENCH_DATABASE_URL",
                                 "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ABSHER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "Bench-Pass-2026"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the database ----------------------------------------------------------------------------

@contextmanager
def scratch_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database (its SQLAlchemy URL), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from absher_web.migrate import upgrade_database

    server = make_url(DATABASE_SERVER).set(drivername="postgresql+psycopg")
    name = f"absher_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def national_id(number: int, first_digit: str = "1") -> str:
    """A valid ID number (check digit included) for a running number.

    The Luhn total is a sum over the digits, so the check digit is that of the first five
    digits plus that of the last four, each worked out once (a fill asks for 10^8 of them).
    """
    first_nine = f"{first_digit}{number:08d}"
    return first_nine + str((_check_of_head(first_nine[:5]) + _check_of_tail(first_nine[5:]))
                            % 10)


@functools.cache
def _check_of_head(five: str) -> int:
    from absher_web.identity import national_id_check_digit

    return int(national_id_check_digit(five + "0000"))


@functools.cache
def _check_of_tail(four: str) -> int:
    from absher_web.identity import national_id_check_digit

    return int(national_id_check_digit("00000" + four))


def mobile(number: int) -> str:
    return f"+9665{number:08d}"


def username(number: int) -> str:
    return f"Bench{number:07d}"


def fill_people_and_accounts(url: str, start: int, count: int, accounts: bool = True,
                             bcrypt_rounds: int = 4, analyze: bool = True) -> None:
    """People numbered start..start+count-1 (and their accounts), with COPY.

    Every account has the password PASSWORD (one hash, computed once) and is active; every
    value follows from the person's number, so a fill is the same each time.
    """
    import psycopg

    from absher_web.passwords import hash_password

    password_hash = hash_password(PASSWORD, bcrypt_rounds)

    def person(number: int) -> str:
        return (f"{national_id(number)}\tcitizen\tسارة محمد\tSarah Mohammed\t1990-01-01\t"
                "SAU\t2031-01-01\tRUH\tD1\n")

    def account(number: int) -> str:
        return (f"{national_id(number)}\t{username(number)}\t{mobile(number)}\t"
                f"b{number}@example.sa\t{password_hash}\tar\tactive\tbench{number:059d}"
                "\t0\t0\t0\t0\t2026-01-01 00:00:00+00\n")

    tables = [("people (national_id, kind, name_ar, name_en, birth_date, nationality, "
               "id_expiry, city, district)", person)]
    if accounts:
        tables.append(("accounts (national_id, username, mobile, email, password_hash, "
                       "preferred_language, activation_state, session_token, "
                       "consecutive_failures, lockouts, failures_since_recovery, "
                       "recovery_wrong_answers, created_at)", account))
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        with connection.cursor() as cursor:
            for table, line in tables:
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for chunk in range(start, start + count, 50_000):
                        copy.write("".join(line(number) for number in
                                           range(chunk, min(chunk + 50_000, start + count))))
        connection.commit()
        if analyze:
            connection.autocommit = True
            connection.execute("ANALYZE")


def copy_accounts(cursor, holders: Iterable[tuple[int, str]], password_hash: str) -> None:
    """Active accounts, with COPY, for (running number, ID number) pairs: the username,
    mobile and e-mail come from the number (username(), mobile()), the password is the hash's."""
    with cursor.copy("COPY accounts (national_id, username, mobile, email, "
                     "password_hash, preferred_language, activation_state, "
                     "session_token, consecutive_failures, lockouts, "
                     "failures_since_recovery, recovery_wrong_answers, "
                     "created_at) FROM STDIN") as copy:
        holders = iter(holders)
        while chunk := list(islice(holders, 50_000)):
            buffer = io.StringIO()
            for number, holder in chunk:
                buffer.write(f"{holder}\t{username(number)}\t{mobile(number)}\t"
                             f"b{number}@example.sa\t{password_hash}\tar\tactive\t"
                             f"{uuid.uuid4().hex}\t0\t0\t0\t0\t2026-01-01 00:00:00+00\n")
            copy.write(buffer.getvalue())


def add_accounts(url: str, holders: Iterable[tuple[int, str]], bcrypt_rounds: int = 4) -> None:
    """Accounts (password PASSWORD) for people already in the registry, e.g. seed-demo's."""
    import psycopg

    from absher_web.passwords import hash_password

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        with connection.cursor() as cursor:
            copy_accounts(cursor, holders, hash_password(PASSWORD, bcrypt_rounds))


# --- servers ---------------------------------------------------------------------------------

def app_environment(database_url: str, workdir: Path, bcrypt_rounds: int = 4) -> dict:
    """The development configuration with production's database, Redis, JSON logs and
    catalogs, and limits far above what a benchmark sends from one address."""
    environment = dict(os.environ)
    environment.update({
        "ABSHER_ENV": "development",
        # As production serves: compiled catalogs, public pages from memory.
        "ABSHER_CATALOGS_LIVE": "off",
        "ABSHER_DATABASE_URL": database_url,
        "ABSHER_RATELIMIT_STORAGE_URI": REDIS_URL,
        "ABSHER_RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
        "ABSHER_RATELIMIT_DEFAULT": "100000000 per minute",
        "ABSHER_RATELIMIT_SIGN_IN": "100000000 per minute",
        "ABSHER_RATELIMIT_REGISTER": "100000000 per minute",
        "ABSHER_RATELIMIT_RECOVER": "100000000 per minute",
        "ABSHER_RATELIMIT_RECOVER_PER_ID": "100000000 per minute",
        "ABSHER_RATELIMIT_STAFF_SIGN_IN": "100000000 per minute",
        "ABSHER_RATELIMIT_VERIFY": "100000000 per minute",
        "ABSHER_RATELIMIT_VISUAL_CODE": "100000000 per minute",
        "ABSHER_SMS_CODES_PER_HOUR": "10000000",
        "ABSHER_SMS_FILE": str(workdir / "sms.jsonl"),
        "ABSHER_BCRYPT_ROUNDS": str(bcrypt_rounds),
        "ABSHER_LOG_FORMAT": "json",
        "ABSHER_INSTANCE_DIR": str(workdir / "instance"),
        "PROMETHEUS_MULTIPROC_DIR": str(workdir / f"metrics-{uuid.uuid4().hex[:6]}"),
    })
    Path(environment["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    return environment


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def resident_kb(self, pid: int) -> int:
        """A worker's resident set size now (VmRSS), in KiB."""
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for process {pid}")

    def cpu_seconds(self) -> float:
        """User + system time of the workers so far (the master only supervises)."""
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / CLOCK_TICKS


@contextmanager
def gunicorn(name: str, app: str, environment: dict, worker_class: str, workers: int = 2,
             threads: int = 4, log: Path | None = None,
             config: Path = PROJECT / "deploy/gunicorn.conf.py") -> Iterator[Server]:
    """gunicorn with the project's deploy/gunicorn.conf.py (or ``config``), on a free
    loopback port."""
    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), "--config", str(config),
               "--bind", f"127.0.0.1:{port}", "--worker-class", worker_class,
               "--workers", str(workers), "--threads", str(threads), app]
    output = open(log or os.devnull, "ab")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=PROJECT, env=environment, stdout=output,
                               stderr=output, start_new_session=True)
    server = Server(name, f"http://127.0.0.1:{port}", process)
    try:
        wait_until_up(server, workers)
        yield server
    finally:
        stop_group(process, 30)
        output.close()


def stop_group(process: subprocess.Popen, timeout: float) -> None:
    """TERM to a server started in a session of its own, KILL if it is not gone in
    ``timeout`` seconds (a server that already exited is left as it is)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        process.wait()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_up(server: Server, workers: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        try:
            urllib.request.urlopen(server.url + "/healthz", timeout=2).read()
            if len(server.worker_pids()) >= workers:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not start within {timeout} s")


class Browser:
    """One visitor: a keep-alive connection, its cookies, and the CSRF token of the last page
    it read that carried one. Redirects are not followed: the answer is the status."""

    def __init__(self, server: Server, user_agent: str = "absher-bench") -> None:
        address = urlsplit(server.url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port,
                                                     timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.user_agent = user_agent
        self.location = ""  # where the last redirect pointed

    def request(self, method: str, path: str, form: dict | None = None,
                htmx: bool = False) -> tuple[int, bytes]:
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "br, gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.token, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the idle keep-alive connection: a browser opens a new one.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.location = response.headers.get("Location", "")
        if response.headers.get("Content-Encoding") == "br":
            content = brotli.decompress(content)
        elif response.headers.get("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        parser = CsrfField()
        parser.feed(content.decode(errors="replace"))
        self.token = parser.token or self.token
        return response.status, content


# --- figures ---------------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    """One line about where the figures came from."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, Python "
            f"{sys.version.split()[0]}, {os.uname().sysname} {os.uname().release}")


class CsrfField(HTMLParser):
    """The CSRF token of a page fed to it (every form of a page carries the same one)."""

    token = ""

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "csrf_token":
            self.token = attributes.get("value") or ""


# --- make bench's one table --------------------------------------------------------------------

def record(benchmark: str, measure: str, figure: str, target: str, ok: bool | None) -> None:
    """One line of the table `make bench` prints at the end (bench/summary.py).

    Each script still prints its own detailed table; this adds its verdicts to the file
    ABSHER_BENCH_SUMMARY names (the Makefile sets it; nothing is written without it).
    ``benchmark`` is the script's name ("first_paint"), as the Makefile's BENCHES names it:
    summary.py marks a script that added no line under it as MISSING.
    ``figure`` and ``target`` are shown as given ("0.97x", "<= 1.2x"); ``ok`` is None for a
    line shown for information only.
    """
    path = os.environ.get("ABSHER_BENCH_SUMMARY")
    if not path:
        return
    line = {"benchmark": benchmark, "measure": measure, "figure": figure, "target": target,
            "ok": ok, "machine": machine()}
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")


# --- nginx -------------------------------------------------------------------------------

@dataclass
class Nginx:
    port: int
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)


def children(pid: int) -> list[int]:
    return [int(child) for child in
            Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@contextmanager
def nginx(prefix: Path, upstreams: list[str], static_root: Path) -> Nginx:
    """The shipped server block with only its ports and paths changed, in front of
    ``upstreams``; one worker process per core, as Debian's nginx.conf has it."""
    https_port = free_port()
    config = nginx_prefix(prefix, free_port(), https_port,
                          tuple(urlsplit(upstream).port for upstream in upstreams),
                          static_root, worker_processes="auto", worker_connections=1024)
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(config),
                                "-e", "stderr", "-g", "daemon off;"],
                               stderr=open(prefix / "nginx.stderr", "ab"),  # noqa: SIM115
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError("nginx exited: "
                                   + (prefix / "nginx.stderr").read_text()[-2000:])
            try:
                with ssl_connection(https_port) as probe:
                    probe.request("GET", "/healthz", headers={"Host": HOST})
                    probe.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield Nginx(https_port, process)
    finally:
        stop_group(process, 10)


UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE  # the certificate was made a moment ago, for this run


class Connection(http.client.HTTPSConnection):
    """HTTPS to nginx on 127.0.0.1, naming the site's host in TLS (SNI): nginx refuses a
    handshake for any other name."""

    def __init__(self, port: int) -> None:
        super().__init__("127.0.0.1", port, timeout=30, context=UNVERIFIED)

    def connect(self) -> None:
        raw = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = UNVERIFIED.wrap_socket(raw, server_hostname=HOST)


@contextmanager
def ssl_connection(port: int):
    connection = Connection(port)
    try:
        yield connection
    finally:
        connection.close()


def collect_static(environment: dict) -> None:
    """The operator's `absher collect-static`: the hashed static files into the
    environment's ABSHER_INSTANCE_DIR/static, where nginx serves them."""
    subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "absher",
                    "collect-static"], cwd=PROJECT, env=environment, check=True,
                   stdout=subprocess.DEVNULL)
