"""Capacity: how many transactions a second a core of the site serves with people waiting
at most a median 200 ms and a 99th percentile 1 s, and so how many instances the national
peak needs (README "Production", "Capacity").

The deployment as shipped, on this machine: two gunicorn instances (deploy/gunicorn.conf.py,
two gthread workers of four threads each) behind the real nginx with
deploy/nginx/absher.conf (TLS with a throw-away self-signed certificate; only ports and paths
changed), the production configuration with bcrypt at its default cost, one PostgreSQL
database filled with COPY (bench/support.py), the limits in Redis, and the SMS provider as
an HTTP server on 127.0.0.1 (tests/sms_provider.py) from which each person reads their code.

Virtual people (threads, each journey its own TLS connection, cookies and CSRF token) replay
a mix: a third only read public pages; the others sign in (password, then the code the SMS
provider received) and do two to five things: an enquiry (fingerprint, vehicles, workers
and visitors, health insurance), a driving authorisation given to another holder, or a
visit visa extended (the quote, the confirmation that issues the bill, and the bill paid by
the bank's signed payment notice through the API).

A transaction is one completed operation a person came for: a sign-in (the code accepted),
an enquiry answered, an authorisation given, a visa extension's bill issued, a bill paid.
Public pages, form pages and redirects are load, not transactions; every request's time is
measured, from the client, and the median and 99th percentile are over every request.

The load rises in steps of more people (each waits 0.5-1.5 s between clicks). Each step
measures transactions a second, latency, and the CPU time the gunicorn workers used (from
/proc): tx/s per core = tx/s / (worker CPU seconds / wall seconds). nginx's, PostgreSQL's
(the backends of this database) and the load generator's CPU are shown apart. The capacity
is the highest step within both latency targets with no failed request.

    .venv/bin/python bench/capacity.py [--quick]

Only ever 127.0.0.1. PostgreSQL and Redis as in bench/support.py; nginx (make nginx).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import itertools
import json
import math
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from absher_web.config import Config  # noqa: E402
from bench.support import (  # noqa: E402
    CLOCK_TICKS,
    HOST,
    PASSWORD,
    PROJECT,
    Connection,
    Nginx,
    app_environment,
    collect_static,
    fill_people_and_accounts,
    gunicorn,
    machine,
    median,
    mobile,
    national_id,
    nginx,
    record,
    scratch_database,
    username,
)
from tests.sms_provider import FakeProvider  # noqa: E402

BANK = "CAPB"
MEDIAN_TARGET, P99_TARGET = 0.200, 1.0  # seconds
# November 2023: 35.8 million transactions; the peak is taken as ten times the average.
NATIONAL_PEAK = 35.8e6 / (30 * 86400) * 10
CORES_PER_INSTANCE = 2
ENQUIRIES = ("fingerprint", "vehicles", "workers-and-visitors", "health-insurance")
PUBLIC_PAGES = ("/ar/", "/en/", "/ar/services", "/ar/about", "/en/individuals/login",
                "/ar/contact")
VISITORS_EACH = 2
# The site's limit of authorisations a driver holds at once (the servers run with defaults).
MAX_DRIVING_AUTHORISATIONS = Config.MAX_DRIVING_AUTHORISATIONS


@dataclass
class Plan:
    people: int  # accounts in the database
    pool: int  # of which the virtual people sign in with (each with a car and visitors)
    steps: tuple[int, ...]  # virtual people at each step
    seconds: float  # each step
    settle: float  # the first seconds of a step, not measured


FULL = Plan(people=200_000, pool=800, steps=(2, 4, 8, 12, 16, 24, 32), seconds=55, settle=5)
QUICK = Plan(people=20_000, pool=120, steps=(2, 8), seconds=15, settle=3)


# --- the registry ------------------------------------------------------------------------

@dataclass
class Holder:
    number: int
    vehicle: int
    visitors: deque = field(default_factory=deque)


def fill(url: str, plan: Plan, bcrypt_rounds: int, encryption_key: str,
         secret_key: str) -> tuple[list[Holder], str]:
    """People and accounts (COPY); for the pool, security answers, a car and visitors whose
    visas may be extended; the paying bank. Returns the pool and the bank's signing key."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from absher_web.models import (
        Account,
        ApiClientKind,
        SecurityAnswer,
        SponsoredKind,
        Sponsorship,
        Vehicle,
        utcnow,
    )
    from absher_web.services import api_clients
    from absher_web.services.eservices import local_today

    fill_people_and_accounts(url, 1, plan.people, bcrypt_rounds=bcrypt_rounds)
    today = local_today(utcnow())
    engine = create_engine(url)
    holders = []
    with Session(engine) as session, session.begin():
        ids = dict(session.execute(select(Account.national_id, Account.id).where(
            Account.national_id.in_([national_id(n) for n in range(1, plan.pool + 1)]))).all())
        for number in range(1, plan.pool + 1):
            person = national_id(number)
            session.add_all(SecurityAnswer(account_id=ids[person], question_key=key,
                                           answer_hash="unused")
                            for key in ("first_school", "childhood_friend", "first_car"))
            vehicle = Vehicle(plate_country="SAU", plate_letters="ABJ",
                              plate_number=str(number), make="Toyota", model="Camry",
                              year=2021, colour="white", owner_id=person)
            visitors = [Sponsorship(
                sponsor_id=person, person_id=f"31{number * VISITORS_EACH + index:08d}",
                name_ar="ماريا سانتوس", name_en="Maria Santos", kind=SponsoredKind.VISITOR,
                nationality="PHL", permit_expiry=today + timedelta(days=20),
                entry_date=today - timedelta(days=70), health_insurer="Bupa Arabia",
                health_insurance_expiry=today + timedelta(days=200))
                for index in range(VISITORS_EACH)]
            session.add(vehicle)
            session.add_all(visitors)
            session.flush()
            holders.append(Holder(number, vehicle.id, deque(v.id for v in visitors)))
        cipher = api_clients.key_cipher(encryption_key, secret_key)
        _, key = api_clients.add_client(session, cipher, BANK, ApiClientKind.BANK,
                                        "Capacity Bank", utcnow())
    engine.dispose()
    return holders, key


