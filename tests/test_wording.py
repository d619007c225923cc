"""Sentences say what the settings say: with codes that last two minutes
(ABSHER_OTP_TTL_SECONDS=120), every code page and every code SMS says two minutes, in
both languages; the support number in notices comes from one place."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.models import CodePurpose, Language, utcnow
from absher_web.services import notices
from tests.account.conftest import Citizen, csrf_of
from tests.conftest import empty_all_tables
from tests.pages import parse
from tests.recovery.test_recovery import Recoverer
from tests.registration.conftest import Registrant, field_error

TWO_MINUTES = {"en": "2 minutes", "ar": "دقيقتين"}
SMS_TWO_MINUTES = {"en": "It expires in 2 minutes.", "ar": "صالح دقيقتين."}


@pytest.fixture
def app(database_url: str, tmp_path):
    """The suite's app, with codes that last two minutes instead of five."""
    config = type("TwoMinuteCodesConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl"),
        "OTP_TTL_SECONDS": 120,
    })
    app = create_app(config)
    yield app
    empty_all_tables(app)


def code_step_text(response) -> str:
    return parse(response).get_text(" ", strip=True)


def says_two_minutes(text: str, lang: str) -> bool:
    return TWO_MINUTES[lang] in text and "5 minutes" not in text and "5 دقائق" not in text


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("htmx", [False, True])
def test_registration_says_two_minutes_on_every_page_and_in_the_sms(
        app, client, make_person, sms_outbox, lang, htmx):
    registrant = Registrant(app, client, make_person(), lang=lang)
    sent = registrant.submit(htmx=htmx, preferred_language=lang)
    assert SMS_TWO_MINUTES[lang] in sms_outbox.messages()[-1]["body"]
    first = sent if htmx else registrant.code_page()  # "we have sent a code", once
    assert says_two_minutes(code_step_text(first), lang)
    again = registrant.code_page()  # the step's own page after that
    assert says_two_minutes(code_step_text(again), lang)

    code = sms_outbox.last_code()
    with time_machine.travel(utcnow() + timedelta(minutes=3)):
        expired = registrant.enter_code(code, htmx=htmx)
    assert expired.status_code == 422
    assert TWO_MINUTES[lang] in field_error(expired, "code")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_sign_in_says_two_minutes(client, make_account, sms_outbox, lang):
    citizen = Citizen(client, make_account(language=lang), sms_outbox, lang=lang)
    sent = citizen.enter_password(htmx=True)
    assert says_two_minutes(code_step_text(sent), lang)
    assert SMS_TWO_MINUTES[lang] in sms_outbox.messages()[-1]["body"]


def test_recovery_and_change_of_mobile_say_two_minutes(app, client, make_account,
                                                       sms_outbox):
    account = make_account(with_questions=False)
    recoverer = Recoverer(app, client, account)
    sent = recoverer.start(htmx=True)
    assert says_two_minutes(code_step_text(sent), "en")
    assert SMS_TWO_MINUTES["en"] in sms_outbox.messages()[-1]["body"]

    other = app.test_client()
    Citizen(other, make_account(), sms_outbox).sign_in()
    page = other.get("/en/account/mobile")
    sent = other.post("/en/account/mobile", headers={"HX-Request": "true"},
                      data={"csrf_token": csrf_of(page), "mobile": "0551112233"})
    assert says_two_minutes(code_step_text(sent), "en")
    assert SMS_TWO_MINUTES["en"] in sms_outbox.messages()[-1]["body"]


@pytest.mark.parametrize(("minutes", "english", "arabic"), [
    (1, "It expires in 1 minute.", "صالح دقيقة."),
    (2, "It expires in 2 minutes.", "صالح دقيقتين."),
    (5, "It expires in 5 minutes.", "صالح 5 دقائق."),
    (10, "It expires in 10 minutes.", "صالح 10 دقائق."),
])
def test_code_messages_use_the_plural_form_for_the_number(app, minutes, english, arabic):
    with app.test_request_context():
        for language, expected in ((Language.ENGLISH, english), (Language.ARABIC, arabic)):
            body = notices.code_message(CodePurpose.SIGN_IN, language, "123456", minutes,
                                        "absher.example.sa")
            assert expected in body
            assert body.endswith("\n\n@absher.example.sa #123456")


def test_notices_name_the_support_number_from_one_place(app):
    from absher_web.content import SUPPORT_NUMBER

    with app.test_request_context():
        for language in Language:
            text = notices.in_language(notices.PASSWORD_RECOVERED.text, language)
            assert str(SUPPORT_NUMBER) in text and "%(" not in text
