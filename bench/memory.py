"""Memory: a worker's resident size over 10,000 requests spread over every kind of page.

    .venv/bin/python bench/memory.py [--requests 10000] [--warm-up 1500] [--trace]
                                     (or: make bench)

One gunicorn worker with deploy/gunicorn.conf.py's settings (gthread, four threads) serves a
new PostgreSQL database (bench/support.py) holding a modest fill: 10^4 people with accounts,
seed-demo's records (vehicles, sponsored workers, family, passports, visas, job openings)
with accounts for its holders, and an officer with every role. Rate limits are in Redis.

Four clients, each with its own sessions made by signing in (the SMS code read from the file
gateway), go round one plan of requests: public pages in both languages, form pages, form
POSTs with errors (whole pages and htmx fragments), a new holder's whole sign-in, every
account page and e-service page of five holders with each e-service's enquiry (htmx), an
officer's console and queues, /verify, the visual code's image and sound, and 404s. Search
words, document numbers and missing paths are new in every round, so no cache keyed by what
a visitor types can hide a leak behind the same few keys.

The worker's resident size (VmRSS in /proc/PID/status) is read after the warm-up and after
each further thousand requests. Target (issue 30): at the end <= 1.10 x after the warm-up.
Any answer 500 or above, a limit's refusal (429), or a signed-in page sending its holder to
sign in stops the run.

--trace runs the worker under bench/memory_trace.conf.py (tracemalloc started after the
app loads) and prints the allocations that grew most between the two readings; tracing
itself costs memory, so a traced run records no verdict.
Exit status 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import (  # noqa: E402
    PASSWORD,
    PROJECT,
    VENV_BIN,
    Browser,
    Server,
    add_accounts,
    app_environment,
    fill_people_and_accounts,
    gunicorn,
    machine,
    mobile,
    record,
    scratch_database,
    username,
)

TARGET = 1.10
FILLED = 10_000  # people with accounts; each round signs one of them in
OFFICER = "bench.officer"
ROLES = ("passports", "civil_affairs", "recruiter", "decorum_officer", "objections_committee")
CLIENTS = 4  # as many as the worker's threads
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
VISUAL_CODE = "24680"
FIRST_ANSWERS = {"question_1": "first_school", "answer_1": "Olaya primary school",
                 "question_2": "first_car", "answer_2": "A white Camry",
                 "question_3": "childhood_nickname", "answer_3": "Abu Sami"}

PUBLIC = ["/", "/about", "/accessibility", "/business", "/civil-affairs", "/contact",
          "/passports-directorate", "/privacy", "/terms", "/registration-conditions",
          "/services", "/jobs", "/verify", "/individuals/login"]
FORMS = ["/register", "/recover", "/staff/sign-in"]
ACCOUNT = ["/", "/my-data", "/activity", "/devices", "/documents", "/family",
           "/family/births", "/family/records/marriage", "/family/records/mother", "/inbox",
           "/investor", "/jobs", "/language", "/mobile", "/email", "/password", "/passports",
           "/payments", "/payments/unpaid", "/payments/paid", "/payments/refunds",
           "/premium-residency/visas", "/requests", "/security-questions", "/tahseen",
           "/tahseen/tickets", "/decorum-violations", "/my-data/download", "/my-data/looks"]
QUEUES = ["/", "/civil-affairs", "/decorum-objections", "/passports", "/passports/requests",
          "/recruitment", "/tahseen", "/decorum/committee", "/decorum/record"]


@dataclass(frozen=True)
class Step:
    """One request of the plan: who sends it, and how; ``{n}`` in the path or a form value
    is the round's number."""

    who: str  # "visitor", "officer", a holder's ID number, or "newcomer" (signs in)
    method: str
    path: str
    form: dict | None = None
    htmx: bool = False