# --- a person's browser ------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
NEW_EXPIRY = re.compile(r'name="new_expiry"[^>]*value="([^"]+)"'
                        r'|value="([^"]+)"[^>]*name="new_expiry"')
BILL_NUMBER = re.compile(r"\b(\d{4}) (\d{4}) (\d{4}) (\d)\b")
CODE = re.compile(r"#(\d{6})\s*$")


class Failed(Exception):
    """A request answered otherwise than a person doing this expects."""


@dataclass
class Log:
    """What every virtual person did: (time done, seconds, what) per request, and (time
    done, kind) per transaction; failures by kind."""

    requests: list = field(default_factory=list)
    transactions: list = field(default_factory=list)
    failures: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def failed(self, what: str) -> None:
        with self.lock:
            self.failures[what] = self.failures.get(what, 0) + 1


class Browser:
    def __init__(self, port: int, log: Log) -> None:
        self.connection = Connection(port)
        self.cookies: dict[str, str] = {}
        self.log = log

    def close(self) -> None:
        self.connection.close()

    def send(self, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, str, str]:
        """One request: its status, Location and body."""
        headers = {"Host": HOST, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        text = answer.read().decode("utf-8", "replace")
        self.log.requests.append((time.monotonic(), time.perf_counter() - started,
                                  f"{method} {path.split('?')[0]}"))
        for header, value in answer.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return answer.status, answer.getheader("Location") or "", text

    def get(self, path: str, expect: int = 200) -> str:
        status, _, text = self.send("GET", path)
        if status != expect:
            if os.environ.get("CAPACITY_DEBUG"):
                print(f"GET {path}: {status}\n{text[:3000]}", flush=True)
            raise Failed(f"GET {path}: {status}")
        return text

    def post(self, path: str, fields: dict, expect: int) -> str:
        """A form's POST; a redirect is followed as a browser does."""
        body = urlencode(fields).encode()
        status, location, text = self.send("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{path}"})
        if status != expect:
            if os.environ.get("CAPACITY_DEBUG"):
                print(f"POST {path}: {status}\n{text[:3000]}", flush=True)
            raise Failed(f"POST {path}: {status}")
        if status == 303:
            return self.get(urlsplit(location).path or path)
        return text


def csrf(page: str) -> str:
    found = CSRF.search(page)
    if not found:
        raise Failed("no CSRF token on the page")
    return found[1] or found[2]


