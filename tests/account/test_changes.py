"""Changing the password, mobile number, email address and preferred language."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from absher_web.extensions import db
from absher_web.models import Account, Language
from absher_web.services import account_changes
from tests.account.conftest import Citizen, csrf_of
from tests.conftest import PASSWORD
from tests.pages import parse

NEW_PASSWORD = "Nw8kPq2xZr"
NEW_MOBILE = "+966551234567"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(citizen) -> Citizen:
    citizen.sign_in()
    return citizen


def submit(client, path: str, data: dict, htmx: bool = False, page: str | None = None):
    """Fill in the form at `page` (or `path`) and post it, as a browser would."""
    form_page = client.get(page or path)
    assert form_page.status_code == 200, form_page.headers.get("Location")
    return client.post(path, data={"csrf_token": csrf_of(form_page), **data},
                       headers=HTMX if htmx else {})


def error_texts(response) -> list[str]:
    soup = parse(response)
    return [item.get_text(" ", strip=True)
            for item in soup.select(".error-summary__list li")]


def stored(app, account_id: int) -> Account:
    with app.app_context():
        account = db.session.get(Account, account_id)
        db.session.expunge(account)
        return account


def home_text(client, lang: str = "en") -> str:
    response = client.get(f"/{lang}/account/")
    assert response.status_code == 200
    return parse(response).get_text(" ", strip=True)


def test_change_pages_need_sign_in(client):
    for page in ("password", "mobile", "mobile/code", "email", "language"):
        response = client.get(f"/en/account/{page}")
        assert response.status_code == 302
        assert "/en/individuals/login" in response.headers["Location"]


def test_the_account_menu_leads_to_each_change(signed_in):
    nav = parse(signed_in.client.get("/en/account/")).find("nav", class_="account-nav")
    links = {a.get_text(strip=True): a["href"] for a in nav.find_all("a")}
    assert links["Change password"] == "/en/account/password"
    assert links["Change mobile number"] == "/en/account/mobile"
    assert links["Change email"] == "/en/account/email"
    assert links["Language"] == "/en/account/language"


class TestPassword:
    def change(self, citizen, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
        return submit(citizen.client, "/en/account/password",
                      {"current_password": current, "new_password": new,
                       "confirm_new_password": new if confirm is None else confirm})

    def test_page_states_the_rules_and_uses_password_manager_hints(self, signed_in):
        page = parse(signed_in.client.get("/en/account/password"))
        assert page.find("input", id="current_password")["autocomplete"] == "current-password"
        assert page.find("input", id="new_password")["autocomplete"] == "new-password"
        assert "At least 8 characters" in page.find(id="new_password-hint").get_text()
        assert page.find("form", action="/en/account/password").has_attr("novalidate")

    def test_success_keeps_this_session_ends_the_others_and_sends_a_notice(
        self, app, make_account, sms_outbox
    ):
        account = make_account()
        laptop, phone = app.test_client(), app.test_client()
        Citizen(laptop, account, sms_outbox).sign_in()
        Citizen(phone, account, sms_outbox).sign_in()

        response = self.change(Citizen(laptop, account, sms_outbox))
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/account/"
        text = home_text(laptop)
        assert "Your password has been changed" in text
        assert "Password changed" in text  # the recent security activity
        # The notice shows once only.
        assert "Your password has been changed" not in home_text(laptop)
        assert phone.get("/en/account/").status_code == 302

        notice = sms_outbox.messages()[-1]
        assert notice["to"] == account.mobile
        assert "password of your account was changed" in notice["body"]

        stranger = Citizen(app.test_client(), account, sms_outbox)
        assert stranger.enter_password(password=PASSWORD).status_code == 422
        assert stranger.enter_password(password=NEW_PASSWORD).status_code == 303
        assert stored(app, account.id).password_changed_at is not None

    def test_wrong_current_password_changes_nothing(self, app, signed_in):
        response = self.change(signed_in, current="Wr0ngPassword")
        assert response.status_code == 422
        assert error_texts(response) == [
            "Your current password is not right. Check it and try again"]
        assert parse(response).title.get_text().startswith("Error:")
        assert signed_in.client.get("/en/account/").status_code == 200
        assert Citizen(app.test_client(), signed_in.account, signed_in.sms_outbox) \
            .enter_password(password=PASSWORD).status_code == 303

    def test_repeated_wrong_current_passwords_lock_the_change(self, signed_in):
        for _ in range(5):
            response = self.change(signed_in, current="Wr0ngPassword")
        assert "locked for a while" in error_texts(response)[0]
        # Even the right password is refused while locked.
        response = self.change(signed_in)
        assert response.status_code == 422
        assert "locked for a while" in error_texts(response)[0]

    @pytest.mark.parametrize(("new", "expected"), [
        ("Password1", "This password is too common"),
        ("short1A", "at least 8 characters"),
        ("alllowercase1", "a capital letter, a small letter and a digit"),
        ("{username}X9", "must not contain a large part of your username"),
        (PASSWORD, "must be different from your current password"),
    ])
    def test_new_password_must_follow_the_rules(self, app, signed_in, new, expected):
        before = stored(app, signed_in.account.id).password_hash
        new = new.format(username=signed_in.account.username)
        response = self.change(signed_in, new=new)
        assert response.status_code == 422
        assert expected in " ".join(error_texts(response))
        assert stored(app, signed_in.account.id).password_hash == before
        # Passwords are never sent back to the page.
        assert new not in response.get_data(as_text=True)

    def test_confirmation_must_match(self, app, signed_in):
        response = self.change(signed_in, confirm=NEW_PASSWORD + "x")
        assert response.status_code == 422
        assert error_texts(response) == [
            "The passwords do not match. Enter the same password twice"]
        assert parse(response).find("a", href="#confirm_new_password")

    def test_empty_form_names_each_field(self, signed_in):
        response = submit(signed_in.client, "/en/account/password", {})
        assert error_texts(response) == [
            "Enter your current password", "Enter a new password",
            "Enter your password again to confirm it"]


class TestMobile:
    def start(self, citizen, mobile=NEW_MOBILE, htmx=False):
        return submit(citizen.client, "/en/account/mobile", {"mobile": mobile}, htmx=htmx)

    def enter_code(self, citizen, code=None, htmx=False):
        return submit(citizen.client, "/en/account/mobile/code",
                      {"code": code or citizen.sms_outbox.last_code(NEW_MOBILE)}, htmx=htmx)

    def test_without_javascript_the_code_goes_to_the_new_number_then_the_number_changes(
        self, app, signed_in, sms_outbox
    ):
        old_mobile = signed_in.account.mobile
        response = self.start(signed_in, mobile="055 123 4567")
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/account/mobile/code"
        code_message = sms_outbox.messages()[-1]
        assert code_message["to"] == NEW_MOBILE
        assert "change your mobile number" in code_message["body"]

        page = parse(signed_in.client.get("/en/account/mobile/code"))
        assert page.h1.get_text(strip=True) == "Enter the code we sent you"
        assert "We have sent a code by text message to +966 5•• ••• 567" in \
            page.get_text(" ", strip=True)

        response = self.enter_code(signed_in)
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/account/"
        assert stored(app, signed_in.account.id).mobile == NEW_MOBILE
        text = home_text(signed_in.client)
        assert "Your mobile number has been changed" in text
        assert "Mobile number changed" in text

        notice = sms_outbox.messages()[-1]
        assert notice["to"] == old_mobile
        assert "changed to +966 5•• ••• 567" in notice["body"]

        # The next sign-in code goes to the new number.
        Citizen(app.test_client(), signed_in.account, sms_outbox).enter_password()
        assert sms_outbox.messages()[-1]["to"] == NEW_MOBILE

    def test_with_htmx_the_code_step_is_swapped_in_and_announced(self, app, signed_in):
        response = self.start(signed_in, htmx=True)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "<html" not in body
        soup = parse(response)
        assert soup.find(attrs={"data-step-heading": True}).get_text(strip=True) == \
            "Enter the code we sent you"
        live = soup.find(id="live-region")
        assert live["data-hx-swap-oob"] and "+966 5•• ••• 567" in live.get_text()
        form = soup.find("form", action="/en/account/mobile/code")
        assert form["data-hx-target"] == "#mobile-change-step"

        code = signed_in.sms_outbox.last_code(NEW_MOBILE)
        wrong = "000000" if code != "000000" else "111111"
        response = self.enter_code(signed_in, wrong, htmx=True)
        assert response.status_code == 422
        assert error_texts(response) == [
            "The code is not right. Check the text message and try again"]
        assert stored(app, signed_in.account.id).mobile == signed_in.account.mobile

        response = self.enter_code(signed_in, code, htmx=True)
        assert response.headers["HX-Redirect"] == "/en/account/"
        assert stored(app, signed_in.account.id).mobile == NEW_MOBILE

    def test_wrong_code_without_javascript_keeps_the_old_number(self, app, signed_in):
        self.start(signed_in)
        code = signed_in.sms_outbox.last_code(NEW_MOBILE)
        response = self.enter_code(signed_in, "000000" if code != "000000" else "111111")
        assert response.status_code == 422
        assert parse(response).title.get_text().startswith("Error:")
        assert "The code is not right" in error_texts(response)[0]
        assert stored(app, signed_in.account.id).mobile == signed_in.account.mobile

    def test_a_number_used_by_another_account_is_refused(self, signed_in, make_account,
                                                         sms_outbox):
        other = make_account()
        sent_before = len(sms_outbox.messages())
        response = self.start(signed_in, mobile=other.mobile)
        assert response.status_code == 422
        assert error_texts(response) == [
            "This mobile number is used by another account. Use a different number"]
        assert len(sms_outbox.messages()) == sent_before

    def test_own_number_and_bad_numbers_are_refused(self, signed_in):
        response = self.start(signed_in, mobile=signed_in.account.mobile)
        assert error_texts(response) == [
            "This is already your mobile number. Enter a different number"]
        response = self.start(signed_in, mobile="12345", htmx=True)
        assert response.status_code == 422
        assert error_texts(response) == ["Enter a Saudi mobile number, like 05XXXXXXXX"]
        assert parse(response).find("input", id="mobile")["value"] == "12345"

    def test_number_taken_while_the_code_was_on_its_way(self, app, signed_in, make_account):
        self.start(signed_in)
        make_account(mobile=NEW_MOBILE)  # someone registers the number meanwhile
        response = self.enter_code(signed_in)
        assert response.status_code == 409
        assert "was registered to another account while you were confirming it" in \
            error_texts(response)[0]
        assert stored(app, signed_in.account.id).mobile == signed_in.account.mobile
        # The journey starts again: the code step is closed.
        assert signed_in.client.get("/en/account/mobile/code").headers["Location"] == \
            "/en/account/mobile"

    def test_number_taken_in_the_same_instant_is_caught_by_the_database(
        self, app, signed_in, make_account, monkeypatch
    ):
        self.start(signed_in)
        make_account(mobile=NEW_MOBILE)
        # As if the other account was saved between the check and the update.
        monkeypatch.setattr(account_changes, "number_taken", lambda *args: False)
        response = self.enter_code(signed_in, htmx=True)
        assert response.status_code == 409
        assert "was registered to another account" in error_texts(response)[0]
        assert stored(app, signed_in.account.id).mobile == signed_in.account.mobile

    def test_send_again_waits_a_minute_then_sends_a_new_code(self, signed_in, sms_outbox):
        self.start(signed_in)
        first = sms_outbox.last_code(NEW_MOBILE)
        page = signed_in.client.get("/en/account/mobile/code")
        response = signed_in.client.post("/en/account/mobile/code/resend",
                                         data={"csrf_token": csrf_of(page)}, headers=HTMX)
        assert response.status_code == 422
        assert "Wait a minute before asking for another code" in error_texts(response)
        with time_machine.travel(timedelta(seconds=61)):
            response = signed_in.client.post("/en/account/mobile/code/resend",
                                             data={"csrf_token": csrf_of(page)})
            assert response.headers["Location"] == "/en/account/mobile/code"
            page = parse(signed_in.client.get("/en/account/mobile/code"))
            assert "We have sent a new code to +966 5•• ••• 567" in page.get_text(" ", strip=True)
            assert sms_outbox.messages()[-1]["to"] == NEW_MOBILE
            assert len([m for m in sms_outbox.messages() if m["to"] == NEW_MOBILE]) == 2
            newest = sms_outbox.last_code(NEW_MOBILE)
            if newest != first:  # only the newest code works
                assert self.enter_code(signed_in, first).status_code == 422
            assert self.enter_code(signed_in, newest).status_code == 303


class TestEmail:
    def change(self, citizen, email="new.address@example.org", confirm=None):
        return submit(citizen.client, "/en/account/email",
                      {"email": email, "confirm_email": email if confirm is None else confirm})

    def test_success(self, app, signed_in):
        page = parse(signed_in.client.get("/en/account/email"))
        assert page.find("input", id="email")["autocomplete"] == "email"
        assert page.find("input", id="email")["dir"] == "ltr"
        response = self.change(signed_in)
        assert response.headers["Location"] == "/en/account/"
        assert stored(app, signed_in.account.id).email == "new.address@example.org"
        text = home_text(signed_in.client)
        assert "Your email address has been changed" in text
        assert "Email address changed" in text

    def test_mismatch_keeps_what_was_typed(self, app, signed_in):
        response = self.change(signed_in, confirm="new.adress@example.org")
        assert response.status_code == 422
        assert error_texts(response) == [
            "The email addresses do not match. Enter the same address twice"]
        assert parse(response).find("input", id="email")["value"] == "new.address@example.org"
        assert stored(app, signed_in.account.id).email == signed_in.account.email

    def test_bad_format_and_same_address(self, app, signed_in):
        response = self.change(signed_in, email="not-an-address")
        assert error_texts(response) == [
            "Enter an email address in the correct format, like name@example.com"]
        response = self.change(signed_in, email=signed_in.account.email.upper())
        assert error_texts(response) == [
            "This is already your email address. Enter a different address"]
        assert stored(app, signed_in.account.id).email == signed_in.account.email


class TestLanguage:
    def test_switching_to_arabic_applies_now_at_the_next_sign_in_and_to_sms(
        self, app, signed_in, sms_outbox
    ):
        page = parse(signed_in.client.get("/en/account/language"))
        assert page.find("input", id="preferred_language-1")["checked"] is not None  # English
        response = submit(signed_in.client, "/en/account/language",
                          {"preferred_language": "ar"})
        assert response.status_code == 303
        assert response.headers["Location"] == "/ar/account/"
        assert stored(app, signed_in.account.id).preferred_language is Language.ARABIC
        home = parse(signed_in.client.get("/ar/account/"))
        assert home.html["lang"] == "ar" and home.html["dir"] == "rtl"
        assert home.find("div", class_="notice")
        assert "Preferred language changed" in home_text(signed_in.client, "en")

        # The next sign-in opens the account in Arabic, from an English page.
        again = Citizen(app.test_client(), signed_in.account, sms_outbox, lang="en")
        again.enter_password()
        assert again.enter_code().headers["Location"] == "/ar/account/"

    def test_after_switching_to_arabic_text_messages_are_in_arabic(self, app, signed_in,
                                                                   sms_outbox):
        submit(signed_in.client, "/en/account/language", {"preferred_language": "ar"})
        Citizen(app.test_client(), signed_in.account, sms_outbox).enter_password()
        assert sms_outbox.messages()[-1]["body"].startswith("أبشر: رمز")

    def test_keeping_the_same_language_records_no_change(self, app, signed_in):
        response = submit(signed_in.client, "/en/account/language",
                          {"preferred_language": "en"})
        assert response.headers["Location"] == "/en/account/"
        text = home_text(signed_in.client)
        assert "Your preferred language has been saved" in text
        assert "Preferred language changed" not in text

    def test_an_unknown_language_is_refused(self, app, signed_in):
        response = submit(signed_in.client, "/en/account/language",
                          {"preferred_language": "fr"})
        assert response.status_code == 422
        assert error_texts(response) == ["Choose your preferred language"]
        assert stored(app, signed_in.account.id).preferred_language is Language.ENGLISH


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_change_page_renders_in_both_languages(client, make_account, sms_outbox, lang):
    Citizen(client, make_account(language=lang), sms_outbox, lang=lang).sign_in()
    for page in ("password", "mobile", "email", "language"):
        response = client.get(f"/{lang}/account/{page}")
        assert response.status_code == 200
        soup = parse(response)
        assert soup.html["lang"] == lang
        assert soup.find("h1")
        assert soup.find("form", attrs={"novalidate": True})
