"""Forgot password, step by step, and every way it refuses to be walked by someone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Account, AuditEvent, utcnow
from absher_web.services import security_questions
from absher_web.services.captcha import CaptchaPolicy, answer_for
from tests.account.conftest import Citizen
from tests.conftest import PASSWORD
from tests.pages import parse

NEW_PASSWORD = "Vb8nWq3zKs"
ANSWERS = {"first_school": "Al Amal School", "first_car": "Camry", "first_teacher": "Huda"}


def hidden(response, name: str) -> str:
    return parse(response).find("input", attrs={"name": name})["value"]


class Recoverer:
    def __init__(self, app, client, account, lang: str = "en") -> None:
        self.app, self.client, self.account, self.lang = app, client, account, lang

    def url(self, path: str = "") -> str:
        return f"/{self.lang}/recover{path}"

    def start(self, national_id=None, mobile=None, htmx=False, without_visual_code=False):
        query = "?without_visual_code=1" if without_visual_code else ""
        page = self.client.get(self.url() + query)
        data = {"csrf_token": hidden(page, "csrf_token"),
                "national_id": national_id or self.account.national_id,
                "mobile": mobile or self.account.mobile}
        if without_visual_code:
            data["without_visual_code"] = "1"
        else:
            token = hidden(page, "captcha_token")
            data.update(captcha_token=token,
                        captcha_answer=answer_for(CaptchaPolicy(self.app.config["SECRET_KEY"]),
                                                  token))
        return self.client.post(self.url() + query, data=data,
                                headers={"HX-Request": "true"} if htmx else {})

    def post(self, path: str, htmx=False, **data):
        page = self.client.get(self.url(path))
        token = hidden(page, "csrf_token") if page.status_code == 200 else \
            hidden(self.client.get(self.url()), "csrf_token")
        return self.client.post(self.url(path), data={"csrf_token": token, **data},
                                headers={"HX-Request": "true"} if htmx else {})

    def answer(self, question="first_school", answer=ANSWERS["first_school"], htmx=False):
        return self.post("/question", htmx=htmx, question=question, answer=answer)

    def code(self, sms_outbox, code=None, htmx=False):
        return self.post("/code", htmx=htmx, code=code or sms_outbox.last_code(self.account.mobile))

    def new_password(self, password=NEW_PASSWORD, confirm=None, htmx=False):
        return self.post("/new-password", htmx=htmx, password=password,
                         confirm_password=confirm or password)


@pytest.fixture
def account_with_questions(app, make_account):
    account = make_account()
    with app.app_context():
        stored = db.session.get(Account, account.id)
        security_questions.set_answers(db.session, stored, ANSWERS, app.config["BCRYPT_ROUNDS"],
                                       utcnow(), None)
    return account


@pytest.fixture
def recoverer(app, client, account_with_questions) -> Recoverer:
    return Recoverer(app, client, account_with_questions)


def test_the_whole_journey_without_javascript(app, recoverer, sms_outbox, client):
    response = recoverer.start()
    assert response.headers["Location"] == "/en/recover/question"
    page = parse(client.get("/en/recover/question"))
    offered = {radio["value"] for radio in page.find_all("input", attrs={"name": "question"})}
    assert offered == set(ANSWERS)
    assert recoverer.answer(answer="  al amal SCHOOL ").headers["Location"] == "/en/recover/code"
    assert sms_outbox.messages()[-1]["body"].startswith("Your Absher password recovery code")
    assert recoverer.code(sms_outbox).headers["Location"] == "/en/recover/new-password"
    assert recoverer.new_password().headers["Location"] == "/en/recover/done"
    done = parse(client.get("/en/recover/done"))
    assert done.h1.get_text(strip=True) == "Password updated successfully"
    assert done.find("a", string="Sign in")["href"] == "/en/individuals/login"
    assert "your password was changed" in sms_outbox.messages()[-1]["body"]
    with app.app_context():
        kinds = set(db.session.scalars(select(AuditEvent.kind)))
    assert "password_recovered" in kinds
    # The new password works and the old one does not.
    fresh = Citizen(app.test_client(), recoverer.account, sms_outbox)
    assert fresh.enter_password(password=PASSWORD).status_code == 422
    assert fresh.enter_password(password=NEW_PASSWORD).status_code == 303


def test_each_step_is_swapped_in_place_with_htmx(recoverer, sms_outbox):
    headings = []
    for response in (recoverer.start(htmx=True), recoverer.answer(htmx=True),
                     recoverer.code(sms_outbox, htmx=True), recoverer.new_password(htmx=True)):
        assert response.status_code == 200
        assert "<html" not in response.get_data(as_text=True)
        headings.append(parse(response).find(attrs={"data-step-heading": True}).get_text(
            strip=True))
    assert headings == ["Answer a security question", "Enter the code we sent you",
                        "Choose a new password", "Password updated successfully"]


@pytest.mark.parametrize("wrong", ["national_id", "mobile"])
def test_a_wrong_id_or_mobile_gets_one_message_that_does_not_say_which(recoverer, wrong):
    other = {"national_id": "1000000016", "mobile": "0559990000"}
    response = recoverer.start(**{wrong: other[wrong]})
    assert response.status_code == 422
    assert "We could not find an account with this ID or iqama number and mobile number" in \
        response.get_data(as_text=True)


def test_three_wrong_answers_lock_recovery_for_an_hour(app, recoverer, sms_outbox):
    recoverer.start()
    assert recoverer.answer(answer="wrong").status_code == 422
    assert recoverer.answer(answer="wrong again").status_code == 422
    response = recoverer.answer(answer="still wrong")
    assert response.status_code == 423
    assert "locked for an hour" in response.get_data(as_text=True)
    assert "password recovery is locked" in sms_outbox.messages()[-1]["body"]
    response = recoverer.start()
    assert "locked for an hour" in response.get_data(as_text=True)
    with time_machine.travel(timedelta(hours=1, minutes=1)):
        assert recoverer.start().status_code == 303


def test_steps_cannot_be_skipped_or_replayed(recoverer, sms_outbox, client):
    recoverer.start()
    # At the question step: the code and new-password steps refuse.
    assert recoverer.post("/new-password", password=NEW_PASSWORD,
                          confirm_password=NEW_PASSWORD).status_code == 409
    assert recoverer.post("/code", code="123456").status_code == 409
    recoverer.answer()
    assert recoverer.new_password().status_code == 409  # the code comes first
    recoverer.code(sms_outbox)
    recoverer.new_password()
    # A finished recovery cannot be used again.
    again = recoverer.new_password(password="Zx9cVb7nMq")
    assert again.status_code == 303 and "expired=1" in again.headers["Location"]
    assert recoverer.answer().status_code == 303


def test_a_code_from_another_recovery_does_not_work(app, recoverer, sms_outbox,
                                                    account_with_questions):
    recoverer.start()
    recoverer.answer()
    first_code = sms_outbox.last_code()
    other = Recoverer(app, app.test_client(), account_with_questions)
    with time_machine.travel(timedelta(seconds=61)):
        other.start()
        other.answer()
        response = other.code(sms_outbox, code=first_code) \
            if first_code != sms_outbox.last_code() else None
    if response is not None:
        assert response.status_code == 422


def test_success_ends_every_session_and_clears_the_sign_in_lock(app, recoverer, sms_outbox):
    phone = app.test_client()
    Citizen(phone, recoverer.account, sms_outbox).sign_in()
    assert phone.get("/en/account/").status_code in (200, 303)
    stranger = Citizen(app.test_client(), recoverer.account, sms_outbox)
    for _ in range(5):
        stranger.enter_password(password="Wrong-Passw0rd")
    assert "locked" in stranger.enter_password().get_data(as_text=True)
    recoverer.start()
    recoverer.answer()
    recoverer.code(sms_outbox)
    recoverer.new_password()
    assert phone.get("/en/account/").status_code == 302
    assert stranger.enter_password(password=NEW_PASSWORD).status_code == 303


def test_new_password_follows_the_rules_and_must_change(recoverer, sms_outbox):
    recoverer.start()
    recoverer.answer()
    recoverer.code(sms_outbox)
    assert "too common" in recoverer.new_password(password="Password1").get_data(as_text=True)
    assert "must be different from your current password" in \
        recoverer.new_password(password=PASSWORD).get_data(as_text=True)
    assert "do not match" in recoverer.new_password(confirm="Other1234x").get_data(as_text=True)


def test_an_account_without_questions_goes_straight_to_the_code(app, client, make_account,
                                                                sms_outbox):
    recoverer = Recoverer(app, client, make_account(with_questions=False))
    assert recoverer.start().headers["Location"] == "/en/recover/code"
    page = client.get("/en/recover/code").get_data(as_text=True)
    assert "You have not set security questions yet" in page


def test_the_question_step_can_be_turned_off(app, recoverer):
    app.config["RECOVERY_SECURITY_QUESTION"] = False
    assert recoverer.start().headers["Location"] == "/en/recover/code"


def test_the_alternative_without_the_visual_code_is_tightly_limited(recoverer, client):
    page = parse(client.get("/en/recover"))
    link = page.find("a", string="I can't use the visual code")
    assert link["href"] == "/en/recover?without_visual_code=1"
    alternative = parse(client.get(link["href"]))
    assert alternative.find(id="visual-code") is None
    assert "only a few times an hour" in alternative.get_text()
    assert recoverer.start(without_visual_code=True).status_code == 303
    assert recoverer.start(without_visual_code=True).status_code == 303
    third = recoverer.start(without_visual_code=True)
    assert third.status_code == 429
    # The visual code path is still open to this person.
    assert recoverer.start().status_code == 303


def test_recovery_is_limited_per_id_across_addresses(app, recoverer):
    app.config["RATELIMIT_RECOVER_PER_ID"] = "2 per hour"
    for address in ("10.0.0.1", "10.0.0.2"):
        recoverer.client.environ_base["REMOTE_ADDR"] = address
        assert recoverer.start(mobile="0559990000").status_code == 422
    recoverer.client.environ_base["REMOTE_ADDR"] = "10.0.0.3"
    assert recoverer.start().status_code == 429


def test_a_new_code_can_be_asked_for_after_a_minute(recoverer, sms_outbox):
    recoverer.start()
    recoverer.answer()
    assert "Wait a minute before asking for another code" in \
        recoverer.post("/code/resend", htmx=True).get_data(as_text=True)
    with time_machine.travel(timedelta(seconds=61)):
        response = recoverer.post("/code/resend")
        assert response.headers["Location"] == "/en/recover/code"
        assert "We have sent a new code to" in \
            recoverer.client.get("/en/recover/code").get_data(as_text=True)
        assert recoverer.code(sms_outbox).headers["Location"] == "/en/recover/new-password"
