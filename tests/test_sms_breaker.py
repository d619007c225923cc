"""A failing or hanging SMS provider: sends capped per process, and a circuit breaker."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.models import CodeChallenge
from tests.account.concurrency import at_once
from tests.conftest import empty_all_tables
from tests.pages import parse
from tests.registration.conftest import Registrant


@pytest.fixture
def make_app(database_url, provider):
    apps = []

    def factory(**settings):
        app = create_app(type("BreakerConfig", (TestConfig,), {
            "DATABASE_URL": database_url, "SMS_BACKEND": "http", "SMS_URL": provider.url,
            "SMS_API_KEY": "test-provider-key", "SMS_TIMEOUT": 5, "SMS_RETRIES": 0,
            "SMS_SEND_BUDGET_SECONDS": 1, "SMS_BREAKER_FAILURES": 3,
            "SMS_BREAKER_PAUSE_SECONDS": 60, "RATELIMIT_REGISTER": "1000 per minute",
            **settings}))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        empty_all_tables(app)


def registrant(app, make_person, number: int = 1) -> Registrant:
    with app.app_context():
        person = Registrant(app, app.test_client(), make_person())
    person.open_form()
    person.mobile = f"05512{number:05d}"
    return person


def submit(person: Registrant):
    return person.submit(htmx=True, mobile=person.mobile,
                         username=f"Abshertest{person.mobile[-5:]}")


def summary_text(response) -> str:
    return parse(response).find(attrs={"data-error-summary": True}).get_text(" ", strip=True)


def metric(app, name: str) -> float:
    text = app.test_client().get("/metrics").get_data(as_text=True)
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics")


def test_after_failures_in_a_row_codes_are_refused_at_once_then_tried_again(
        make_app, make_person, provider, caplog):
    # A pause long enough for the checks below on a loaded machine, short enough to wait out.
    app = make_app(SMS_BREAKER_PAUSE_SECONDS=4)
    provider.mode = "error"
    for number in range(3):
        response = submit(registrant(app, make_person, number))
        assert "Try again in a moment" in summary_text(response)
    assert provider.requests == 3
    assert "SMS provider failed 3 times in a row" in caplog.text
    assert metric(app, "absher_sms_breaker_open") == 1
    ready = app.test_client().get("/readyz").get_json()
    assert ready["checks"]["sms"] == "paused" and ready["status"] == "degraded"

    # Open: answered at once, without calling the provider, and told when to come back.
    started = time.perf_counter()
    response = submit(registrant(app, make_person, 3))
    assert time.perf_counter() - started < 0.5
    assert response.status_code == 422
    assert "We could not send the code. Try again in 1 minute" in summary_text(response)
    assert provider.requests == 3

    # After the pause one send tries again (half-open); the provider answers: closed.
    provider.mode = "ok"
    time.sleep(4.1)
    assert submit(registrant(app, make_person, 4)).status_code == 200
    assert provider.requests == 4
    assert app.test_client().get("/readyz").get_json()["checks"]["sms"] == "ok"
    assert metric(app, "absher_sms_breaker_open") == 0
    assert submit(registrant(app, make_person, 5)).status_code == 200


def test_a_failed_try_after_the_pause_opens_it_again(make_app, make_person, provider):
    app = make_app(SMS_BREAKER_PAUSE_SECONDS=1, SMS_BREAKER_FAILURES=1)
    provider.mode = "error"
    submit(registrant(app, make_person, 1))
    time.sleep(1.1)
    submit(registrant(app, make_person, 2))  # the one try: fails
    assert provider.requests == 2
    response = submit(registrant(app, make_person, 3))
    assert "Try again in 1 minute" in summary_text(response)
    assert provider.requests == 2


def test_the_pause_is_said_in_minutes_in_both_languages(make_app, make_person, provider):
    app = make_app(SMS_BREAKER_PAUSE_SECONDS=120, SMS_BREAKER_FAILURES=1)
    provider.mode = "error"
    submit(registrant(app, make_person, 1))
    english = submit(registrant(app, make_person, 2))
    assert "Try again in 2 minutes" in summary_text(english)
    with app.app_context():
        arabic = Registrant(app, app.test_client(), make_person(), lang="ar")
    arabic.open_form()
    arabic.mobile = "0551299999"
    assert "دقيقتين" in summary_text(submit(arabic))


@pytest.mark.timing
def test_a_hanging_provider_holds_only_the_capped_sends(make_app, make_person, provider):
    """Four codes at once with one slot and one place in line: the provider sees one,
    one waits for the slot within the budget, the other two are refused at once; each is
    answered within the send budget (1 s) and a little."""
    app = make_app(SMS_MAX_IN_FLIGHT=1, SMS_MAX_WAITING=1, SMS_BREAKER_FAILURES=10)
    provider.mode, provider.hang_seconds = "hang", 3
    people = [registrant(app, make_person, number) for number in range(4)]

    def timed(person):
        def job():
            started = time.perf_counter()
            response = submit(person)
            return time.perf_counter() - started, response.status_code
        return job

    busy = 'absher_sms_not_tried_total{reason="busy"}'
    before = metric(app, busy) if busy in app.test_client().get("/metrics").get_data(
        as_text=True) else 0
    answers = at_once([timed(person) for person in people])
    assert provider.requests == 1
    assert all(status == 422 for _, status in answers)
    assert max(seconds for seconds, _ in answers) < 2.0, answers
    # Two refused at once; the one in line too, if the slot came back too late to try.
    assert metric(app, busy) - before in (2, 3)
    with app.app_context():
        assert db.session.scalars(select(CodeChallenge)).all() == []
