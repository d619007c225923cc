"""Every notice texted to a holder lands in their inbox once, in the same commit as the
notice, in their language at that moment: whether the text goes at once, is tried again,
fails for good or is sent by two runners at once. Codes never do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import ActivationState, InboxMessage, Language, SmsMessage
from absher_web.services import inbox, notices, outbox
from tests.account.concurrency import at_once
from tests.account.conftest import Citizen
from tests.conftest import empty_all_tables
from tests.registration.test_sms_provider import http_sms_app

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(database_url, provider):
    """The site texting through the provider on 127.0.0.1, four tries to a notice."""
    app = http_sms_app(database_url, provider.url)
    app.config["SMS_MAX_ATTEMPTS"] = 4
    yield app
    empty_all_tables(app)


def inbox_rows(app) -> list[InboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(InboxMessage).order_by(InboxMessage.id)))


def sms_rows(app) -> list[SmsMessage]:
    with app.app_context():
        return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def run_due(app, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        result = app.test_cli_runner().invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output


def test_a_notice_sent_at_once_is_in_the_inbox_as_texted(app, provider, make_account):
    account = make_account(language="ar")
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        assert notices.send(db.session, notices.PASSWORD_CHANGED, account, NOW) is True
    [kept], [sms] = inbox_rows(app), sms_rows(app)
    assert provider.received[0]["body"] == sms.body == kept.body
    assert kept.body.startswith("أبشر")  # Arabic: the holder's language
    assert (kept.account_id, kept.topic, kept.language, kept.sms_message_id, kept.link) == (
        account.id, "password_changed_notice", Language.ARABIC, sms.id, "account.home")
    assert kept.read_at is None and kept.created_at == NOW


def test_a_notice_failing_and_tried_again_until_given_up_is_kept_once(app, provider,
                                                                       make_account):
    account = make_account()
    provider.mode = "error"
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        assert notices.send(db.session, notices.BILL_REFUNDED, account, NOW,
                            amount="150.00 SAR", bill="5000000000017") is False
    for minutes in range(1, 40):
        run_due(app, NOW + timedelta(minutes=minutes, seconds=30))
    [sms] = sms_rows(app)
    assert sms.attempts == 4 and sms.sent_at is None  # given up
    [kept] = inbox_rows(app)
    assert kept.body == sms.body and "5000000000017" in kept.body
    assert kept.link == "payments.index"
    assert provider.received == []


def test_a_notice_sent_on_its_second_try_is_kept_once(app, provider, make_account):
    account = make_account()
    provider.mode = "error"
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        assert notices.send(db.session, notices.PASSWORD_CHANGED, account, NOW) is False
    provider.mode = "ok"
    run_due(app, NOW + timedelta(minutes=2))
    run_due(app, NOW + timedelta(minutes=5))
    [sms] = sms_rows(app)
    assert sms.attempts == 2 and sms.sent_at is not None and len(provider.received) == 1
    assert [row.sms_message_id for row in inbox_rows(app)] == [sms.id]


def test_a_change_rolled_back_leaves_no_inbox_message(app, provider, make_account):
    account = make_account()
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        notices.queue(db.session, notices.PASSWORD_CHANGED, account, NOW)
        db.session.rollback()
    assert inbox_rows(app) == [] and sms_rows(app) == []


def test_the_language_is_the_one_the_holder_had_when_it_was_sent(app, provider, make_account):
    account = make_account(language="en")
    with app.test_request_context():
        account = db.session.merge(account)
        notices.send(db.session, notices.ACCOUNT_ACTIVATED, account, NOW)
        account.preferred_language = Language.ARABIC
        db.session.commit()
        notices.send(db.session, notices.ACCOUNT_ACTIVATED, account, NOW)
    first, second = inbox_rows(app)
    assert first.language is Language.ENGLISH and "your account is now active" in first.body
    assert second.language is Language.ARABIC and second.body != first.body


def test_each_person_of_a_notice_to_several_gets_their_own(app, provider, make_account):
    owner, driver = make_account(language="ar"), make_account(language="en")
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        notices.send_each(db.session, [
            (notices.DRIVING_CANCELLED_OWNER, owner,
             {"national_id": driver.national_id, "plate": "ABC 123"}),
            (notices.DRIVING_CANCELLED_DRIVER, driver, {"plate": "ABC 123"})], NOW)
    rows = inbox_rows(app)
    assert sorted((row.account_id, row.language) for row in rows) == sorted(
        [(owner.id, Language.ARABIC), (driver.id, Language.ENGLISH)])
    assert {row.link for row in rows} == {"eservices.driving_authorisations"}


def test_two_runners_at_once_keep_each_notice_once(app, provider, make_account):
    account = make_account()
    with app.test_request_context():
        for _ in range(20):
            notices.queue(db.session, notices.PASSWORD_CHANGED, account, NOW, at_once=False)
        db.session.commit()

    def runner() -> tuple[int, int]:
        with app.app_context():
            return outbox.send_due(db.transaction, NOW + timedelta(minutes=1), 4)

    outputs = at_once([runner, runner])
    assert sum(sent for sent, _ in outputs) == 20 and len(provider.received) == 20
    rows = inbox_rows(app)
    assert len(rows) == 20
    assert sorted(row.sms_message_id for row in rows) == [row.id for row in sms_rows(app)]


def test_one_text_message_can_have_one_inbox_copy_only(app, make_account):
    """The unique key behind "once": a second copy of one text is refused by the database."""
    from sqlalchemy.exc import IntegrityError

    account = make_account()
    with app.test_request_context():
        sms = notices.queue(db.session, notices.PASSWORD_CHANGED, account, NOW)
        db.session.commit()
        inbox.keep(db.session, account.id, sms.purpose, sms.body, Language.ENGLISH, NOW,
                   sms_message_id=sms.id)
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_codes_never_reach_the_inbox(app, provider, client, make_account, sms_outbox):
    """Signing in texts a code: the code is in the text message, nowhere in the inbox."""
    account = make_account(state=ActivationState.ACTIVE)
    with app.test_request_context():
        notices.send(db.session, notices.ACCOUNT_ACTIVATED, account, NOW)
    citizen = Citizen(client, account, sms_outbox)
    assert citizen.enter_password().status_code == 303
    code = [m for m in provider.received if "#" in m["body"]][-1]["body"].rsplit("#", 1)[1]
    page = client.get("/en/individuals/login/code")
    from tests.account.conftest import csrf_of
    assert client.post("/en/individuals/login/code",
                       data={"csrf_token": csrf_of(page), "code": code}).status_code == 303
    bodies = [row.body for row in inbox_rows(app)]
    assert len(bodies) == 1 and all(code not in body for body in bodies)
    listed = client.get("/en/account/inbox").get_data(as_text=True)
    assert code not in listed and "your account is now active" in listed
