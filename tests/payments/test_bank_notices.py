"""A bank's payment notice for a bill (POST /api/v1/bill-payments): signed like the
activation API, applied once, every refusal a code the bank can act on, hostile bodies
refused in JSON, and a database outage answered 503 with the retry then applied."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from absher_web import signing
from absher_web.extensions import DatabaseState, db, make_engine
from absher_web.models import ApiClientKind, ApiRequest, BillStatus, utcnow
from absher_web.services import bills
from tests.activation.conftest import add_caller
from tests.conftest import POSTGRES_URL
from tests.payments.notices import (
    PATH,
    carried,
    error_code,
    issue,
    notice,
    paid_bills,
    stored,
)


def counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("absher_payment_notices_total", {"outcome": outcome}) or 0


def test_a_notice_pays_the_bill_once_and_its_repeat_gets_the_same_answer(
        app, bank, make_account):
    bill = issue(app, make_account(), amount=15050)
    body = notice(bill)
    before = counted("paid")
    first = bank.send(body, path=PATH)
    assert first.status_code == 200, first.get_json()
    answer = first.get_json()
    assert answer == {"status": "paid", "bill_number": bill.number, "amount": 15050,
                      "reference": body["reference"], "paid_at": answer["paid_at"]}
    assert answer["paid_at"].endswith("Z") and counted("paid") == before + 1
    repeats = counted("repeated")
    again = bank.send(body, path=PATH)
    assert again.status_code == 200 and again.data == first.data
    assert counted("repeated") == repeats + 1
    assert again.headers["Idempotent-Replayed"] == "true"
    paid = stored(app, bill)
    assert paid.status is BillStatus.PAID and paid.bank_code == "RJHI"
    assert paid.bank_reference == body["reference"] and paid.fulfilled_at is not None
    assert carried(bill) == 1 and len(paid_bills(app)) == 1
    # Once the kept answer has passed its retention, the bill itself gives the same one.
    with app.app_context(), db.transaction() as session:
        session.execute(delete(ApiRequest))
    late = bank.send(body, path=PATH)
    assert late.status_code == 200 and late.data == first.data and carried(bill) == 1


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_each_refusal_has_its_code_and_changes_nothing(app, bank, make_account):
    account = make_account()
    bill = issue(app, account)
    late = issue(app, account, age=timedelta(days=4))
    called_off = issue(app, account)
    with app.app_context(), db.transaction() as session:
        assert bills.cancel(session, bills.find(session, called_off.number), utcnow()) \
            is bills.Cancelled.CANCELLED
    assert bank.send(notice(bill, reference="PAID-FIRST"), path=PATH).status_code == 200
    other = issue(app, account)

    cases = [
        (notice(other, bill_number=bills.new_number(), reference="R1"), 404, "bill_unknown"),
        (notice(other, bill_number=wrong_check_digit(other.number), reference="R2"), 422,
         "bill_number_invalid"),
        (notice(late, reference="R3"), 409, "bill_expired"),
        (notice(called_off, reference="R4"), 409, "bill_cancelled"),
        (notice(bill, reference="R5"), 409, "bill_already_paid"),
        (notice(other, amount=other.amount - 1, reference="R6"), 422, "amount_wrong"),
        (notice(other, amount=other.amount + 1, reference="R7"), 422, "amount_wrong"),
    ]
    for body, status, code in cases:
        before = counted(code)
        response = bank.send(body, path=PATH)
        assert (response.status_code, error_code(response)) == (status, code), body
        assert response.mimetype == "application/json" and counted(code) == before + 1
    assert stored(app, other).status is BillStatus.UNPAID
    assert stored(app, late).status is BillStatus.UNPAID  # past its expiry; run-due ends it
    assert stored(app, called_off).status is BillStatus.CANCELLED
    assert stored(app, bill).bank_reference == "PAID-FIRST"
    assert [found.id for found in paid_bills(app)] == [bill.id]
    assert carried(bill) == 1 and carried(other) == carried(late) == carried(called_off) == 0
    # A refusal is kept under its reference like any answer: the same notice gets it again.
    again = bank.send(cases[5][0], path=PATH)
    assert error_code(again) == "amount_wrong" and again.headers["Idempotent-Replayed"]


def test_the_same_reference_with_another_body_is_refused(app, bank, make_account):
    account = make_account()
    bill, other = issue(app, account), issue(app, account)
    assert bank.send(notice(bill, reference="SAME"), path=PATH).status_code == 200
    reused = bank.send(notice(other, reference="SAME"), path=PATH)
    assert (reused.status_code, error_code(reused)) == (409, "reference_reused")
    # The kept answers past their retention: the paid bill still holds the reference.
    with app.app_context(), db.transaction() as session:
        session.execute(delete(ApiRequest))
    later = bank.send(notice(other, reference="SAME"), path=PATH)
    assert (later.status_code, error_code(later)) == (409, "reference_reused")
    assert stored(app, other).status is BillStatus.UNPAID and carried(other) == 0


def test_unsigned_badly_signed_and_stale_notices_are_refused(app, bank, make_account):
    bill = issue(app, make_account())
    raw = json.dumps(notice(bill)).encode()
    unsigned = bank.client.post(PATH, data=raw, content_type="application/json")
    assert (unsigned.status_code, error_code(unsigned)) == (401, "missing_signature")
    wrong_key = bank.send(raw, path=PATH, key="not-the-banks-key")
    assert (wrong_key.status_code, error_code(wrong_key)) == (401, "bad_signature")
    stale = bank.send(raw, path=PATH, at=time.time() - 3600)
    assert (stale.status_code, error_code(stale)) == (401, "stale_timestamp")
    # Signed over other bytes than those sent: the body was changed on the way.
    headers = signing.signed_headers(bank.code, bank.key, raw, time.time())
    changed = bank.client.post(PATH, data=raw.replace(b"15000", b"15001"), headers=headers)
    assert (changed.status_code, error_code(changed)) == (401, "bad_signature")
    assert stored(app, bill).status is BillStatus.UNPAID and carried(bill) == 0


def test_a_kiosk_operator_and_another_banks_code_are_refused(app, bank, kiosk, make_account):
    bill = issue(app, make_account())
    before = counted("wrong_client_kind")
    from_kiosk = kiosk.send(notice(bill, bank_code="KSK1"), path=PATH)
    assert (from_kiosk.status_code, error_code(from_kiosk)) == (403, "wrong_client_kind")
    assert counted("wrong_client_kind") == before + 1
    other_bank = add_caller(app, "SNB", ApiClientKind.BANK)
    named_other = other_bank.send(notice(bill), path=PATH)  # says RJHI, signed by SNB
    assert named_other.status_code == 422
    assert named_other.get_json()["error"]["fields"] == {
        "bank_code": "must be the code in X-Absher-Client"}
    assert stored(app, bill).status is BillStatus.UNPAID


@pytest.mark.parametrize("amount", ["15000", 15000.0, 1.5e4, -15000, 0, 10 ** 12, 2 ** 31,
                                    True, False, None, [15000], {"halalas": 15000}])
def test_an_amount_that_is_not_whole_positive_halalas_is_refused(app, bank, make_account,
                                                                 amount):
    bill = issue(app, make_account())
    response = bank.send(notice(bill, amount=amount), path=PATH)
    assert response.status_code == 422
    assert error_code(response) == "invalid_request"
    assert "amount" in response.get_json()["error"]["fields"]
    assert stored(app, bill).status is BillStatus.UNPAID


def test_an_amount_too_long_to_read_is_refused_as_json(app, bank, make_account):
    bill = issue(app, make_account())
    raw = json.dumps(notice(bill)).encode().replace(b"15000", b"1" * 5000)
    response = bank.send(raw, path=PATH)
    assert (response.status_code, error_code(response)) == (400, "invalid_json")


HOSTILE = ["\x00", "1234\x00567890123", "\u202e3210987654321", "١٢٣٤٥٦٧٨٩٠١٢٣", "x" * 10_000,
           "\ud800", "' OR 1=1 --", "<script>alert(1)</script>", ""]


@pytest.mark.parametrize("field", ["bill_number", "reference", "paid_at", "bank_code"])
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_any_field_is_a_json_refusal_never_a_500(app, bank, make_account,
                                                                 field, value):
    bill = issue(app, make_account())
    raw = json.dumps(notice(bill, **{field: value})).encode()  # \ud800 as the escape JSON allows
    response = bank.send(raw, path=PATH)
    assert response.status_code == 422, response.data[:300]
    assert response.mimetype == "application/json"
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert value not in response.get_data(as_text=True) or value == ""
    assert stored(app, bill).status is BillStatus.UNPAID


@pytest.mark.parametrize("raw", [b"", b"[]", b"null", b"{", b"\xff\xfe", b'{"amount": NaN}',
                                 b"[" * 20_000, json.dumps({"\u202e" * 50: 1}).encode()])
def test_bodies_that_are_not_a_notice_are_refused(app, bank, raw):
    response = bank.send(raw, path=PATH)
    assert response.status_code in (400, 422) and response.mimetype == "application/json"


def test_a_notice_as_a_form_is_refused(app, bank, make_account):
    bill = issue(app, make_account())
    raw = json.dumps(notice(bill)).encode()
    response = bank.send(raw, path=PATH, **{"Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status_code, error_code(response)) == (415, "unsupported_media_type")


def unreachable_database_url(tmp_path) -> str:
    if POSTGRES_URL:  # nothing listens on port 9 (discard) of this machine
        return "postgresql+psycopg://postgres@127.0.0.1:9/absher"
    return f"sqlite:///{tmp_path}/no-such-folder/absher.sqlite3"


def test_a_database_outage_answers_503_and_the_banks_retry_pays_once(app, bank, make_account,
                                                                    tmp_path):
    bill = issue(app, make_account())
    body = notice(bill)
    working = app.extensions["absher_db"]
    broken = make_engine(unreachable_database_url(tmp_path))
    app.extensions["absher_db"] = DatabaseState(broken, sessionmaker(broken,
                                                                     expire_on_commit=False))
    try:
        down = bank.send(body, path=PATH)
    finally:
        app.extensions["absher_db"] = working
        broken.dispose()
    assert down.status_code == 503 and down.headers["Retry-After"] == "30"
    assert error_code(down) == "service_unavailable"
    assert stored(app, bill).status is BillStatus.UNPAID
    retry = bank.send(body, path=PATH)
    assert retry.status_code == 200 and retry.get_json()["status"] == "paid"
    assert bank.send(body, path=PATH).data == retry.data
    assert stored(app, bill).status is BillStatus.PAID and carried(bill) == 1
