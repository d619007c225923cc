"""Helpers for sending many requests at once, and for counting what reached bcrypt."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from absher_web import passwords

T = TypeVar("T")


def at_once(jobs: list[Callable[[], T]]) -> list[T]:
    """Run every job in its own thread, all released together by a barrier; their results."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], T]) -> None:
        try:
            start.wait(timeout=30)
            results[index] = job()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, job))
               for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], [repr(error) for error in errors]
    return results


def open_limits(app) -> None:
    """Every test client comes from one address: lift the per-address limits for the burst."""
    for name in ("RATELIMIT_DEFAULT", "RATELIMIT_SIGN_IN", "RATELIMIT_STAFF_SIGN_IN",
                 "RATELIMIT_RECOVER", "RATELIMIT_RECOVER_PER_ID"):
        app.config[name] = "10000 per minute"


def same_browser(app, client, count: int) -> list:
    """``count`` test clients sharing ``client``'s session cookie: one browser, many tabs."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None, "the browser has no session yet"
    clients = []
    for _ in range(count):
        tab = app.test_client()
        tab.set_cookie(name, cookie.value)
        clients.append(tab)
    return clients


class HashChecks:
    """Counts bcrypt checks per stored hash (the dummy hash's checks are not tries)."""

    def __init__(self, monkeypatch) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        real = passwords.verify_password

        def counting(password: str, password_hash: str) -> bool:
            with self._lock:
                self.counts[password_hash] += 1
            return real(password, password_hash)

        monkeypatch.setattr(passwords, "verify_password", counting)

    def of(self, *password_hashes: str) -> int:
        with self._lock:
            return sum(self.counts[password_hash] for password_hash in password_hashes)
