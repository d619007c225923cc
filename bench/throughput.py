"""Throughput: server CPU per request and requests per second, against a bare Flask app.

    .venv/bin/python bench/throughput.py [--seconds 4] [--rounds 3]   (or: make bench)

The app runs under gunicorn with deploy/gunicorn.conf.py, two workers, sync and gthread
(four threads), on PostgreSQL with the rate limits in Redis (bench/support.py). Beside each
runs bench/bare_app.py under the same gunicorn settings, answering every request with the
bytes the app sent for it (headers and compressed body). wrk (Debian's package) sends the
load over four keep-alive connections, as a browser would ask (Accept-Encoding: br, gzip),
for GET /ar/ (a public page), GET /ar/register (a form page), a hashed static file, the
sign-in POST (htmx, bcrypt cost 4, a different account each time), signed-in e-service pages
of a demo citizen (seed-demo's records: passports, vehicles, My family, Payments, the inbox),
a Passports officer's queue, /verify empty and /verify with a real issued document's number.
The citizen and the officer sign in through the site as a browser does (password, then the
code from the SMS file for the citizen); wrk sends their session cookie. Runs are interleaved:
round after round, each path on the app and then on the bare app (the other way round in
the next round), so both see the same machine.

CPU per request is the workers' user + system time over the requests answered; each figure
is the best of the interleaved runs (anything else on the machine only adds to it: on two
cores, a run now and then costs both apps twice as much). The ratio is bare CPU / app CPU:
the share of the bare app's requests per CPU second the app serves.
Targets (issues 14 and 30): public pages and /verify >= 0.6, form, e-service and queue pages
>= 0.3, static files >= 0.8; the sign-in POST, bcrypt and PostgreSQL included, and the
account's home page (what every signed-in page costs before its own records) are shown for
information, and so is each signed-in page's CPU against the home's in the same run.
`--only TEXT` runs the lines whose label contains TEXT, in any case (repeatable).
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.scale import Browser  # noqa: E402
from bench.support import (  # noqa: E402
    PASSWORD,
    CsrfField,
    Server,
    app_environment,
    fill_people_and_accounts,
    gunicorn,
    machine,
    record,
    scratch_database,
    username,
)

BROWSER_HEADERS = {"Accept-Encoding": "br, gzip", "Accept-Language": "ar",
                   "User-Agent": "absher-bench"}
DROPPED_HEADERS = {"date", "server", "content-length", "connection", "transfer-encoding",
                   "keep-alive"}
SIGN_IN_ACCOUNTS = 40_000
HOME_LABEL = "GET account home"
HOLDER = ("BenchHolder", PASSWORD, "+966599999999")  # username, password, mobile
OFFICER = ("k.bench", "Vx8kPw3nRt-2026")  # username, password
# Sessions must outlive the run: wrk sends the same cookie (and its last-seen time) throughout.
LONG_SESSIONS = {"ABSHER_IDLE_TIMEOUT_MINUTES": "600", "ABSHER_SESSION_LIFETIME": "24h"}
POST_SCRIPT = """
local counter = 0
local first = tonumber(os.getenv("BENCH_FIRST_ACCOUNT"))
local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                 ["Cookie"] = os.getenv("BENCH_COOKIE"), ["HX-Request"] = "true",
                 ["Accept-Encoding"] = "br, gzip", ["User-Agent"] = "absher-bench"}
request = function()
  local body = "csrf_token=" .. os.getenv("BENCH_CSRF") .. "&identifier=Bench" ..
               string.format("%07d", first + counter) .. "&password=" .. os.getenv("BENCH_PASSWORD")
  counter = counter + 1
  return wrk.format("POST", os.getenv("BENCH_PATH"), headers, body)
end
"""


@dataclass
class Path_:
    label: str
    method: str
    path: str
    kind: str  # public, form, static, post, account, queue, verify
    target: float | None
    who: str | None = None  # "citizen" or "officer": sent with their session cookie


@dataclass
class Sample:
    requests: int
    seconds: float
    cpu: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / max(self.requests, 1)


@dataclass
class Figures:
    app: list[Sample] = field(default_factory=list)
    bare: list[Sample] = field(default_factory=list)

    @property
    def app_cpu(self) -> float:
        """The site's CPU a request, best of the runs (anything else only adds to it)."""
        return min(s.cpu_ms for s in self.app)

    @property
    def bare_cpu(self) -> float:
        return min(s.cpu_ms for s in self.bare)


