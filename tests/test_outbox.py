"""The notices' outbox: saved with the change, sent once, sent again with growing pauses,
given up on in the end, and never twice — across a crash and with two runners."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from absher_web.extensions import db
from absher_web.models import SmsMessage, SmsStatus
from absher_web.services import notices, outbox
from tests.conftest import POSTGRES_URL, empty_all_tables
from tests.registration.test_sms_provider import http_sms_app

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(database_url, provider):
    app = http_sms_app(database_url, provider.url)
    app.config["SMS_MAX_ATTEMPTS"] = 4
    yield app
    empty_all_tables(app)


def run_due(app, at: datetime) -> str:
    with time_machine.travel(at, tick=False):
        result = app.test_cli_runner().invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output
    return result.output


def notice_rows(app) -> list[SmsMessage]:
    with app.app_context():
        return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def queue_for(app, account, count: int = 1, at_once: bool = True) -> None:
    """Notices saved with a change whose process then died before sending them."""
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        for _ in range(count):
            notices.queue(db.session, notices.PASSWORD_CHANGED, account, NOW, at_once=at_once)
        db.session.commit()


def test_a_notice_saved_before_a_crash_is_sent_once_by_the_runner(app, provider,
                                                                    make_account):
    account = make_account()
    queue_for(app, account)
    # Within a minute the request that saved it may still be sending it: not the runner's.
    assert "sent 0 message(s)" in run_due(app, NOW + timedelta(seconds=30))
    assert "sent 1 message(s)" in run_due(app, NOW + timedelta(minutes=2))
    assert "sent 0 message(s)" in run_due(app, NOW + timedelta(minutes=3))
    assert len(provider.received) == 1 and provider.received[0]["to"] == account.mobile
    [row] = notice_rows(app)
    assert (row.status, row.attempts) == (SmsStatus.SENT, 1)


def test_a_failing_provider_is_tried_with_growing_pauses_then_given_up(app, provider,
                                                                        make_account, caplog):
    account = make_account()
    provider.mode = "error"
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        assert notices.send(db.session, notices.PASSWORD_CHANGED, account, NOW) is False
    [row] = notice_rows(app)
    assert (row.status, row.attempts) == (SmsStatus.FAILED, 1)
    assert row.next_attempt_at == NOW + timedelta(minutes=1)

    tries = []
    for minutes in range(0, 30):
        moment = NOW + timedelta(minutes=minutes, seconds=30)
        if "sent 0 message(s); 1 message(s) failed" in run_due(app, moment):
            tries.append(minutes)
    # Pauses of 1, 2 and 4 minutes after tries 1, 2 and 3; the fourth try is the last.
    assert tries == [1, 3, 7]
    assert notice_rows(app)[0].attempts == 4
    assert "giving up on notice" in caplog.text
    provider.mode = "ok"
    assert "sent 0 message(s)" in run_due(app, NOW + timedelta(hours=5))
    assert provider.received == []


def test_a_claim_left_by_a_dead_process_is_taken_again_and_the_provider_drops_the_repeat(
        app, provider, make_account):
    account = make_account()
    queue_for(app, account)
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        [row] = notice_rows(app)
        assert outbox.deliver(db.session, row, NOW) is True  # delivered, then the process...
        db.session.execute(update(SmsMessage).values(status=SmsStatus.SENDING, claimed_at=NOW))
        db.session.commit()  # ...died before the row said so
    assert "sent 0 message(s)" in run_due(app, NOW + timedelta(minutes=5))
    assert "sent 1 message(s)" in run_due(app, NOW + timedelta(minutes=11))
    assert len(provider.received) == 1  # the same idempotency key: not delivered twice
    assert notice_rows(app)[0].status is SmsStatus.SENT


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs ABSHER_TEST_DATABASE_URL (PostgreSQL)")
def test_two_runners_at_once_send_each_notice_exactly_once(app, provider, make_account):
    account = make_account()
    queue_for(app, account, count=20, at_once=False)
    barrier, outputs = threading.Barrier(2), []

    def runner() -> None:
        barrier.wait()
        with app.app_context():
            outputs.append(outbox.send_due(db.transaction, NOW + timedelta(minutes=1), 4))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _ in outputs) == 20
    assert all(sent > 0 for sent, _ in outputs), outputs  # both really worked
    assert len(provider.received) == 20
    assert {row.status for row in notice_rows(app)} == {SmsStatus.SENT}


def test_the_notice_is_saved_in_the_same_commit_as_the_change(app, provider, make_account,
                                                              caplog):
    """A password change whose commit fails leaves no notice behind, and the reverse."""
    caplog.set_level(logging.WARNING)
    account = make_account()
    with app.test_request_context(), time_machine.travel(NOW, tick=False):
        notices.queue(db.session, notices.PASSWORD_CHANGED, account, NOW)
        db.session.rollback()  # the change failed: its notice goes with it
    assert notice_rows(app) == []
