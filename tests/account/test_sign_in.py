"""Signing in with a username or ID, the SMS code, enumeration, lockout and sessions."""

from __future__ import annotations

import time
from datetime import UTC, timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Account, AuditEvent
from tests.account.conftest import Citizen
from tests.pages import parse


def test_sign_in_with_username_then_code_lands_on_the_account_home(citizen, sms_outbox):
    response = citizen.enter_password()
    assert response.headers["Location"] == "/en/individuals/login/code"
    message = sms_outbox.messages()[-1]
    assert message["to"] == citizen.account.mobile
    assert message["body"].startswith("Your Absher sign-in code is")
    response = citizen.enter_code()
    assert response.headers["Location"] == "/en/account/"
    home = parse(citizen.client.get("/en/account/"))
    assert home.h1.get_text(strip=True) == "Welcome, Sarah Mohammed Alotaibi"
    assert "not activated yet" in home.get_text()


def test_sign_in_with_the_id_number_in_arabic_digits(citizen):
    arabic = citizen.account.national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert citizen.enter_password(identifier=arabic).status_code == 303


def test_arabic_home_shows_the_arabic_name(client, make_account, sms_outbox):
    citizen = Citizen(client, make_account(language="ar"), sms_outbox, lang="ar")
    citizen.sign_in()
    home = parse(client.get("/ar/account/"))
    assert "سارة محمد العتيبي" in home.h1.get_text()
    assert home.html["dir"] == "rtl"


def test_usernames_are_case_sensitive(citizen):
    response = citizen.enter_password(identifier=citizen.account.username.lower())
    assert response.status_code == 422


def test_code_step_with_htmx_is_a_fragment_and_success_redirects(citizen):
    response = citizen.enter_password(htmx=True)
    assert response.status_code == 200
    soup = parse(response)
    assert soup.find(attrs={"data-step-heading": True}).get_text(strip=True) == \
        "Enter the code we sent you"
    assert "<html" not in response.get_data(as_text=True)
    response = citizen.enter_code(htmx=True)
    assert response.headers["HX-Redirect"] == "/en/account/"


def test_wrong_code_is_refused_in_place(citizen):
    citizen.enter_password()
    code = citizen.sms_outbox.last_code()
    response = citizen.enter_code("000000" if code != "000000" else "111111", htmx=True)
    assert response.status_code == 422
    assert "The code is not right" in response.get_data(as_text=True)
    assert citizen.client.get("/en/account/").status_code == 302


class TestNoEnumeration:
    def test_unknown_user_and_wrong_password_get_the_same_answer(self, citizen, client):
        wrong_password = citizen.enter_password(password="Wrong-Passw0rd")
        unknown_user = citizen.enter_password(identifier="Nobodyhere99",
                                              password="Wrong-Passw0rd")
        unknown_id = citizen.enter_password(identifier="1000000016", password="Wrong-Passw0rd")

        def visible(response):
            soup = parse(response)
            for hidden in soup.find_all("input", attrs={"name": "csrf_token"}):
                hidden.decompose()
            for typed in soup.find_all("input", attrs={"name": "identifier"}):
                typed["value"] = ""
            return response.status_code, str(soup)

        assert visible(wrong_password) == visible(unknown_user) == visible(unknown_id)
        assert wrong_password.status_code == 422
        assert "The username, ID number or password is not right" in \
            wrong_password.get_data(as_text=True)

    @pytest.mark.timing
    def test_unknown_user_costs_the_same_time_as_a_wrong_password(
        self, app, client, make_account, sms_outbox
    ):
        # A real bcrypt cost, for the stored hash and the dummy one alike.
        app.config["BCRYPT_ROUNDS"] = 10
        citizen = Citizen(client, make_account(), sms_outbox)

        def timed(identifier: str) -> float:
            started = time.perf_counter()
            citizen.enter_password(identifier=identifier, password="Wrong-Passw0rd")
            return time.perf_counter() - started

        known, unknown = [], []
        for _ in range(4):  # interleaved, under the five failures that lock
            known.append(timed(citizen.account.username))
            unknown.append(timed("Nobodyhere99"))
        # The fastest of each: a busy machine only ever adds time, so the minimum is the
        # cost of the work itself (the median moves with whatever else runs meanwhile).
        ratio = min(unknown) / min(known)
        assert 0.75 < ratio < 1.33, (known, unknown)


