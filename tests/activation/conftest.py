"""Banks and kiosk operators for the activation tests, and a way to sign as they do."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest

from absher_web import signing
from absher_web.extensions import db
from absher_web.models import ApiClientKind, utcnow
from absher_web.services import api_clients

ATM_PATH = "/api/v1/atm-activations"
KIOSK_PATH = "/api/v1/kiosk-activations"


@dataclass
class Caller:
    """A bank or kiosk operator: signs each body with its key and posts it."""

    code: str
    key: str
    kind: ApiClientKind
    client: object  # Flask test client

    @property
    def path(self) -> str:
        return ATM_PATH if self.kind is ApiClientKind.BANK else KIOSK_PATH

    def body(self, account=None, **fields) -> dict:
        client_field, terminal_field = (("bank_code", "atm_id") if self.kind is ApiClientKind.BANK
                                        else ("operator_code", "kiosk_id"))
        body = {
            "national_id": account.national_id if account else "",
            "mobile": account.mobile if account else "",
            client_field: self.code,
            terminal_field: "T-0001",
            "reference": f"REF-{time.monotonic_ns()}",
            "requested_at": utcnow().isoformat(timespec="seconds"),
        }
        body.update(fields)
        return body

    def send(self, body: dict | bytes, path: str | None = None, at: float | None = None,
             key: str | None = None, code: str | None = None, **headers):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        signed = signing.signed_headers(code or self.code, key or self.key, raw,
                                        time.time() if at is None else at)
        signed.update(headers)
        return self.client.post(path or self.path, data=raw, headers=signed)


def add_caller(app, code: str, kind: ApiClientKind) -> Caller:
    with app.app_context(), db.transaction() as session:
        cipher = api_clients.cipher_from_config(app.config)
        _client, key = api_clients.add_client(session, cipher, code, kind, code, utcnow())
    return Caller(code=code, key=key, kind=kind, client=app.test_client())


@pytest.fixture
def bank(app) -> Caller:
    return add_caller(app, "RJHI", ApiClientKind.BANK)


@pytest.fixture
def kiosk(app) -> Caller:
    return add_caller(app, "KSK1", ApiClientKind.KIOSK)
