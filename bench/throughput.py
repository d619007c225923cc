"""Throughput: server CPU per request and requests per second, against a bare Flask app.

    .venv/bin/python bench/throughput.py [--seconds 4] [--rounds 3]   (or: make bench)

The app runs under gunicorn with deploy/gunicorn.conf.py, two workers, sync and gthread
(four threads), on PostgreSQL with the rate limits in Redis (bench/support.py). Beside each
runs bench/bare_app.py under the same gunicorn settings, answering every request with the
bytes the app sent for it (headers and compressed body). wrk (Debian's package) sends the
load over four keep-alive connections, as a browser would ask (Accept-Encoding: br, gzip),
for GET /ar/ (a public page), GET /ar/register (a form page), a hashed static file and the
sign-in POST (htmx, bcrypt cost 4, a different account each time). Runs are interleaved:
round after round, each path on the app and then on the bare app (the other way round in
the next round), so both see the same machine.

CPU per request is the workers' user + system time over the requests answered; each figure
is the best of the interleaved runs (anything else on the machine only adds to it: on two
cores, a run now and then costs both apps twice as much). The ratio is bare CPU / app CPU:
the share of the bare app's requests per CPU second the app serves.
Targets (issue 14): public pages >= 0.6, form pages >= 0.3, static files >= 0.8; the
sign-in POST, bcrypt and PostgreSQL included, is shown for information.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
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
from bench.support import (  # noqa: E402
    PASSWORD,
    CsrfField,
    Server,
    app_environment,
    fill_people_and_accounts,
    gunicorn,
    machine,
    scratch_database,
    username,
)

BROWSER_HEADERS = {"Accept-Encoding": "br, gzip", "Accept-Language": "ar",
                   "User-Agent": "absher-bench"}
DROPPED_HEADERS = {"date", "server", "content-length", "connection", "transfer-encoding",
                   "keep-alive"}
SIGN_IN_ACCOUNTS = 40_000
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
    kind: str  # public, form, static, post
    target: float | None


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
        script: Path | None = None) -> tuple[int, float, int]:
    command = ["wrk", "-t1", "-c4", f"-d{int(seconds)}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    else:
        for name, value in BROWSER_HEADERS.items():
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


def measure(server: Server, url_path: Path_, seconds: float, post: dict) -> Sample:
    before = server.cpu_seconds()
    if url_path.method == "POST":
        environment = {**post, "BENCH_PATH": url_path.path}
        requests, elapsed, errors = wrk(server.url + url_path.path, seconds, environment,
                                        Path(post["BENCH_SCRIPT"]))
        post["BENCH_FIRST_ACCOUNT"] = str(int(post["BENCH_FIRST_ACCOUNT"]) + requests + 10)
    else:
        requests, elapsed, errors = wrk(server.url + url_path.path, seconds)
    return Sample(requests, elapsed, server.cpu_seconds() - before, errors)


def capture(server: Server, paths: list[Path_], cookie: str, token: str, workdir: Path) -> Path:
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
            status, headers, content = fetch(server.url + item.path)
        if status >= 400:
            raise RuntimeError(f"{item.method} {item.path} answered {status}")
        kept = [(name, value) for name, value in headers if name.lower() not in DROPPED_HEADERS]
        responses[(item.method, item.path)] = (status, kept, content)
    target = workdir / "responses.pickle"
    target.write_bytes(pickle.dumps(responses))
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make bench installs it)", file=sys.stderr)
        return 2

    from absher_web import create_app

    with tempfile.TemporaryDirectory(prefix="absher-throughput-") as scratch, \
            scratch_database() as database_url:
        workdir = Path(scratch)
        fill_people_and_accounts(database_url, 1, SIGN_IN_ACCOUNTS + 1)
        environment = app_environment(database_url, workdir)
        os.environ.update({k: v for k, v in environment.items() if k.startswith("ABSHER_")})
        static_path = create_app().extensions["absher_assets"].url("js/app.js")
        paths = [
            Path_("GET /ar/", "GET", "/ar/", "public", 0.6),
            Path_("GET /ar/register", "GET", "/ar/register", "form", 0.3),
            Path_("GET static file", "GET", static_path, "static", 0.8),
            Path_("POST sign-in", "POST", "/ar/individuals/login", "post", None),
        ]
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
                responses = capture(app_server, paths, cookie, token, workdir)
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
                                sample = measure(server, item, args.seconds, post)
                                getattr(figures, which).append(sample)
                                print(f"  round {round_number + 1} {worker_class:<7} "
                                      f"{item.label:<18} {which:<4} {sample.rate:8.0f} req/s "
                                      f"{sample.cpu_ms:6.3f} ms CPU"
                                      + (f"  ({sample.errors} errors)" if sample.errors
                                         else ""), flush=True)
        return report(paths, classes, results, args)


def report(paths: list[Path_], classes: tuple[str, ...],
           results: dict[tuple[str, str], Figures], args: argparse.Namespace) -> int:
    print(f"\nThroughput, best of {args.rounds} interleaved runs of {args.seconds:g} s "
          f"(wrk, 4 connections; gunicorn, {args.workers} workers)")
    print(f"machine: {machine()}")
    header = (f"{'path':<18} {'workers':<8} {'app req/s':>9} {'bare req/s':>10} "
              f"{'app ms CPU':>10} {'bare ms CPU':>11} {'ratio':>6} {'target':>7}")
    print(header)
    print("-" * len(header))
    missed = False
    for item in paths:
        for worker_class in classes:
            figures = results[(worker_class, item.label)]
            app_cpu = min(s.cpu_ms for s in figures.app)
            bare_cpu = min(s.cpu_ms for s in figures.bare)
            ratio = bare_cpu / app_cpu if app_cpu else float("nan")
            errors = sum(s.errors for s in figures.app + figures.bare)
            verdict = ""
            if item.target is not None:
                ok = ratio >= item.target
                missed |= not ok
                verdict = f">={item.target:.1f} {'ok' if ok else 'MISSED'}"
            print(f"{item.label:<18} {worker_class:<8} "
                  f"{max(s.rate for s in figures.app):9.0f} "
                  f"{max(s.rate for s in figures.bare):10.0f} {app_cpu:10.3f} "
                  f"{bare_cpu:11.3f} {ratio:5.2f}x {verdict}"
                  + (f"  ({errors} error responses)" if errors else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
