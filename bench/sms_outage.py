"""An SMS provider that hangs: nobody but the people waiting for a code notices.

The deployment's gunicorn (deploy/gunicorn.conf.py: gthread, two workers, four threads)
serves the site on SQLite and on PostgreSQL in turn, with the http SMS backend pointed at
a provider on 127.0.0.1 that accepts every connection and never answers. Twenty
registrations are sent at once (each from its own browser and address, as behind nginx);
meanwhile the home page and the sign-in page are asked for every 0.1 s.

Targets: each registration answered within the send budget + 1 s (told plainly that the
code could not be sent), and every home and sign-in page within 0.5 s.

    .venv/bin/python bench/sms_outage.py

Only ever 127.0.0.1. PostgreSQL and Redis as in bench/support.py.
"""

from __future__ import annotations

import re
import selectors
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import (  # noqa: E402
    CsrfField,
    app_environment,
    gunicorn,
    machine,
    median,
    national_id,
    record,
    scratch_database,
)

REGISTRATIONS = 20
SEND_BUDGET = 3  # seconds (ABSHER_SMS_SEND_BUDGET_SECONDS, its default)
PAGE_TARGET = 0.5
CAPTCHA_ANSWER = "23456"  # ABSHER_CAPTCHA_FIXED_ANSWER (development only)
PASSWORD = "Qm7rTz4wLp"
PAGES = ("/en/", "/en/individuals/login")


class Provider:
    """Where the site sends its SMS, and how many connections it holds unanswered."""

    def __init__(self, url: str, held: list) -> None:
        self.url, self.held = url, held

    @property
    def hanging(self) -> bool:
        return bool(self.held)


@contextmanager
def answering_provider() -> Iterator[Provider]:
    """The control: an SMS provider that answers 200 at once."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_address[1]}/messages", [])
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_provider() -> Iterator[Provider]:
    """An SMS provider that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.setblocking(False)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            while not stop.is_set():
                for _key, _events in selector.select(timeout=0.2):
                    try:
                        connection, _ = listener.accept()
                        held.append(connection)  # read nothing, answer nothing
                    except BlockingIOError:
                        pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{listener.getsockname()[1]}/messages", held)
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def add_people(database_url: str, first: int, count: int) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from absher_web.models import Person, PersonKind

    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        session.add_all(Person(
            national_id=national_id(number), kind=PersonKind.CITIZEN, name_ar="سارة محمد",
            name_en="Sarah Mohammed", birth_date=date(1990, 1, 1), nationality="SAU",
            id_expiry=date(2031, 1, 1), city="RUH", district="D1")
            for number in range(first, first + count))
    engine.dispose()


class Browser:
    """One person's browser: its cookies, and the registration form it opened."""

    def __init__(self, base: str, number: int) -> None:
        self.base, self.number = base, number
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()))
        self.address = f"198.51.100.{number % 250 + 1}"

    def get(self, path: str) -> str:
        request = urllib.request.Request(self.base + path,
                                         headers={"X-Forwarded-For": self.address})
        with self.opener.open(request, timeout=30) as answer:
            return answer.read().decode()

    def prepare(self) -> None:
        page = self.get("/en/register")
        parser = CsrfField()
        parser.feed(page)
        self.form = urlencode({
            "csrf_token": parser.token, "national_id": national_id(self.number),
            "mobile": f"05{self.number:08d}", "username": f"Outage{self.number:05d}",
            "password": PASSWORD, "confirm_password": PASSWORD,
            "email": f"o{self.number}@example.sa", "confirm_email": f"o{self.number}@example.sa",
            "preferred_language": "en",
            "captcha_token": re.search(r'name="captcha_token"[^>]*value="([^"]+)"', page)[1],
            "captcha_answer": CAPTCHA_ANSWER, "accept_terms": "y"}).encode()

    def register(self) -> tuple[float, int, str]:
        """Seconds to the answer, its status, and what it said about the code."""
        request = urllib.request.Request(self.base + "/en/register", data=self.form, headers={
            "HX-Request": "true", "X-Forwarded-For": self.address,
            "Content-Type": "application/x-www-form-urlencoded"})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as answer:
                status, body = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        seconds = time.perf_counter() - started
        if re.search(r"could not send the code\. Try again in \d+ minute", body):
            said = "paused"  # the breaker is open
        elif "could not send the code" in body:
            said = "not sent"
        elif "We have sent" in body:
            said = "sent"
        else:
            said = f"other ({status})"
        return seconds, status, said


def page_times(base: str, provider: Provider,
               stop: threading.Event) -> dict[str, list[tuple[bool, float]]]:
    """Ask for each page every 0.1 s until ``stop``: (asked while the provider held a code
    unanswered, seconds to the answer) for each."""
    times: dict[str, list[tuple[bool, float]]] = {path: [] for path in PAGES}
    time.sleep(0.05)  # the burst first
    deadline = time.monotonic() + 60  # bounded whatever happens
    while not stop.is_set() and time.monotonic() < deadline:
        for path in PAGES:
            hanging, started = provider.hanging, time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=30) as answer:
                answer.read()
            times[path].append((hanging, time.perf_counter() - started))
        time.sleep(0.1)
    return times


