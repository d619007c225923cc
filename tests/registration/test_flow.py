"""The registration journey through the test client, with and without htmx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import Account, ActivationState, Language, PendingRegistration
from absher_web.passwords import verify_password
from tests.pages import parse
from tests.registration.conftest import STRONG_PASSWORD, field_error


def accounts(app) -> list[Account]:
    with app.app_context():
        return list(db.session.scalars(select(Account)))


class TestWithoutJavaScript:
    def test_full_journey_ends_with_an_account_waiting_for_activation(
        self, app, registrant, sms_outbox
    ):
        response = registrant.submit()
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/register/code"

        code_page = registrant.code_page()
        soup = parse(code_page)
        assert soup.h1.get_text(strip=True) == "Enter the code we sent you"
        assert "+966 5•• ••• 567" in soup.find(class_="notice").get_text()
        code_input = soup.find(id="code")
        assert code_input["autocomplete"] == "one-time-code"
        assert code_input["inputmode"] == "numeric"
        assert code_input["dir"] == "ltr"
        assert soup.find("summary").get_text(strip=True) == "Not received a code?"

        sent = sms_outbox.messages()
        assert len(sent) == 1 and sent[0]["to"] == "+966551234567"
        assert sent[0]["body"].startswith("Your Absher registration code is")
        code = sms_outbox.last_code()
        assert sent[0]["body"].endswith(f"@localhost #{code}")  # WebOTP autofill line

        response = registrant.enter_code(code)
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/register/done"
        done = parse(registrant.client.get("/en/register/done"))
        assert done.h1.get_text(strip=True) == "Your account has been created"
        assert "Abshertest1" in done.get_text()
        assert "ATM" in done.get_text() and "Passports" in done.get_text()

        [account] = accounts(app)
        assert account.username == "Abshertest1"
        assert account.mobile == "+966551234567"
        assert account.national_id == registrant.national_id
        assert account.preferred_language is Language.ENGLISH
        assert account.activation_state is ActivationState.NOT_ACTIVATED
        assert account.password_hash != STRONG_PASSWORD
        assert verify_password(STRONG_PASSWORD, account.password_hash)

    def test_the_code_message_is_in_the_chosen_language(self, registrant, sms_outbox):
        registrant.submit(preferred_language="ar")
        assert sms_outbox.messages()[0]["body"].startswith("أبشر: رمز")

    def test_the_pending_registration_keeps_only_a_hash_of_the_password(self, app, registrant):
        registrant.submit()
        with app.app_context():
            pending = db.session.scalars(select(PendingRegistration)).one()
            assert STRONG_PASSWORD not in pending.password_hash
            assert verify_password(STRONG_PASSWORD, pending.password_hash)

    def test_code_step_without_a_registration_goes_back_to_the_form(self, client):
        response = client.get("/en/register/code")
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/en/register")


class TestWithHtmx:
    def test_next_answers_with_the_code_step_fragment(self, registrant, sms_outbox):
        response = registrant.submit(htmx=True)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "<html" not in body and "<body" not in body
        soup = parse(response)
        heading = soup.find(attrs={"data-step-heading": True})
        assert heading.get_text(strip=True) == "Enter the code we sent you"
        assert heading["tabindex"] == "-1"
        live = soup.find(id="live-region")
        assert live["data-hx-swap-oob"] == "innerHTML"
        assert "+966 5•• ••• 567" in live.get_text()
        # The language switch now points at the code step's own address.
        assert soup.find(id="lang-switch")["href"] == "/ar/register/code"
        assert soup.title.get_text().startswith("Enter the code we sent you")

    def test_errors_come_back_as_a_422_fragment_with_a_fresh_visual_code(self, registrant):
        registrant.open_form()
        first_token = registrant.hidden("captcha_token")
        response = registrant.submit(htmx=True, username="bad")
        assert response.status_code == 422
        assert "<html" not in response.get_data(as_text=True)
        assert field_error(response, "username") == "Your username must be at least 8 characters"
        assert registrant.hidden("captcha_token", response) != first_token
        assert parse(response).title.get_text().startswith("Error:")

    def test_register_with_htmx_shows_the_result_in_place(self, app, registrant, sms_outbox):
        registrant.submit(htmx=True)
        response = registrant.enter_code(sms_outbox.last_code(), htmx=True)
        assert response.status_code == 200
        soup = parse(response)
        assert soup.find(attrs={"data-step-heading": True}).get_text(strip=True) == \
            "Your account has been created"
        assert len(accounts(app)) == 1


class TestCodes:
    def test_wrong_code_has_a_message_in_place_and_the_right_one_still_works(
        self, app, registrant, sms_outbox
    ):
        registrant.submit()
        code = sms_outbox.last_code()
        wrong = "000000" if code != "000000" else "111111"
        response = registrant.enter_code(wrong, htmx=True)
        assert response.status_code == 422
        assert field_error(response, "code") == \
            "The code is not right. Check the text message and try again"
        assert registrant.enter_code(code).status_code == 303
        assert len(accounts(app)) == 1

    def test_codes_with_spaces_hyphens_and_arabic_digits_are_accepted(
        self, app, registrant, sms_outbox
    ):
        registrant.submit()
        code = sms_outbox.last_code()
        typed = f"{code[:3]} - {code[3:]}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        assert registrant.enter_code(typed).status_code == 303

    def test_five_wrong_tries_spend_the_code(self, app, registrant, sms_outbox):
        registrant.submit()
        code = sms_outbox.last_code()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(4):
            registrant.enter_code(wrong)
        response = registrant.enter_code(wrong)
        assert field_error(response, "code") == \
            "You have entered a wrong code too many times. Ask for a new code"
        response = registrant.enter_code(code)
        assert response.status_code == 422
        assert accounts(app) == []

    def test_an_expired_code_is_refused_with_its_own_message(self, app, registrant, sms_outbox):
        registrant.submit()
        code = sms_outbox.last_code()
        with time_machine.travel(timedelta(minutes=5, seconds=1)):
            response = registrant.enter_code(code)
        assert response.status_code == 422
        assert field_error(response, "code") == \
            "This code has expired. Ask for a new code and use it within 5 minutes"

    def test_a_used_code_cannot_be_replayed(self, app, registrant, sms_outbox):
        registrant.submit()
        code = sms_outbox.last_code()
        code_page = registrant.code_page()
        token = registrant.hidden("csrf_token", code_page)
        assert registrant.enter_code(code).status_code == 303
        # Replaying the same POST (same session cookie) creates nothing more.
        replay = registrant.client.post("/en/register/code", data={"csrf_token": token,
                                                                    "code": code})
        assert replay.status_code == 303
        assert replay.headers["Location"].startswith("/en/register")
        assert len(accounts(app)) == 1

    def test_resend_waits_a_minute_then_sends_a_new_code(self, registrant, sms_outbox):
        registrant.submit()
        first = sms_outbox.last_code()
        response = registrant.resend(htmx=True)
        assert response.status_code == 422
        assert "Wait a minute before asking for another code" in response.get_data(as_text=True)
        assert len(sms_outbox.messages()) == 1
        with time_machine.travel(timedelta(seconds=61)):
            response = registrant.resend(htmx=True)
            assert response.status_code == 200
            assert "We have sent a new code to" in response.get_data(as_text=True)
            assert len(sms_outbox.messages()) == 2
            second = sms_outbox.last_code()
            # Only the newest code counts.
            if first != second:
                assert registrant.enter_code(first).status_code == 422
            assert registrant.enter_code(second).status_code == 303

    def test_at_most_five_codes_an_hour_per_number(self, registrant, sms_outbox):
        # Budgets count per clock hour: start where the next six minutes stay in one hour.
        now = datetime.now(UTC)
        start = timedelta(0) if now.minute < 53 else timedelta(minutes=61 - now.minute)
        with time_machine.travel(start):
            registrant.submit()
        for minute in range(1, 6):
            with time_machine.travel(start + timedelta(minutes=minute, seconds=1)):
                response = registrant.resend(htmx=True)
        assert response.status_code == 422
        assert "You have asked for too many codes" in \
            response.get_data(as_text=True)
        assert len(sms_outbox.messages()) == 5


class TestAvailability:
    def register(self, registrant, sms_outbox, **overrides):
        registrant.submit(**overrides)
        return registrant.enter_code(sms_outbox.last_code())

    def test_taken_username_mobile_and_id_are_refused(self, app, client, make_person,
                                                      registrant, sms_outbox):
        from tests.registration.conftest import Registrant

        assert self.register(registrant, sms_outbox).status_code == 303
        other = Registrant(app, app.test_client(), make_person())
        response = other.submit(username="ABSHERTEST1", mobile="+966551234567")
        assert field_error(response, "username") == \
            "This username is already taken. Choose a different one"
        assert field_error(response, "mobile") == \
            "This mobile number is used by another account. Use a different number"
        same_person = Registrant(app, app.test_client(), registrant.national_id)
        response = same_person.submit(username="Different22", mobile="0559999999")
        assert field_error(response, "national_id").startswith(
            "An Absher account already exists for this ID or iqama number")

    def test_usernames_never_change_after_registration(self):
        # No route, form or service accepts a new username for an account.
        import pathlib

        sources = pathlib.Path("absher_web").rglob("*.py")
        writers = [path for path in sources
                   if "account.username =" in path.read_text() or
                   ".username = " in path.read_text().replace("pending.username", "")]
        assert writers == []


def test_get_of_the_form_writes_nothing(app, client):
    from absher_web.models import Base

    client.get("/en/register")
    client.get("/ar/register")
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
