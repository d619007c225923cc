"""One request and one child however many submits arrive (also at once, from two
devices); `flask absher delivered`; the delivery fee refunded by the daily job when
nothing was delivered within a month of the approval, and only the fee."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import Bill, BillStatus, Person, RequestStatus, SmsMessage, utcnow
from absher_web.services import api_clients, bill_jobs, births, requests
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.births.conftest import LATE, NEWBORN, Father, child_of, requests_of, the_request
from tests.eservices.billing import pay
from tests.payments.paid_bills import bank_stand_in  # noqa: F401 (the bank fixture)


def people_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Person))


def test_a_second_confirmation_gives_the_same_request_and_one_bill(app, father):
    assert father.confirm().status_code == 303
    assert father.confirm().status_code == 303
    assert len(requests_of(app)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Bill)) == 1
    # And the form is no longer offered: the request is shown instead.
    assert "Request number" in father.page().get_data(as_text=True)


def test_many_submits_at_once_from_two_devices_make_one_request_and_one_child(
        app, client, father, sms_outbox):
    open_limits(app)
    other = app.test_client()
    phone = Father(other, father.account, sms_outbox)
    phone.sign_in()
    before = people_count(app)
    tabs = same_browser(app, father.client, 12) + same_browser(app, other, 12)
    tokens = [csrf_of_tab(tab) for tab in tabs]
    results = at_once([
        (lambda tab=tab, token=token: father.confirm(delivery="office", total=0, client=tab,
                                                     token=token).status_code)
        for tab, token in zip(tabs, tokens, strict=True)])
    assert set(results) == {303}, results
    assert len(requests_of(app)) == 1
    assert the_request(app).status is RequestStatus.APPROVED
    assert people_count(app) == before + 1
    assert child_of(app) is not None
    with app.app_context():
        texts = db.session.scalar(select(func.count()).select_from(SmsMessage).where(
            SmsMessage.purpose == "birth_registered_notice"))
    assert texts == 1


def test_many_paying_submits_at_once_make_one_bill(app, father):
    open_limits(app)
    tabs = same_browser(app, father.client, 20)
    tokens = [csrf_of_tab(tab) for tab in tabs]
    results = at_once([(lambda tab=tab, token=token: father.confirm(client=tab, token=token)
                        .status_code) for tab, token in zip(tabs, tokens, strict=True)])
    assert set(results) == {303}
    assert len(requests_of(app)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Bill)) == 1


def csrf_of_tab(tab) -> str:
    from tests.account.conftest import csrf_of
    return csrf_of(tab.get("/en/account/family"))


def registered_by_post(app, father, bank=None):
    father.confirm()
    made = the_request(app)
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        db.session.expunge(bill)
    pay(app, bill, bank="RJHI")
    return the_request(app), bill


def test_delivered_marks_the_request_and_texts_the_holder(app, father, sms_outbox):
    made, _ = registered_by_post(app, father)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["absher", "delivered", made.number])
    assert result.exit_code == 0, result.output
    assert the_request(app).status is RequestStatus.DELIVERED
    texts = [m["body"] for m in sms_outbox.messages() if m["to"] == father.account.mobile]
    assert any(made.number in text and "sent by post" in text for text in texts)
    assert "sent by post to your national address on" in father.page().get_data(as_text=True)
    again = runner.invoke(args=["absher", "delivered", made.number])
    assert again.exit_code != 0 and "delivered before" in again.output
    unknown = runner.invoke(args=["absher", "delivered", "123"])
    assert unknown.exit_code != 0 and "No birth registration" in unknown.output


def test_delivered_refuses_a_request_not_approved(app, father):
    father.confirm()  # submitted, its bill unpaid
    result = app.test_cli_runner().invoke(args=["absher", "delivered",
                                                the_request(app).number])
    assert result.exit_code != 0 and "not approved" in result.output
    assert the_request(app).status is RequestStatus.SUBMITTED


def run_bills(app, now):
    with app.app_context():
        return bill_jobs.run(db.transaction, now, api_clients.cipher_from_config(app.config),
                             5)


def test_the_delivery_fee_is_refunded_a_month_after_approval_if_nothing_was_delivered(
        app, father, bank):
    made, bill = registered_by_post(app, father)
    approved = made.changed_at
    assert run_bills(app, approved + timedelta(days=29)).service_work == 0
    report = run_bills(app, approved + timedelta(days=31))
    assert report.service_work == 1 and report.refunded == 1
    with app.app_context():
        done = db.session.get(Bill, bill.id)
        assert done.status is BillStatus.REFUNDED and done.refund_reason == "not_delivered"
        assert done.refunded_amount == 3000
    assert bank.calls[-1]["amount"] == 3000
    assert run_bills(app, approved + timedelta(days=32)).service_work == 0
    assert len(bank.calls) == 1


def test_only_the_delivery_fee_comes_back_not_the_fine(app, father, bank):
    father.confirm(number=LATE, total=13000)
    made = the_request(app)
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        db.session.expunge(bill)
    pay(app, bill, bank="RJHI")
    with app.app_context():  # late: an officer approves it
        found = requests.find(db.session, births.SERVICE, LATE)
        assert requests.move(db.session, found, RequestStatus.APPROVED, utcnow())
        db.session.commit()
    made = the_request(app)
    run_bills(app, made.changed_at + timedelta(days=31))
    assert bank.calls == [{**bank.calls[0], "amount": 3000}]
    with app.app_context():
        assert db.session.get(Bill, bill.id).refund_amount == 3000


def test_nothing_is_refunded_once_delivered(app, father, bank):
    made, bill = registered_by_post(app, father)
    app.test_cli_runner().invoke(args=["absher", "delivered", made.number])
    assert run_bills(app, made.changed_at + timedelta(days=40)).service_work == 0
    assert bank.calls == []


@pytest.mark.parametrize("ended", [RequestStatus.REFUSED, RequestStatus.CANCELLED])
def test_a_paid_request_refused_or_withdrawn_before_approval_refunds_the_whole_bill(
        app, father, bank, ended):
    father.confirm(first_ar="غيث", first_en="Ghaith")
    made = the_request(app)
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        db.session.expunge(bill)
    pay(app, bill, bank="RJHI")
    assert the_request(app).status is RequestStatus.UNDER_REVIEW
    with app.app_context():
        found = requests.find(db.session, births.SERVICE, NEWBORN)
        assert requests.move(db.session, found, ended, utcnow(), reason=births.NOT_ELIGIBLE)
        db.session.commit()
        # Ended with the request, in its transaction: the refund is on its way.
        assert db.session.get(Bill, bill.id).status is BillStatus.REFUNDING
    report = run_bills(app, utcnow())
    assert report.refunded == 1 and bank.calls[-1]["amount"] == 3000
    with app.app_context():
        assert db.session.get(Bill, bill.id).status is BillStatus.REFUNDED
    assert child_of(app) is None
