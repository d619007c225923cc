"""One recovery hit by many requests at once: answers are counted before they are checked,
and each step completes once, whatever the number of clicks."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import (
    Account,
    AuditEvent,
    RecoveryFlow,
    RecoveryStep,
    SecurityAnswer,
    utcnow,
)
from tests.account.concurrency import HashChecks, at_once, open_limits, same_browser
from tests.account.conftest import Citizen
from tests.conftest import SECURITY_ANSWERS
from tests.recovery.test_recovery import NEW_PASSWORD, Recoverer, hidden


@pytest.fixture
def hash_checks(monkeypatch) -> HashChecks:
    return HashChecks(monkeypatch)


@pytest.fixture
def recoverer(app, client, make_account) -> Recoverer:
    open_limits(app)
    return Recoverer(app, client, make_account())


def kinds(app, account_id: int) -> Counter:
    with app.app_context():
        return Counter(db.session.scalars(
            select(AuditEvent.kind).where(AuditEvent.account_id == account_id)))


def texts_to(sms_outbox, mobile: str, words: str) -> int:
    return sum(1 for sent in sms_outbox.messages()
               if sent["to"] == mobile and words in sent["body"])


def post_from_tabs(app, recoverer: Recoverer, path: str, count: int, **data) -> list:
    """The same form sent ``count`` times at once from one browser's recovery."""
    token = hidden(recoverer.client.get(recoverer.url(path)), "csrf_token")
    tabs = same_browser(app, recoverer.client, count)
    return at_once([lambda tab=tab: tab.post(recoverer.url(path),
                                             data={"csrf_token": token, **data})
                    for tab in tabs])


def test_ten_wrong_answers_at_once_check_at_most_three_and_lock_once(
    app, recoverer, sms_outbox, hash_checks
):
    assert recoverer.start().status_code == 303
    with app.app_context():
        answer_hashes = list(db.session.scalars(select(SecurityAnswer.answer_hash).where(
            SecurityAnswer.account_id == recoverer.account.id)))

    responses = post_from_tabs(app, recoverer, "/question", 10,
                               question="first_school", answer="Wrong School")

    # Refused as locked (423), or too late: the lock ended this recovery (303 to start again).
    statuses = Counter(response.status_code for response in responses)
    assert set(statuses) <= {422, 423, 303} and statuses[423] + statuses[303] >= 7
    assert all("expired=1" in response.headers["Location"]
               for response in responses if response.status_code == 303)
    assert hash_checks.of(*answer_hashes) <= 3
    with app.app_context():
        account = db.session.get(Account, recoverer.account.id)
        assert account.recovery_locked_until is not None
        assert account.recovery_locked_until > utcnow()
        assert account.recovery_wrong_answers == 0
    counted = kinds(app, recoverer.account.id)
    assert counted["recovery_answer_wrong"] <= 3 and counted["recovery_locked"] == 1
    assert texts_to(sms_outbox, recoverer.account.mobile, "password recovery is locked") == 1
    # Locked: a new recovery is refused too.
    assert "locked for an hour" in recoverer.start().get_data(as_text=True)


def test_the_right_answer_clicked_three_times_sends_one_code(app, recoverer, sms_outbox):
    assert recoverer.start().status_code == 303

    responses = post_from_tabs(app, recoverer, "/question", 3,
                               question="first_school", answer=SECURITY_ANSWERS["first_school"])

    # Each lands on the code step (or is told the question is behind it); none is refused.
    assert {response.status_code for response in responses} <= {303, 409}
    assert texts_to(sms_outbox, recoverer.account.mobile, "password recovery code") == 1
    with app.app_context():
        assert db.session.get(Account, recoverer.account.id).recovery_locked_until is None


def test_fifty_new_passwords_at_once_change_it_once_and_text_once(app, recoverer, sms_outbox):
    recoverer.start()
    recoverer.answer(answer=SECURITY_ANSWERS["first_school"])
    assert recoverer.code(sms_outbox).headers["Location"] == "/en/recover/new-password"

    responses = post_from_tabs(app, recoverer, "/new-password", 50,
                               password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)

    done = [response for response in responses
            if response.headers.get("Location") == "/en/recover/done"]
    assert len(done) == 1
    assert kinds(app, recoverer.account.id)["password_recovered"] == 1
    assert texts_to(sms_outbox, recoverer.account.mobile, "your password was changed") == 1
    with app.app_context():
        [flow] = db.session.scalars(select(RecoveryFlow).where(
            RecoveryFlow.account_id == recoverer.account.id))
        assert flow.step is RecoveryStep.DONE
    assert Citizen(app.test_client(), recoverer.account, sms_outbox) \
        .enter_password(password=NEW_PASSWORD).status_code == 303
