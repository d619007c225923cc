"""No outside call inside a database transaction, and the guard that keeps it so."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import select

from absher_web import create_app, outside, sms_gateway
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.models import CodeChallenge, Person, PersonKind, SmsBudget
from tests.conftest import empty_all_tables, fresh_national_id
from tests.registration.conftest import Registrant
from tests.sms_provider import FakeProvider


def http_app(database_url: str, provider: FakeProvider, **settings):
    return create_app(type("ProviderConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_BACKEND": "http", "SMS_URL": provider.url,
        "SMS_API_KEY": "test-provider-key", "SMS_TIMEOUT": 5, "SMS_RETRIES": 1,
        "SMS_SEND_BUDGET_SECONDS": 2, **settings}))


def a_person() -> Person:
    return Person(national_id=fresh_national_id(), kind=PersonKind.CITIZEN, name_ar="سارة",
                  name_en="Sarah", birth_date=date(1990, 1, 1), nationality="SAU",
                  id_expiry=date(2031, 1, 1), city="الرياض", district="حي النخيل")


def test_the_guard_fails_a_test_that_sends_inside_a_transaction(app, outside_call_guard):
    with app.app_context():
        db.session.add(a_person())
        db.session.flush()  # the transaction now holds a write
        outside.call("SMS to the provider", lambda: sms_gateway.send("+966551234567", "hi"))
        db.session.rollback()
    with pytest.raises(pytest.fail.Exception) as failed:
        outside_call_guard.check()
    message = str(failed.value)
    assert "SMS to the provider started at" in message
    assert "test_outside_calls.py:" in message and "while a database transaction is open" \
        in message


def test_the_guard_catches_a_connection_that_skips_the_one_way_out(database_url, provider,
                                                                   outside_call_guard):
    app = http_app(database_url, provider)
    try:
        with app.app_context():
            db.session.add(a_person())
            db.session.flush()
            app.extensions["absher_sms"].send("+966551234567", "hi")  # not through outside
            db.session.rollback()
    finally:
        empty_all_tables(app)
    with pytest.raises(pytest.fail.Exception, match=r"connection to 127\.0\.0\.1:\d+ started "
                                                    r"at .*test_outside_calls\.py:\d+"):
        outside_call_guard.check()


def test_the_guard_lets_a_call_made_after_the_commit_through(app, outside_call_guard):
    with app.app_context():
        db.session.add(a_person())
        outside.call("SMS to the provider", lambda: sms_gateway.send("+966551234567", "hi"),
                     db.session)
    outside_call_guard.check()  # nothing to say


@pytest.mark.timing
def test_a_hanging_provider_holds_no_writer_of_the_site(database_url, provider, make_person):
    """Waiting on the provider, a registration holds no transaction: another writer (on
    SQLite, any writer) goes through at once instead of after the send budget."""
    provider.mode, provider.hang_seconds = "hang", 4
    app = http_app(database_url, provider)
    try:
        with app.app_context():
            registrant = Registrant(app, app.test_client(), make_person())
        registrant.open_form()
        waiting = threading.Thread(target=registrant.submit, daemon=True)
        waiting.start()
        deadline = time.monotonic() + 5
        while not provider.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert provider.received, "the code never reached the provider"
        started = time.perf_counter()
        with app.app_context(), db.transaction() as session:
            session.add(a_person())
        assert time.perf_counter() - started < 0.5
        waiting.join(timeout=5)
        # The send failed (no answer within the budget): the code forgotten, budgets back.
        with app.app_context():
            assert db.session.scalars(select(CodeChallenge)).all() == []
            assert sum(db.session.scalars(select(SmsBudget.used))) == 0
    finally:
        empty_all_tables(app)


INSIDE_A_TRANSACTION = '''
from sqlalchemy import text

from absher_web import outside, sms_gateway
from absher_web.extensions import db


def test_sends_inside_a_transaction(app):
    with app.app_context():
        db.session.execute(text("SELECT 1"))  # the session now holds a transaction
        outside.call("SMS to the provider", lambda: sms_gateway.send("+966551234567", "hi"))
        db.session.rollback()


def test_sends_after_the_commit(app):
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        outside.call("SMS to the provider", lambda: sms_gateway.send("+966551234567", "hi"),
                     db.session)
'''


def test_the_suites_guard_fails_such_a_test_by_itself(tmp_path):
    """The autouse guard, as the suite runs it (tests/conftest.py as a plugin, in a pytest of
    its own): the test that sends inside a transaction fails, naming its line; the other
    passes."""
    import subprocess
    import sys

    from absher_web.config import PROJECT_ROOT

    (tmp_path / "test_inside.py").write_text(INSIDE_A_TRANSACTION)
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "-q", "--rootdir", str(tmp_path), str(tmp_path / "test_inside.py")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    output = finished.stdout
    assert finished.returncode == 1, output
    # The call itself returns; the guard fails the test as it ends (an error at teardown).
    assert "ERROR at teardown of test_sends_inside_a_transaction" in output, output
    assert "2 passed, 1 error" in output, output  # the other test: nothing to say
    assert "SMS to the provider started at" in output
    assert "test_inside.py:11 in test_sends_inside_a_transaction" in output, output
