"""What an officer does for a holder once the fingerprints are verified, besides activating:
a new mobile number (a code to the new number, read out by the holder) and unlocking a
locked account. Each audited with the officer, and shown to the holder."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import (
    Account,
    AuditEvent,
    CodeChallenge,
    CodePurpose,
    SmsMessage,
    SmsStatus,
    StaffUser,
    utcnow,
)
from absher_web.services import assisted_mobile
from absher_web.services.lockout import FAILURES_BEFORE_RECOVERY
from absher_web.services.sms import SmsDeliveryError
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse
from tests.staff.conftest import Console, add_officer

NEW_MOBILE = "+966559876543"


@pytest.fixture
def officer(app) -> StaffUser:
    return add_officer(app)


@pytest.fixture
def signed_in(client, officer) -> Console:
    console = Console(client, officer)
    console.sign_in()
    return console


def events(app, kind: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                                       .order_by(AuditEvent.id)))


def reload(app, account: Account) -> Account:
    with app.app_context():
        return db.session.get(Account, account.id)


def main_text(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def error_by(response, field_id: str) -> str:
    """The error shown next to a field (and the field is marked and tied to it)."""
    soup = parse(response)
    field = soup.find(id=field_id)
    error = soup.find(id=f"{field_id}-error")
    assert field["aria-invalid"] == "true"
    assert f"{field_id}-error" in field["aria-describedby"].split()
    assert field.find_parent(class_="field") is error.find_parent(class_="field")
    assert soup.find(attrs={"data-error-summary": True}).find("a")["href"] == f"#{field_id}"
    return error.get_text(" ", strip=True).removeprefix("Error:").strip()


def texts_to(sms_outbox, number: str) -> list[str]:
    return [sent["body"] for sent in sms_outbox.messages() if sent["to"] == number]


# --- a new mobile number ---------------------------------------------------------------------


class TestChangeOfMobile:
    def test_the_lookup_offers_the_change_after_the_fingerprint_check(self, signed_in,
                                                                      make_account):
        account = make_account()
        soup = parse(signed_in.look_up(account.national_id))
        form = soup.find("form", action="/en/staff/mobile")
        assert form.find("input", attrs={"name": "national_id"})["value"] == account.national_id
        assert form.find("input", attrs={"name": "mobile"})["dir"] == "ltr"
        box = form.find("input", attrs={"name": "fingerprints_verified", "type": "checkbox"})
        assert box["id"] == "mobile_fingerprints_verified"
        assert form.find("button").get_text(strip=True) == "Send a code to the new number"
        # Each form on the page has its own checkbox id.
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids))

    def test_the_holder_reads_out_the_code_and_the_number_changes(
        self, app, signed_in, make_account, sms_outbox
    ):
        account = make_account()
        old_mobile = account.mobile
        response = signed_in.change_mobile(account.national_id, "0559876543")
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/staff/mobile/code"
        [code_text] = texts_to(sms_outbox, NEW_MOBILE)
        assert code_text.startswith("Your Absher code to make this your account's mobile "
                                    "number is")
        assert "Read it out only to the officer at the Passports office counter" in code_text
        assert reload(app, account).mobile == old_mobile  # nothing changes before the code

        page = signed_in.client.get("/en/staff/mobile/code")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        soup = parse(page)
        assert soup.h1.get_text(strip=True) == "Enter the code from the holder's phone"
        assert f"A code has been sent by text message to {NEW_MOBILE}" in main_text(page)
        assert soup.find("input", attrs={"name": "code"})["dir"] == "ltr"

        response = signed_in.enter_holder_code(sms_outbox.last_code(NEW_MOBILE))
        assert response.status_code == 303 and response.headers["Location"] == "/en/staff/"
        assert reload(app, account).mobile == NEW_MOBILE
        [notice_text] = texts_to(sms_outbox, old_mobile)
        assert notice_text.startswith("Absher: the mobile number of your account was "
                                      "changed to +966 5")
        [event] = events(app, "mobile_changed_at_office")
        assert (event.account_id, event.staff_user_id) == (account.id, signed_in.officer.id)
        assert event.detail["office"] == "Riyadh Passports"
        assert event.detail["new"].endswith("543") and "9876" not in event.detail["new"]

        notice = parse(signed_in.client.get("/en/staff/")).find(class_="notice")
        assert " ".join(notice.get_text().split()) == (
            f"The mobile number of the account of ID {account.national_id} is now "
            f"{NEW_MOBILE}. A text message has told the old number")
        # The flow is over: the code page leads back to the search.
        assert signed_in.client.get("/en/staff/mobile/code").headers["Location"] == "/en/staff/"

    def test_the_holder_sees_the_change_and_signs_in_with_the_new_number(
        self, app, signed_in, make_account, sms_outbox
    ):
        account = make_account()
        signed_in.change_mobile(account.national_id, NEW_MOBILE)
        signed_in.enter_holder_code(sms_outbox.last_code(NEW_MOBILE))
        signed_in.sign_out()

        holder = Citizen(app.test_client(), reload(app, account), sms_outbox)
        holder.sign_in()  # the sign-in code went to the new number
        activity = parse(holder.client.get("/en/account/")).get_text(" ", strip=True)
        assert "Mobile number changed at a Passports office" in activity

    def test_the_change_ends_every_session_of_the_holder_even_on_the_lost_phone(
        self, app, signed_in, make_account, sms_outbox
    ):
        account = make_account()
        lost_phone = Citizen(app.test_client(), account, sms_outbox)
        lost_phone.sign_in()
        name = app.config["SESSION_COOKIE_NAME"]
        finder = app.test_client()  # whoever holds the phone now, with a copy of its cookie
        finder.set_cookie(name, lost_phone.client.get_cookie(name).value)
        assert finder.get("/en/account/").status_code == 200

        signed_in.change_mobile(account.national_id, NEW_MOBILE)
        signed_in.enter_holder_code(sms_outbox.last_code(NEW_MOBILE))
        assert reload(app, account).mobile == NEW_MOBILE

        for client in (finder, lost_phone.client):
            response = client.get("/en/account/")
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/en/individuals/login")

    def test_without_the_fingerprint_checkbox_no_code_is_sent(self, app, signed_in,
                                                              make_account, sms_outbox):
        account = make_account()
        response = signed_in.change_mobile(account.national_id, NEW_MOBILE, verified=False)
        assert response.status_code == 422
        assert error_by(response, "mobile_fingerprints_verified") == (
            "Confirm that you have verified the holder's fingerprints on the device")
        soup = parse(response)
        assert soup.find(id="mobile")["value"] == NEW_MOBILE  # kept for the next try
        assert soup.title.get_text().startswith("Error:")
        assert "Sarah Mohammed Alotaibi" in soup.find("dl").get_text()
        assert sms_outbox.messages() == []
        assert signed_in.client.get("/en/staff/mobile/code").status_code == 303
        # Shown again, the holder's record is a lookup like any other.
        [event] = events(app, "staff_looked_up")
        assert event.account_id == account.id

    @pytest.mark.parametrize(("typed", "expected"), [
        ("", "Enter the holder's new mobile number"),
        ("12345", "Enter a Saudi mobile number, like 05XXXXXXXX"),
        ("0559876543\u202e", "This contains characters that cannot be used"),
    ])
    def test_a_bad_number_is_refused_next_to_the_field(self, signed_in, make_account,
                                                       sms_outbox, typed, expected):
        account = make_account()
        response = signed_in.change_mobile(account.national_id, typed)
        assert response.status_code == 422
        assert error_by(response, "mobile").startswith(expected)
        assert sms_outbox.messages() == []

    def test_the_holders_own_number_is_refused(self, signed_in, make_account, sms_outbox):
        account = make_account()
        response = signed_in.change_mobile(account.national_id, account.mobile)
        assert response.status_code == 422
        assert error_by(response, "mobile") == (
            "This is already the holder's mobile number. Enter a different number")
        assert sms_outbox.messages() == []

    def test_a_number_owned_by_another_account_is_refused(self, app, signed_in, make_account,
                                                          sms_outbox):
        account, other = make_account(), make_account(mobile=NEW_MOBILE)
        response = signed_in.change_mobile(account.national_id, NEW_MOBILE)
        assert response.status_code == 422
        assert error_by(response, "mobile") == (
            "This mobile number is used by another account. Use a different number")
        assert sms_outbox.messages() == []
        assert reload(app, other).mobile == NEW_MOBILE

    def test_a_wrong_code_is_counted_like_any_other(self, app, signed_in, make_account,
                                                    sms_outbox):
        account = make_account()
        signed_in.change_mobile(account.national_id, NEW_MOBILE)
        right = sms_outbox.last_code(NEW_MOBILE)
        wrong = "000000" if right != "000000" else "111111"
        response = signed_in.enter_holder_code(wrong)
        assert response.status_code == 422
        assert error_by(response, "code") == (
            "The code is not right. Check the text message and try again")
        with app.app_context():
            challenge = db.session.scalars(select(CodeChallenge)).one()
            assert (challenge.purpose, challenge.attempts) == (CodePurpose.OFFICE_MOBILE, 1)
        for _ in range(4):
            response = signed_in.enter_holder_code(wrong)
        assert "wrong code too many times" in error_by(response, "code")
        # Five tries spent: even the right code no longer changes anything.
        assert signed_in.enter_holder_code(right).status_code == 422
        assert reload(app, account).mobile != NEW_MOBILE
        assert events(app, "mobile_changed_at_office") == []

    def test_an_empty_code_is_named(self, signed_in, make_account):
        signed_in.change_mobile(make_account().national_id, NEW_MOBILE)
        response = signed_in.enter_holder_code("")
        assert response.status_code == 422
        assert error_by(response, "code") == (
            "Enter the code the holder reads out from their phone")

    def test_a_number_taken_while_the_code_was_on_its_way_is_refused(
        self, app, signed_in, make_account, sms_outbox
    ):
        account = make_account()
        signed_in.change_mobile(account.national_id, NEW_MOBILE)
        make_account(mobile=NEW_MOBILE)  # someone registered it meanwhile
        response = signed_in.enter_holder_code(sms_outbox.last_code(NEW_MOBILE))
        assert response.status_code == 409
        assert error_by(response, "mobile") == (
            "This mobile number was registered to another account while the code was on its "
            "way. Enter a different number")
        assert reload(app, account).mobile != NEW_MOBILE
        assert signed_in.client.get("/en/staff/mobile/code").status_code == 303

    def test_the_database_refuses_a_number_taken_at_the_last_moment(
        self, app, signed_in, make_account, sms_outbox, monkeypatch
    ):
        account = make_account()
        signed_in.change_mobile(account.national_id, NEW_MOBILE)
        make_account(mobile=NEW_MOBILE)
        # The other account appears between the check and the write: the unique index holds.
        monkeypatch.setattr(assisted_mobile, "number_taken", lambda *_args: False)
        response = signed_in.enter_holder_code(sms_outbox.last_code(NEW_MOBILE))
        assert response.status_code == 409
        assert reload(app, account).mobile != NEW_MOBILE
        assert events(app, "mobile_changed_at_office") == []

    def test_a_new_code_after_a_minute_replaces_the_first(self, app, signed_in, make_account,
                                                          sms_outbox):
        account = make_account()
        signed_in.change_mobile(account.national_id, NEW_MOBILE)
        first = sms_outbox.last_code(NEW_MOBILE)
        too_soon = signed_in.send_new_code()
        assert too_soon.headers["Location"] == "/en/staff/mobile/code"
        page = signed_in.client.get("/en/staff/mobile/code")
        summary = parse(page).find(attrs={"data-error-summary": True}).get_text()
        assert "Wait a minute before asking for another code" in summary
        with time_machine.travel(timedelta(seconds=61)):
            signed_in.send_new_code()
            page = signed_in.client.get("/en/staff/mobile/code")
            assert f"A new code has been sent to {NEW_MOBILE}" in main_text(page)
            second = sms_outbox.last_code(NEW_MOBILE)
            if first != second:
                assert signed_in.enter_holder_code(first).status_code == 422
            assert signed_in.enter_holder_code(second).status_code == 303
        assert reload(app, account).mobile == NEW_MOBILE

    def test_a_code_that_could_not_be_sent_is_said_by_the_number(self, app, signed_in,
                                                                 make_account):
        class BrokenGateway:
            def send(self, to: str, body: str, key: str | None = None) -> None:
                raise SmsDeliveryError("provider down")

        app.extensions["absher_sms"] = BrokenGateway()
        account = make_account()
        response = signed_in.change_mobile(account.national_id, NEW_MOBILE)
        assert response.status_code == 422
        assert error_by(response, "mobile") == "We could not send the code. Try again in a moment"
        assert signed_in.client.get("/en/staff/mobile/code").status_code == 303

    def test_a_failed_notice_to_the_old_number_is_said_and_left_to_be_sent_again(
        self, app, signed_in, make_account, sms_outbox
    ):
        account = make_account()
        signed_in.change_mobile(account.national_id, NEW_MOBILE)
        code = sms_outbox.last_code(NEW_MOBILE)

        class BrokenGateway:
            def send(self, to: str, body: str, key: str | None = None) -> None:
                raise SmsDeliveryError("provider down")

        app.extensions["absher_sms"] = BrokenGateway()
        assert signed_in.enter_holder_code(code).status_code == 303
        assert reload(app, account).mobile == NEW_MOBILE
        text = main_text(signed_in.client.get("/en/staff/"))
        assert "could not be sent yet: it will be sent again automatically" in text
        with app.app_context():
            notice = db.session.scalars(select(SmsMessage).where(
                SmsMessage.purpose == "mobile_changed_notice")).one()
            assert (notice.to, notice.status, notice.retryable) == (
                account.mobile, SmsStatus.FAILED, True)

    def test_an_altered_id_is_refused(self, signed_in, sms_outbox):
        assert signed_in.change_mobile("1234", NEW_MOBILE).status_code == 400
        assert sms_outbox.messages() == []

    def test_the_code_page_needs_a_change_under_way(self, signed_in):
        response = signed_in.client.get("/en/staff/mobile/code")
        assert response.status_code == 303 and response.headers["Location"] == "/en/staff/"
        token = csrf_of(signed_in.client.get("/en/staff/"))
        for path in ("/en/staff/mobile/code", "/en/staff/mobile/code/resend"):
            response = signed_in.client.post(path, data={"csrf_token": token, "code": "123456"})
            assert response.status_code == 303, path


# --- unlocking ---------------------------------------------------------------------------------


def lock(app, account: Account, **values) -> None:
    with app.app_context():
        stored = db.session.get(Account, account.id)
        for name, value in values.items():
            setattr(stored, name, value)
        db.session.commit()


class TestUnlock:
    def test_a_locked_account_shows_its_locks_and_is_unlocked(self, app, client, signed_in,
                                                              make_account, sms_outbox):
        account = make_account()
        lock(app, account, lockouts=2, locked_until=utcnow() + timedelta(minutes=50),
             recovery_locked_until=utcnow() + timedelta(minutes=30), recovery_wrong_answers=1)
        soup = parse(signed_in.look_up(account.national_id))
        facts = soup.find("dl", class_="facts").get_text(" ", strip=True)
        assert "Signing in Locked until" in facts and "after wrong passwords" in facts
        assert "Password recovery Locked until" in facts
        form = soup.find("form", action="/en/staff/unlock")
        assert form.find("input", attrs={"type": "checkbox"})["id"] == (
            "unlock_fingerprints_verified")

        response = signed_in.unlock(account.national_id)
        assert response.status_code == 303 and response.headers["Location"] == "/en/staff/"
        stored = reload(app, account)
        assert (stored.locked_until, stored.lockouts, stored.consecutive_failures,
                stored.recovery_locked_until, stored.recovery_wrong_answers) == (
            None, 0, 0, None, 0)
        [event] = events(app, "account_unlocked_at_office")
        assert (event.account_id, event.staff_user_id) == (account.id, signed_in.officer.id)
        assert event.detail == {"office": "Riyadh Passports", "lifted": ["sign_in", "recovery"]}
        notice = parse(signed_in.client.get("/en/staff/")).find(class_="notice")
        assert notice.get_text(" ", strip=True) == (
            f"The account of ID {account.national_id} is unlocked. The holder can sign in and "
            "recover the password again")

        after = parse(signed_in.look_up(account.national_id))
        assert after.find("form", action="/en/staff/unlock") is None
        signed_in.sign_out()
        holder = Citizen(app.test_client(), account, sms_outbox)
        holder.sign_in()
        activity = parse(holder.client.get("/en/account/")).get_text(" ", strip=True)
        assert "Account unlocked at a Passports office" in activity

    def test_an_account_locked_until_recovery_is_unlocked_too(self, app, signed_in,
                                                              make_account):
        account = make_account()
        lock(app, account, failures_since_recovery=FAILURES_BEFORE_RECOVERY)
        facts = parse(signed_in.look_up(account.national_id)).find("dl").get_text(" ")
        assert "Locked until the password is recovered" in facts
        assert signed_in.unlock(account.national_id).status_code == 303
        assert reload(app, account).failures_since_recovery == 0
        [event] = events(app, "account_unlocked_at_office")
        assert event.detail["lifted"] == ["needs_recovery"]

    def test_without_the_fingerprint_checkbox_nothing_is_unlocked(self, app, signed_in,
                                                                  make_account):
        account = make_account()
        until = utcnow() + timedelta(minutes=50)
        lock(app, account, locked_until=until)
        response = signed_in.unlock(account.national_id, verified=False)
        assert response.status_code == 422
        assert error_by(response, "unlock_fingerprints_verified") == (
            "Confirm that you have verified the holder's fingerprints on the device")
        assert reload(app, account).locked_until is not None
        assert events(app, "account_unlocked_at_office") == []

    def test_an_account_that_is_not_locked_is_left_as_it_was(self, app, signed_in,
                                                             make_account):
        account = make_account()
        soup = parse(signed_in.look_up(account.national_id))
        assert "Signing in Not locked" in soup.find("dl").get_text(" ", strip=True)
        assert soup.find("form", action="/en/staff/unlock") is None
        assert signed_in.unlock(account.national_id).status_code == 303
        assert f"The account of ID {account.national_id} is not locked" in main_text(
            signed_in.client.get("/en/staff/"))
        assert events(app, "account_unlocked_at_office") == []

    def test_an_altered_id_is_refused(self, signed_in):
        assert signed_in.unlock("1234").status_code == 400


# --- who may --------------------------------------------------------------------------------


NEW_PATHS = ("/en/staff/mobile", "/en/staff/mobile/code", "/en/staff/mobile/code/resend",
             "/en/staff/unlock")


def test_a_citizen_session_gets_403_on_every_new_console_url(app, client, make_account,
                                                             sms_outbox):
    victim = make_account()
    lock(app, victim, locked_until=utcnow() + timedelta(hours=1))
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.sign_in()
    token = csrf_of(client.get("/en/account/"))
    for path in NEW_PATHS:
        response = client.post(path, data={"csrf_token": token, "national_id":
                                           victim.national_id, "mobile": NEW_MOBILE,
                                           "fingerprints_verified": "y", "code": "123456"})
        assert response.status_code == 403, path
    assert client.get("/en/staff/mobile/code").status_code == 403
    assert reload(app, victim).locked_until is not None
    assert texts_to(sms_outbox, NEW_MOBILE) == []


def test_nobody_signed_in_is_sent_to_the_officer_sign_in(client, make_account):
    for path in NEW_PATHS:
        response = client.post(path, data={"national_id": make_account().national_id})
        assert response.status_code in (303, 400), path
        if response.status_code == 303:
            assert response.headers["Location"] == "/en/staff/sign-in"


def test_every_new_post_needs_the_csrf_token(app, client, officer, make_account, sms_outbox):
    app.config["WTF_CSRF_ENABLED"] = True
    account = make_account()
    lock(app, account, locked_until=utcnow() + timedelta(hours=1))
    console = Console(client, officer)
    console.sign_in()
    for path in NEW_PATHS:
        response = client.post(path, data={"national_id": account.national_id,
                                           "mobile": NEW_MOBILE, "fingerprints_verified": "y"})
        assert response.status_code == 400, path
    assert reload(app, account).locked_until is not None
    assert sms_outbox.messages() == []


def test_a_disabled_officer_cannot_finish_a_change(app, signed_in, make_account, sms_outbox):
    account = make_account()
    signed_in.change_mobile(account.national_id, NEW_MOBILE)
    code = sms_outbox.last_code(NEW_MOBILE)
    token = csrf_of(signed_in.client.get("/en/staff/mobile/code"))
    assert app.test_cli_runner().invoke(
        args=["absher", "disable-officer", signed_in.officer.username]).exit_code == 0
    response = signed_in.client.post("/en/staff/mobile/code",
                                     data={"csrf_token": token, "code": code})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/staff/sign-in"
    assert reload(app, account).mobile != NEW_MOBILE
