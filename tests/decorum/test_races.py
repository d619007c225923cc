"""Races on a public decorum violation, on both databases: committee members deciding at
once, a bank's payment against the holder's objection, the bill against the objection,
many objections at once, a decision against a withdrawal — each has exactly one effect."""

from __future__ import annotations

from datetime import timedelta

from absher_web.extensions import db
from absher_web.models import (
    BillStatus,
    DecorumStatus,
    RequestStatus,
    utcnow,
)
from absher_web.services import bills
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import csrf_of
from tests.decorum.conftest import (
    PAGE,
    QUEUE,
    REASON,
    bills_of_violation,
    committee,
    objections,
    the_violation,
)
from tests.eservices.billing import pay
from tests.premium_visas.test_races import decided_texts, events


def test_thirty_committee_decisions_at_once_make_one(app, holder, recorded):
    open_limits(app)
    holder.object_to(recorded.number)
    [objection] = objections(app)
    members = [committee(app, f"member{index}") for index in range(3)]
    url = f"{QUEUE}/{objection.number}"
    jobs = []
    for index in range(30):
        member = members[index % 3]
        token = csrf_of(member.open_case(f"decorum-objections/{objection.number}"))
        if index % 2:
            jobs.append(lambda m=member, t=token: m.client.post(
                url + "/approve", data={"csrf_token": t}).status_code)
        else:
            jobs.append(lambda m=member, t=token: m.client.post(
                url + "/refuse", data={"csrf_token": t, "reason": "The photograph shows it."})
                .status_code)
    assert set(at_once(jobs)) == {303}
    [decided] = objections(app)
    assert decided.status in (RequestStatus.APPROVED, RequestStatus.REFUSED)
    assert events(app, "request_approved") + events(app, "request_refused") == 1
    assert decided_texts(app) == 1
    expected = (DecorumStatus.CANCELLED if decided.status is RequestStatus.APPROVED
                else DecorumStatus.UNPAID)
    assert the_violation(app).status is expected


def test_a_bank_payment_against_the_objection_keeps_money_and_state_together(app, holder,
                                                                          recorded):
    open_limits(app)
    holder.pay(recorded.number)
    [bill] = bills_of_violation(app, recorded.number)
    token = csrf_of(holder.page(recorded.number))
    tabs = same_browser(app, holder.client, 10)
    url = PAGE.format(lang="en") + f"/{recorded.number}/object"
    jobs = [(lambda tab=tab: tab.post(url, data={"csrf_token": token, "reason": REASON})
             .status_code) for tab in tabs]
    jobs += [(lambda index=index: pay(app, bill, reference=f"RJHI-{index:04d}"))
             for index in range(10)]
    results = at_once(jobs)
    assert results[:10].count(303) == 1, results
    assert [str(outcome) for outcome in results[10:]].count("paid") <= 1
    # A payment whose step met the objection holding the violation is carried on by the
    # runner shortly after (it never waits, so it never deadlocks the holder's request).
    with app.app_context():
        bills.carry_on_due(db.transaction, utcnow() + timedelta(hours=1))
    [objection] = objections(app)
    assert objection.status is RequestStatus.UNDER_REVIEW
    [after] = bills_of_violation(app, recorded.number)
    violation = the_violation(app)
    if after.status is BillStatus.PAID:
        assert violation.status is DecorumStatus.PAID_OBJECTED
    else:
        assert after.status is BillStatus.CANCELLED
        assert violation.status is DecorumStatus.OBJECTED


def test_issuing_the_bill_against_the_objection_leaves_no_payable_bill(app, holder, recorded):
    open_limits(app)
    token = csrf_of(holder.page(recorded.number))
    tabs = same_browser(app, holder.client, 20)
    base = PAGE.format(lang="en") + f"/{recorded.number}"
    jobs = [(lambda tab=tab: tab.post(base + "/object",
                                      data={"csrf_token": token, "reason": REASON})
             .status_code) for tab in tabs[:10]]
    jobs += [(lambda tab=tab: tab.post(base + "/pay", data={"csrf_token": token})
              .status_code) for tab in tabs[10:]]
    results = at_once(jobs)
    assert results[:10].count(303) == 1, results
    assert set(results[10:]) <= {303, 409}, results
    assert the_violation(app).status is DecorumStatus.OBJECTED
    assert all(bill.status is BillStatus.CANCELLED
               for bill in bills_of_violation(app, recorded.number))


def test_a_decision_against_a_withdrawal_happens_once(app, holder, recorded):
    open_limits(app)
    holder.object_to(recorded.number)
    [objection] = objections(app)
    member = committee(app)
    url = f"{QUEUE}/{objection.number}"
    withdraw_url = f"/en/account/requests/{objection.number}/withdraw"
    member_token = csrf_of(member.open_case(f"decorum-objections/{objection.number}"))
    holder_token = csrf_of(holder.client.get(withdraw_url))
    jobs = [(lambda tab=tab: tab.post(url + "/approve", data={"csrf_token": member_token})
             .status_code) for tab in same_browser(app, member.client, 10)]
    jobs += [(lambda tab=tab: tab.post(withdraw_url, data={"csrf_token": holder_token})
              .status_code) for tab in same_browser(app, holder.client, 10)]
    at_once(jobs)
    [ended] = objections(app)
    assert ended.status in (RequestStatus.APPROVED, RequestStatus.CANCELLED)
    assert events(app, "request_approved") + events(app, "request_cancelled") == 1
    expected = (DecorumStatus.CANCELLED if ended.status is RequestStatus.APPROVED
                else DecorumStatus.UNPAID)
    assert the_violation(app).status is expected