@dataclass
class World:
    port: int
    provider: FakeProvider
    holders: list[Holder]
    bank_key: str
    log: Log
    turn: itertools.count = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Who has authorised whom, and how many authorisations each driver holds: the site
    # rightly refuses a second one for the same car and driver, or a driver's one too many.
    authorised: set[tuple[int, int]] = field(default_factory=set)
    driving: collections.Counter = field(default_factory=collections.Counter)

    def next_holder(self) -> Holder:
        return self.holders[next(self.turn) % len(self.holders)]

    def new_driver_for(self, holder: Holder) -> Holder | None:
        """Another holder this one has not authorised, with room for one more
        authorisation (taken here), or None when there is none."""
        with self.lock:
            start = next(self.turn)
            for offset in range(len(self.holders)):
                driver = self.holders[(holder.number + start + offset) % len(self.holders)]
                if (driver is not holder and (holder.number, driver.number) not in self.authorised
                        and self.driving[driver.number] < MAX_DRIVING_AUTHORISATIONS):
                    self.authorised.add((holder.number, driver.number))
                    self.driving[driver.number] += 1
                    return driver
        return None

    def code_for(self, number: int) -> str:
        to = mobile(number)
        for message in reversed(self.provider.received):
            if message.get("to") == to:
                found = CODE.search(message["body"])
                if found:
                    return found[1]
        raise Failed("no code reached the SMS provider")


def transaction(world: World, kind: str) -> None:
    world.log.transactions.append((time.monotonic(), kind))


def sign_in(world: World, browser: Browser, holder: Holder) -> None:
    page = browser.get("/en/individuals/login")
    browser.post("/en/individuals/login", {"csrf_token": csrf(page),
                 "identifier": username(holder.number), "password": PASSWORD}, 303)
    page = browser.get("/en/individuals/login/code")
    browser.post("/en/individuals/login/code", {"csrf_token": csrf(page),
                 "code": world.code_for(holder.number)}, 303)
    transaction(world, "sign-in")


def enquire(world: World, browser: Browser, holder: Holder) -> None:
    path = f"/en/account/services/{random.choice(ENQUIRIES)}"
    page = browser.get(path)
    answer = browser.post(path, {"csrf_token": csrf(page)}, 200)
    if 'aria-labelledby="answer-heading"' not in answer:
        raise Failed(f"POST {path}: no answer")
    transaction(world, "enquiry")


def authorise(world: World, browser: Browser, holder: Holder) -> None:
    from absher_web.models import utcnow
    from absher_web.services.eservices import local_today

    path = "/en/account/services/driving-authorisations"
    page = browser.get(path)
    driver = world.new_driver_for(holder)
    if driver is None:
        return
    browser.post(path, {"csrf_token": csrf(page), "vehicle": holder.vehicle,
                        "national_id": national_id(driver.number),
                        "until": (local_today(utcnow()) + timedelta(days=30)).isoformat()}, 303)
    transaction(world, "authorisation")


