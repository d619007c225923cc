"""The lock after five wrong passwords: the same for names that belong to nobody, and on every
page that asks for the password again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Account, AuditEvent
from tests.account.conftest import Citizen, csrf_of
from tests.conftest import PASSWORD
from tests.pages import parse

WRONG = "Wrong-Passw0rd"
REJECTED = "The username, ID number or password is not right"
LOCKED = "This account is locked for a while after too many wrong passwords"
UNKNOWN_ID = "1000000016"


def visible(response):
    """The page as the person sees it, without the form token and what they typed."""
    soup = parse(response)
    for hidden in soup.find_all("input", attrs={"name": "csrf_token"}):
        hidden.decompose()
    for typed in soup.find_all("input", attrs={"name": "identifier"}):
        typed["value"] = ""
    return response.status_code, str(soup)


@pytest.mark.parametrize("unknown", ["Nobodyhere99", UNKNOWN_ID])
def test_an_unknown_username_or_id_is_locked_like_an_account(app, citizen, unknown):
    stranger = Citizen(app.test_client(), citizen.account, citizen.sms_outbox)
    for _ in range(4):
        real = citizen.enter_password(password=WRONG)
        assert visible(real) == visible(stranger.enter_password(identifier=unknown,
                                                                password=WRONG))
        assert REJECTED in real.get_data(as_text=True)
    real_lock = citizen.enter_password(password=WRONG)
    unknown_lock = stranger.enter_password(identifier=unknown, password=WRONG)
    assert LOCKED in unknown_lock.get_data(as_text=True)
    assert visible(real_lock) == visible(unknown_lock)
    with time_machine.travel(timedelta(minutes=15, seconds=5)):
        assert REJECTED in stranger.enter_password(identifier=unknown, password=WRONG) \
            .get_data(as_text=True)


def test_an_unknown_id_counts_the_same_in_any_digits(app, client, make_account, sms_outbox):
    stranger = Citizen(client, make_account(), sms_outbox)
    arabic = UNKNOWN_ID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for identifier in (UNKNOWN_ID, arabic, UNKNOWN_ID, f" {arabic} "):
        assert REJECTED in stranger.enter_password(identifier=identifier, password=WRONG) \
            .get_data(as_text=True)
    assert LOCKED in stranger.enter_password(identifier=arabic, password=WRONG) \
        .get_data(as_text=True)


def test_an_unknown_name_is_locked_longer_each_time(client, make_account, sms_outbox):
    stranger = Citizen(client, make_account(), sms_outbox)

    def fail(times: int):
        for _ in range(times):
            response = stranger.enter_password(identifier="Nobodyhere99", password=WRONG)
        return response.get_data(as_text=True)

    assert LOCKED in fail(5)
    with time_machine.travel(timedelta(minutes=16)):
        assert LOCKED in fail(5)
    with time_machine.travel(timedelta(minutes=16 + 20)):
        assert LOCKED in fail(1)  # the second lock is 30 minutes, as an account's
    with time_machine.travel(timedelta(minutes=16 + 31)):
        assert REJECTED in fail(1)


class TestSecurityQuestionsPage:
    PAGE = "/en/account/security-questions"
    NEW = {"question_1": "first_school", "answer_1": "Dar Al Uloom",
           "question_2": "first_teacher", "answer_2": "Ustadh Khalid",
           "question_3": "first_flight_city", "answer_3": "Cairo"}

    def submit(self, citizen, password):
        token = csrf_of(citizen.client.get(self.PAGE))
        return citizen.client.post(self.PAGE, data={"csrf_token": token, "password": password,
                                                    **self.NEW})

    def test_wrong_passwords_lock_the_account_as_at_sign_in(self, app, citizen, sms_outbox):
        citizen.sign_in()
        for _ in range(4):
            response = self.submit(citizen, WRONG)
            assert "The password is not right" in response.get_data(as_text=True)
        response = self.submit(citizen, WRONG)
        assert response.status_code == 422
        assert "so your account is locked for a while" in response.get_data(as_text=True)
        notice = sms_outbox.messages()[-1]
        assert notice["to"] == citizen.account.mobile and "locked" in notice["body"]
        # Even the right password is refused while locked, here and at sign-in.
        response = self.submit(citizen, PASSWORD)
        assert "so your account is locked for a while" in response.get_data(as_text=True)
        other = Citizen(app.test_client(), citizen.account, sms_outbox)
        assert LOCKED in other.enter_password().get_data(as_text=True)
        with app.app_context():
            kinds = list(db.session.scalars(select(AuditEvent.kind).where(
                AuditEvent.account_id == citizen.account.id)))
            assert db.session.get(Account, citizen.account.id).lockouts == 1
        assert kinds.count("sign_in_failed") == 5 and kinds.count("account_locked") == 1
        assert "security_questions_set" not in kinds
