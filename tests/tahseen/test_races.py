"""Races on Tahseen tickets, on both databases: many officers answering one ticket, answers
against the holder's withdrawal, many sends against the open-tickets limit; each has
exactly one effect."""

from __future__ import annotations

from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import AuditEvent, SmsMessage, TicketStatus
from absher_web.services import tahseen
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import csrf_of
from tests.tahseen.conftest import officer_console, ticket, tickets


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)
                                 .where(*conditions)) or 0


def test_thirty_answers_at_once_make_one(app, holder):
    open_limits(app)
    made = holder.sent()
    consoles = [officer_console(app, f"officer{index}") for index in range(5)]
    url = f"/en/staff/tahseen/{made.number}"
    jobs = []
    for index in range(30):
        console = consoles[index % 5]
        token = csrf_of(console.client.get(url))
        outcome = "close" if index % 3 == 0 else "answer"
        jobs.append(lambda c=console, t=token, i=index, o=outcome: c.client.post(
            url + "/answer", data={"csrf_token": t, "outcome": o,
                                   "text": f"Answer number {i}."}).status_code)
    assert set(at_once(jobs)) == {303}
    answered = ticket(app, made.number)
    assert answered.status in (TicketStatus.ANSWERED, TicketStatus.CLOSED)
    assert count(app, AuditEvent, AuditEvent.kind.in_(
        (tahseen.AUDIT_ANSWERED, tahseen.AUDIT_CLOSED))) == 1
    assert count(app, SmsMessage, SmsMessage.purpose == "tahseen_notice") == 1
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind.in_(
            (tahseen.AUDIT_ANSWERED, tahseen.AUDIT_CLOSED)))).one()
        assert event.staff_user_id == answered.answered_by


def race_once(app, holder, console, round_number: int) -> None:
    """Ten answers and ten withdrawals of one ticket at once, from separate tabs."""
    made = holder.sent()
    url = f"/en/staff/tahseen/{made.number}"
    withdraw_url = f"/en/account/tahseen/tickets/{made.number}/withdraw"
    officer_token = csrf_of(console.client.get(url))
    holder_token = csrf_of(holder.client.get(f"/en/account/tahseen/tickets/{made.number}"))
    answer = {"csrf_token": officer_token, "outcome": "answer", "text": f"Round {round_number}."}
    jobs = [(lambda tab=tab: tab.post(url + "/answer", data=answer).status_code)
            for tab in same_browser(app, console.client, 10)]
    jobs += [(lambda tab=tab: tab.post(withdraw_url, data={"csrf_token": holder_token})
              .status_code) for tab in same_browser(app, holder.client, 10)]
    assert set(at_once(jobs)) == {303}
    ended = ticket(app, made.number)
    assert ended.status in (TicketStatus.ANSWERED, TicketStatus.WITHDRAWN)
    assert (ended.answer is not None) == (ended.status is TicketStatus.ANSWERED)


def test_answers_and_withdrawals_at_once_one_wins(app, holder):
    open_limits(app)
    app.config["TAHSEEN_OPEN_MAX"] = 10
    console = officer_console(app)
    for round_number in range(4):
        race_once(app, holder, console, round_number)
    assert count(app, AuditEvent, AuditEvent.kind.in_(
        (tahseen.AUDIT_ANSWERED, tahseen.AUDIT_WITHDRAWN))) == 4


def test_twenty_sends_at_once_stop_at_the_open_limit(app, holder):
    open_limits(app)
    app.config["TAHSEEN_OPEN_MAX"] = 3
    tabs = same_browser(app, holder.client, 20)
    tokens = [csrf_of(tab.get("/en/account/")) for tab in tabs]
    results = at_once([(lambda tab=tab, token=token: holder.send(client=tab, token=token)
                        .status_code) for tab, token in zip(tabs, tokens, strict=True)])
    assert results.count(303) == 3 and results.count(409) == 17, results
    assert len(tickets(app)) == 3