def extend_visa(world: World, browser: Browser, holder: Holder) -> None:
    """The quote, the confirmation (a bill issued), then the bank pays it."""
    from absher_web import signing

    with world.lock:
        if not holder.visitors:
            return
        visitor = holder.visitors.popleft()
    path = "/en/account/services/visit-visa-extension"
    page = browser.get(path)
    quote = browser.post(path, {"csrf_token": csrf(page), "item": visitor}, 200)
    found = NEW_EXPIRY.search(quote)
    if not found:
        raise Failed("no quote for the visa extension")
    issued = browser.post(f"{path}/confirm", {"csrf_token": csrf(quote), "item": visitor,
                                              "new_expiry": found[1] or found[2]}, 303)
    number = BILL_NUMBER.search(issued)
    if not number:
        raise Failed("no bill number after confirming the extension")
    transaction(world, "visa extension")
    body = json.dumps({
        "bill_number": "".join(number.groups()), "amount": 10000, "bank_code": BANK,
        "reference": f"CAP-{uuid.uuid4().hex[:16]}",
        "paid_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).encode()
    bank = Browser(world.port, world.log)
    try:
        status, _, text = bank.send("POST", "/api/v1/bill-payments", body, {
            "Content-Type": "application/json",
            **signing.signed_headers(BANK, world.bank_key, body, time.time())})
    finally:
        bank.close()
    if status != 200:
        raise Failed(f"bill payment: {status} {text[:200]}")
    transaction(world, "bill paid")


def read_public_pages(world: World, browser: Browser, think) -> None:
    for path in random.sample(PUBLIC_PAGES, random.randint(1, 3)):
        browser.get(path)
        think()


OPERATIONS = ((enquire, 6), (authorise, 1), (extend_visa, 1))


def person(world: World, stop: threading.Event) -> None:
    """One virtual person after another: journeys until ``stop``."""
    def think() -> None:
        stop.wait(random.uniform(0.5, 1.5))

    operations, weights = zip(*OPERATIONS, strict=True)
    while not stop.is_set():
        browser = Browser(world.port, world.log)
        try:
            if random.random() < 1 / 3:
                read_public_pages(world, browser, think)
                continue
            holder = world.next_holder()
            sign_in(world, browser, holder)
            for operation in random.choices(operations, weights, k=random.randint(2, 5)):
                if stop.is_set():
                    break
                think()
                operation(world, browser, holder)
        except Failed as failure:
            world.log.failed(re.sub(r"\d{4,}", "N", str(failure)))
        except (OSError, http.client.HTTPException) as error:
            world.log.failed(type(error).__name__)
        finally:
            browser.close()
        think()


# --- CPU ---------------------------------------------------------------------------------

def cpu_of(pids: list[int]) -> dict[int, float]:
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return seconds


def used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def database_pids(url: str) -> list[int]:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        return [row[0] for row in connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,))]


# --- a step ------------------------------------------------------------------------------

@dataclass
class Step:
    people: int
    seconds: float
    tx: int
    requests: int
    median: float
    p99: float
    failures: dict
    app_cpu: float
    nginx_cpu: float
    database_cpu: float
    client_cpu: float
    kinds: dict
    slowest: list  # (p99, median, count, request) of the requests slowest at the 99th

    @property
    def tx_per_second(self) -> float:
        return self.tx / self.seconds

    @property
    def app_cores(self) -> float:
        return self.app_cpu / self.seconds

    @property
    def tx_per_core(self) -> float:
        return self.tx / self.app_cpu if self.app_cpu else float("nan")

    @property
    def within_targets(self) -> bool:
        return (self.median < MEDIAN_TARGET and self.p99 < P99_TARGET
                and not self.failures and self.tx > 0)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def run_step(world: World, people: int, plan: Plan, servers, front: Nginx,
             database_url: str) -> Step:
    world.log = log = Log()
    stop = threading.Event()
    threads = [threading.Thread(target=person, args=(world, stop), daemon=True)
               for _ in range(people)]
    for thread in threads:
        thread.start()
    time.sleep(plan.settle)
    app_pids = [pid for server in servers for pid in server.worker_pids()]
    web_pids = front.worker_pids()
    db_pids = database_pids(database_url)
    before = (cpu_of(app_pids), cpu_of(web_pids), cpu_of(db_pids), own_cpu())
    start = time.monotonic()
    time.sleep(plan.seconds)
    end = time.monotonic()
    after = (cpu_of(app_pids), cpu_of(web_pids), cpu_of(database_pids(database_url)),
             own_cpu())
    stop.set()
    for thread in threads:
        thread.join(timeout=40)
    seconds = end - start
    measured = [(took, what) for done, took, what in log.requests if start <= done <= end]
    times = [took for took, _ in measured]
    by_request: dict[str, list[float]] = {}
    for took, what in measured:
        by_request.setdefault(what, []).append(took)
    slowest = sorted(((percentile(took, 0.99), median(took), len(took), what)
                      for what, took in by_request.items()), reverse=True)[:4]
    kinds: dict[str, int] = {}
    for done, kind in log.transactions:
        if start <= done <= end:
            kinds[kind] = kinds.get(kind, 0) + 1
    return Step(people, seconds, sum(kinds.values()), len(times), median(times),
                percentile(times, 0.99), dict(log.failures), used(before[0], after[0]),
                used(before[1], after[1]), used(before[2], after[2]), after[3] - before[3],
                kinds, slowest)


# --- the run -----------------------------------------------------------------------------