def run(name: str, database_url: str, workdir: Path, provider: Provider, first: int) -> dict:
    environment = app_environment(database_url, workdir)
    environment.update({
        "ABSHER_SMS_BACKEND": "http", "ABSHER_SMS_URL": provider.url,
        "ABSHER_SMS_API_KEY": "bench-provider-key",
        "ABSHER_SMS_SEND_BUDGET_SECONDS": str(SEND_BUDGET),
        "ABSHER_CAPTCHA_FIXED_ANSWER": CAPTCHA_ANSWER, "ABSHER_PROXY_COUNT": "1",
    })
    add_people(database_url, first, REGISTRATIONS)
    with gunicorn(name, "absher_web:create_app()", environment, "gthread", workers=2,
                  threads=4, log=workdir / f"{name}.log") as server:
        browsers = [Browser(server.url, number)
                    for number in range(first, first + REGISTRATIONS)]
        for browser in browsers:
            browser.prepare()
        for _ in range(20):  # warm both workers: a worker's first answer of a page renders it
            for path in PAGES:
                urllib.request.urlopen(server.url + path, timeout=30).read()
        start, stop = threading.Barrier(REGISTRATIONS + 1), threading.Event()
        answers: list = [None] * REGISTRATIONS

        def register(index: int) -> None:
            start.wait(timeout=30)
            answers[index] = browsers[index].register()

        threads = [threading.Thread(target=register, args=(index,))
                   for index in range(REGISTRATIONS)]
        for thread in threads:
            thread.start()
        pages: dict = {}
        prober = threading.Thread(
            target=lambda: pages.update(page_times(server.url, provider, stop)))
        start.wait(timeout=30)
        prober.start()
        for thread in threads:
            thread.join(timeout=60)
        stop.set()
        prober.join(timeout=60)
    return {"answers": answers, "pages": pages}


def report(name: str, figures: dict, control: dict) -> bool:
    answers = figures["answers"]
    seconds = sorted(answer[0] for answer in answers)
    said: dict[str, int] = {}
    for _, _, what in answers:
        said[what] = said.get(what, 0) + 1
    limit = SEND_BUDGET + 1
    ok = seconds[-1] <= limit and set(said) <= {"not sent", "paused"}
    record("sms_outage", f"{name}: slowest of {len(answers)} registrations",
           f"{seconds[-1]:.2f} s", f"<= {limit:.1f} s", ok)
    print(f"{name}: {len(answers)} registrations at once, answered in "
          f"min {seconds[0]:.2f} s, median {median(seconds):.2f} s, max {seconds[-1]:.2f} s "
          f"(target <= {limit:.1f} s); said: "
          + ", ".join(f"{count} {what}" for what, count in sorted(said.items())))
    for path, times in figures["pages"].items():
        waiting = [seconds for hanging, seconds in times if hanging]
        worst = max(waiting) if waiting else float("inf")
        ok = ok and worst <= PAGE_TARGET
        record("sms_outage", f"{name}: GET {path} while codes wait, slowest",
               f"{worst * 1000:.0f} ms", f"<= {PAGE_TARGET * 1000:.0f} ms",
               worst <= PAGE_TARGET)
        first_control = control["pages"][path][0][1]
        print(f"{name}: GET {path}: {len(waiting)} answers while codes waited on the "
              f"provider, median {median(waiting) * 1000:.0f} ms, max {worst * 1000:.0f} ms "
              f"(target <= {PAGE_TARGET * 1000:.0f} ms); the one asked with the burst "
              f"{times[0][1] * 1000:.0f} ms (with a provider answering at once: "
              f"{first_control * 1000:.0f} ms)")
    control_seconds = sorted(answer[0] for answer in control["answers"])
    print(f"{name}: control, provider answering at once: registrations answered in median "
          f"{median(control_seconds):.2f} s, max {control_seconds[-1]:.2f} s")
    return ok


def main() -> int:
    print(f"Machine: {machine()}")
    print(f"SMS provider on 127.0.0.1 accepting and never answering; send budget "
          f"{SEND_BUDGET} s; gunicorn gthread, 2 workers x 4 threads")
    ok = True
    with tempfile.TemporaryDirectory(prefix="absher-sms-outage-") as temporary:
        workdir = Path(temporary)
        from absher_web.migrate import upgrade_database

        sqlite_url = f"sqlite:///{workdir / 'absher.sqlite3'}"
        upgrade_database(sqlite_url)
        with answering_provider() as provider:
            control = run("sqlite-control", sqlite_url, workdir, provider, 1)
        with silent_provider() as provider:
            figures = run("sqlite", sqlite_url, workdir, provider, 101)
        ok = report("SQLite", figures, control) and ok
        with scratch_database() as postgres_url:
            with answering_provider() as provider:
                control = run("postgresql-control", postgres_url, workdir, provider, 1)
            with silent_provider() as provider:
                figures = run("postgresql", postgres_url, workdir, provider, 101)
        ok = report("PostgreSQL", figures, control) and ok
    print("PASS" if ok else "FAIL: a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
