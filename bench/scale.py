"""Scale: the journeys that look people up, at 10^3 and at 10^6 people and accounts.

    .venv/bin/python bench/scale.py [--requests 200] [--large 1000000]   (or: make bench)

Two PostgreSQL databases are filled with COPY (bench/support.py): one with 10^3 people and
accounts, one with 10^6 (a minute or two), and ANALYZEd. The app serves each under gunicorn
(one sync worker, the rate limits in Redis, bcrypt cost 4), and the same requests go to both,
interleaved (small, large, then large, small): the htmx sign-in POST by username and by ID
number, the registration POST whose ID, mobile and username are all taken (every
uniqueness check runs), and the recovery POST (ID and mobile matched to an account, a code
sent). Each request uses an account of its own (no lock, no SMS budget is reached); the
visual code is a fixed answer (ABSHER_CAPTCHA_FIXED_ANSWER) with a new token each time.
Target (issue 14): every path's median at 10^6 <= 1.2 x its median at 10^3.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import (  # noqa: E402
    PASSWORD,
    CsrfField,
    Server,
    app_environment,
    fill_people_and_accounts,
    gunicorn,
    machine,
    median,
    mobile,
    national_id,
    scratch_database,
    username,
)

SMALL = 1000
TARGET = 1.2
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
VISUAL_CODE = "24680"


class Visitor:
    """One browser: a keep-alive connection, the session cookie and its CSRF token."""

    def __init__(self, server: Server) -> None:
        address = urlsplit(server.url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port,
                                                     timeout=60)
        self.cookie, self.token = "", ""
        status, body = self.request("GET", "/ar/individuals/login")
        parser = CsrfField()
        parser.feed(body.decode())
        self.token = parser.token

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie, "User-Agent": "absher-bench"}
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.token, **form})
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "HX-Request": "true"})
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(value)
            if "absher_session" in cookie:
                self.cookie = f"absher_session={cookie['absher_session'].value}"
        return response.status, content


@dataclass
class Journey:
    label: str
    path: str
    first_account: int
    expected: int

    def form(self, number: int) -> dict:
        raise NotImplementedError


class SignInByUsername(Journey):
    def form(self, number: int) -> dict:
        return {"identifier": username(number), "password": PASSWORD}


class SignInById(Journey):
    def form(self, number: int) -> dict:
        return {"identifier": national_id(number), "password": PASSWORD}


def visual_code_token() -> str:
    from absher_web.services.captcha import CaptchaPolicy, new_token

    return new_token(CaptchaPolicy(SECRET_KEY))


class RegistrationChecks(Journey):
    """Everything taken: the ID (this account's), the mobile and username (the next ones)."""

    def form(self, number: int) -> dict:
        return {"national_id": national_id(number), "mobile": "0" + mobile(number + 1)[4:],
                "username": username(number + 2), "password": "Zx9Qw8Er7Ty",
                "confirm_password": "Zx9Qw8Er7Ty", "email": "someone@example.sa",
                "confirm_email": "someone@example.sa", "preferred_language": "ar",
                "accept_terms": "y", "captcha_token": visual_code_token(),
                "captcha_answer": VISUAL_CODE}


class RecoveryStart(Journey):
    def form(self, number: int) -> dict:
        return {"national_id": national_id(number), "mobile": "0" + mobile(number)[4:],
                "captcha_token": visual_code_token(), "captcha_answer": VISUAL_CODE}


def journeys(count: int) -> list[Journey]:
    return [SignInByUsername("sign-in by username", "/ar/individuals/login", 1, 200),
            SignInById("sign-in by ID", "/ar/individuals/login", 1 + count, 200),
            RegistrationChecks("registration checks", "/ar/register", 1 + 2 * count, 422),
            RecoveryStart("recovery start", "/ar/recover", 1 + 3 * count, 200)]


def timed(visitor: Visitor, journey: Journey, number: int) -> float:
    form = journey.form(number)
    started = time.perf_counter()
    status, body = visitor.request("POST", journey.path, form)
    elapsed = time.perf_counter() - started
    if status != journey.expected:
        raise RuntimeError(f"{journey.label}: {status} for account {number}: {body[:300]!r}")
    return elapsed * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per path and database")
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    if 4 * args.requests + 3 > SMALL:
        parser.error(f"at most {(SMALL - 3) // 4} requests: each uses an account of its own")

    with tempfile.TemporaryDirectory(prefix="absher-scale-") as scratch, \
            scratch_database() as small_url, scratch_database() as large_url:
        workdir = Path(scratch)
        started = time.monotonic()
        fill_people_and_accounts(small_url, 1, SMALL)
        fill_people_and_accounts(large_url, 1, args.large)
        print(f"filled {SMALL:,} and {args.large:,} people and accounts in "
              f"{time.monotonic() - started:.0f} s", flush=True)
        environments = {}
        for name, url in (("small", small_url), ("large", large_url)):
            environment = app_environment(url, workdir / name)
            environment.update({"ABSHER_SECRET_KEY": SECRET_KEY,
                                "ABSHER_CAPTCHA_FIXED_ANSWER": VISUAL_CODE})
            environments[name] = environment
        plan = journeys(args.requests)
        times: dict[tuple[str, str], list[float]] = {}
        with gunicorn("small", "wsgi:app", environments["small"], "sync", workers=1,
                      log=workdir / "small.log") as small, \
                gunicorn("large", "wsgi:app", environments["large"], "sync", workers=1,
                         log=workdir / "large.log") as large:
            visitors = {"small": Visitor(small), "large": Visitor(large)}
            for warm_up in range(3):  # connections, caches, the first render of each page
                for journey in plan:
                    for name in visitors:
                        timed(visitors[name], journey, journey.first_account + args.requests
                              - 1 - warm_up)
            for index in range(args.requests - 3):
                for journey in plan:
                    order = ["small", "large"] if index % 2 == 0 else ["large", "small"]
                    for name in order:
                        times.setdefault((journey.label, name), []).append(
                            timed(visitors[name], journey, journey.first_account + index))

    print(f"\nScale: medians of {args.requests - 3} interleaved requests per path "
          f"(after 3 to warm up), gunicorn one sync worker each, PostgreSQL, bcrypt cost 4")
    print(f"machine: {machine()}")
    header = (f"{'path':<22} {f'{SMALL:,} ms':>10} {f'{args.large:,} ms':>13} {'ratio':>6} "
              f"{'target':>10}")
    print(header)
    print("-" * len(header))
    missed = False
    for journey in plan:
        small_ms = median(times[(journey.label, "small")])
        large_ms = median(times[(journey.label, "large")])
        ratio = large_ms / small_ms
        ok = ratio <= TARGET
        missed |= not ok
        print(f"{journey.label:<22} {small_ms:10.1f} {large_ms:13.1f} {ratio:5.2f}x "
              f"{'<=' + format(TARGET, '.1f') + (' ok' if ok else ' MISSED'):>10}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
