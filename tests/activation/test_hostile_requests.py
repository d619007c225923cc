"""Requests an attacker (or a broken client) might send: every one gets the API's JSON 4xx.

Malformed signature headers are refused for their form before anything looks them up
(PostgreSQL refuses text with NUL in it: that was a 503 'database unavailable').
Signed bodies that are not plain JSON objects are 400/415/422, never a 500, and an
answer never echoes text that cannot be encoded (a lone surrogate in a field name).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from absher_web import signing
from absher_web.extensions import db
from absher_web.models import Activation
from absher_web.openapi import ERROR_MESSAGES
from tests.activation.conftest import ATM_PATH, KIOSK_PATH

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_now() -> str:
    """The current Unix time in Arabic-Indic digits: str.isdigit() and int() accept it."""
    return str(int(time.time())).translate(ARABIC_INDIC)


def assert_json_error(response, status: int | None = None) -> str:
    """The answer is the API's JSON error, in strict UTF-8; returns its code."""
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:200])
    if status is not None:
        assert response.status_code == status, response.data[:200]
    assert response.mimetype == "application/json"
    body = json.loads(response.data.decode("utf-8"))  # strict: no lone surrogates
    assert set(body) == {"error"}
    assert body["error"]["code"] in ERROR_MESSAGES
    return body["error"]["code"]


