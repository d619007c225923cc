"""Security questions: set after the first sign-in, before anything else; changed later."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Account, AuditEvent, SecurityAnswer
from absher_web.services.security_questions import QUESTIONS, check_answer
from tests.account.conftest import Citizen, csrf_of
from tests.conftest import PASSWORD, SECURITY_ANSWERS
from tests.pages import parse

PAGE = "/en/account/security-questions"

GOOD = {
    "question_1": "first_school", "answer_1": "Al Amal School",
    "question_2": "parents_met_city", "answer_2": "Riyadh",
    "question_3": "first_employer", "answer_3": "Saudi Post",
}


@pytest.fixture
def newcomer(client, make_account, sms_outbox) -> Citizen:
    """Someone signed in for the first time, with no security questions yet."""
    citizen = Citizen(client, make_account(with_questions=False), sms_outbox)
    citizen.sign_in()
    return citizen


@pytest.fixture
def regular(client, make_account, sms_outbox) -> Citizen:
    """Someone who set their questions (tests.conftest.SECURITY_ANSWERS) long ago."""
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.sign_in()
    return citizen


def submit(client, changes: dict | None = None, htmx: bool = False, **fields):
    data = {**GOOD, **(changes or {}), **fields}
    data["csrf_token"] = csrf_of(client.get(PAGE))
    return client.post(PAGE, data=data, headers={"HX-Request": "true"} if htmx else {})


def error_for(page, field_id: str) -> str:
    return page.find(id=f"{field_id}-error").get_text(" ", strip=True)


def stored_answers(app, account_id: int) -> Account:
    with app.app_context():
        account = db.session.get(Account, account_id)
        # Loaded here, so the answers can be checked after the session ends.
        _ = [answer.answer_hash for answer in account.security_answers]
        return account


class TestFirstSignIn:
    @pytest.mark.parametrize("path", ["/en/account/", "/en/account/my-data"])
    def test_every_account_page_leads_to_the_questions_first(self, newcomer, path):
        response = newcomer.client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"] == PAGE

    def test_the_setup_page_asks_for_three_questions_and_no_password(self, newcomer):
        response = newcomer.client.get(PAGE)
        assert response.status_code == 200
        page = parse(response)
        assert page.h1.get_text(strip=True) == "Set your security questions"
        assert "Before you can use your account" in page.get_text()
        legends = [legend.get_text(strip=True) for legend in page.find_all("legend")]
        assert legends == ["Question 1", "Question 2", "Question 3"]
        for number in (1, 2, 3):
            options = page.find("select", id=f"question_{number}").find_all("option")
            assert options[0].get_text(strip=True) == "Choose a question"
            assert options[0]["value"] == ""
            assert len(options) - 1 == len(QUESTIONS) >= 8
            assert page.find("input", id=f"answer_{number}")["autocomplete"] == "off"
        assert page.find("input", attrs={"name": "password"}) is None
        # Nothing else opens yet, so the account menu offers nothing else; signing out does.
        nav = page.find("nav", class_="account-nav")
        assert nav.find("a", href="/en/account/my-data") is None
        assert nav.find("button").get_text(strip=True) == "Sign out"

    def test_arabic_pages_lead_to_the_arabic_setup_page(self, client, make_account, sms_outbox):
        Citizen(client, make_account(language="ar", with_questions=False), sms_outbox,
                lang="ar").sign_in()
        response = client.get("/ar/account/")
        assert response.headers["Location"] == "/ar/account/security-questions"
        page = parse(client.get("/ar/account/security-questions"))
        assert page.html["dir"] == "rtl"
        assert len(page.find_all("fieldset")) == 3

    def test_htmx_requests_are_sent_to_the_setup_page_too(self, newcomer):
        response = newcomer.client.get("/en/account/my-data", headers={"HX-Request": "true"})
        assert response.headers["HX-Redirect"] == PAGE

    def test_the_page_needs_sign_in(self, client):
        response = client.get(PAGE)
        assert response.status_code == 302
        assert "/en/individuals/login" in response.headers["Location"]


class TestSaving:
    def test_three_different_questions_open_the_account_with_a_notice(self, app, newcomer):
        response = submit(newcomer.client)
        assert response.status_code == 303
        assert response.headers["Location"] == "/en/account/"
        home = parse(newcomer.client.get("/en/account/"))
        assert home.find(class_="notice").get_text(strip=True) == \
            "Your security questions have been saved"
        assert "Security questions set" in home.find("table").get_text()
        # Said once: the next visit to home does not repeat it.
        again = newcomer.client.get("/en/account/").get_data(as_text=True)
        assert "Your security questions have been saved" not in again
        assert newcomer.client.get("/en/account/my-data").status_code == 200

    def test_saving_is_recorded_in_the_audit_log(self, app, newcomer):
        submit(newcomer.client)
        with app.app_context():
            events = list(db.session.scalars(
                select(AuditEvent).where(AuditEvent.kind == "security_questions_set")))
        assert len(events) == 1
        assert events[0].account_id == newcomer.account.id
        assert events[0].client_address == "127.0.0.1"
        # Which questions, never the answers.
        assert "Riyadh" not in str(events[0].detail)

    def test_the_same_question_twice_is_refused_on_the_repeat(self, newcomer):
        response = submit(newcomer.client, question_3="first_school")
        assert response.status_code == 422
        page = parse(response)
        assert page.title.get_text().startswith("Error:")
        message = "Choose a different question. Your three questions must all be different"
        assert error_for(page, "question_3") == f"Error: {message}"
        assert page.find(id="question_1-error") is None
        summary = page.find(attrs={"data-error-summary": True})
        assert summary.find("a", href="#question_3").get_text(strip=True) == message
        # What was typed is kept, and nothing is saved.
        assert page.find("input", id="answer_2")["value"] == "Riyadh"
        assert newcomer.client.get("/en/account/").status_code == 303

    @pytest.mark.parametrize("answer, message", [
        ("", "Enter your answer to the question you chose"),
        ("    ", "Enter your answer to the question you chose"),
        ("\u064e\u0651", "Enter your answer to the question you chose"),  # diacritics only
        ("x", "Your answer must be at least 2 characters"),
        ("y" * 101, "Your answer must be 100 characters or fewer"),
    ])
    def test_empty_or_unusable_answers_are_refused(self, newcomer, answer, message):
        response = submit(newcomer.client, answer_2=answer)
        assert response.status_code == 422
        assert error_for(parse(response), "answer_2") == f"Error: {message}"
        assert newcomer.client.get("/en/account/").status_code == 303

    @pytest.mark.parametrize("choice", ["", "favourite_colour"])
    def test_a_question_must_be_chosen_from_the_list(self, newcomer, choice):
        response = submit(newcomer.client, question_2=choice)
        assert response.status_code == 422
        assert error_for(parse(response), "question_2") == \
            "Error: Choose a question from the list"

    def test_with_htmx_errors_swap_in_place_and_success_loads_home(self, newcomer):
        response = submit(newcomer.client, htmx=True, answer_1="")
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert "<html" not in body
        assert "Enter your answer to the question you chose" in body
        response = submit(newcomer.client, htmx=True)
        assert response.headers["HX-Redirect"] == "/en/account/"


class TestAnswers:
    VARIANTS = {
        "first_school": ("مدرسة الأمل", "مدرسه الامل"),
        "parents_met_city": ("  AL-Riyadh ", "al-riyadh"),
        "childhood_street": ("شارع ٤٥", "شارع 45"),
    }

    def set_variants(self, newcomer):
        fields = {}
        for number, (key, (answer, _)) in enumerate(self.VARIANTS.items(), start=1):
            fields[f"question_{number}"], fields[f"answer_{number}"] = key, answer
        assert submit(newcomer.client, fields).status_code == 303

    def test_answers_are_stored_hashed(self, app, newcomer):
        self.set_variants(newcomer)
        account = stored_answers(app, newcomer.account.id)
        assert {answer.question_key for answer in account.security_answers} == \
            set(self.VARIANTS)
        for answer in account.security_answers:
            typed, normalised = self.VARIANTS[answer.question_key]
            assert answer.answer_hash.startswith("$2b$")
            assert typed.strip() not in answer.answer_hash
            assert normalised not in answer.answer_hash

    def test_the_answer_matches_however_it_is_typed_later(self, app, newcomer):
        self.set_variants(newcomer)
        account = stored_answers(app, newcomer.account.id)
        for key, (_, later) in self.VARIANTS.items():
            assert check_answer(account, key, later), key
        assert check_answer(account, "first_school", "مدرسةُ الأمَل")  # with harakat
        assert check_answer(account, "childhood_street", "شارع ۴۵")  # Persian digits

    def test_a_wrong_answer_or_another_question_does_not_match(self, app, newcomer):
        self.set_variants(newcomer)
        account = stored_answers(app, newcomer.account.id)
        assert not check_answer(account, "parents_met_city", "Jeddah")
        assert not check_answer(account, "parents_met_city", "")
        assert not check_answer(account, "first_car", "al-riyadh")  # not one of theirs


class TestChanging:
    NEW = {"question_1": "first_school", "answer_1": "Dar Al Uloom",
           "question_2": "first_teacher", "answer_2": "Ustadh Khalid",
           "question_3": "first_flight_city", "answer_3": "Cairo"}

    def test_the_change_page_shows_the_current_questions_and_asks_for_the_password(
        self, regular
    ):
        page = parse(regular.client.get(PAGE))
        assert page.h1.get_text(strip=True) == "Change your security questions"
        chosen = [page.find("select", id=f"question_{n}").find("option", selected=True)["value"]
                  for n in (1, 2, 3)]
        assert chosen == list(SECURITY_ANSWERS)
        assert all(page.find("input", id=f"answer_{n}").get("value", "") == ""
                   for n in (1, 2, 3))
        password = page.find("input", attrs={"name": "password"})
        assert password["type"] == "password"
        assert password["autocomplete"] == "current-password"
        link = page.find("nav", class_="account-nav").find("a", href=PAGE)
        assert link.get_text(strip=True) == "Security questions"
        assert link["aria-current"] == "page"

    def test_the_account_menu_leads_to_the_questions(self, regular):
        home = parse(regular.client.get("/en/account/"))
        assert home.find("nav", class_="account-nav").find("a", href=PAGE) is not None

    def test_a_wrong_password_changes_nothing(self, app, regular):
        response = submit(regular.client, self.NEW, password="Not-the-Passw0rd")
        assert response.status_code == 422
        page = parse(response)
        assert error_for(page, "password") == \
            "Error: The password is not right. Enter the password you use to sign in"
        assert page.find("input", attrs={"name": "password"}).get("value", "") == ""
        account = stored_answers(app, regular.account.id)
        assert check_answer(account, "childhood_street", SECURITY_ANSWERS["childhood_street"])
        assert not check_answer(account, "first_school", self.NEW["answer_1"])
        assert "Your security questions have been saved" not in \
            regular.client.get("/en/account/").get_data(as_text=True)

    def test_the_password_is_required(self, regular):
        response = submit(regular.client, self.NEW)
        assert response.status_code == 422
        assert error_for(parse(response), "password") == "Error: Enter your current password"

    def test_the_right_password_replaces_the_questions(self, app, regular):
        response = submit(regular.client, self.NEW, password=PASSWORD)
        assert response.headers["Location"] == "/en/account/"
        home = parse(regular.client.get("/en/account/"))
        assert home.find(class_="notice").get_text(strip=True) == \
            "Your security questions have been saved"
        account = stored_answers(app, regular.account.id)
        assert sorted(answer.question_key for answer in account.security_answers) == \
            sorted(["first_school", "first_teacher", "first_flight_city"])
        # A question kept from the old set takes its new answer, not the old one.
        assert check_answer(account, "first_school", "dar al uloom")
        assert not check_answer(account, "first_school", SECURITY_ANSWERS["first_school"])
        with app.app_context():
            kinds = list(db.session.scalars(select(AuditEvent.kind).where(
                AuditEvent.account_id == regular.account.id)))
            rows = db.session.scalars(select(SecurityAnswer).where(
                SecurityAnswer.account_id == regular.account.id)).all()
        assert len(rows) == 3
        assert kinds.count("security_questions_set") == 1
