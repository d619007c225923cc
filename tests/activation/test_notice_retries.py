"""Failed notices are sent again by the runner; several runners at once never repeat work.

These tests use the http SMS backend against a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.models import (
    Account,
    ActivationState,
    AuditEvent,
    SmsMessage,
    SmsStatus,
    utcnow,
)
from absher_web.services import activation
from tests.activation.test_run_due import count, run_due, state_of
from tests.conftest import POSTGRES_URL, empty_all_tables


@pytest.fixture
def app(database_url, provider, tmp_path):
    config = type("HttpSmsConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_BACKEND": "http", "SMS_URL": provider.url,
        "SMS_API_KEY": "test-provider-key", "SMS_TIMEOUT": 1, "SMS_RETRIES": 0,
        "SMS_FILE": str(tmp_path / "sms.jsonl"),
    })
    app = create_app(config)
    yield app
    empty_all_tables(app)


def test_a_notice_the_provider_refused_is_sent_on_a_later_run(app, bank, make_account,
                                                               provider):
    account = make_account()
    bank.send(bank.body(account))
    later = utcnow() + timedelta(days=2, minutes=1)

    provider.mode = "error"
    report = run_due(app, later)
    # The account is active even though the message could not go yet.
    # Tried once; the next try waits for the next run.
    assert (report.activated, report.notices_failed) == (1, 1)
    assert state_of(app, account) is ActivationState.ACTIVE
    assert count(app, SmsMessage, SmsMessage.status == SmsStatus.FAILED) == 1

    provider.mode = "ok"
    report = run_due(app, later + timedelta(minutes=5))
    assert (report.activated, report.notices_sent) == (0, 1)
    assert [m["to"] for m in provider.received] == [account.mobile]
    with app.app_context():
        [message] = db.session.scalars(select(SmsMessage)).all()
        assert (message.status, message.attempts) == (SmsStatus.SENT, 2)
    assert run_due(app, later + timedelta(minutes=10)).notices_sent == 0


def test_a_notice_is_tried_a_limited_number_of_times(app, bank, make_account, provider):
    app.config["SMS_MAX_ATTEMPTS"] = 3
    bank.send(bank.body(make_account()))
    provider.mode = "error"
    later = utcnow() + timedelta(days=3)
    for minutes in range(0, 25, 5):  # five runs, five minutes apart
        run_due(app, later + timedelta(minutes=minutes))
    with app.app_context():
        [message] = db.session.scalars(select(SmsMessage)).all()
        assert (message.status, message.attempts) == (SmsStatus.FAILED, 3)
    assert provider.requests == 3


def test_code_messages_are_never_sent_again(app, provider, make_account):
    # A code's body is kept masked, and a stale code is useless: only notices are retried.
    with app.app_context():
        db.session.add(SmsMessage(to="+966550000009", body="code ••••••", purpose="sign_in_code",
                                  status=SmsStatus.FAILED, attempts=1, retryable=False,
                                  created_at=utcnow()))
        db.session.commit()
    assert run_due(app).notices_sent == 0
    assert provider.requests == 0


# --- the command ----------------------------------------------------------------

def test_the_command_reports_what_it_did(app, bank, make_account, provider):
    account = make_account()
    bank.send(bank.body(account))
    runner = app.test_cli_runner()
    with time_machine.travel(utcnow() + timedelta(days=2, hours=1), tick=False):
        result = runner.invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output
    assert "Activated 1 account(s); sent 1 message(s); 0 message(s) failed" in result.output
    assert state_of(app, account) is ActivationState.ACTIVE


# --- several runners at once ------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs ABSHER_TEST_DATABASE_URL (PostgreSQL)")
def test_two_runners_at_once_never_activate_or_text_twice(app, bank, make_account, provider):
    provider.mode = "ok"
    accounts = [make_account() for _ in range(24)]
    for account in accounts:
        assert bank.send(bank.body(account)).status_code == 202
    later = utcnow() + timedelta(days=3)
    start = threading.Barrier(2)
    reports: list[activation.RunReport] = []

    def runner():
        with app.app_context():
            start.wait()
            reports.append(activation.run_due(
                db.transaction, activation.Settings.from_config(app.config), later))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(report.activated for report in reports) == len(accounts)
    assert all(report.activated for report in reports), "both runners should have worked"
    assert sorted(m["to"] for m in provider.received) == sorted(a.mobile for a in accounts)
    assert count(app, AuditEvent, AuditEvent.kind == "account_activated") == len(accounts)
    assert count(app, Account, Account.activation_state == ActivationState.ACTIVE) == len(
        accounts)
