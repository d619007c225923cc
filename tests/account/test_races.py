"""Password tries sent all at once: each is counted before bcrypt runs, so at most five of a
burst are checked against the password, the lock applies mid-burst, and it is texted once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import Account, AuditEvent, utcnow
from tests.account.concurrency import HashChecks, at_once, open_limits, same_browser
from tests.account.conftest import Citizen, csrf_of

WRONG = "Wrong-Passw0rd"
REJECTED = "The username, ID number or password is not right"
LOCKED_AT_SIGN_IN = "This account is locked for a while"
LOCKED_ON_A_PAGE = "so your account is locked for a while"


@pytest.fixture
def hash_checks(monkeypatch) -> HashChecks:
    return HashChecks(monkeypatch)


def stored(app, account_id: int) -> Account:
    with app.app_context():
        account = db.session.get(Account, account_id)
        db.session.expunge(account)
        return account


def audit_counts(app, account_id: int) -> Counter:
    with app.app_context():
        return Counter(db.session.scalars(
            select(AuditEvent.kind).where(AuditEvent.account_id == account_id)))


def lock_notices(sms_outbox, mobile: str) -> int:
    return sum(1 for sent in sms_outbox.messages()
               if sent["to"] == mobile and "it is locked for a while" in sent["body"])


def answers(responses, *sentences: str) -> Counter:
    """How many responses said each sentence."""
    said: Counter = Counter()
    for response in responses:
        text = response.get_data(as_text=True)
        [sentence] = [sentence for sentence in sentences if sentence in text]
        said[sentence] += 1
    return said


def test_fifty_wrong_passwords_at_once_reach_bcrypt_five_times_and_lock_once(
    app, make_account, sms_outbox, hash_checks
):
    open_limits(app)
    account = make_account()
    posts = []
    for _ in range(50):
        browser = app.test_client()
        token = csrf_of(browser.get("/en/individuals/login"))
        posts.append(lambda browser=browser, token=token: browser.post(
            "/en/individuals/login",
            data={"csrf_token": token, "identifier": account.username, "password": WRONG}))

    responses = at_once(posts)

    assert [response.status_code for response in responses] == [422] * 50
    said = answers(responses, REJECTED, LOCKED_AT_SIGN_IN)
    # Every try was either counted and checked, or refused by the lock: none slipped through.
    assert said[REJECTED] <= 5 and said[LOCKED_AT_SIGN_IN] >= 45
    assert hash_checks.of(account.password_hash) == 5
    after = stored(app, account.id)
    assert after.locked_until is not None and after.locked_until > utcnow()
    assert after.lockouts == 1 and after.consecutive_failures == 0
    assert after.failures_since_recovery == 5
    kinds = audit_counts(app, account.id)
    assert kinds["sign_in_failed"] == 5 and kinds["account_locked"] == 1
    assert lock_notices(sms_outbox, account.mobile) == 1
    # The right password waits for the lock like any other.
    assert LOCKED_AT_SIGN_IN in Citizen(app.test_client(), account, sms_outbox) \
        .enter_password().get_data(as_text=True)


@pytest.mark.parametrize("page", ["password", "security-questions"])
def test_wrong_passwords_at_once_on_a_signed_in_page_are_counted_the_same_way(
    app, make_account, sms_outbox, hash_checks, page
):
    open_limits(app)
    account = make_account()
    citizen = Citizen(app.test_client(), account, sms_outbox)
    citizen.sign_in()
    url = f"/en/account/{page}"
    token = csrf_of(citizen.client.get(url))
    data = {"password": {"csrf_token": token, "current_password": WRONG,
                         "new_password": "Nw8kPq2xZr", "confirm_new_password": "Nw8kPq2xZr"},
            "security-questions": {"csrf_token": token, "password": WRONG,
                                   "question_1": "first_school", "answer_1": "Dar Al Uloom",
                                   "question_2": "first_teacher", "answer_2": "Huda",
                                   "question_3": "first_car", "answer_3": "Camry"}}[page]
    tabs = same_browser(app, citizen.client, 20)
    checked_before = hash_checks.of(account.password_hash)  # the sign-in's own check

    responses = at_once([lambda tab=tab: tab.post(url, data=data) for tab in tabs])

    assert [response.status_code for response in responses] == [422] * 20
    locked = sum(LOCKED_ON_A_PAGE in response.get_data(as_text=True) for response in responses)
    assert locked >= 15
    assert hash_checks.of(account.password_hash) - checked_before == 5
    after = stored(app, account.id)
    assert after.locked_until is not None and after.lockouts == 1
    assert audit_counts(app, account.id)["account_locked"] == 1
    assert lock_notices(sms_outbox, account.mobile) == 1
    # Nothing was changed by any of them.
    assert "security_questions_set" not in audit_counts(app, account.id)
    assert after.password_hash == account.password_hash


def test_a_right_password_gives_its_try_back(app, make_account, sms_outbox):
    account = make_account()
    citizen = Citizen(app.test_client(), account, sms_outbox)
    for _ in range(2):
        citizen.enter_password(password=WRONG)
    assert citizen.enter_password().status_code == 303
    after = stored(app, account.id)
    # The two wrong tries stay counted towards the hard stop; the right one does not.
    assert after.failures_since_recovery == 2 and after.consecutive_failures == 0
    with app.app_context():
        failed = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == "sign_in_failed"))
    assert failed == 2

