"""Sending SMS: one interface, a file backend for development and an HTTP one for production.

Every message is recorded in sms_messages with its status, attempts and last
error, so a failure is visible to operators and nothing is silently lost.
Code messages are recorded with the code masked: codes are never stored.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from absher_web import observability
from absher_web.models import SmsMessage, SmsStatus

log = logging.getLogger(__name__)


class SmsDeliveryError(Exception):
    """The provider did not accept the message."""


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
    time budget: a slow provider holds a worker (and the person) for `budget` seconds at
    most, never timeout x tries."""

    def __init__(self, url: str, api_key: str, timeout: float, retries: int,
                 budget: float = 3.0) -> None:
        self.url, self.api_key, self.timeout, self.retries = url, api_key, timeout, retries
        self.budget = budget

    def send(self, to: str, body: str, key: str | None = None) -> None:
        payload = json.dumps({"to": to, "body": body}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"}
        if key:
            headers["Idempotency-Key"] = key
        last_error = "no attempt made"
        deadline = time.monotonic() + self.budget
        for attempt in range(self.retries + 1):
            pause = min(0.25 * 2**attempt, 2.0) if attempt else 0.0
            left = deadline - time.monotonic() - pause
            if left < 0.2:  # too little time for another try to be worth it
                break
            time.sleep(pause)
            request = urllib.request.Request(
                self.url, data=payload, method="POST",
                headers=headers,
            )
            try:
                with urllib.request.urlopen(request, timeout=min(self.timeout, left)) as response:
                    if 200 <= response.status < 300:
                        return
                    last_error = f"provider answered {response.status}"
            except urllib.error.HTTPError as error:
                last_error = f"provider answered {error.code}"
                if 400 <= error.code < 500 and error.code != 429:
                    break  # the provider refused this message; retrying will not help
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                last_error = f"provider unreachable: {getattr(error, 'reason', error)}"
        raise SmsDeliveryError(last_error)


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


def send_sms(session: Session, to: str, body: str, purpose: str, now: datetime,
             recorded_body: str | None = None, retryable: bool = False) -> bool:
    """Send one message and record the outcome. Returns True when the provider took it.

    ``recorded_body`` is what is kept (the body with any code masked). Notices do not come
    here: they go through the outbox (services/outbox.py), sent again until they arrive.
    """
    message = SmsMessage(to=to, body=recorded_body or body, purpose=purpose,
                         status=SmsStatus.QUEUED, attempts=1, retryable=retryable,
                         created_at=now)
    session.add(message)
    try:
        current_app.extensions["absher_sms"].send(to, body)
    except SmsDeliveryError as error:
        log.warning("SMS to %s (%s) failed: %s", to[-4:], purpose, error)
        message.status, message.last_error = SmsStatus.FAILED, str(error)[:500]
        session.flush()
        observability.count_sms(purpose, sent=False)
        return False
    message.status, message.sent_at = SmsStatus.SENT, now
    session.flush()
    observability.count_sms(purpose, sent=True)
    return True
