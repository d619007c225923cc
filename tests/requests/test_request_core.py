"""Requests with a state as services see them: one request per key, moves only along the
declared table, each move once under concurrency, an approval and its effect together."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from absher_web.extensions import db
from absher_web.identity import luhn_check_digit
from absher_web.models import AuditEvent, RequestStatus, ServiceRequest
from absher_web.services import requests

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
APPROVED: list[str] = []


def approve_for_tests(session, request, now) -> None:
    if request.details.get("fail"):
        raise RuntimeError("the registry refused the record")
    APPROVED.append(request.number)


requests.register(requests.Kind("test_requests", title="Test requests",
                                  on_approved=approve_for_tests))


@pytest.fixture
def account(make_account):
    APPROVED.clear()
    return make_account()


def submit(app, account, key="key-1", **details) -> tuple[ServiceRequest, bool]:
    with app.app_context(), db.transaction() as session:
        made, new = requests.submit(session, service="test_requests", request_key=key,
                                    account=account, beneficiary_id=account.national_id,
                                    now=NOW, office_city="Riyadh", details=details)
        session.flush()
        session.expunge(made)
    return made, new


def move(app, made: ServiceRequest, to: RequestStatus, **values) -> bool:
    with app.app_context(), db.transaction() as session:
        return requests.move(session, session.get(ServiceRequest, made.id), to, NOW, **values)


def status_of(app, made: ServiceRequest) -> RequestStatus:
    with app.app_context(), db.transaction() as session:
        return session.get(ServiceRequest, made.id).status


def test_one_request_per_key_with_a_checked_number(app, account):
    first, new = submit(app, account)
    again, new_again = submit(app, account)
    assert new and not new_again and again.id == first.id
    assert len(first.number) == 10
    assert luhn_check_digit(first.number[:-1]) == first.number[-1]


def test_moves_follow_the_table_and_are_recorded(app, account):
    made, _ = submit(app, account)
    assert not move(app, made, RequestStatus.DELIVERED)  # not from submitted
    assert move(app, made, RequestStatus.UNDER_REVIEW, reason="name_not_listed")
    assert move(app, made, RequestStatus.APPROVED)
    assert not move(app, made, RequestStatus.REFUSED)  # decided already
    assert move(app, made, RequestStatus.DELIVERED)
    assert APPROVED == [made.number]
    with app.app_context(), db.transaction() as session:
        kinds = [event.kind for event in session.query(AuditEvent).filter_by(
            account_id=account.id).order_by(AuditEvent.id)]
    assert kinds[-4:] == ["request_submitted", "request_under_review", "request_approved",
                          "request_delivered"]


def test_an_approval_that_fails_leaves_the_request_where_it_was(app, account):
    made, _ = submit(app, account, fail=True)
    with pytest.raises(RuntimeError):
        move(app, made, RequestStatus.APPROVED)
    assert status_of(app, made) is RequestStatus.SUBMITTED and APPROVED == []


def test_two_decisions_at_once_make_one(app, account):
    made, _ = submit(app, account)
    move(app, made, RequestStatus.UNDER_REVIEW)
    results: list[tuple[RequestStatus, bool]] = []
    start = threading.Barrier(20)

    def decide(to: RequestStatus) -> None:
        start.wait()
        results.append((to, move(app, made, to)))

    threads = [threading.Thread(target=decide, args=(to,)) for to in
               [RequestStatus.APPROVED, RequestStatus.REFUSED] * 10]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    winners = [to for to, won in results if won]
    assert len(winners) == 1 and status_of(app, made) is winners[0]
    assert APPROVED == ([made.number] if winners[0] is RequestStatus.APPROVED else [])


def test_the_same_request_submitted_at_once_is_one(app, account):
    made: list[tuple[ServiceRequest, bool]] = []
    start = threading.Barrier(20)

    def send() -> None:
        start.wait()
        made.append(submit(app, account, key="at-once"))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len({request.id for request, _ in made}) == 1
    assert sum(new for _, new in made) == 1