def production_environment(database_url: str, workdir: Path, provider: FakeProvider,
                           secret_key: str, encryption_key: str) -> dict:
    """Production's configuration (bcrypt at its default cost) with the bench's limits far
    above what one address sends: every virtual person comes from 127.0.0.1."""
    from absher_web.config import Config

    environment = app_environment(database_url, workdir, Config.BCRYPT_ROUNDS)
    environment.update({
        "ABSHER_ENV": "production", "ABSHER_SECRET_KEY": secret_key,
        "ABSHER_API_KEY_ENCRYPTION_KEY": encryption_key,
        "ABSHER_DOCUMENT_SIGNING_KEYS": uuid.uuid4().hex + uuid.uuid4().hex,
        "ABSHER_ALLOWED_HOSTS": HOST, "ABSHER_PROXY_COUNT": "1",
        "ABSHER_SMS_BACKEND": "http", "ABSHER_SMS_URL": provider.url,
        "ABSHER_SMS_API_KEY": provider.api_key,
        "ABSHER_SMS_CODES_PER_NUMBER_PER_HOUR": "100",
        "ABSHER_SMS_CODES_PER_PERSON_PER_HOUR": "100",
        "ABSHER_RATELIMIT_API": "100000000 per minute",
        "ABSHER_RATELIMIT_DRIVING_AUTHORISATION": "100000000 per minute",
        "ABSHER_MAX_DRIVING_AUTHORISATIONS": "50",
        "ABSHER_LOCAL_BANK_URLS": "on",
        "PYTHONPATH": str(PROJECT),
    })
    del environment["ABSHER_BCRYPT_ROUNDS"]  # production's default
    return environment


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two short steps, a small fill")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    from cryptography.fernet import Fernet

    from absher_web.config import Config

    secret_key, encryption_key = uuid.uuid4().hex * 2, Fernet.generate_key().decode()
    load = os.getloadavg()
    print(f"Machine: {machine()}")
    print(f"Load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"Two gunicorn instances (deploy/gunicorn.conf.py: gthread, 2 workers x 4 "
          f"threads) behind nginx (deploy/nginx/absher.conf, TLS), production settings, "
          f"bcrypt cost {Config.BCRYPT_ROUNDS}, PostgreSQL with {plan.people:,} accounts, "
          f"Redis, SMS provider on 127.0.0.1")
    steps: list[Step] = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="absher-cap-")))
        os.chmod(workdir, 0o755)
        database_url = stack.enter_context(scratch_database())
        started = time.monotonic()
        holders, bank_key = fill(database_url, plan, Config.BCRYPT_ROUNDS, encryption_key,
                                 secret_key)
        print(f"Filled in {time.monotonic() - started:.0f} s")
        provider = FakeProvider()
        stack.callback(provider.stop)
        environment = production_environment(database_url, workdir, provider, secret_key,
                                             encryption_key)
        environment["ABSHER_INSTANCE_DIR"] = str(workdir / "instance")
        collect_static(environment)
        servers = []
        for index in range(2):
            metrics = workdir / f"metrics-{index}"  # each instance its own
            metrics.mkdir()
            instance_env = {**environment, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
            log = workdir / f"instance-{index + 1}.log"
            try:
                servers.append(stack.enter_context(gunicorn(
                    f"instance-{index + 1}", "absher_web:create_app()", instance_env,
                    "gthread", workers=2, threads=4, log=log)))
            except RuntimeError:
                print(log.read_text()[-3000:])
                raise
        prefix = workdir / "nginx"
        prefix.mkdir()
        front = stack.enter_context(nginx(prefix, [s.url for s in servers],
                                          workdir / "instance"))
        world = World(front.port, provider, holders, bank_key, Log())
        warm = run_step(world, 2, Plan(0, 0, (), max(5.0, plan.settle), 2), servers, front,
                        database_url)
        if warm.failures:
            print(f"Warm-up failed: {warm.failures}")
            for server in servers:
                print((workdir / f"{server.name}.log").read_text()[-3000:])
        print(f"{'people':>6} {'tx/s':>6} {'req/s':>6} {'median':>8} {'p99':>8} "
              f"{'app cores':>9} {'tx/s/core':>9} {'nginx':>6} {'db':>6} {'client':>6}  "
              "failures")
        for people in plan.steps:
            step = run_step(world, people, plan, servers, front, database_url)
            steps.append(step)
            print(f"{people:>6} {step.tx_per_second:>6.1f} {step.requests / step.seconds:>6.1f} "
                  f"{step.median * 1000:>6.0f}ms {step.p99 * 1000:>6.0f}ms "
                  f"{step.app_cores:>9.2f} {step.tx_per_core:>9.1f} "
                  f"{step.nginx_cpu / step.seconds:>6.2f} "
                  f"{step.database_cpu / step.seconds:>6.2f} "
                  f"{step.client_cpu / step.seconds:>6.2f}  "
                  f"{sum(step.failures.values()) or '-'} "
                  f"{' '.join(f'{k}: {v}' for k, v in step.failures.items())}", flush=True)
            print("        done: " + ", ".join(f"{kind} {count}" for kind, count
                                           in sorted(step.kinds.items())), flush=True)
            print("        slowest: " + "; ".join(
                f"{what} {p99 * 1000:.0f}/{middle * 1000:.0f} ms ({count})"
                for p99, middle, count, what in step.slowest), flush=True)
            if step.p99 > 3 * P99_TARGET or step.median > 3 * MEDIAN_TARGET:
                break  # far past the targets: more people only queue
        if any(step.failures for step in [warm, *steps]):  # what the servers said
            for server in servers:
                errors = [line for line in (workdir / f"{server.name}.log").read_text()
                          .splitlines() if '"ERROR"' in line or "Traceback" in line]
                print("\n".join(line[-1500:] for line in errors[-2:]))
    return report(steps, plan)


def report(steps: list[Step], plan: Plan) -> int:
    load = os.getloadavg()
    print(f"Load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    within = [step for step in steps if step.within_targets]
    if not within:
        record("capacity", "tx/s per app core within the latency targets", "none",
               f"median < {MEDIAN_TARGET * 1000:.0f} ms, p99 < {P99_TARGET:.0f} s", False)
        if steps:
            first = steps[0]
            record("capacity", f"tx/s per app core at the first step, median "
                   f"{first.median * 1000:.0f} ms, p99 {first.p99 * 1000:.0f} ms",
                   f"{first.tx_per_core:.1f}", "(information)", None)
        print(f"FAIL: no step met both latency targets (load average now {load[0]:.1f} on "
              f"{os.cpu_count()} cores: is the machine busy?)")
        return 1
    best = max(within, key=lambda step: step.tx_per_second)
    mix = ", ".join(f"{kind} {count}" for kind, count in sorted(best.kinds.items()))
    per_core = best.tx_per_core
    cores = NATIONAL_PEAK / per_core
    instances = math.ceil(cores / CORES_PER_INSTANCE) + 1  # one spare
    database_cores = NATIONAL_PEAK * best.database_cpu / best.tx
    print(f"Capacity: {best.people} people, {best.tx_per_second:.1f} tx/s ({mix}), median "
          f"{best.median * 1000:.0f} ms, p99 {best.p99 * 1000:.0f} ms, on "
          f"{best.app_cores:.2f} app cores: {per_core:.1f} tx/s per core")
    print(f"National peak {NATIONAL_PEAK:.0f} tx/s (ten times November 2023's average): "
          f"{cores:.1f} app cores = {instances} instances of {CORES_PER_INSTANCE} cores "
          f"with one spare; PostgreSQL {database_cores:.1f} cores "
          f"({best.database_cpu / best.tx * 1000:.1f} ms CPU per tx); nginx "
          f"{best.nginx_cpu / best.tx * 1000:.1f} ms CPU per tx")
    record("capacity", f"tx/s per app core, median < {MEDIAN_TARGET * 1000:.0f} ms and "
           f"p99 < {P99_TARGET:.0f} s ({best.people} people)", f"{per_core:.1f}", "> 0", True)
    record("capacity", "latency at that step (median / p99)",
           f"{best.median * 1000:.0f} / {best.p99 * 1000:.0f} ms",
           f"< {MEDIAN_TARGET * 1000:.0f} / {P99_TARGET * 1000:.0f} ms", True)
    record("capacity", f"instances ({CORES_PER_INSTANCE} cores) for {NATIONAL_PEAK:.0f} tx/s, "
           "one spare", str(instances), "(information)", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
