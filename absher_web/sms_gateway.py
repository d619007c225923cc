"""The SMS provider: a file backend for development, an HTTP one for production, and what
stands between them and the site when the provider hangs.

Only this module opens a connection to the provider, and only through
``absher_web.outside.call`` (services/sms.py and services/outbox.py), never inside a
database transaction. Each process also keeps the provider from holding every thread:

- at most ABSHER_SMS_MAX_IN_FLIGHT sends at once, and at most ABSHER_SMS_MAX_WAITING
  more waiting for one of those slots; the wait counts within the send budget, and a
  send that finds the line full is refused at once;
- a circuit breaker: after ABSHER_SMS_BREAKER_FAILURES failures in a row (timeouts,
  unreachable, 5xx), sends are refused at once for ABSHER_SMS_BREAKER_PAUSE_SECONDS;
  then one send is let through (half-open): it closes the breaker if the provider
  answers, and opens it again if not. Logged, in /readyz and in /metrics.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from prometheus_client import Counter, Gauge

log = logging.getLogger(__name__)

BREAKER_OPEN = Gauge("absher_sms_breaker_open",
                     "1 while this process's SMS circuit breaker is open (sends refused at "
                     "once), else 0.", multiprocess_mode="livemax")
BREAKER_OPENED = Counter("absher_sms_breaker_opened_total",
                         "Times the SMS circuit breaker opened after failures in a row.")
IN_FLIGHT = Gauge("absher_sms_in_flight", "SMS sends waiting for the provider now.",
                  multiprocess_mode="livesum")
NOT_TRIED = Counter("absher_sms_not_tried_total",
                    "SMS refused without calling the provider, by reason.", ["reason"])
# A send needs at least this long for one try to be worth making.
SHORTEST_TRY = 0.2


class SmsDeliveryError(Exception):
    """The provider did not take the message.

    ``provider_fault``: the provider failed (a timeout, unreachable, 5xx), which counts
    towards the breaker; False when it refused this one message (4xx) or was never tried.
    """

    def __init__(self, reason: str, provider_fault: bool = True) -> None:
        super().__init__(reason)
        self.provider_fault = provider_fault


class SmsPaused(SmsDeliveryError):
    """Refused at once: the breaker is open (the person is told when to try again)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, provider_fault=False)


class SmsGateway(Protocol):
    def send(self, to: str, body: str, key: str | None = None) -> None:
        """Deliver one message; `key` names it, so a provider can drop a repeat."""


