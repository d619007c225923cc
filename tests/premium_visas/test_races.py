"""Races on a Premium Residency holder's visit visa request, on both databases: many
confirmations, paying twice, officers deciding at once, a withdrawal against a decision —
each has exactly one effect."""

from __future__ import annotations

from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    AuditEvent,
    Bill,
    BillStatus,
    RequestStatus,
    ServiceRequest,
    SmsMessage,
)
from absher_web.services import bills
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import csrf_of
from tests.eservices.billing import pay
from tests.premium_visas.conftest import (
    bill_of,
    officer_console,
    the_request,
    visa_requests,
)


def events(app, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.kind == kind)) or 0


def decided_texts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SmsMessage).where(
            SmsMessage.purpose == "request_decided_notice")) or 0


def test_twenty_confirmations_at_once_make_one_request_and_one_bill(app, holder):
    open_limits(app)
    tabs = same_browser(app, holder.client, 20)
    tokens = [csrf_of(tab.get("/en/account/")) for tab in tabs]
    results = at_once([(lambda tab=tab, token=token: holder.confirm(client=tab, token=token)
                        .status_code) for tab, token in zip(tabs, tokens, strict=True)])
    assert set(results) == {303}, results
    the_request(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Bill)) == 1


def test_submits_for_many_passports_at_once_stop_at_the_open_limit(app, holder):
    open_limits(app)
    app.config["PREMIUM_VISA_OPEN_MAX"] = 3
    tabs = same_browser(app, holder.client, 20)
    tokens = [csrf_of(tab.get("/en/account/")) for tab in tabs]
    results = at_once([(lambda index=index, tab=tab, token=token: holder.confirm(
        client=tab, token=token, passport=f"C{index + 1:07d}").status_code)
        for index, (tab, token) in enumerate(zip(tabs, tokens, strict=True))])
    assert results.count(303) == 3 and results.count(422) == 17, results
    assert len(visa_requests(app)) == 3


def test_paying_twice_at_once_moves_the_request_once(app, holder):
    holder.confirm()
    bill = bill_of(app, the_request(app))
    outcomes = at_once([(lambda index=index: pay(app, bill, reference=f"RJHI-{index:04d}"))
                        for index in range(20)])
    assert outcomes.count(bills.Outcome.PAID) == 1, outcomes
    assert the_request(app).status is RequestStatus.UNDER_REVIEW
    assert events(app, "request_under_review") == 1


def test_twenty_officer_decisions_at_once_make_one(app, holder):
    open_limits(app)
    holder.confirm()
    made = the_request(app)
    pay(app, bill_of(app, made))
    consoles = [officer_console(app, f"officer{index}") for index in range(4)]
    url = f"/en/staff/passports/requests/{made.number}"
    jobs = []
    for index in range(20):
        console = consoles[index % 4]
        token = csrf_of(console.client.get(url))
        if index % 2:
            jobs.append(lambda c=console, t=token: c.client.post(
                url + "/approve", data={"csrf_token": t}).status_code)
        else:
            jobs.append(lambda c=console, t=token: c.client.post(
                url + "/refuse", data={"csrf_token": t, "reason": "Not this time."})
                .status_code)
    assert set(at_once(jobs)) == {303}
    decided = the_request(app)
    assert decided.status in (RequestStatus.APPROVED, RequestStatus.REFUSED)
    assert events(app, "request_approved") + events(app, "request_refused") == 1
    assert decided_texts(app) == 1
    refunding = bill_of(app, decided).status is BillStatus.REFUNDING
    assert refunding == (decided.status is RequestStatus.REFUSED)
    if decided.status is RequestStatus.APPROVED:
        assert events(app, "premium_visit_visa_issued") == 1


def race_once(app, holder, round_number: int) -> None:
    """Ten approvals and ten withdrawals of one paid request at once, from separate tabs."""
    passport = f"B{round_number + 1:07d}"
    holder.confirm(passport=passport)
    made = [r for r in visa_requests(app) if r.details["passport"] == passport][0]
    pay(app, bill_of(app, made), reference=f"RJHI-R{round_number}")
    console = officer_console(app, f"racer{round_number}")
    url = f"/en/staff/passports/requests/{made.number}"
    withdraw_url = f"/en/account/requests/{made.number}/withdraw"
    officer_token = csrf_of(console.client.get(url))
    holder_token = csrf_of(holder.client.get(withdraw_url))
    officer_tabs = same_browser(app, console.client, 10)
    holder_tabs = same_browser(app, holder.client, 10)
    jobs = [(lambda tab=tab: tab.post(url + "/approve", data={"csrf_token": officer_token})
             .status_code) for tab in officer_tabs]
    jobs += [(lambda tab=tab: tab.post(withdraw_url, data={"csrf_token": holder_token})
              .status_code) for tab in holder_tabs]
    assert set(at_once(jobs)) <= {303, 200}
    with app.app_context():
        now = db.session.get(ServiceRequest, made.id)
        bill = db.session.get(Bill, made.bill_id)
        assert now.status in (RequestStatus.APPROVED, RequestStatus.CANCELLED)
        if now.status is RequestStatus.APPROVED:
            assert bill.status is BillStatus.PAID and "visa_number" in now.details
        else:
            assert bill.status is BillStatus.REFUNDING
            assert "visa_number" not in now.details


def test_a_withdrawal_and_an_approval_at_once_one_wins(app, holder):
    open_limits(app)
    for round_number in range(5):
        race_once(app, holder, round_number)
    assert events(app, "request_approved") + events(app, "request_cancelled") == 5
