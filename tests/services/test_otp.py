"""SMS codes: tries taken before a code is compared, and budgets over the last hour
(``otp.HOUR``) that hold exactly when many requests send at once (threads against the
suite's database: SQLite or PostgreSQL)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import CodeChallenge, CodePurpose, Language, utcnow
from absher_web.services import counters, otp
from tests.conftest import empty_all_tables
from tests.registration.test_sms_provider import http_sms_app
from tests.sms_provider import FakeProvider

MOBILE = "+966551230000"


def policy(**budgets) -> otp.CodePolicy:
    return otp.CodePolicy(secret_key="test-secret-key", ttl=timedelta(minutes=5), **budgets)


def text(app, flow_id: str, mobile: str = MOBILE, person: str | None = "1000000001",
         code_policy: otp.CodePolicy | None = None) -> str | None:
    with app.test_request_context():
        return otp.text_code(db.session, code_policy or policy(), CodePurpose.SIGN_IN, flow_id,
                             mobile, Language("en"), "absher.example.sa", datetime.now(UTC),
                             person=person)


def all_at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in `count` threads released together; their results in order."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def check(app, flow_id: str, typed: str) -> otp.CheckResult:
    with app.app_context():
        result = otp.check_code(db.session, policy(), CodePurpose.SIGN_IN, flow_id, typed,
                                datetime.now(UTC))
        db.session.commit()
        return result


class TestTries:
    def test_twenty_parallel_guesses_compare_at_most_five(self, app, sms_outbox, monkeypatch):
        assert text(app, "flow-1") is None
        right = sms_outbox.last_code()
        compared = []
        real_hmac = otp.code_hmac
        monkeypatch.setattr(otp, "code_hmac", lambda *args: compared.append(1) or
                            real_hmac(*args))
        wrong = "000000" if right != "000000" else "111111"

        results = all_at_once(20, lambda _i: check(app, "flow-1", wrong))

        assert len(compared) == otp.MAX_TRIES
        assert results.count(otp.CheckResult.WRONG) == otp.MAX_TRIES - 1
        assert results.count(otp.CheckResult.TOO_MANY_TRIES) == 20 - (otp.MAX_TRIES - 1)
        # The right code comes too late: every try is used.
        assert check(app, "flow-1", right) is otp.CheckResult.TOO_MANY_TRIES
        with app.app_context():
            assert db.session.scalar(select(CodeChallenge.attempts)) == otp.MAX_TRIES

    def test_the_right_code_sent_twenty_times_at_once_is_accepted_once(self, app, sms_outbox):
        assert text(app, "flow-2") is None
        right = sms_outbox.last_code()
        results = all_at_once(20, lambda _i: check(app, "flow-2", right))
        assert results.count(otp.CheckResult.ACCEPTED) == 1
        assert set(results) <= {otp.CheckResult.ACCEPTED, otp.CheckResult.SPENT,
                                otp.CheckResult.TOO_MANY_TRIES}


def used(app, scope: str) -> int:
    """Code SMS counted against ``scope`` in the last hour (``otp.HOUR``)."""
    with app.app_context():
        return counters.used(db.session, scope, otp.HOUR, utcnow())


class TestBudgets:
    def test_the_per_number_cap_is_exact_under_twenty_parallel_sends(self, app, sms_outbox):
        results = all_at_once(20, lambda i: text(app, f"flow-{i}", person=f"10000000{i:02d}"))
        assert results.count(None) == 5
        assert results.count("too_many_codes") == 15
        assert len(sms_outbox.messages()) == 5
        assert used(app, f"number:{MOBILE}") == 5

    def test_one_person_gets_a_budget_across_numbers(self, app, sms_outbox):
        results = [text(app, f"flow-{i}", mobile=f"+96655123{i:04d}",
                        code_policy=policy(per_person_per_hour=3)) for i in range(5)]
        assert results == [None, None, None, "too_many_codes", "too_many_codes"]
        # A refused send takes nothing from the budgets it had already passed.
        assert used(app, "number:+966551230003") == 0
        assert used(app, "site") == 3

    def test_the_site_budget_stops_every_code_and_tells_operators(self, app, sms_outbox,
                                                                   caplog):
        site_of_two = policy(site_per_hour=2)
        results = [text(app, f"flow-{i}", mobile=f"+96655123{i:04d}", person=f"10000000{i:02d}",
                        code_policy=site_of_two) for i in range(3)]
        assert results == [None, None, "sms_failed"]
        assert "site-wide SMS budget spent" in caplog.text
        assert len(sms_outbox.messages()) == 2

    def test_budgets_count_the_last_hour(self, app, sms_outbox):
        one_an_hour = policy(per_number_per_hour=1)
        start = datetime(2026, 11, 25, 9, 10, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            assert text(app, "flow-a", code_policy=one_an_hour) is None
            assert text(app, "flow-b", code_policy=one_an_hour) == "too_many_codes"
        with time_machine.travel(start + timedelta(hours=1), tick=False):
            assert text(app, "flow-c", code_policy=one_an_hour) is None

    def test_twice_the_budget_no_longer_fits_across_the_hour(self, app, sms_outbox):
        """Five just before 10:00 and five just after used to be allowed (two clock hours)."""
        def send_five(at: datetime) -> list[str | None]:
            with time_machine.travel(at, tick=False):
                return [text(app, f"flow-{at.minute}-{i}", person=f"10000000{i:02d}")
                        for i in range(5)]

        assert send_five(datetime(2026, 11, 25, 9, 58, 30, tzinfo=UTC)) == [None] * 5
        assert send_five(datetime(2026, 11, 25, 10, 0, 30, tzinfo=UTC)) == \
            ["too_many_codes"] * 5
        with time_machine.travel(datetime(2026, 11, 25, 10, 57, 59, tzinfo=UTC), tick=False):
            assert text(app, "flow-late", person="1000000099") == "too_many_codes"
        # Sixty minutes after the minute they went, they no longer count.
        assert send_five(datetime(2026, 11, 25, 10, 58, 0, tzinfo=UTC)) == [None] * 5
        assert len(sms_outbox.messages()) == 10


@pytest.fixture
def failing_provider():
    provider = FakeProvider()
    provider.mode = "error"
    yield provider
    provider.stop()


def test_a_code_that_could_not_be_sent_costs_no_budget(database_url, failing_provider, caplog):
    caplog.set_level(logging.WARNING)
    app = http_sms_app(database_url, failing_provider.url)
    try:
        assert text(app, "flow-x") == "sms_failed"
        assert used(app, f"number:{MOBILE}") == 0 and used(app, "site") == 0
        with app.app_context():
            assert db.session.scalar(select(CodeChallenge.id)) is None
        failing_provider.mode = "ok"
        assert text(app, "flow-x") is None
        assert used(app, f"number:{MOBILE}") == 1
    finally:
        empty_all_tables(app)
