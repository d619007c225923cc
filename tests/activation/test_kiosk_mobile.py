"""A new mobile number at a kiosk, through the signed API: a code to the new number, then
the code the holder typed. Idempotent by reference, like the activations."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import schemathesis
import time_machine
from sqlalchemy import select

from absher_web import signing
from absher_web.extensions import db
from absher_web.models import Account, ApiClientKind, AuditEvent, CodeChallenge, utcnow
from absher_web.openapi import document
from absher_web.services.sms import SmsDeliveryError
from tests.account.conftest import Citizen
from tests.activation.conftest import add_caller
from tests.conftest import POSTGRES_URL
from tests.pages import parse

CODE_PATH = "/api/v1/kiosk-mobile-changes"
CONFIRM_PATH = "/api/v1/kiosk-mobile-confirmations"
NEW_MOBILE = "+966559876543"
api = schemathesis.openapi.from_dict(document())


def reference() -> str:
    return f"MOB-{time.monotonic_ns()}"


def ask_code(caller, account, new_mobile: str = NEW_MOBILE, **fields) -> tuple[dict, object]:
    body = {"national_id": account.national_id, "new_mobile": new_mobile,
            "operator_code": caller.code, "kiosk_id": "K-17", "reference": reference(),
            **fields}
    return body, caller.send(body, path=CODE_PATH)


def confirm(caller, account, change_reference: str, code: str, **fields) -> tuple[dict, object]:
    body = {"national_id": account.national_id, "operator_code": caller.code,
            "kiosk_id": "K-17", "reference": reference(), "change_reference": change_reference,
            "code": code, **fields}
    return body, caller.send(body, path=CONFIRM_PATH)


def conforms(response, path: str) -> None:
    api[path]["POST"].validate_response(response)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def mobile_of(app, account) -> str:
    with app.app_context():
        return db.session.get(Account, account.id).mobile


def events(app, kind: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))


def other_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_holder_types_the_code_at_the_kiosk_and_the_number_changes(
    app, kiosk, make_account, sms_outbox
):
    account = make_account()
    old_mobile = account.mobile
    asked, response = ask_code(kiosk, account)
    assert response.status_code == 202, response.get_data(as_text=True)
    conforms(response, CODE_PATH)
    answer = response.get_json()
    assert (answer["reference"], answer["status"]) == (asked["reference"], "code_sent")
    [text] = [m["body"] for m in sms_outbox.messages() if m["to"] == NEW_MOBILE]
    assert text.startswith("Your Absher code to make this your account's mobile number is")
    assert "Type it only into the self-service kiosk" in text
    assert mobile_of(app, account) == old_mobile

    # The same request again: the first answer, and no second code.
    again = kiosk.send(asked, path=CODE_PATH)
    assert again.status_code == 202 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == answer
    assert len(sms_outbox.messages()) == 1

    sent, response = confirm(kiosk, account, asked["reference"], sms_outbox.last_code(NEW_MOBILE))
    assert response.status_code == 200, response.get_data(as_text=True)
    conforms(response, CONFIRM_PATH)
    assert response.get_json()["status"] == "changed"
    assert mobile_of(app, account) == NEW_MOBILE
    [notice] = [m["body"] for m in sms_outbox.messages() if m["to"] == old_mobile]
    assert notice.startswith("Absher: the mobile number of your account was changed to +966 5")
    [event] = events(app, "mobile_changed_at_kiosk")
    assert event.account_id == account.id and event.staff_user_id is None
    assert (event.detail["operator"], event.detail["kiosk"], event.detail["reference"]) == (
        "KSK1", "K-17", sent["reference"])
    assert "9876" not in event.detail["new"]

    replayed = kiosk.send(sent, path=CONFIRM_PATH)
    assert replayed.status_code == 200 and replayed.headers["Idempotent-Replayed"] == "true"
    assert len([m for m in sms_outbox.messages() if m["to"] == old_mobile]) == 1

    holder = Citizen(app.test_client(), account, sms_outbox)
    holder.account.mobile = NEW_MOBILE
    holder.sign_in()
    activity = parse(holder.client.get("/en/account/")).get_text(" ", strip=True)
    assert "Mobile number changed at a self-service kiosk" in activity


def test_a_change_at_the_kiosk_ends_every_session_of_the_holder(app, kiosk, make_account,
                                                                 sms_outbox):
    account = make_account()
    lost_phone = Citizen(app.test_client(), account, sms_outbox)
    lost_phone.sign_in()
    name = app.config["SESSION_COOKIE_NAME"]
    finder = app.test_client()  # a copy of the lost phone's cookie
    finder.set_cookie(name, lost_phone.client.get_cookie(name).value)
    assert finder.get("/en/account/").status_code == 200

    asked, _ = ask_code(kiosk, account)
    _, response = confirm(kiosk, account, asked["reference"], sms_outbox.last_code(NEW_MOBILE))
    assert response.get_json()["status"] == "changed"

    for client in (finder, lost_phone.client):
        response = client.get("/en/account/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/en/individuals/login")


def test_a_wrong_code_is_counted_once_per_reference(app, kiosk, make_account, sms_outbox):
    account = make_account()
    asked, _ = ask_code(kiosk, account)
    right = sms_outbox.last_code(NEW_MOBILE)
    sent, response = confirm(kiosk, account, asked["reference"], other_code(right))
    assert response.status_code == 422 and error_code(response) == "code_wrong"
    conforms(response, CONFIRM_PATH)
    assert kiosk.send(sent, path=CONFIRM_PATH).status_code == 422  # a replay: not a new try
    with app.app_context():
        assert db.session.scalars(select(CodeChallenge)).one().attempts == 1
    for _ in range(4):
        _, response = confirm(kiosk, account, asked["reference"], other_code(right))
    assert response.status_code == 409 and error_code(response) == "code_too_many_tries"
    _, response = confirm(kiosk, account, asked["reference"], right)
    assert response.status_code == 409 and error_code(response) == "code_too_many_tries"
    assert mobile_of(app, account) != NEW_MOBILE


def test_a_code_is_bound_to_its_operator_account_and_change(app, kiosk, make_account,
                                                            sms_outbox):
    account, stranger = make_account(), make_account()
    other_kiosk = add_caller(app, "KSK2", ApiClientKind.KIOSK)
    asked, _ = ask_code(kiosk, account)
    code = sms_outbox.last_code(NEW_MOBILE)
    for caller, holder, change in ((other_kiosk, account, asked["reference"]),
                                   (kiosk, stranger, asked["reference"]),
                                   (kiosk, account, "NO-SUCH-CHANGE")):
        _, response = confirm(caller, holder, change, code)
        assert response.status_code == 404 and error_code(response) == "change_not_found"
        conforms(response, CONFIRM_PATH)
    assert mobile_of(app, account) != NEW_MOBILE
    _, response = confirm(kiosk, account, asked["reference"], code)
    assert response.status_code == 200


def test_an_expired_code_is_refused(app, kiosk, make_account, sms_outbox):
    account = make_account()
    asked, _ = ask_code(kiosk, account)
    code = sms_outbox.last_code(NEW_MOBILE)
    with time_machine.travel(timedelta(seconds=app.config["OTP_TTL_SECONDS"] + 5)):
        _, response = confirm(kiosk, account, asked["reference"], code)
    assert response.status_code == 409 and error_code(response) == "code_expired"


def test_a_spent_code_is_refused(app, kiosk, make_account, sms_outbox):
    account = make_account()
    asked, _ = ask_code(kiosk, account)
    code = sms_outbox.last_code(NEW_MOBILE)
    assert confirm(kiosk, account, asked["reference"], code)[1].status_code == 200
    _, response = confirm(kiosk, account, asked["reference"], code)
    assert response.status_code == 409 and error_code(response) == "code_spent"


@pytest.mark.parametrize(("new_mobile", "refusal"), [("own", "mobile_same"),
                                                     (NEW_MOBILE, "mobile_taken")])
def test_a_number_that_cannot_be_the_accounts_is_refused(app, kiosk, make_account,
                                                         sms_outbox, new_mobile, refusal):
    account = make_account()
    make_account(mobile=NEW_MOBILE)
    _, response = ask_code(kiosk, account, account.mobile if new_mobile == "own" else new_mobile)
    assert response.status_code == 409 and error_code(response) == refusal
    conforms(response, CODE_PATH)
    assert sms_outbox.messages() == []


def test_a_number_taken_while_the_code_was_on_its_way_is_refused(app, kiosk, make_account,
                                                                 sms_outbox):
    account = make_account()
    asked, _ = ask_code(kiosk, account)
    make_account(mobile=NEW_MOBILE)
    _, response = confirm(kiosk, account, asked["reference"], sms_outbox.last_code(NEW_MOBILE))
    assert response.status_code == 409 and error_code(response) == "mobile_taken"
    assert mobile_of(app, account) != NEW_MOBILE
    assert events(app, "mobile_changed_at_kiosk") == []


def test_the_database_refuses_a_number_taken_at_the_last_moment(app, kiosk, make_account,
                                                                sms_outbox, monkeypatch):
    from absher_web.services import assisted_mobile

    account = make_account()
    asked, _ = ask_code(kiosk, account)
    make_account(mobile=NEW_MOBILE)
    monkeypatch.setattr(assisted_mobile, "number_taken", lambda *_args: False)
    sent, response = confirm(kiosk, account, asked["reference"],
                             sms_outbox.last_code(NEW_MOBILE))
    assert response.status_code == 409 and error_code(response) == "mobile_taken"
    assert mobile_of(app, account) != NEW_MOBILE
    assert kiosk.send(sent, path=CONFIRM_PATH).headers["Idempotent-Replayed"] == "true"


def test_an_unknown_id_is_refused(kiosk, make_person, make_account):
    nobody = make_account()
    nobody.national_id = make_person()
    _, response = ask_code(kiosk, nobody)
    assert response.status_code == 404 and error_code(response) == "account_not_found"
    _, response = confirm(kiosk, nobody, "ANY", "123456")
    assert response.status_code == 404 and error_code(response) == "account_not_found"
    conforms(response, CONFIRM_PATH)


def test_a_code_that_could_not_be_sent_is_not_kept(app, kiosk, make_account, sms_outbox):
    class BrokenGateway:
        def send(self, to: str, body: str, key: str | None = None) -> None:
            raise SmsDeliveryError("provider down")

    working = app.extensions["absher_sms"]
    app.extensions["absher_sms"] = BrokenGateway()
    account = make_account()
    asked, response = ask_code(kiosk, account)
    assert response.status_code == 503 and error_code(response) == "sms_failed"
    conforms(response, CODE_PATH)
    app.extensions["absher_sms"] = working
    again = kiosk.send(asked, path=CODE_PATH)  # the same request, once the provider is back
    assert again.status_code == 202 and "Idempotent-Replayed" not in again.headers


def test_codes_to_one_number_are_limited(app, kiosk, make_account, sms_outbox):
    app.config["SMS_CODES_PER_NUMBER_PER_HOUR"] = 2
    account = make_account()
    assert ask_code(kiosk, account)[1].status_code == 202
    assert ask_code(kiosk, account)[1].status_code == 202
    _, response = ask_code(kiosk, account)
    assert response.status_code == 429 and error_code(response) == "too_many_codes"
    conforms(response, CODE_PATH)
    assert len(sms_outbox.messages()) == 2


def test_only_kiosk_operators_may_change_a_number(app, bank, make_account, sms_outbox):
    account = make_account()
    body = {"national_id": account.national_id, "new_mobile": NEW_MOBILE,
            "operator_code": bank.code, "kiosk_id": "K-1", "reference": reference()}
    response = bank.send(body, path=CODE_PATH)
    assert response.status_code == 403 and error_code(response) == "wrong_client_kind"
    response = bank.send({**body, "change_reference": "X", "code": "123456"}, path=CONFIRM_PATH)
    assert response.status_code == 403
    assert sms_outbox.messages() == []


def test_a_disabled_operator_is_refused(app, kiosk, make_account, sms_outbox):
    account = make_account()
    asked, _ = ask_code(kiosk, account)
    code = sms_outbox.last_code(NEW_MOBILE)
    assert app.test_cli_runner().invoke(args=["absher", "disable-client", "KSK1"]).exit_code == 0
    _, response = confirm(kiosk, account, asked["reference"], code)
    assert response.status_code == 401 and error_code(response) == "bad_signature"
    _, response = ask_code(kiosk, account, "+966551112223")
    assert response.status_code == 401
    assert mobile_of(app, account) != NEW_MOBILE


@pytest.mark.parametrize(("path", "fields", "named"), [
    (CODE_PATH, {"new_mobile": "0559876543"}, "new_mobile"),
    (CODE_PATH, {"extra": "x"}, "extra"),
    (CONFIRM_PATH, {"code": "12345"}, "code"),
    (CONFIRM_PATH, {"code": "١٢٣٤٥٦"}, "code"),
    (CONFIRM_PATH, {"change_reference": "has space"}, "change_reference"),
    (CONFIRM_PATH, {"operator_code": "KSK9"}, "operator_code"),
])
def test_malformed_fields_are_named(kiosk, make_account, path, fields, named):
    account = make_account()
    body = {"national_id": account.national_id, "operator_code": kiosk.code,
            "kiosk_id": "K-1", "reference": reference()}
    body.update({"new_mobile": NEW_MOBILE} if path == CODE_PATH
                else {"change_reference": "C-1", "code": "123456"})
    body.update(fields)
    response = kiosk.send(body, path=path)
    assert response.status_code == 422 and error_code(response) == "invalid_request"
    assert named in response.get_json()["error"]["fields"]
    conforms(response, path)


def test_a_reference_reused_with_another_body_is_refused(kiosk, make_account, sms_outbox):
    account = make_account()
    asked, _ = ask_code(kiosk, account)
    response = kiosk.send({**asked, "new_mobile": "+966551112223"}, path=CODE_PATH)
    assert response.status_code == 409 and error_code(response) == "reference_reused"
    assert len(sms_outbox.messages()) == 1


def test_the_code_request_states_when_the_code_expires(app, kiosk, make_account):
    _, response = ask_code(kiosk, make_account())
    from datetime import datetime

    expires = datetime.fromisoformat(response.get_json()["code_expires_at"].replace("Z",
                                                                                   "+00:00"))
    lifetime = expires - utcnow()
    assert timedelta(seconds=app.config["OTP_TTL_SECONDS"] - 30) < lifetime <= timedelta(
        seconds=app.config["OTP_TTL_SECONDS"])


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs ABSHER_TEST_DATABASE_URL (PostgreSQL)")
def test_one_confirmation_sent_twice_at_once_changes_once_and_both_get_its_answer(
    app, kiosk, make_account, sms_outbox
):
    import json
    import threading

    account = make_account()
    old_mobile = account.mobile
    asked, _ = ask_code(kiosk, account)
    body = {"national_id": account.national_id, "operator_code": kiosk.code, "kiosk_id": "K-17",
            "reference": reference(), "change_reference": asked["reference"],
            "code": sms_outbox.last_code(NEW_MOBILE)}
    raw = json.dumps(body).encode()
    answers: list = []
    start = threading.Barrier(2)

    def send() -> None:
        client = app.test_client()
        start.wait()
        response = client.post(CONFIRM_PATH, data=raw, headers=signing.signed_headers(
            kiosk.code, kiosk.key, raw, time.time()))
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200, 200]
    assert answers[0][1] == answers[1][1]
    assert mobile_of(app, account) == NEW_MOBILE
    assert len(events(app, "mobile_changed_at_kiosk")) == 1
    assert len([m for m in sms_outbox.messages() if m["to"] == old_mobile]) == 1