class FileGateway:
    """Appends one JSON line per message, like Django's file e-mail backend."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def send(self, to: str, body: str, key: str | None = None) -> None:
        line = json.dumps({"to": to, "body": body, "sent_at": time.time(), "key": key},
                          ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")


class HttpGateway:
    """JSON POST to the provider, with a timeout and a few quick retries, all within one
    time budget: a slow provider holds a thread (and the person) for `budget` seconds at
    most, never timeout x tries."""

    def __init__(self, url: str, api_key: str, timeout: float, retries: int,
                 budget: float = 3.0) -> None:
        self.url, self.api_key, self.timeout, self.retries = url, api_key, timeout, retries
        self.budget = budget

    def send(self, to: str, body: str, key: str | None = None) -> None:
        self.send_within(to, body, key, self.budget)

    def send_within(self, to: str, body: str, key: str | None, seconds: float) -> None:
        """Send, with all tries inside ``seconds`` (what is left of the send budget)."""
        payload = json.dumps({"to": to, "body": body}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"}
        if key:
            headers["Idempotency-Key"] = key
        last_error, fault = "no time left to try", False
        deadline = time.monotonic() + seconds
        for attempt in range(self.retries + 1):
            pause = min(0.25 * 2**attempt, 2.0) if attempt else 0.0
            left = deadline - time.monotonic() - pause
            if left < SHORTEST_TRY:  # too little time for another try to be worth it
                break
            time.sleep(pause)
            request = urllib.request.Request(self.url, data=payload, method="POST",
                                             headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=min(self.timeout, left)) as response:
                    if 200 <= response.status < 300:
                        return
                    last_error, fault = f"provider answered {response.status}", True
            except urllib.error.HTTPError as error:
                last_error, fault = f"provider answered {error.code}", True
                if 400 <= error.code < 500 and error.code != 429:
                    fault = False  # the provider refused this message; retrying will not help
                    break
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                last_error = f"provider unreachable: {getattr(error, 'reason', error)}"
                fault = True
        raise SmsDeliveryError(last_error, provider_fault=fault)


class Breaker:
    """Failures in a row open it for ``pause`` seconds; then one try decides (half-open)."""

    def __init__(self, failures: int, pause: float) -> None:
        self.failures_allowed, self.pause = failures, pause
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trying = False  # the half-open try is under way

    @property
    def is_open(self) -> bool:
        """True while sends are refused at once (open, or half-open with its try out)."""
        with self._lock:
            if self._opened_at is None:
                return False
            return self._trying or time.monotonic() - self._opened_at < self.pause

    def allow(self) -> bool:
        """May a send go to the provider now? (Half-open: the first asker tries.)"""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._trying or time.monotonic() - self._opened_at < self.pause:
                return False
            self._trying = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            if self._opened_at is not None:
                self._opened_at, self._trying = None, False
                BREAKER_OPEN.set(0)
                log.warning("SMS provider answers again: sending codes again")

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trying or (self._opened_at is None
                                and self._failures >= self.failures_allowed):
                first = self._opened_at is None
                self._opened_at, self._trying = time.monotonic(), False
                BREAKER_OPEN.set(1)
                if first:
                    BREAKER_OPENED.inc()
                log.error("SMS provider failed %s times in a row: codes are refused at once "
                          "for %s s (ABSHER_SMS_BREAKER_PAUSE_SECONDS), then tried again",
                          self._failures, self.pause)

    def given_up(self) -> None:
        """The half-open try ended without an answer either way: let the next one try."""
        with self._lock:
            self._trying = False


class Sending:
    """This process's way to the provider: the slots, the waiting line and the breaker."""

    def __init__(self, in_flight: int, waiting: int, budget: float, breaker: Breaker) -> None:
        self.in_flight, self.waiting, self.budget = in_flight, waiting, budget
        self.breaker = breaker
        self._slots = threading.Condition()
        self._busy = self._queued = 0

    def send(self, gateway: SmsGateway, to: str, body: str, key: str | None = None) -> None:
        """Send through ``gateway`` within the budget, or raise SmsDeliveryError."""
        deadline = time.monotonic() + self.budget
        if self.breaker.is_open:
            NOT_TRIED.labels("breaker_open").inc()
            raise SmsPaused("not tried: the SMS provider failed too often in a row")
        self._take_slot(deadline)
        try:
            if not self.breaker.allow():
                NOT_TRIED.labels("breaker_open").inc()
                raise SmsPaused("not tried: the SMS provider failed too often in a row")
            self._send(gateway, to, body, key, deadline)
        finally:
            with self._slots:
                self._busy -= 1
                IN_FLIGHT.dec()
                self._slots.notify()

    def _take_slot(self, deadline: float) -> None:
        with self._slots:
            if self._busy >= self.in_flight:
                if self._queued >= self.waiting:
                    NOT_TRIED.labels("busy").inc()
                    raise SmsDeliveryError("not tried: every slot to the SMS provider is taken",
                                           provider_fault=False)
                self._queued += 1
                try:
                    while self._busy >= self.in_flight:
                        left = deadline - time.monotonic()
                        if left < SHORTEST_TRY or self.breaker.is_open:
                            NOT_TRIED.labels("busy").inc()
                            raise SmsDeliveryError("not tried: no slot to the SMS provider in "
                                                   "time", provider_fault=False)
                        self._slots.wait(left)
                finally:
                    self._queued -= 1
            self._busy += 1
            IN_FLIGHT.inc()

    def _send(self, gateway: SmsGateway, to: str, body: str, key: str | None,
              deadline: float) -> None:
        try:
            if isinstance(gateway, HttpGateway):
                gateway.send_within(to, body, key, deadline - time.monotonic())
            else:
                gateway.send(to, body, key)
        except SmsDeliveryError as error:
            if error.provider_fault:
                self.breaker.failed()
            else:
                self.breaker.given_up()
            raise
        self.breaker.succeeded()


def make_gateway(config: dict) -> SmsGateway:
    backend = config["SMS_BACKEND"]
    if backend == "file":
        if not config.get("SMS_FILE"):
            raise RuntimeError("ABSHER_SMS_FILE must name a file for the file SMS backend.")
        return FileGateway(config["SMS_FILE"])
    if backend == "http":
        if not config.get("SMS_URL") or not config.get("SMS_API_KEY"):
            raise RuntimeError("The http SMS backend needs ABSHER_SMS_URL and ABSHER_SMS_API_KEY.")
        return HttpGateway(config["SMS_URL"], config["SMS_API_KEY"],
                           config["SMS_TIMEOUT"], config["SMS_RETRIES"],
                           config["SMS_SEND_BUDGET_SECONDS"])
    raise RuntimeError(f"ABSHER_SMS_BACKEND must be 'file' or 'http', not {backend!r}")


def init_app(app: Flask) -> None:
    app.extensions["absher_sms"] = make_gateway(app.config)
    app.extensions["absher_sms_sending"] = Sending(
        app.config["SMS_MAX_IN_FLIGHT"], app.config["SMS_MAX_WAITING"],
        app.config["SMS_SEND_BUDGET_SECONDS"],
        Breaker(app.config["SMS_BREAKER_FAILURES"], app.config["SMS_BREAKER_PAUSE_SECONDS"]))
    BREAKER_OPEN.set(0)


def send(to: str, body: str, key: str | None = None) -> None:
    """Hand one message to the provider (call it through absher_web.outside.call)."""
    current_app.extensions["absher_sms_sending"].send(
        current_app.extensions["absher_sms"], to, body, key)


def breaker_open() -> bool:
    return current_app.extensions["absher_sms_sending"].breaker.is_open