def plan(holders: list[str], eservices: list[str], openings: list[str]) -> list[Step]:
    steps = [Step("newcomer", "SIGN-IN", "/ar/individuals/login")]
    for lang in ("ar", "en"):
        steps += [Step("visitor", "GET", f"/{lang}{path}") for path in PUBLIC + FORMS]
        steps += [Step("visitor", "GET", f"/{lang}/services?q=word{{n}}"),
                  Step("visitor", "GET", f"/{lang}/verify?number=V-{{n}}-2026"),
                  Step("visitor", "GET", f"/{lang}/no-such-page-{{n}}"),
                  Step("visitor", "GET", f"/{lang}/jobs/999{{n}}")]
    steps += [Step("visitor", "GET", f"/ar/jobs/{number}") for number in openings]
    steps += [Step("visitor", "GET", "/ar/verify/ABS-{n}"),
              Step("visitor", "GET", "/ar/visual-code/new?page=/ar/register", htmx=True),
              Step("visitor", "VISUAL-CODE", "/ar/visual-code/{token}.png"),
              Step("visitor", "VISUAL-CODE", "/en/visual-code/{token}.wav")]
    for htmx in (False, True):  # every form sent with errors, as a page and as a fragment
        steps += [Step("visitor", "POST", "/ar/register", {"username": "x{n}"}, htmx),
                  Step("visitor", "POST", "/ar/recover", {"national_id": "12{n}"}, htmx),
                  Step("visitor", "POST", "/ar/individuals/login",
                       {"identifier": "Nobody{n}x", "password": "wrong"}, htmx),
                  Step("visitor", "POST", "/en/staff/sign-in", {"username": ""}, htmx)]
    for holder in holders:
        steps += [Step(holder, "GET", f"/ar/account{path}") for path in ACCOUNT]
        for slug in eservices:
            path = f"/ar/account/services/{slug}"
            steps += [Step(holder, "GET", path), Step(holder, "GET", path, htmx=True),
                      Step(holder, "POST", path, {}, htmx=True)]
        steps += [Step(holder, "POST", "/ar/account/password", {"current_password": "x"},
                       htmx=True)]
    steps += [Step("officer", "GET", f"/ar/staff{path}") for path in QUEUES]
    steps += [Step("officer", "POST", "/ar/staff/", {"national_id": "1{n}"})]
    return steps


class Client:
    """One person at a keyboard per role: its own browsers and sessions, going round the
    plan from its own starting point."""

    def __init__(self, server: Server, sms_file: Path, holders: dict[str, int], index: int,
                 steps: list[Step], newcomers: itertools.count) -> None:
        self.server, self.sms_file, self.holders = server, sms_file, holders
        self.index, self.steps = index, steps
        self.newcomers = newcomers
        self.browsers = {"visitor": Browser(server)}
        self.browsers["visitor"].request("GET", "/ar/individuals/login")
        self.browsers["officer"] = self.officer()
        for holder, number in holders.items():
            self.browsers[holder] = self.sign_in(number)
        self.next = index * len(steps) // CLIENTS
        self.statuses: Counter = Counter()

    def officer(self) -> Browser:
        browser = Browser(self.server)
        browser.request("GET", "/ar/staff/sign-in")
        status, _ = browser.request("POST", "/ar/staff/sign-in",
                                    {"username": OFFICER, "password": PASSWORD})
        if status != 303:
            raise RuntimeError(f"the officer's sign-in answered {status}")
        return browser

    def sign_in(self, number: int) -> Browser:
        """A holder's whole sign-in: password, then the code the SMS file received."""
        browser = Browser(self.server)
        browser.request("GET", "/ar/individuals/login")
        status, _ = browser.request("POST", "/ar/individuals/login",
                                    {"identifier": username(number), "password": PASSWORD},
                                    htmx=True)
        if status != 200:
            raise RuntimeError(f"sign-in of {username(number)} answered {status}")
        code = last_code(self.sms_file, mobile(number))
        browser.request("POST", "/ar/individuals/login/code", {"code": code}, htmx=True)
        status, _ = browser.request("GET", "/ar/account/")
        if status == 303 and browser.location.endswith("/security-questions"):
            # A first sign-in: the three security questions come before anything else.
            browser.request("GET", "/ar/account/security-questions")
            browser.request("POST", "/ar/account/security-questions", FIRST_ANSWERS)
            status, _ = browser.request("GET", "/ar/account/")
        if status != 200:
            raise RuntimeError(f"{username(number)}'s account page answered {status} "
                               f"({browser.location}) after signing in")
        return browser

    def run(self, count: int) -> None:
        for _ in range(count):
            step = self.steps[self.next % len(self.steps)]
            # What the round types is new to the whole run: no two clients share it.
            round_number = self.next // len(self.steps) * CLIENTS + self.index
            self.next += 1
            self.send(step, round_number)

    def send(self, step: Step, round_number: int) -> None:
        if step.who == "newcomer":
            self.sign_in(next(self.newcomers))
            self.statuses["sign-in"] += 1
            return
        browser = self.browsers[step.who]
        path = step.path.replace("{n}", str(round_number))
        form = ({key: value.replace("{n}", str(round_number)) for key, value in
                 step.form.items()} if step.form is not None else None)
        method = step.method
        if method == "VISUAL-CODE":
            _, fragment = browser.request("GET", "/ar/visual-code/new?page=/ar/register", htmx=True)
            token = re.search(rb"visual-code/([^/\"]+)\.png", fragment).group(1).decode()
            path, method = path.replace("{token}", token), "GET"
        status, body = browser.request(method, path, form, step.htmx)
        signed_in = step.who != "visitor"
        # A refusal (429) would be a cheaper page than the one meant: it stops the run too.
        if status >= 500 or status == 429 or (signed_in and "sign-in" in browser.location
                                              or signed_in and "/login" in browser.location):
            raise RuntimeError(f"{step.who}: {method} {path} answered {status} "
                               f"{browser.location} {body[:300]!r}")
        self.statuses[status] += 1