@contextmanager
def statements(app):
    """The SQL statements the app runs inside the block."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def activations(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Activation))


# --- malformed headers -------------------------------------------------------------

BAD_CLIENT_CODES = [
    "١٧٠٠",  # Arabic-Indic digits
    "RJHI\x00",  # NUL: PostgreSQL refuses it
    "RJ\x00HI",
    "RJHI\x01",  # other control characters
    "RJHI\x7f",
    "\x1b[31mRJHI",
    "R" * 21,  # longer than a code
    "R" * 8000,  # overlong
    "R",  # too short
    "rjhi",  # not the code's form (capitals)
    "RJ-HI",
    "ＲＪＨＩ",  # fullwidth letters
    "RJHI\u202e",  # a bidi override
]
BAD_TIMESTAMPS = [
    "١٧٠٠٠٠٠٠٠٠",
    "ARABIC-NOW",  # replaced by the current time in Arabic-Indic digits
    "\x00",
    "1700000000\x00",
    "9" * 13,
    "9" * 5000,
    "-1",
    "+1700000000",
    "1.7e9",
    "0x65",
    "۱۷۰۰۰۰۰۰۰۰",  # Extended Arabic-Indic (Persian) digits
]
BAD_SIGNATURES = ["\x00" * 64, "g" * 64, "a" * 63, "a" * 65, "a" * 10000, "é" * 64,
                  "a" * 63 + "\x00"]


def malformed_cases() -> list[tuple[str, str]]:
    return ([(signing.CLIENT_HEADER, value) for value in BAD_CLIENT_CODES]
            + [(signing.TIMESTAMP_HEADER, value) for value in BAD_TIMESTAMPS]
            + [(signing.SIGNATURE_HEADER, value) for value in BAD_SIGNATURES])


@pytest.mark.parametrize(("header", "value"), malformed_cases())
@pytest.mark.parametrize("path", [ATM_PATH, KIOSK_PATH])
def test_a_malformed_signature_header_is_a_401_before_any_database_lookup(
        app, bank, make_account, header, value, path):
    if value == "ARABIC-NOW":
        value = arabic_now()
    raw = json.dumps(bank.body(make_account())).encode()
    headers = signing.signed_headers(bank.code, bank.key, raw, time.time())
    headers[header] = value
    with statements(app) as run:
        response = bank.client.post(path, data=raw, headers=headers)
    assert assert_json_error(response, 401) == "missing_signature"
    assert run == []  # refused on its form alone: nothing was looked up
    assert activations(app) == 0


def test_a_signature_made_over_arabic_indic_digits_is_still_refused(app, bank, make_account):
    # Even signed over those very characters, the timestamp is not Unix seconds.
    raw = json.dumps(bank.body(make_account())).encode()
    timestamp = arabic_now()
    headers = signing.signed_headers(bank.code, bank.key, raw, time.time())
    headers[signing.TIMESTAMP_HEADER] = timestamp
    headers[signing.SIGNATURE_HEADER] = hmac.new(
        bank.key.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    response = bank.client.post(ATM_PATH, data=raw, headers=headers)
    assert assert_json_error(response, 401) == "missing_signature"




@pytest.mark.parametrize(("header", "value"), [
    (signing.CLIENT_HEADER, "١٧٠٠".encode()),
    (signing.CLIENT_HEADER, b"RJHI\x00"),
    (signing.CLIENT_HEADER, b"RJHI\xff\xfe"),
    (signing.TIMESTAMP_HEADER, "١٧٠٠٠٠٠٠٠٠".encode()),
    (signing.TIMESTAMP_HEADER, b"\x00\x01\x02"),
    (signing.SIGNATURE_HEADER, b"\x00" * 64),
])
def test_raw_header_bytes_over_http_get_the_json_401(app, bank, make_account, served, header,
                                                      value):
    raw = json.dumps(bank.body(make_account())).encode()
    headers = signing.signed_headers(bank.code, bank.key, raw, time.time())
    connection = http.client.HTTPConnection(served.removeprefix("http://"), timeout=10)
    connection.putrequest("POST", ATM_PATH)
    for name, text in headers.items():
        connection.putheader(name, value if name == header else text.encode("ascii"))
    connection.putheader("Content-Length", str(len(raw)))
    connection.endheaders(raw)
    answer = connection.getresponse()
    status, data = answer.status, answer.read()
    connection.close()
    assert status == 401
    assert json.loads(data.decode("utf-8"))["error"]["code"] == "missing_signature"
    assert activations(app) == 0


# --- hostile bodies, signed by a real bank -------------------------------------------

DEEP = 20_000


@pytest.mark.parametrize(("raw", "status"), [
    (b"[" * DEEP + b"]" * DEEP, 400),  # json.loads raises RecursionError
    (b'{"a":' * (DEEP // 2) + b"1" + b"}" * (DEEP // 2), 400),  # within the 64 KB limit
    (b'{"national_id": [' + b"[" * DEEP + b"]" * DEEP + b"]}", 400),
    (b'{"national_id": "\xff\xfe"}', 400),  # not UTF-8
    (b'{"national_id": "\xed\xa0\x80"}', 400),  # an encoded surrogate is not UTF-8 either
    (b"\xef\xbb\xbf{}", 400),  # a byte order mark
    ('{"national_id": "١"}'.encode("utf-16"), 400),
    (b"", 400),
    (b"1" * 10_000, 400),  # an integer too long to convert
    (b'{"national_id": ' + b"9" * 10_000 + b"}", 400),
    (b'{"national_id": NaN}', 400),  # not JSON (RFC 8259)
    (b'{"national_id": -Infinity}', 400),
    (b'{"national_id": 1e999999}', 422),  # a number: "must be a string"
    (b"[]", 422),
    (b'[{"national_id": "1000000008"}]', 422),
    (b'"a string"', 422),
    (b"null", 422),
    (b"12", 422),
])
@pytest.mark.parametrize("path", [ATM_PATH, KIOSK_PATH])
def test_a_signed_body_that_is_not_a_plain_json_object_is_a_json_4xx(app, bank, kiosk, raw,
                                                                      status, path):
    caller = bank if path == ATM_PATH else kiosk
    code = assert_json_error(caller.send(raw), status)
    assert code == ("invalid_json" if status == 400 else "invalid_request")
    assert activations(app) == 0


@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/jsonx", "text/json", "application/xml", "application/json\x00",
    "تطبيق/json",
])
def test_a_body_that_is_not_sent_as_json_is_a_415(app, bank, make_account, content_type):
    raw = json.dumps(bank.body(make_account())).encode()
    headers = signing.signed_headers(bank.code, bank.key, raw, time.time())
    if content_type is None:
        del headers["Content-Type"]
    else:
        headers["Content-Type"] = content_type
    response = bank.client.post(ATM_PATH, data=raw, headers=headers)
    assert assert_json_error(response, 415) == "unsupported_media_type"
    assert activations(app) == 0


def test_unknown_field_names_of_any_text_are_refused_without_being_echoed(app, bank,
                                                                          make_account):
    body = bank.body(make_account())
    strange = ["\ud800", "\udfff", "a\ud83d", "الاسم", "\u202eevil", "nul\x00", "\x1b[2J",
               "x" * 10_000, "😀", "", " ", "extra\n", "</script>"]
    for name in strange:
        body[name] = name
    body["extra"] = "x"  # a plain name is still named back
    raw = json.dumps(body).encode()  # ensure_ascii: lone surrogates travel as \\ud800
    response = bank.send(raw)

    assert assert_json_error(response, 422) == "invalid_request"
    fields = json.loads(response.data.decode("utf-8"))["error"]["fields"]
    assert fields == {"extra": "unexpected field",
                      "*": "other unexpected fields (names not shown)"}
    assert activations(app) == 0


def test_many_unknown_field_names_are_not_all_named_back(bank, make_account):
    body = bank.body(make_account())
    body.update({f"field_{n}": n for n in range(2000)})
    response = bank.send(body)
    fields = response.get_json()["error"]["fields"]
    assert response.status_code == 422 and len(fields) <= 11 and "*" in fields


@pytest.mark.parametrize(("field", "value"), [
    ("national_id", "١٠٠٠٠٠٠٠٠٨"),
    ("national_id", "\ud800"),
    ("mobile", "+٩٦٦٥٥١٢٣٤٥٦٧"),
    ("mobile", "\udfff"),
    ("reference", "REF\x00"),
    ("reference", "\ud800"),
    ("atm_id", "ATM\u202e"),
    ("requested_at", "٢٠٢٦-٠١-٠١T٠٠:٠٠:٠٠Z"),
    ("requested_at", "\ud800"),
    ("bank_code", "RJHI\x00"),
])
def test_a_known_field_with_odd_text_is_named_not_echoed(app, bank, make_account, field, value):
    response = bank.send(bank.body(make_account(), **{field: value}))
    assert assert_json_error(response, 422) == "invalid_request"
    fields = json.loads(response.data.decode("utf-8"))["error"]["fields"]
    assert set(fields) == {field}
    assert value not in response.data.decode("utf-8")
    assert activations(app) == 0
