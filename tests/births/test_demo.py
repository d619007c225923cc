"""What a tester finds after `flask absher seed-demo`: Mohammed (1012345672) registers the
son born five days ago and pays the bill; Ahmed (2123456788), a resident, is sent to an
office."""

from __future__ import annotations

import secrets

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.extensions import db
from absher_web.identity import is_valid_national_id
from absher_web.models import Account, ActivationState, Bill, Language, SecurityAnswer
from absher_web.passwords import hash_password
from absher_web.services.security_questions import hash_answer
from tests.births.conftest import NEWBORN, Father, child_of, the_request
from tests.conftest import PASSWORD, SECURITY_ANSWERS
from tests.eservices.billing import pay
from tests.pages import parse


def demo_account(app, national_id: str, mobile: str) -> Account:
    rounds = app.config["BCRYPT_ROUNDS"]
    account = Account(
        national_id=national_id, username=f"Demo{national_id[-4:]}", mobile=mobile,
        email=f"demo{national_id[-4:]}@example.com",
        password_hash=hash_password(PASSWORD, rounds), preferred_language=Language.ENGLISH,
        activation_state=ActivationState.ACTIVE, session_token=secrets.token_urlsafe(32),
        security_answers=[SecurityAnswer(question_key=key, answer_hash=hash_answer(answer,
                                                                                 rounds))
                          for key, answer in SECURITY_ANSWERS.items()])
    with app.app_context(), db.transaction() as session:
        session.add(account)
    return account


def test_mohammed_registers_his_demo_newborn_and_ahmed_is_sent_to_an_office(
        app, client, sms_outbox):
    result = app.test_cli_runner().invoke(args=["absher", "seed-demo"])
    assert result.exit_code == 0, result.output
    mohammed = Father(client, demo_account(app, DEMO_IDS[0], "+966551112233"), sms_outbox)
    mohammed.sign_in()
    listing = parse(client.get("/en/account/family/births")).get_text(" ", strip=True)
    assert NEWBORN in listing
    review = parse(mohammed.choose()).get_text(" ", strip=True)
    assert "Saad Mohammed Abdullah Al-Otaibi" in review
    assert mohammed.confirm().status_code == 303
    with app.app_context():
        bill = db.session.get(Bill, the_request(app).bill_id)
        db.session.expunge(bill)
    pay(app, bill)
    child = child_of(app)
    assert is_valid_national_id(child.national_id)
    assert child.national_id in client.get("/en/account/family").get_data(as_text=True)

    other = app.test_client()
    ahmed = Father(other, demo_account(app, DEMO_IDS[2], "+966551112244"), sms_outbox)
    ahmed.sign_in()
    page = other.get("/en/account/family/births").get_data(as_text=True)
    assert "Residents register a birth at a Civil Affairs office" in page
    assert ahmed.page("DMM-2026-0417").status_code == 200