def fetch(url: str, method: str = "GET", data: bytes | None = None,
          headers: dict | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={**BROWSER_HEADERS, **(headers or {})})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, list(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, list(error.headers.items()), error.read()


def sign_in_form(server: Server) -> tuple[str, str]:
    """A session cookie and its CSRF token, as the sign-in page hands them out."""
    _status, headers, _body = fetch(server.url + "/ar/individuals/login",
                                    headers={"Accept-Encoding": "identity"})
    cookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            cookie.load(value)
    body = fetch(server.url + "/ar/individuals/login",
                 headers={"Accept-Encoding": "identity",
                          "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookie.items())})[2]
    parser = CsrfField()
    parser.feed(body.decode())
    return "; ".join(f"{k}={v.value}" for k, v in cookie.items()), parser.token


def wrk(url: str, seconds: float, environment: dict | None = None,
        script: Path | None = None, cookie: str | None = None) -> tuple[int, float, int]:
    command = ["wrk", "-t1", "-c4", f"-d{int(seconds)}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    else:
        for name, value in {**BROWSER_HEADERS, **({"Cookie": cookie} if cookie else {})}.items():
            command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                            env={**os.environ, **(environment or {})}).stdout
    match = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output)
    requests = int(match.group(1))
    elapsed = float(match.group(2)) / (1000 if match.group(3) == "ms" else 1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", output)
    failed = int(errors.group(1)) if errors else 0
    if socket_errors:
        failed += sum(int(n) for n in socket_errors.groups())
    return requests, elapsed, failed


def measure(server: Server, url_path: Path_, seconds: float, post: dict,
            cookies: dict[str, str], site: bool) -> Sample:
    before = server.cpu_seconds()
    if url_path.method == "POST":
        environment = {**post, "BENCH_PATH": url_path.path}
        requests, elapsed, errors = wrk(server.url + url_path.path, seconds, environment,
                                        Path(post["BENCH_SCRIPT"]))
        # Each sign-in on the site takes an account no run has used (its SMS budgets are
        # fresh). The bare app reads no account: its requests would only use them up, and
        # the site's later runs would sign in accounts that do not exist.
        if site:
            post["BENCH_FIRST_ACCOUNT"] = str(int(post["BENCH_FIRST_ACCOUNT"]) + requests + 10)
    else:
        requests, elapsed, errors = wrk(server.url + url_path.path, seconds,
                                        cookie=cookies.get(url_path.who or ""))
    return Sample(requests, elapsed, server.cpu_seconds() - before, errors)


def capture(server: Server, paths: list[Path_], cookie: str, token: str, workdir: Path,
            cookies: dict[str, str]) -> Path:
    """What the app answers to each request: the bare app's script."""
    responses = {}
    for item in paths:
        if item.method == "POST":
            body = (f"csrf_token={token}&identifier={username(SIGN_IN_ACCOUNTS)}"
                    f"&password={PASSWORD}").encode()
            status, headers, content = fetch(
                server.url + item.path, "POST", body,
                {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                 "HX-Request": "true"})
        else:
            status, headers, content = fetch(
                server.url + item.path,
                headers={"Cookie": cookies[item.who]} if item.who else None)
        # A signed-in page must be the page itself, not the way to the sign-in page.
        if status >= 400 or (item.who and status != 200):
            raise RuntimeError(f"{item.method} {item.path} answered {status}")
        kept = [(name, value) for name, value in headers if name.lower() not in DROPPED_HEADERS]
        responses[(item.method, item.path)] = (status, kept, content)
    target = workdir / "responses.pickle"
    target.write_bytes(pickle.dumps(responses))
    return target


def prepare_people(app) -> str:  # noqa: ANN001 (the Flask app)
    """seed-demo's records; an active account for the first demo citizen (security questions
    set) and a Passports officer; a document issued to the citizen. Returns its number."""
    import secrets

    from absher_web.agencies.civil_registry import DEMO_IDS
    from absher_web.extensions import db
    from absher_web.models import Account, ActivationState, Language, SecurityAnswer, utcnow
    from absher_web.passwords import hash_password
    from absher_web.services import issued_documents, staff
    from absher_web.services.document_facts import ident
    from absher_web.services.security_questions import hash_answer

    result = app.test_cli_runner().invoke(args=["absher", "seed-demo"])
    if result.exit_code:
        raise RuntimeError(f"seed-demo failed: {result.output}") from result.exception
    rounds = app.config["BCRYPT_ROUNDS"]
    with app.test_request_context(), db.transaction() as session:
        account = Account(
            national_id=DEMO_IDS[0], username=HOLDER[0], mobile=HOLDER[2],
            email="holder@example.sa", password_hash=hash_password(PASSWORD, rounds),
            preferred_language=Language.ARABIC, activation_state=ActivationState.ACTIVE,
            session_token=secrets.token_urlsafe(32),
            security_answers=[SecurityAnswer(question_key=key,
                                             answer_hash=hash_answer("Bench answer", rounds))
                              for key in ("first_school", "childhood_street", "first_car")])
        session.add(account)
        session.flush()
        staff.create_officer(session, OFFICER[0], "Bench Officer", "Riyadh Passports",
                             OFFICER[1], rounds, utcnow(), roles=(staff.PASSPORTS,))
        document = issued_documents.issue(
            session, issued_documents.Kind.BIRTH, DEMO_IDS[0],
            [ident("id_number", DEMO_IDS[0])], utcnow(), account)
        return document.number


def last_code(sms_file: Path, to: str) -> str:
    for line in reversed(sms_file.read_text(encoding="utf-8").splitlines()):
        sent = json.loads(line)
        if sent["to"] == to:
            return re.search(r"#(\d{6})\s*$", sent["body"]).group(1)
    raise RuntimeError(f"no code was sent to {to}")


def signed_in_cookies(server: Server, sms_file: Path) -> dict[str, str]:
    """The session cookies of the demo citizen and the officer, signed in as browsers do."""
    citizen = Browser(server)
    citizen.fetch_token("/ar/individuals/login")
    for path, form in (("/ar/individuals/login", {"identifier": HOLDER[0],
                                                  "password": PASSWORD}),
                       ("/ar/individuals/login/code", None)):
        if form is None:
            form = {"code": last_code(sms_file, HOLDER[2])}
        status, body = citizen.request("POST", path, form)
        if status >= 400:
            raise RuntimeError(f"citizen sign-in: {path} answered {status}: {body[:300]!r}")
    officer = Browser(server)
    officer.fetch_token("/ar/staff/sign-in")
    status, body = officer.request("POST", "/ar/staff/sign-in",
                                   {"username": OFFICER[0], "password": OFFICER[1]})
    if status >= 400:
        raise RuntimeError(f"officer sign-in answered {status}: {body[:300]!r}")
    return {who: "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
            for who, browser in (("citizen", citizen), ("officer", officer))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only the lines whose label contains TEXT (repeatable)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make bench installs it)", file=sys.stderr)
        return 2

    from absher_web import create_app

    with tempfile.TemporaryDirectory(prefix="absher-throughput-") as scratch, \
            scratch_database() as database_url:
        workdir = Path(scratch)
        fill_people_and_accounts(database_url, 1, SIGN_IN_ACCOUNTS + 1)
        environment = {**app_environment(database_url, workdir), **LONG_SESSIONS}
        os.environ.update({k: v for k, v in environment.items() if k.startswith("ABSHER_")})
        # The settings were read when absher_web was first imported: these are given again.
        app = create_app({"DATABASE_URL": database_url, "BCRYPT_ROUNDS": 4,
                          "SMS_FILE": environment["ABSHER_SMS_FILE"]})
        static_path = app.extensions["absher_assets"].url("js/app.js")
        document = prepare_people(app)
        paths = [
            Path_("GET /ar/", "GET", "/ar/", "public", 0.6),
            Path_("GET /ar/register", "GET", "/ar/register", "form", 0.3),
            Path_("GET static file", "GET", static_path, "static", 0.8),
            Path_("POST sign-in", "POST", "/ar/individuals/login", "post", None),
            # The account's own home page, for information: what any signed-in page costs
            # (the session, the account, the header's counts) before its service's records.
            Path_(HOME_LABEL, "GET", "/ar/account/", "account", None, "citizen"),
            *(Path_(f"GET {label}", "GET", f"/ar/account/{page}", "account", 0.3, "citizen")
              for label, page in (("passports", "passports"),
                                  ("vehicles", "services/vehicles"),
                                  ("My family", "family"), ("Payments", "payments"),
                                  ("inbox", "inbox"))),
            Path_("GET officer queue", "GET", "/ar/staff/passports", "queue", 0.3,
                  "officer"),
            Path_("GET /ar/verify", "GET", "/ar/verify", "verify", 0.6),
            Path_("GET /verify lookup", "GET", f"/ar/verify?number={document}", "verify",
                  0.6),
        ]
        if args.only:
            paths = [item for item in paths
                     if any(text.casefold() in item.label.casefold() for text in args.only)]
        script = workdir / "post.lua"
        script.write_text(POST_SCRIPT)
        results: dict[tuple[str, str], Figures] = {}
        classes = ("sync", "gthread")
        for worker_class in classes:
            with gunicorn(f"app-{worker_class}", "wsgi:app", environment, worker_class,
                          args.workers, log=workdir / "app.log") as app_server:
                cookie, token = sign_in_form(app_server)
                post = {"BENCH_COOKIE": cookie, "BENCH_CSRF": token,
                        "BENCH_PASSWORD": PASSWORD, "BENCH_FIRST_ACCOUNT": "1",
                        "BENCH_SCRIPT": str(script)}
                cookies = signed_in_cookies(app_server, Path(environment["ABSHER_SMS_FILE"]))
                responses = capture(app_server, paths, cookie, token, workdir, cookies)
                bare_environment = {**environment, "BARE_RESPONSES": str(responses),
                                    "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
                with gunicorn(f"bare-{worker_class}", "bench.bare_app:app", bare_environment,
                              worker_class, args.workers, log=workdir / "bare.log") as bare:
                    for round_number in range(args.rounds):
                        for item in paths:
                            figures = results.setdefault((worker_class, item.label), Figures())
                            order = [("app", app_server), ("bare", bare)]
                            if round_number % 2:
                                order.reverse()
                            for which, server in order:
                                sample = measure(server, item, args.seconds, post, cookies,
                                                 site=which == "app")
                                getattr(figures, which).append(sample)
                                print(f"  round {round_number + 1} {worker_class:<7} "
                                      f"{item.label:<22} {which:<4} {sample.rate:8.0f} req/s "
                                      f"{sample.cpu_ms:6.3f} ms CPU"
                                      + (f"  ({sample.errors} errors)" if sample.errors
                                         else ""), flush=True)
        return report(paths, classes, results, args)


def report(paths: list[Path_], classes: tuple[str, ...],
           results: dict[tuple[str, str], Figures], args: argparse.Namespace) -> int:
    print(f"\nThroughput, best of {args.rounds} interleaved runs of {args.seconds:g} s "
          f"(wrk, 4 connections; gunicorn, {args.workers} workers)")
    print(f"machine: {machine()}")
    header = (f"{'path':<22} {'workers':<8} {'app req/s':>9} {'bare req/s':>10} "
              f"{'app ms CPU':>10} {'bare ms CPU':>11} {'ratio':>6} {'target':>7}")
    print(header)
    print("-" * len(header))
    missed = False
    for item in paths:
        for worker_class in classes:
            figures = results[(worker_class, item.label)]
            app_cpu, bare_cpu = figures.app_cpu, figures.bare_cpu
            ratio = bare_cpu / app_cpu if app_cpu else float("nan")
            errors = sum(s.errors for s in figures.app + figures.bare)
            verdict, ok = "", None
            if item.target is not None:
                ok = ratio >= item.target and not errors
                missed |= not ok
                verdict = f">={item.target:.1f} {'ok' if ok else 'MISSED'}"
            record("throughput", f"{item.label} ({worker_class}): bare CPU / site CPU",
                   f"{ratio:.2f}x", f">= {item.target:.1f}x" if item.target else "-", ok)
            print(f"{item.label:<22} {worker_class:<8} "
                  f"{max(s.rate for s in figures.app):9.0f} "
                  f"{max(s.rate for s in figures.bare):10.0f} {app_cpu:10.3f} "
                  f"{bare_cpu:11.3f} {ratio:5.2f}x {verdict}"
                  + (f"  ({errors} error responses)" if errors else ""))
    against_home(paths, classes, results)
    return 1 if missed else 0


def against_home(paths: list[Path_], classes: tuple[str, ...],
                 results: dict[tuple[str, str], Figures]) -> None:
    """Each signed-in page's CPU against the account home's, measured in the same run: what
    a service's own records and render add to what every signed-in page costs (shown for
    information; the targets stay the ratios to the bare app)."""
    home = next((item for item in paths if item.label == HOME_LABEL), None)
    pages = [item for item in paths if item.kind in ("account", "queue") and item is not home]
    if home is None or not pages:
        return
    print("\nSigned-in pages against the account home (site CPU / home's CPU, same run)")
    for item in pages:
        figures = []
        for worker_class in classes:
            ratio = (results[(worker_class, item.label)].app_cpu
                     / results[(worker_class, home.label)].app_cpu)
            figures.append(f"{ratio:.2f}x")
            record("throughput", f"{item.label} ({worker_class}): site CPU / account home's",
                   f"{ratio:.2f}x", "-", None)
        print(f"{item.label:<22} " + " / ".join(figures) + f"  ({' / '.join(classes)})")


if __name__ == "__main__":
    sys.exit(main())
