"""The API's rate limit counts the verified client, or else the address.

It used to count the X-Absher-Client header as sent, before anything checked it, so
a new made-up code in each request was never limited. Now a request whose signature
checks out counts against its client (from any address), and any other request
against its address (whatever code it names).
"""

from __future__ import annotations

import json
import secrets
import time

import pytest

from absher_web import signing
from absher_web.models import ApiClientKind
from tests.activation.conftest import ATM_PATH, KIOSK_PATH, add_caller
from tests.conftest import fresh_national_id

STRANGER = "203.0.113.9"


@pytest.fixture
def small_limit(app):
    app.config["RATELIMIT_API"] = "3 per minute"


def error_code(response) -> str:
    assert response.mimetype == "application/json"
    return response.get_json()["error"]["code"]


def signed_from(caller, address: str, path: str = ATM_PATH):
    """A real request from the caller (for an account that does not exist: 404)."""
    raw = json.dumps(caller.body(None, national_id=fresh_national_id(),
                                 mobile="+966550000001")).encode()
    headers = signing.signed_headers(caller.code, caller.key, raw, time.time())
    return caller.client.post(path, data=raw, headers=headers,
                              environ_overrides={"REMOTE_ADDR": address})


def made_up_code() -> str:
    return "X" + secrets.token_hex(6).upper()


@pytest.mark.parametrize("path", [ATM_PATH, KIOSK_PATH])
def test_a_new_client_code_in_each_unsigned_request_is_still_limited(app, small_limit, path):
    stranger = app.test_client()
    answers = []
    for _ in range(5):
        headers = {"Content-Type": "application/json", signing.CLIENT_HEADER: made_up_code()}
        answers.append(stranger.post(path, data=b"{}", headers=headers,
                                     environ_overrides={"REMOTE_ADDR": STRANGER}))
    assert [a.status_code for a in answers] == [401, 401, 401, 429, 429]
    assert error_code(answers[3]) == "rate_limited"
    assert answers[3].headers["Retry-After"] == "30"


def test_well_formed_but_unverifiable_signatures_count_against_the_address(app, bank,
                                                                           small_limit):
    stranger = app.test_client()
    statuses = []
    for code in [made_up_code(), made_up_code(), "RJHI", made_up_code()]:
        headers = {"Content-Type": "application/json", signing.CLIENT_HEADER: code,
                   signing.TIMESTAMP_HEADER: str(int(time.time())),
                   signing.SIGNATURE_HEADER: secrets.token_hex(32)}
        statuses.append(stranger.post(ATM_PATH, data=b"{}", headers=headers,
                                      environ_overrides={"REMOTE_ADDR": STRANGER}).status_code)
    assert statuses == [401, 401, 401, 429]
    # ... and none of that touched the count of the bank it named.
    assert signed_from(bank, STRANGER).status_code == 404


def test_a_verified_bank_is_counted_per_bank_whatever_its_address(app, bank, small_limit):
    other_bank = add_caller(app, "SNB", ApiClientKind.BANK)
    statuses = [signed_from(bank, f"198.51.100.{n}").status_code for n in range(1, 5)]
    assert statuses == [404, 404, 404, 429]
    limited = signed_from(bank, "198.51.100.99")
    assert limited.status_code == 429 and error_code(limited) == "rate_limited"
    # Another bank at one of those addresses has its own count, and so has the address.
    assert signed_from(other_bank, "198.51.100.1").status_code == 404
    unsigned = app.test_client().post(ATM_PATH, data=b"{}",
                                      headers={"Content-Type": "application/json"},
                                      environ_overrides={"REMOTE_ADDR": "198.51.100.1"})
    assert unsigned.status_code == 401


def test_a_bank_and_a_stranger_at_one_address_do_not_share_a_count(app, bank, small_limit):
    for _ in range(3):
        app.test_client().post(ATM_PATH, data=b"{}", headers={signing.CLIENT_HEADER: "RJHI"},
                               environ_overrides={"REMOTE_ADDR": STRANGER})
    assert [signed_from(bank, STRANGER).status_code for _ in range(3)] == [404, 404, 404]
