"""The signed activation API: who may call it, what it checks, and that it acts once."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    Account,
    Activation,
    ActivationChannel,
    ActivationRequestStatus,
    ActivationState,
    ApiClient,
    AuditEvent,
    utcnow,
)
from absher_web.services import api_clients
from tests.activation.conftest import ATM_PATH, KIOSK_PATH
from tests.conftest import fresh_national_id


def reload(app, model, **where):
    with app.app_context():
        return db.session.scalars(select(model).filter_by(**where)).all()


def account_state(app, account) -> ActivationState:
    return reload(app, Account, id=account.id)[0].activation_state


def error_code(response) -> str:
    assert response.mimetype == "application/json"
    return response.get_json()["error"]["code"]


def test_a_bank_request_makes_a_pending_activation_that_takes_effect_after_48_hours(
        app, bank, make_account):
    account = make_account()
    before = utcnow()
    response = bank.send(bank.body(account, reference="ATM-42"))

    assert response.status_code == 202
    assert response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers
    body = response.get_json()
    assert body["status"] == "pending" and body["channel"] == "atm"
    assert body["reference"] == "ATM-42"
    assert account_state(app, account) is ActivationState.PENDING
    [made] = reload(app, Activation, account_id=account.id)
    assert made.status is ActivationRequestStatus.PENDING
    assert made.client_code == "RJHI" and made.terminal_id == "T-0001"
    assert timedelta(hours=48) <= made.effective_at - before < timedelta(hours=48, minutes=1)
    assert [event.kind for event in reload(app, AuditEvent, account_id=account.id)] == [
        "activation_requested"]


def test_the_same_reference_twice_returns_the_first_answer_and_acts_once(app, bank,
                                                                          make_account):
    account = make_account()
    body = bank.body(account)
    first = bank.send(body)
    again = bank.send(body)

    assert (again.status_code, again.data) == (first.status_code, first.data)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(reload(app, Activation, account_id=account.id)) == 1


def test_the_first_answer_stands_even_when_it_was_a_refusal(app, bank, make_account):
    account = make_account(mobile="+966551112233")
    body = bank.body(account, mobile="+966559998877")
    assert error_code(bank.send(body)) == "mobile_mismatch"
    assert error_code(bank.send(body)) == "mobile_mismatch"


def test_a_reference_reused_with_another_body_is_refused(app, bank, make_account):
    account, other = make_account(), make_account()
    bank.send(bank.body(account, reference="R-1"))
    response = bank.send(bank.body(other, reference="R-1"))

    assert response.status_code == 409 and error_code(response) == "reference_reused"
    assert reload(app, Activation, account_id=other.id) == []


def test_two_identical_requests_at_once_make_one_activation(app, bank, make_account):
    account = make_account()
    body = bank.body(account)
    start = threading.Barrier(2)
    answers = []

    def send():
        start.wait()
        answers.append(bank.send(body))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answer.status_code for answer in answers) == [202, 202]
    assert answers[0].get_json() == answers[1].get_json()
    assert len(reload(app, Activation, account_id=account.id)) == 1


@pytest.mark.parametrize("seconds_off", [-301, 301, -3600 * 24])
def test_a_request_signed_too_long_ago_or_ahead_is_refused(app, bank, make_account,
                                                           seconds_off):
    account = make_account()
    response = bank.send(bank.body(account), at=time.time() + seconds_off)
    assert response.status_code == 401 and error_code(response) == "stale_timestamp"
    assert account_state(app, account) is ActivationState.NOT_ACTIVATED


def test_a_request_within_five_minutes_is_accepted(bank, make_account):
    response = bank.send(bank.body(make_account()), at=time.time() - 240)
    assert response.status_code == 202


def test_a_body_changed_after_signing_is_refused(app, bank, make_account):
    account, other = make_account(), make_account()
    signed = json.dumps(bank.body(account)).encode()
    from absher_web import signing

    headers = signing.signed_headers(bank.code, bank.key, signed, time.time())
    forged = signed.replace(account.national_id.encode(), other.national_id.encode())
    forged = forged.replace(account.mobile.encode(), other.mobile.encode())
    response = bank.client.post(ATM_PATH, data=forged, headers=headers)

    assert response.status_code == 401 and error_code(response) == "bad_signature"
    assert account_state(app, other) is ActivationState.NOT_ACTIVATED


def test_another_banks_key_does_not_sign_for_this_bank(app, bank, make_account):
    from absher_web.models import ApiClientKind
    from tests.activation.conftest import add_caller

    other_bank = add_caller(app, "SNB", ApiClientKind.BANK)
    response = bank.send(bank.body(make_account()), key=other_bank.key)
    assert response.status_code == 401 and error_code(response) == "bad_signature"


def test_an_unknown_bank_is_refused(bank, make_account):
    # The same answer as a wrong key (test_signature_refusals.py compares them byte for byte).
    response = bank.send(bank.body(make_account(), bank_code="NOPE"), code="NOPE")
    assert response.status_code == 401 and error_code(response) == "bad_signature"


def test_a_disabled_bank_is_refused(app, bank, make_account):
    with app.app_context():
        client = db.session.scalars(select(ApiClient).filter_by(code="RJHI")).one()
        client.is_active = False
        db.session.commit()
    response = bank.send(bank.body(make_account()))
    assert response.status_code == 401 and error_code(response) == "bad_signature"


@pytest.mark.parametrize("missing", ["X-Absher-Client", "X-Absher-Timestamp",
                                     "X-Absher-Signature"])
def test_an_unsigned_request_is_refused(bank, make_account, missing):
    raw = json.dumps(bank.body(make_account())).encode()
    from absher_web import signing

    headers = signing.signed_headers(bank.code, bank.key, raw, time.time())
    del headers[missing]
    response = bank.client.post(ATM_PATH, data=raw, headers=headers)
    assert response.status_code == 401 and error_code(response) == "missing_signature"


def test_a_kiosk_operator_cannot_use_the_atm_endpoint_nor_a_bank_the_kiosk_one(
        app, bank, kiosk, make_account):
    account = make_account()
    as_kiosk = kiosk.send(kiosk.body(account), path=ATM_PATH)
    as_bank = bank.send(bank.body(account), path=KIOSK_PATH)
    assert as_kiosk.status_code == as_bank.status_code == 403
    assert error_code(as_kiosk) == error_code(as_bank) == "wrong_client_kind"
    assert account_state(app, account) is ActivationState.NOT_ACTIVATED


def test_each_refusal_has_its_own_code_and_says_nothing_else_about_the_person(
        app, bank, make_account, make_person):
    registered_only = make_person()  # in the civil registry, but no Absher account
    pending, active = make_account(), make_account(state=ActivationState.ACTIVE)
    bank.send(bank.body(pending))
    mismatch = make_account(mobile="+966551234000")
    cases = {
        "account_not_found": (404, bank.body(None, national_id=registered_only,
                                             mobile="+966550000001")),
        "mobile_mismatch": (409, bank.body(mismatch, mobile="+966551234001")),
        "already_active": (409, bank.body(active)),
        "activation_pending": (409, bank.body(pending)),
    }
    for code, (status, body) in cases.items():
        response = bank.send(body)
        assert (response.status_code, error_code(response)) == (status, code)
        assert set(response.get_json()) == {"error"}
        assert set(response.get_json()["error"]) == {"code", "message"}


def test_fields_are_checked_one_by_one(app, bank, make_account):
    account = make_account()
    body = bank.body(account, national_id="1234567890", mobile="0551234567", bank_code="SNB",
                     atm_id="", requested_at="yesterday", extra="x")
    del body["reference"]
    response = bank.send(body)

    assert response.status_code == 422 and error_code(response) == "invalid_request"
    assert set(response.get_json()["error"]["fields"]) == {
        "national_id", "mobile", "bank_code", "atm_id", "requested_at", "reference", "extra"}
    assert account_state(app, account) is ActivationState.NOT_ACTIVATED


@pytest.mark.parametrize("requested_at", [
    "0001-01-01T00:00:00+05:00",  # a date no bank sends, and too early for time zones
    "2026-11-24T09:30:00",  # no time zone
    "tomorrow",
])
def test_a_confirmation_time_that_cannot_be_right_is_refused(bank, make_account, requested_at):
    response = bank.send(bank.body(make_account(), requested_at=requested_at))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"requested_at"}


@pytest.mark.parametrize("offset", [timedelta(days=1, minutes=1), timedelta(minutes=-6)])
def test_a_confirmation_from_the_future_or_days_ago_is_refused(bank, make_account, offset):
    moment = (utcnow() - offset).isoformat(timespec="seconds")
    response = bank.send(bank.body(make_account(), requested_at=moment))
    assert set(response.get_json()["error"]["fields"]) == {"requested_at"}


def test_a_value_with_a_trailing_line_break_is_refused(bank, make_account):
    account = make_account()
    response = bank.send(bank.body(account, mobile=account.mobile + "\n"))
    assert set(response.get_json()["error"]["fields"]) == {"mobile"}


def test_a_body_that_is_not_json_is_refused(bank):
    assert error_code(bank.send(b"{not json")) == "invalid_json"
    response = bank.send(b"national_id=1", **{"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415 and error_code(response) == "unsupported_media_type"
    assert error_code(bank.send(b"[1, 2]")) == "invalid_request"


def test_no_csrf_token_or_cookie_is_needed_and_none_is_set(app, bank, make_account):
    # The app's CSRF protection is on; the API is exempt because each request is signed.
    assert app.config.get("WTF_CSRF_ENABLED", True)
    response = bank.send(bank.body(make_account()))
    assert response.status_code == 202
    assert "Set-Cookie" not in response.headers


def test_cookies_sent_to_the_api_are_neither_read_nor_answered(app, bank, make_account,
                                                               sms_outbox):
    from tests.account.conftest import Citizen
    from tests.staff.conftest import Console, add_officer

    citizen_browser, officer_browser = app.test_client(), app.test_client()
    Citizen(citizen_browser, make_account(), sms_outbox).sign_in()
    Console(officer_browser, add_officer(app)).sign_in()
    for browser in (citizen_browser, officer_browser):
        cookie = browser.get_cookie("absher_session").value
        bank.client.set_cookie("absher_session", cookie)
        response = bank.send(bank.body(make_account()))
        assert response.status_code == 202
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


def test_a_signature_in_other_characters_is_refused_not_an_error(bank, make_account):
    raw = json.dumps(bank.body(make_account())).encode()
    from absher_web import signing

    headers = signing.signed_headers(bank.code, bank.key, raw, time.time())
    headers["X-Absher-Signature"] = "é" * 64
    response = bank.client.post(ATM_PATH, data=raw, headers=headers)
    # Not 64 hex digits: refused for its form, before anything else is looked at.
    assert response.status_code == 401 and error_code(response) == "missing_signature"


def test_errors_outside_the_endpoints_are_json_too(app):
    client = app.test_client()
    missing = client.get("/api/v1/no-such-thing")
    wrong_method = client.get(ATM_PATH)
    assert (missing.status_code, error_code(missing)) == (404, "not_found")
    assert (wrong_method.status_code, error_code(wrong_method)) == (405, "method_not_allowed")
    assert "POST" in wrong_method.headers["Allow"]


def test_signing_keys_are_kept_encrypted(app, bank):
    with app.app_context():
        stored = db.session.scalars(select(ApiClient).filter_by(code="RJHI")).one()
        assert bank.key not in stored.key_ciphertext
        cipher = api_clients.cipher_from_config(app.config)
        assert api_clients.signing_key(cipher, stored) == bank.key
        # With another encryption key the stored one is useless.
        other = api_clients.key_cipher("", "another-secret-key")
        assert api_clients.signing_key(other, stored) is None


def test_a_kiosk_activates_at_once_and_texts_the_holder_in_their_language(
        app, kiosk, make_account, sms_outbox):
    account = make_account(language="ar")
    response = kiosk.send(kiosk.body(account))

    assert response.status_code == 201
    assert response.get_json()["status"] == "active"
    assert account_state(app, account) is ActivationState.ACTIVE
    [made] = reload(app, Activation, account_id=account.id)
    assert (made.channel, made.status) == (ActivationChannel.KIOSK, ActivationRequestStatus.DONE)
    [message] = [m for m in sms_outbox.messages() if m["to"] == account.mobile]
    assert "أبشر" in message["body"]


def test_a_kiosk_activation_replaces_a_pending_atm_one(app, bank, kiosk, make_account):
    account = make_account()
    bank.send(bank.body(account))
    assert kiosk.send(kiosk.body(account)).status_code == 201
    statuses = sorted(a.status.value for a in reload(app, Activation, account_id=account.id))
    assert statuses == ["cancelled", "done"]


def test_the_api_has_a_per_client_rate_limit(app, bank, make_account):
    app.config["RATELIMIT_API"] = "3 per minute"
    body = bank.body(None, national_id=fresh_national_id(), mobile="+966550000001")
    answers = [bank.send(dict(body, reference=f"LIMIT-{n}")).status_code for n in range(4)]
    assert answers[:3] == [404, 404, 404]
    assert answers[3] == 429
    limited = bank.send(dict(body, reference="LIMIT-again"))
    assert error_code(limited) == "rate_limited" and limited.headers["Retry-After"] == "30"
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Activation))
    assert total == 0


def test_a_stranger_naming_a_bank_does_not_use_up_its_limit(app, bank, make_account):
    app.config["RATELIMIT_API"] = "2 per minute"
    stranger = app.test_client()
    headers = {"X-Absher-Client": "RJHI", "Content-Type": "application/json"}
    for _ in range(3):
        stranger.post(ATM_PATH, data=b"{}", headers=headers,
                      environ_overrides={"REMOTE_ADDR": "203.0.113.9"})
    assert bank.send(bank.body(make_account())).status_code == 202
