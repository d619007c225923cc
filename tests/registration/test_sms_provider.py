"""When the SMS provider is down, failing or slow: a clear message, nothing lost, and a retry."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.models import Account, PendingRegistration, SmsMessage, SmsStatus
from tests.conftest import empty_all_tables
from tests.pages import parse
from tests.registration.conftest import Registrant
from tests.sms_provider import FakeProvider


def http_sms_app(database_url: str, url: str):
    config = type("HttpSmsConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_BACKEND": "http", "SMS_URL": url,
        "SMS_API_KEY": "test-provider-key", "SMS_TIMEOUT": 1, "SMS_RETRIES": 1,
    })
    return create_app(config)


@pytest.fixture
def app(database_url, provider):
    app = http_sms_app(database_url, provider.url)
    yield app
    empty_all_tables(app)


def sms_records(app) -> list[SmsMessage]:
    with app.app_context():
        return list(db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def test_the_http_backend_posts_json_with_the_key(app, registrant, provider):
    assert registrant.submit().status_code == 303
    [message] = provider.received
    assert message["to"] == "+966551234567"
    assert "registration code" in message["body"]
    [record] = sms_records(app)
    assert record.status is SmsStatus.SENT
    # The code itself is never stored.
    assert provider.last_code() not in record.body


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_failure_is_told_plainly_and_send_again_works_when_the_provider_is_back(
    app, registrant, provider, mode
):
    provider.mode = mode
    response = registrant.submit(htmx=True)
    assert response.status_code == 422
    soup = parse(response)
    summary = soup.find(attrs={"data-error-summary": True})
    assert "We could not send the code. Try again in a moment" in summary.get_text()
    assert soup.find("button", string="Send a new code") is not None
    [record] = sms_records(app)
    assert record.status is SmsStatus.FAILED and record.last_error
    with app.app_context():
        assert db.session.scalars(select(PendingRegistration)).one() is not None

    provider.mode = "ok"
    response = registrant.resend(htmx=True)  # at once: a failed send starts no cooldown
    assert response.status_code == 200
    assert "We have sent a new code" in response.get_data(as_text=True)
    assert registrant.enter_code(provider.last_code()).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Account)).one().username == "Abshertest1"


def test_provider_down_without_javascript(database_url, make_person):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = http_sms_app(database_url, f"http://127.0.0.1:{closed_port}/messages")
    try:
        with app.app_context():
            registrant = Registrant(app, app.test_client(), make_person())
        response = registrant.submit()
        assert response.status_code == 303
        page = registrant.code_page()
        assert "We could not send the code" in page.get_data(as_text=True)
        [record] = sms_records(app)
        assert record.status is SmsStatus.FAILED
        assert "unreachable" in record.last_error
        # Still down a minute later: the same clear message, and the registration is kept.
        with time_machine.travel(timedelta(seconds=61)):
            response = registrant.resend()
            assert "We could not send the code" in \
                registrant.code_page().get_data(as_text=True)
    finally:
        empty_all_tables(app)


@pytest.mark.timing
def test_a_hanging_provider_holds_a_request_for_the_send_budget_at_most(database_url,
                                                                         make_person):
    provider = FakeProvider()
    provider.mode = "hang"
    app = create_app(type("HangingSmsConfig", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_BACKEND": "http", "SMS_URL": provider.url,
        "SMS_API_KEY": "test-provider-key", "SMS_TIMEOUT": 5, "SMS_RETRIES": 2,
        "SMS_SEND_BUDGET_SECONDS": 1}))
    try:
        with app.app_context():
            registrant = Registrant(app, app.test_client(), make_person())
        started = time.perf_counter()
        response = registrant.submit(htmx=True)
        waited = time.perf_counter() - started
        # Three tries of 5 s each would be 15 s and more; the budget is 1 s in all.
        assert waited < 2.5, waited
        assert "We could not send the code" in response.get_data(as_text=True)
        # The provider delivered it after all: the late code is plainly refused, not
        # silently taken, and a new code can be asked for at once.
        late_code = provider.last_code()
        refused = registrant.enter_code(late_code, htmx=True)
        assert refused.status_code == 422
        assert "There is no code for this step yet" in refused.get_data(as_text=True)
        provider.mode = "ok"
        assert registrant.resend(htmx=True).status_code == 200
        assert registrant.enter_code(provider.last_code()).status_code == 303
    finally:
        provider.stop()
        empty_all_tables(app)