class TestLockout:
    def fail(self, citizen, times):
        for _ in range(times):
            response = citizen.enter_password(password="Wrong-Passw0rd")
        return response

    def test_five_failures_lock_the_account_with_a_clear_message_and_an_sms(
        self, app, citizen, sms_outbox
    ):
        response = self.fail(citizen, 5)
        assert response.status_code == 422
        assert "This account is locked for a while" in response.get_data(as_text=True)
        notice = sms_outbox.messages()[-1]
        assert notice["to"] == citizen.account.mobile and "locked" in notice["body"]
        # Even the right password is refused while locked.
        response = citizen.enter_password()
        assert response.status_code == 422
        assert "locked" in response.get_data(as_text=True)
        with time_machine.travel(timedelta(minutes=15, seconds=5)):
            assert citizen.enter_password().status_code == 303
        with app.app_context():
            kinds = set(db.session.scalars(select(AuditEvent.kind)))
        assert {"sign_in_failed", "account_locked"} <= kinds

    def test_the_lock_grows_each_time(self, citizen):
        self.fail(citizen, 5)
        with time_machine.travel(timedelta(minutes=16)):
            self.fail(citizen, 5)
        with time_machine.travel(timedelta(minutes=16 + 20)):
            assert citizen.enter_password().status_code == 422  # second lock is 30 minutes
        with time_machine.travel(timedelta(minutes=16 + 31)):
            assert citizen.enter_password().status_code == 303

    def test_one_hundred_failures_need_recovery(self, app, citizen):
        with app.app_context():
            account = db.session.get(Account, citizen.account.id)
            account.failures_since_recovery = 99
            db.session.commit()
        response = citizen.enter_password(password="Wrong-Passw0rd")
        assert "Use Forgot password to set a new password" in response.get_data(as_text=True)
        with time_machine.travel(timedelta(days=3)):
            assert citizen.enter_password().status_code == 422


class TestSessions:
    def test_session_is_renewed_at_sign_in(self, citizen, client):
        client.get("/en/individuals/login")
        with client.session_transaction() as before:
            before["planted"] = "by an attacker"
        citizen.sign_in()
        with client.session_transaction() as after:
            assert "planted" not in after
            assert "_user_id" in after

    def test_idle_session_ends_with_a_clear_message(self, app, citizen, client):
        citizen.sign_in()
        with time_machine.travel(timedelta(minutes=16)):
            response = client.get("/en/account/")
            assert response.status_code == 302
            page = client.get("/en/individuals/login")
            assert "You were signed out because you did nothing for a while" in \
                page.get_data(as_text=True)

    def test_activity_keeps_the_session_alive(self, citizen, client):
        citizen.sign_in()
        for minutes in (10, 20, 30):
            with time_machine.travel(timedelta(minutes=minutes)):
                assert client.get("/en/account/").status_code == 200

    def test_sign_out(self, citizen, client):
        citizen.sign_in()
        home = client.get("/en/account/")
        token = parse(home).find("form", action="/en/individuals/sign-out").find(
            "input", attrs={"name": "csrf_token"})["value"]
        response = client.post("/en/individuals/sign-out", data={"csrf_token": token})
        assert response.status_code == 303
        assert client.get("/en/account/").status_code == 302
        assert "You have signed out" in client.get("/en/individuals/login").get_data(
            as_text=True)

    def test_sign_out_everywhere_ends_other_sessions(self, app, make_account, sms_outbox):
        account = make_account()
        phone, laptop = app.test_client(), app.test_client()
        Citizen(phone, account, sms_outbox).sign_in()
        Citizen(laptop, account, sms_outbox).sign_in()
        home = laptop.get("/en/account/")
        form = parse(home).find("form", action="/en/individuals/sign-out-everywhere")
        laptop.post("/en/individuals/sign-out-everywhere",
                    data={"csrf_token": form.find("input")["value"]})
        assert phone.get("/en/account/").status_code == 302
        assert laptop.get("/en/account/").status_code == 302

    def test_account_pages_need_sign_in(self, client):
        response = client.get("/en/account/my-data")
        assert response.status_code == 302
        assert "/en/individuals/login" in response.headers["Location"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_my_data_says_it_needs_an_active_account_then_shows_the_registry(
    app, client, make_account, sms_outbox, lang
):
    from absher_web.models import ActivationState

    Citizen(client, make_account(language=lang), sms_outbox, lang=lang).sign_in()
    page = parse(client.get(f"/{lang}/account/my-data"))
    assert ("needs an activated account" if lang == "en" else "") in page.get_text()
    active = make_account(state=ActivationState.ACTIVE, language=lang)
    other = app.test_client()
    Citizen(other, active, sms_outbox, lang=lang).sign_in()
    page = parse(other.get(f"/{lang}/account/my-data"))
    text = page.get_text()
    assert active.national_id in text
    assert "1992" in text and ("AH" in text or "هـ" in text)  # Gregorian and Hijri
    assert ("Riyadh" if lang == "en" else "الرياض") in text


def test_the_preferred_language_is_applied_at_sign_in(client, make_account, sms_outbox):
    citizen = Citizen(client, make_account(language="ar"), sms_outbox, lang="en")
    citizen.enter_password()
    assert sms_outbox.messages()[-1]["body"].startswith("أبشر: رمز")
    assert citizen.enter_code().headers["Location"] == "/ar/account/"


def test_home_shows_the_sign_in_before_this_one(app, client, make_account, sms_outbox):
    from datetime import datetime

    account = make_account()
    first_time = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    with time_machine.travel(first_time, tick=False):
        Citizen(app.test_client(), account, sms_outbox).sign_in()
    with time_machine.travel(first_time + timedelta(days=2)):
        Citizen(client, account, sms_outbox).sign_in()
        page = parse(client.get("/en/account/")).get_text()
    assert "This is your first sign-in" not in page
    assert "1 March 2026" in page
