"""Scale: every hot path at 10^3 holders and at 2x10^7 (the national figure), side by side.

    .venv/bin/python bench/scale.py [--large 20000000] [--requests 97] [--refill]
                                    [--fill-only] [--drop]          (or: make bench)

Two PostgreSQL databases filled by bench/scale_data.py (COPY, the same rows every time):
10^3 holders, and --large holders with 10^7 vehicles, 10^7 bills, 5x10^6 family links,
2x10^6 sponsorships, 10^6 open requests and 10^6 inbox messages at 2x10^7. Each is kept
between runs (the large one took 16 minutes to fill here, 17 GB) and put back to its
filled state before each run (scale_data.reset). The app serves each under gunicorn (one sync
worker, the rate limits in Redis, bcrypt cost 4), and the same requests go to both,
interleaved (small, large, then large, small):

- sign-in (the password step, htmx) by username and by ID number, an account each time;
- every e-service's page (GET) and its form (POST, htmx: an enquiry, or the first step of
  a change) by a signed-in holder of its own, who holds a vehicle, a bill, a child, a
  visitor and a domestic worker in both databases;
- "My family" and "Payments" for the same holders;
- a bank's signed payment notice for an unpaid bill (POST /api/v1/bill-payments);
- a Civil Affairs officer's queue (at least 150 requests waiting in the city in both);
- /verify/<number> for a payment receipt.

Holders with the same number hold the same things in both databases, so a request does the
same work in both; each POST is answered with the same status in both, or the run stops.
Target (issue 30): every path's median at the large size <= 1.2 x its median at 10^3.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import scale_data  # noqa: E402
from bench.support import (  # noqa: E402
    PASSWORD,
    CsrfField,
    Server,
    app_environment,
    gunicorn,
    machine,
    median,
    national_id,
    record,
    username,
)

SMALL = 1000
TARGET = 1.2
WARM_UP = 3
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
VISUAL_CODE = "24680"
BANK = "SCALEBANK"
OFFICER, OFFICER_PASSWORD = "scale.officer", "Qv7-Desk-Lamp-42"
OFFICER_CITY = scale_data.CITIES[0]
SECURITY_ANSWER = "Scale answer"
# Which holders each kind of request uses (numbers in both databases; see scale_data):
# signed-in holders 1..200, bank notices pay the bills of 201..400, receipts of 401..500,
# sign-ins by username 501..700 and by ID 701..900.
PAID_BY_BANK, RECEIPTS, BY_USERNAME, BY_ID = 200, 400, 500, 700
MOST_REQUESTS = 100 - WARM_UP


class Browser:
    """One browser: a keep-alive connection, its session cookie and CSRF token."""

    def __init__(self, server: Server) -> None:
        address = urlsplit(server.url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port,
                                                     timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, form: dict | None = None,
                body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        sent = {"User-Agent": "absher-bench", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode({"csrf_token": self.token, **form}).encode()
            sent.update({"Content-Type": "application/x-www-form-urlencoded",
                         "HX-Request": "true"})
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def fetch_token(self, path: str) -> None:
        """GET a page and keep the CSRF token of its forms."""
        status, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        parser = CsrfField()
        parser.feed(body.decode())
        self.token = parser.token


# --- the side of each database: its server, its signed-in people ------------------------------

@dataclass
class Side:
    name: str
    holders: int
    server: Server
    sms_file: Path
    server_log: Path
    bank_key: str = ""
    receipts: tuple[str, ...] = ()
    holders_signed_in: dict[int, Browser] | None = None
    officer: Browser | None = None

    @property
    def shape(self) -> scale_data.Shape:
        return scale_data.Shape(self.holders)

    def code_sent_to(self, mobile: str) -> str:
        for line in reversed(self.sms_file.read_text(encoding="utf-8").splitlines()):
            sent = json.loads(line)
            if sent["to"] == mobile:
                return re.search(r"#(\d{6})\s*$", sent["body"]).group(1)
        raise RuntimeError(f"no code was sent to {mobile}")

    def signed_in(self, number: int) -> Browser:
        """Holder `number`, signed in with the code texted to them (once per run)."""
        from bench.support import mobile

        self.holders_signed_in = self.holders_signed_in or {}
        if number not in self.holders_signed_in:
            browser = Browser(self.server)
            browser.fetch_token("/ar/individuals/login")
            status, body = browser.request("POST", "/ar/individuals/login",
                                           {"identifier": username(number),
                                            "password": PASSWORD})
            if status != 200:
                raise RuntimeError(f"{self.name}: sign-in of {number}: {status} {body[:300]!r}")
            browser.fetch_token("/ar/individuals/login/code")
            status, body = browser.request("POST", "/ar/individuals/login/code",
                                           {"code": self.code_sent_to(mobile(number))})
            if status not in (200, 303):
                raise RuntimeError(f"{self.name}: code of {number}: {status} {body[:300]!r}")
            browser.fetch_token("/ar/account/family")
            self.holders_signed_in[number] = browser
        return self.holders_signed_in[number]

    def signed_in_officer(self) -> Browser:
        if self.officer is None:
            browser = Browser(self.server)
            browser.fetch_token("/ar/staff/sign-in")
            status, body = browser.request("POST", "/ar/staff/sign-in", {
                "username": OFFICER, "password": OFFICER_PASSWORD})
            if status != 303:
                raise RuntimeError(f"{self.name}: officer sign-in: {status} {body[:300]!r}")
            self.officer = browser
        return self.officer


def set_up(url: str, holders: int, requests: int) -> tuple[str, tuple[str, ...]]:
    """What the requests need beyond the fill, the same in both databases: security answers
    for the signed-in holders, a Civil Affairs officer, a bank, and payment receipts to
    check at /verify. Returns the bank's signing key and the receipts' numbers."""
    from sqlalchemy import insert, select

    from absher_web import create_app
    from absher_web.extensions import db
    from absher_web.models import ApiClientKind, Bill, SecurityAnswer, utcnow
    from absher_web.services import api_clients, document_facts, staff
    from absher_web.services.security_questions import QUESTIONS, hash_answer

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "BCRYPT_ROUNDS": 4})
    now = utcnow()
    answer = hash_answer(SECURITY_ANSWER, 4)
    with app.app_context(), db.transaction() as session:
        session.execute(insert(SecurityAnswer), [
            {"account_id": number, "question_key": key, "answer_hash": answer,
             "created_at": now}
            for number in range(1, requests + 1) for key in list(QUESTIONS)[:3]])
        staff.create_officer(session, OFFICER, "Scale Officer", "Riyadh", OFFICER_PASSWORD, 4,
                             now, roles=("civil_affairs",), city=OFFICER_CITY)
        _, key = api_clients.add_client(session, api_clients.cipher_from_config(app.config),
                                        BANK, ApiClientKind.BANK, "Scale Bank", now)
        bills = session.scalars(select(Bill).where(
            Bill.id > RECEIPTS, Bill.id <= RECEIPTS + requests).order_by(Bill.id)).all()
        receipts = tuple(document_facts.payment_received(session, bill, now.date(), now).number
                         for bill in bills)
    with app.app_context():
        db.engine.dispose()
    return key, receipts


# --- the paths ---------------------------------------------------------------------------------

@dataclass
class Path_:
    label: str
    # (side, i) -> (browser, method, path, form or None, raw body, headers)
    request: Callable[[Side, int], tuple]
    expected: tuple[int, ...] = (200,)


def sign_in(first: int, identifier: Callable[[int], str]) -> Callable[[Side, int], tuple]:
    def request(side: Side, i: int) -> tuple:
        browser = Browser(side.server)
        browser.fetch_token("/ar/individuals/login")
        return (browser, "POST", "/ar/individuals/login",
                {"identifier": identifier(first + i), "password": PASSWORD}, None, {})
    return request


def page_of(path: str) -> Callable[[Side, int], tuple]:
    return lambda side, i: (side.signed_in(i), "GET", path, None, None, {})


def form_of(path: str, form: Callable[[Side, int], dict]) -> Callable[[Side, int], tuple]:
    return lambda side, i: (side.signed_in(i), "POST", path, form(side, i), None, {})


def later(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def saudi_iban(account_number: int) -> str:
    """A Saudi IBAN with right check digits (ISO 13616, mod 97)."""
    body = f"80{account_number:018d}"
    digits = "".join(str(int(ch, 36)) for ch in body + "SA00")
    return f"SA{98 - int(digits) % 97:02d}{body}"


# Each e-service's form, for holder i: what a holder would send.
ENQUIRIES: dict[str, Callable[[Side, int], dict]] = {
    "fingerprint": lambda side, i: {},
    "vehicles": lambda side, i: {},
    "foreign-vehicle-violations": lambda side, i: {"country": "BHR", "plate": f"{1000 + i}"},
    "driving-authorisations": lambda side, i: {
        "vehicle": i, "national_id": national_id(BY_ID + i), "until": later(30)},
    "vehicle-sale": lambda side, i: {
        "vehicle": i, "buyer_id": national_id(BY_ID + i), "buyer_birth_date": "1990-01-01",
        "price": "50000", "iban": saudi_iban(i)},
    "workers-and-visitors": lambda side, i: {},
    "health-insurance": lambda side, i: {},
    "visit-visa-extension": lambda side, i: {"item": i},
    "domestic-worker-absence": lambda side, i: {
        "item": side.shape.sponsors + i, "last_seen": later(-2)},
    "residency-and-visas": lambda side, i: {
        "person": national_id(side.shape.sponsors + i, "2"), "kind": "single",
        "by": "months", "months": "2"},
}


def bank_notice(side: Side, i: int) -> tuple:
    from absher_web import signing

    bill = PAID_BY_BANK + i
    body = json.dumps({"bill_number": scale_data.bill_number(bill), "amount": 30000,
                       "bank_code": BANK, "reference": f"SC{bill}",
                       "paid_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).encode()
    headers = {"Content-Type": "application/json",
               **signing.signed_headers(BANK, side.bank_key, body, time.time())}
    return Browser(side.server), "POST", "/api/v1/bill-payments", None, body, headers


def paths() -> list[Path_]:
    from absher_web.web.eservices import REGISTRY

    found = [Path_("sign-in by username", sign_in(BY_USERNAME, username)),
             Path_("sign-in by ID", sign_in(BY_ID, national_id))]
    for service in REGISTRY:
        address = f"/ar/account/services/{service.slug}"
        found += [Path_(f"{service.slug} page", page_of(address)),
                  Path_(f"{service.slug} form", form_of(address, ENQUIRIES[service.slug]),
                        (200, 303, 403, 422))]
    found += [Path_("My family", page_of("/ar/account/family")),
              Path_("Payments", page_of("/ar/account/payments")),
              Path_("bank payment notice", bank_notice),
              Path_("officer's queue", lambda side, i: (
                  side.signed_in_officer(), "GET", "/ar/staff/civil-affairs", None, None, {})),
              Path_("/verify", lambda side, i: (
                  Browser(side.server), "GET", f"/ar/verify/{side.receipts[i - 1]}", None,
                  None, {}))]
    return found


def timed(side: Side, path: Path_, i: int) -> tuple[float, int]:
    browser, method, address, form, body, headers = path.request(side, i)
    # A connection of its own, opened before the clock starts: the worker closes idle ones.
    browser.connection.close()
    browser.connection.connect()
    started = time.perf_counter()
    try:
        status, content = browser.request(method, address, form, body, headers)
    except OSError as error:
        log = side.server_log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{side.name}: {path.label}: {error}; the server's log:\n{log}") \
            from None
    elapsed = time.perf_counter() - started
    if status not in path.expected:
        raise RuntimeError(f"{side.name}: {path.label}: {status} for holder {i}: "
                           f"{content[:300]!r}")
    return elapsed * 1000, status


def no_rate_limits() -> dict[str, str]:
    """Every rate limit far above what one benchmark sends from one address."""
    from absher_web.config import Config

    return {f"ABSHER_{name}": "100000000 per minute" for name in dir(Config)
            if name.startswith("RATELIMIT_") and isinstance(getattr(Config, name), str)
            and " per " in getattr(Config, name)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=MOST_REQUESTS,
                        help=f"per path and database (at most {MOST_REQUESTS})")
    parser.add_argument("--large", type=int, default=20_000_000)
    parser.add_argument("--refill", action="store_true", help="fill the databases again")
    parser.add_argument("--fill-only", action="store_true", help="fill, then stop")
    parser.add_argument("--drop", action="store_true", help="drop the kept databases, stop")
    args = parser.parse_args()
    if not 1 <= args.requests <= MOST_REQUESTS:
        parser.error(f"--requests 1 to {MOST_REQUESTS}: each uses holders of its own")
    if args.drop:
        for holders in (SMALL, args.large):
            scale_data.drop(holders)
        return 0

    def log(text: str) -> None:
        print(text, flush=True)

    urls = {name: scale_data.kept_database(holders, args.refill, log)
            for name, holders in (("small", SMALL), ("large", args.large))}
    if args.fill_only:
        return 0
    count = args.requests + WARM_UP
    sizes = {"small": SMALL, "large": args.large}
    with tempfile.TemporaryDirectory(prefix="absher-scale-") as scratch:
        workdir = Path(scratch)
        keys = {}
        for name, url in urls.items():
            scale_data.reset(url, sizes[name])
            keys[name] = set_up(url, sizes[name], count)
        environments = {}
        for name, url in urls.items():
            environment = app_environment(url, workdir / name)
            environment.update({"ABSHER_SECRET_KEY": SECRET_KEY,
                                "ABSHER_CAPTCHA_FIXED_ANSWER": VISUAL_CODE})
            environment.update(no_rate_limits())
            environments[name] = environment
        plan = paths()
        times: dict[tuple[str, str], list[float]] = {}
        answered: dict[str, set[int]] = {}
        with gunicorn("small", "wsgi:app", environments["small"], "sync", workers=1,
                      log=workdir / "small.log") as small_server, \
                gunicorn("large", "wsgi:app", environments["large"], "sync", workers=1,
                         log=workdir / "large.log") as large_server:
            sides = {name: Side(name, sizes[name], server, workdir / name / "sms.jsonl",
                                workdir / f"{name}.log", *keys[name])
                     for name, server in (("small", small_server), ("large", large_server))}
            for i in range(1, count + 1):
                for side in sides.values():
                    side.signed_in(i)  # every holder signed in before anything is timed
            for i in range(1, count + 1):
                for path in plan:
                    order = ["small", "large"] if i % 2 else ["large", "small"]
                    statuses = {}
                    for name in order:
                        elapsed, statuses[name] = timed(sides[name], path, i)
                        if i > WARM_UP:
                            times.setdefault((path.label, name), []).append(elapsed)
                    answered.setdefault(path.label, set()).add(statuses["small"])
                    if statuses["small"] != statuses["large"]:
                        raise RuntimeError(f"{path.label}, holder {i}: {statuses} (the two "
                                           "databases should answer alike)")

    large_heading = f"{args.large:,} ms"
    print(f"\nScale: medians of {args.requests} interleaved requests per path (after "
          f"{WARM_UP} to warm up), gunicorn one sync worker each, PostgreSQL, bcrypt cost 4")
    print(f"machine: {machine()}")
    header = (f"{'path':<36} {'status':>7} {f'{SMALL:,} ms':>10} {large_heading:>15} "
              f"{'ratio':>6} {'target':>10}")
    print(header)
    print("-" * len(header))
    missed = False
    for path in plan:
        small_ms = median(times[(path.label, "small")])
        large_ms = median(times[(path.label, "large")])
        ratio = large_ms / small_ms
        ok = ratio <= TARGET
        missed |= not ok
        status = "/".join(map(str, sorted(answered[path.label])))
        print(f"{path.label:<36} {status:>7} {small_ms:10.1f} {large_ms:15.1f} {ratio:5.2f}x "
              f"{'<=' + format(TARGET, '.1f') + (' ok' if ok else ' MISSED'):>10}")
        record("scale", f"{path.label}: {args.large:,} / {SMALL:,} holders", f"{ratio:.2f}x",
               f"<= {TARGET}x", ok)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
