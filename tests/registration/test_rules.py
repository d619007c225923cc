"""Each registration rule has its own translated message, next to its field."""

from __future__ import annotations

import pytest

from absher_web.passwords import password_problem, username_problem
from tests.pages import parse
from tests.registration.conftest import STRONG_PASSWORD, field_error

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free


class TestUsernameRule:
    @pytest.mark.parametrize(
        ("username", "problem"),
        [
            ("Abshertest1", None),
            ("A1234567", None),
            ("Absher1", "username_too_short"),
            ("A" + "b" * 30 + "12", "username_too_long"),
            ("abshertest1", "username_capital_first"),
            ("1Abshertest", "username_capital_first"),
            ("Abshertest", "username_letters_and_digits"),
            ("Absher_test1", "username_characters"),
            ("Absher test1", "username_characters"),
            ("Abshérteste1", "username_characters"),
            ("أبشرAbsher1", "username_characters"),
        ],
    )
    def test_rule(self, username, problem):
        assert username_problem(username) == problem


class TestPasswordRule:
    @pytest.mark.parametrize(
        ("password", "problem"),
        [
            (STRONG_PASSWORD, None),
            ("Qm7rTz4", "password_too_short"),
            ("qm7rtz4wlp", "password_composition"),
            ("QM7RTZ4WLP", "password_composition"),
            ("QmrTzxwLpk", "password_composition"),
            ("Aaaaaa1aab", "password_repeated_character"),
            ("Password1", "password_common"),
            ("Qwerty123", "password_common"),
            ("Xy" + "Abshert" + "9", "password_contains_username"),
        ],
    )
    def test_rule(self, password, problem):
        assert password_problem(password, "Abshertest1") == problem

    def test_half_of_the_username_is_allowed_but_more_is_not(self):
        # "Abshertest1" has 11 characters: a run of 5 is half, 6 is more than half.
        assert password_problem("Zq9Abshe#Kp", "Abshertest1") is None
        assert password_problem("Zq9Absher#Kp", "Abshertest1") == "password_contains_username"

    def test_long_and_arabic_passwords_are_allowed(self):
        long_password = "".join(f"Qm7r{n}Tz4wLp" for n in range(7))
        assert len(long_password) >= 64
        assert password_problem(long_password, "Abshertest1") is None
        assert password_problem("كلمةسريةQm7rTz4wLp" * 4, "Abshertest1") is None


def test_an_empty_form_gets_one_message_per_field_and_an_error_summary(registrant):
    registrant.open_form()
    response = registrant.client.post(
        "/en/register",
        data={"csrf_token": registrant.hidden("csrf_token"),
              "captcha_token": registrant.hidden("captcha_token")},
    )
    assert response.status_code == 422
    soup = parse(response)
    assert soup.title.get_text().startswith("Error:")
    summary = soup.find(attrs={"data-error-summary": True})
    assert summary.h2.get_text(strip=True) == "There is a problem"
    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    assert links == {
        "#national_id": "Enter your ID or iqama number",
        "#mobile": "Enter your mobile number",
        "#username": "Enter a username",
        "#password": "Enter a password",
        "#confirm_password": "Enter your password again to confirm it",
        "#email": "Enter your email address",
        "#confirm_email": "Enter your email address again to confirm it",
        "#preferred_language": "Choose your preferred language",
        "#captcha_answer": "Enter the visual code",
        "#accept_terms": "To continue, confirm that you have read and accept the terms of use "
                         "and the privacy policy",
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"national_id": "12345"}, "national_id",
         "Enter your ID or iqama number as 10 digits, starting with 1 or 2"),
        ({"national_id": "3000000001"}, "national_id",
         "Enter your ID or iqama number as 10 digits, starting with 1 or 2"),
        ({"national_id": "1000000000"}, "national_id",
         "Check your ID or iqama number: it is not a valid number"),
        ({"mobile": "0451234567"}, "mobile", "Enter a Saudi mobile number, like 05XXXXXXXX"),
        ({"username": "abshertest1"}, "username",
         "Your username must start with a capital English letter"),
        ({"username": "Abshertest"}, "username",
         "Your username must contain both English letters and digits"),
        ({"username": "Absher1"}, "username", "Your username must be at least 8 characters"),
        ({"password": "weakpass", "confirm_password": "weakpass"}, "password",
         "Your password must contain a capital letter, a small letter and a digit"),
        ({"password": "Password1", "confirm_password": "Password1"}, "password",
         "This password is too common and easy to guess. Choose a different one"),
        ({"confirm_password": "Qm7rTz4wLq"}, "confirm_password",
         "The passwords do not match. Enter the same password twice"),
        ({"email": "not-an-email", "confirm_email": "not-an-email"}, "email",
         "Enter an email address in the correct format, like name@example.com"),
        ({"confirm_email": "other@example.com"}, "confirm_email",
         "The email addresses do not match. Enter the same address twice"),
        ({"preferred_language": "fr"}, "preferred_language", "Choose your preferred language"),
        ({"accept_terms": None}, "accept_terms",
         "To continue, confirm that you have read and accept the terms of use and the privacy "
         "policy"),
        ({"captcha_answer": "00000x"}, "captcha_answer",
         "The visual code you entered is not right. Enter the new code shown"),
    ],
)
def test_each_rule_has_its_message_and_other_input_is_kept(registrant, overrides, field, message):
    response = registrant.submit(**overrides)
    assert response.status_code == 422
    assert field_error(response, field) == message
    soup = parse(response)
    # Everything else typed is kept, except passwords, which are never sent back.
    if field != "username":
        assert soup.find(id="username")["value"] == "Abshertest1"
    if field not in ("email", "confirm_email"):
        assert soup.find(id="email")["value"] == "sarah@example.com"
    assert not soup.find(id="password").get("value")
    assert not soup.find(id="confirm_password").get("value")
    # The field says it is invalid and points at its message.
    described = soup.find(id=field) or soup.find(id=f"{field}-0")
    if described is not None and described.name == "input" and described.get("type") != "radio":
        assert described["aria-invalid"] == "true"
        assert f"{field}-error" in described["aria-describedby"]


def test_arabic_indic_digits_are_accepted_in_id_and_mobile(registrant, sms_outbox):
    eastern = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    response = registrant.submit(national_id=registrant.national_id.translate(eastern),
                                 mobile="٠٥٥١٢٣٤٥٦٧")
    assert response.status_code == 303
    assert sms_outbox.messages()[-1]["to"] == "+966551234567"


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "We could not find this ID or iqama number in the civil registry. Check it and "
            "try again"),
     ("ar", "لم نجد رقم الهوية أو الإقامة هذا في السجل المدني. تحقق منه وحاول مرة أخرى")],
)
def test_an_id_not_in_the_civil_registry_is_refused(app, client, lang, message):
    from tests.conftest import fresh_national_id
    from tests.registration.conftest import Registrant

    stranger = Registrant(app, client, fresh_national_id(), lang=lang)
    response = stranger.submit()
    assert response.status_code == 422
    assert field_error(response, "national_id") == message