def last_code(sms_file: Path, to: str) -> str:
    for line in reversed(sms_file.read_text(encoding="utf-8").splitlines()):
        sent = json.loads(line)
        if sent["to"] == to:
            return re.search(r"#(\d{6})\s*$", sent["body"]).group(1)
    raise RuntimeError(f"no code sent to {to}")


def together(clients: list[Client], count: int) -> None:
    """``count`` requests, shared by the clients, each in a thread of its own."""
    failures = []

    def run(client: Client, share: int) -> None:
        try:
            client.run(share)
        except Exception as error:  # noqa: BLE001 (reported below, from the main thread)
            failures.append(error)

    threads = [threading.Thread(target=run, args=(client, count // len(clients)))
               for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def prepare(url: str, environment: dict) -> tuple[dict[str, int], list[str]]:
    """The fill: people with accounts, seed-demo's records and holders, the officer.
    Returns the holders who browse (ID number: running number) and the job openings."""
    from absher_web.agencies import civil_registry, family_demo

    fill_people_and_accounts(url, 1, FILLED)
    command = [str(VENV_BIN / "absher")]
    run = subprocess.run(command + ["seed-demo"], env=environment, capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(run.stdout + run.stderr)
    holders = {holder: 9_000_000 + index for index, holder in enumerate(
        [*civil_registry.DEMO_IDS, family_demo.HESSA, family_demo.AMAL])}
    add_accounts(url, [(number, holder) for holder, number in holders.items()])
    subprocess.run(command + ["create-officer", OFFICER, "--name", "Bench Officer",
                              "--office", "Riyadh - Olaya", "--city", "Riyadh",
                              *itertools.chain.from_iterable(("--role", r) for r in ROLES)],
                   env={**environment, "ABSHER_OFFICER_PASSWORD": PASSWORD}, check=True,
                   capture_output=True)
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        openings = [row[0] for row in connection.execute(
            "SELECT number FROM job_openings ORDER BY number LIMIT 3")]
    return holders, [str(number) for number in openings]


def snapshot(server: Server, pid: int, directory: Path, taken: int) -> tracemalloc.Snapshot:
    os.kill(pid, signal.SIGUSR2)
    target = directory / f"{pid}-{taken}.snapshot"
    deadline = time.monotonic() + 120
    while not target.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the worker wrote no snapshot (see the log)")
        time.sleep(0.2)
    return tracemalloc.Snapshot.load(str(target))


def print_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> None:
    ignored = [tracemalloc.Filter(False, tracemalloc.__file__),
               tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
    before, after = before.filter_traces(ignored), after.filter_traces(ignored)
    print("\nAllocations that grew most (tracemalloc, line of the allocation):")
    for stat in after.compare_to(before, "lineno")[:15]:
        print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  "
              f"{stat.traceback[0].filename}:{stat.traceback[0].lineno}")
    print("\nThe five largest with their callers:")
    for stat in after.compare_to(before, "traceback")[:5]:
        print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks")
        for line in stat.traceback.format(limit=8, most_recent_first=True):
            print(f"      {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--warm-up", type=int, default=1_500)
    parser.add_argument("--every", type=int, default=1_000, help="requests between readings")
    parser.add_argument("--trace", action="store_true",
                        help="report the allocations that grew (tracemalloc in the worker)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="absher-memory-") as scratch, \
            scratch_database() as url:
        workdir = Path(scratch)
        environment = app_environment(url, workdir)
        environment.update({"ABSHER_SECRET_KEY": SECRET_KEY,
                            "ABSHER_CAPTCHA_FIXED_ANSWER": VISUAL_CODE,
                            "ABSHER_SMS_CODES_PER_NUMBER_PER_HOUR": "100"})
        started = time.monotonic()
        holders, openings = prepare(url, environment)
        print(f"filled {FILLED:,} accounts, seed-demo and an officer in "
              f"{time.monotonic() - started:.0f} s", flush=True)
        config = PROJECT / "deploy/gunicorn.conf.py"
        if args.trace:
            config = PROJECT / "bench/memory_trace.conf.py"
            environment["ABSHER_BENCH_TRACE_DIR"] = str(workdir)
        from absher_web.web.eservices import REGISTRY

        steps = plan(list(holders), [service.slug for service in REGISTRY], openings)
        newcomers = itertools.count(1)
        with gunicorn("memory", "wsgi:app", environment, "gthread", workers=1,
                      log=workdir / "gunicorn.log", config=config) as server:
            pid = server.worker_pids()[0]
            clients = [Client(server, Path(environment["ABSHER_SMS_FILE"]), holders, index,
                              steps, newcomers)
                       for index in range(CLIENTS)]
            together(clients, args.warm_up)
            readings = [(0, server.resident_kb(pid))]
            before = snapshot(server, pid, workdir, 1) if args.trace else None
            print(f"{len(steps)} requests a round, {CLIENTS} clients; after the warm-up of "
                  f"{args.warm_up:,}: {readings[0][1] / 1024:.1f} MiB", flush=True)
            done = 0
            while done < args.requests:
                batch = min(args.every, args.requests - done)
                together(clients, batch)
                done += batch - batch % CLIENTS
                readings.append((done, server.resident_kb(pid)))
                print(f"  after {done:>6,} requests: {readings[-1][1] / 1024:.1f} MiB",
                      flush=True)
            if server.worker_pids() != [pid]:
                raise RuntimeError("the worker was replaced during the run")
            after = snapshot(server, pid, workdir, 2) if args.trace else None

    statuses = Counter()
    for client in clients:
        statuses.update(client.statuses)
    growth = readings[-1][1] / readings[0][1]
    ok = growth <= TARGET
    print(f"\nMemory: one gunicorn gthread worker ({CLIENTS} threads), PostgreSQL, Redis")
    print(f"machine: {machine()}")
    print("answers: " + ", ".join(f"{key}: {value:,}" for key, value in
                                  sorted(statuses.items(), key=lambda item: str(item[0]))))
    print(f"resident after warm-up {readings[0][1] / 1024:.1f} MiB, after {done:,} requests "
          f"{readings[-1][1] / 1024:.1f} MiB: {growth:.3f}x (target <= {TARGET:.2f}x) "
          f"{'ok' if ok else 'MISSED'}")
    if args.trace:
        print("(traced: tracemalloc's own bookkeeping is in these figures; no verdict "
              "recorded)")
        print_growth(before, after)
        return 0
    record("memory", f"worker resident size over {done:,} requests, end / after warm-up",
           f"{growth:.3f}x", f"<= {TARGET:.2f}x", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
