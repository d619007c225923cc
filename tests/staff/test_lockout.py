"""Officer sign-in under the one lock rule: a burst reaches bcrypt at most five times, and an
unknown name is locked like a real one, with a lock time as plausible."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import AuditEvent, StaffUser, utcnow
from tests.account.concurrency import HashChecks, at_once, open_limits
from tests.account.conftest import csrf_of
from tests.pages import parse
from tests.staff.conftest import Console, add_officer

WRONG = "Wrong-Passw0rd"
REJECTED = "The username or password is not right"
LOCKED = "This officer account is locked after too many wrong passwords"


@pytest.fixture
def officer(app) -> StaffUser:
    return add_officer(app)


def main_text(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def test_fifty_wrong_passwords_at_once_reach_bcrypt_five_times_and_lock_once(
    app, officer, monkeypatch
):
    open_limits(app)
    checks = HashChecks(monkeypatch)
    posts = []
    for _ in range(50):
        browser = app.test_client()
        token = csrf_of(browser.get("/en/staff/sign-in"))
        posts.append(lambda browser=browser, token=token: browser.post(
            "/en/staff/sign-in",
            data={"csrf_token": token, "username": officer.username, "password": WRONG}))

    responses = at_once(posts)

    assert [response.status_code for response in responses] == [422] * 50
    said = Counter(LOCKED if LOCKED in main_text(response) else REJECTED
                   for response in responses)
    assert said[REJECTED] <= 5 and said[LOCKED] >= 45
    assert checks.of(officer.password_hash) == 5
    with app.app_context():
        stored = db.session.get(StaffUser, officer.id)
        assert stored.locked_until is not None and stored.locked_until > utcnow()
        assert stored.lockouts == 1 and stored.consecutive_failures == 0
        failed = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "staff_sign_in_failed")).all()
    assert len(failed) == 5


def visible(response):
    """The page as the person sees it, without the form token and what they typed."""
    soup = parse(response)
    for hidden in soup.find_all("input", attrs={"name": "csrf_token"}):
        hidden.decompose()
    for typed in soup.find_all("input", attrs={"name": "username"}):
        typed["value"] = ""
    return response.status_code, str(soup)


def test_an_unknown_name_is_locked_like_an_officer_with_the_same_words_and_time(
    app, client, officer
):
    real, unknown = Console(client, officer), Console(app.test_client(), officer)
    with time_machine.travel(datetime(2026, 4, 5, 9, 0, tzinfo=UTC), tick=False):
        for _ in range(4):
            assert visible(real.enter_password(password=WRONG)) == \
                visible(unknown.enter_password(username="nobody.here", password=WRONG))
        real_lock = real.enter_password(password=WRONG)
        unknown_lock = unknown.enter_password(username="nobody.here", password=WRONG)
        assert visible(real_lock) == visible(unknown_lock)
        # 9:15 UTC is 12:15 in Riyadh, as the office reads it.
        assert LOCKED in main_text(unknown_lock) and "12:15" in main_text(unknown_lock)
        # While locked, every try says so, with the same time.
        assert visible(unknown.enter_password(username="nobody.here", password=WRONG)) == \
            visible(real.enter_password(password=WRONG))
    with time_machine.travel(datetime(2026, 4, 5, 9, 15, 5, tzinfo=UTC), tick=False):
        assert REJECTED in main_text(unknown.enter_password(username="nobody.here",
                                                            password=WRONG))


def test_an_unknown_name_is_locked_longer_each_time(app, client, officer):
    unknown = Console(client, officer)
    first = datetime(2026, 4, 5, 9, 0, tzinfo=UTC)

    def lock(at: datetime) -> str:
        with time_machine.travel(at, tick=False):
            for _ in range(5):
                response = unknown.enter_password(username="nobody.here", password=WRONG)
            return main_text(response)

    assert "12:15" in lock(first)
    assert "12:46" in lock(first + timedelta(minutes=16))  # 9:16 + 30 minutes, Riyadh time
    with time_machine.travel(first + timedelta(minutes=40), tick=False):
        assert LOCKED in main_text(unknown.enter_password(username="nobody.here",
                                                          password=WRONG))
