"""Bills as the service layer sees them: numbers, one unpaid bill per request, payment
notices applied once, the request carried on once, cancellation and expiry."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import Bill, BillStatus
from absher_web.services import bills

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
CARRIED: list[tuple[int, str]] = []


def carry_on_for_tests(session, bill, now) -> None:
    if bill.details.get("fail"):
        raise RuntimeError("the registry did not answer")
    if bill.details.get("gone"):
        raise bills.Undeliverable("visitor_left")
    CARRIED.append((bill.id, bill.request_key))


TEST_SERVICE = bills.register(bills.Fulfilment(
    "test_service", carry_on_for_tests,
    refundable=lambda _session, bill: not bill.details.get("delivered")))


@pytest.fixture
def account(make_account):
    CARRIED.clear()
    return make_account()


def issue(app, account, key="request-1", amount=10000, **details) -> Bill:
    with app.app_context(), db.transaction() as session:
        bill = bills.issue(session, service="test_service", request_key=key, account=account,
                           beneficiary_id=account.national_id, amount=amount, vat=0,
                           now=NOW, lifetime=timedelta(days=3), details=details)
        session.flush()
        session.expunge(bill)
    return bill


def payment(bill: Bill, reference="BNK-1", amount=None, bank="RJHI") -> bills.Payment:
    return bills.Payment(bill.number, bill.amount if amount is None else amount, bank,
                         reference, NOW)


def pay(app, made: bills.Payment, now=NOW):
    with app.app_context(), db.transaction() as session:
        outcome, bill = bills.pay(session, made, now)
        bill_id = bill.id if bill else None
    if outcome is bills.Outcome.PAID:
        with app.app_context():
            bills.carry_on(db.transaction, bill_id, now)
    return outcome


def stored(app, bill: Bill) -> Bill:
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, bill.id)
        session.expunge(found)
    return found


def test_bill_numbers_carry_a_check_digit_that_catches_a_wrong_digit():
    number = bills.new_number()
    assert len(number) == 13 and number[0] != "0" and bills.is_valid_number(number)
    for position in range(13):
        wrong = number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1:]
        assert not bills.is_valid_number(wrong)
    assert not bills.is_valid_number("١" * 13) and not bills.is_valid_number(number + "0")


def test_a_request_has_one_unpaid_bill_however_often_it_is_asked(app, account):
    first = issue(app, account)
    again = issue(app, account)
    assert again.id == first.id and again.number == first.number
    other = issue(app, account, key="request-2")
    assert other.id != first.id


def test_a_notice_pays_once_and_its_repeat_is_recognised(app, account):
    bill = issue(app, account)
    assert pay(app, payment(bill)) is bills.Outcome.PAID
    assert pay(app, payment(bill)) is bills.Outcome.REPEATED
    assert pay(app, payment(bill, reference="BNK-2")) is bills.Outcome.ALREADY_PAID
    assert CARRIED == [(bill.id, "request-1")]
    paid = stored(app, bill)
    assert paid.status is BillStatus.PAID and paid.bank_reference == "BNK-1"
    assert paid.fulfilled_at is not None


@pytest.mark.parametrize("amount", [9999, 10001, 0])
def test_a_notice_for_another_amount_is_refused(app, account, amount):
    bill = issue(app, account)
    assert pay(app, payment(bill, amount=amount)) is bills.Outcome.AMOUNT_WRONG
    assert stored(app, bill).status is BillStatus.UNPAID


def test_unknown_expired_and_cancelled_bills_are_refused(app, account):
    assert pay(app, bills.Payment(bills.new_number(), 100, "RJHI", "X", NOW)) \
        is bills.Outcome.UNKNOWN
    late = issue(app, account)
    assert pay(app, payment(late), now=NOW + timedelta(days=3)) is bills.Outcome.EXPIRED
    called_off = issue(app, account, key="request-2")
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, called_off.id)
        assert bills.cancel(session, found, NOW) is bills.Cancelled.CANCELLED
    assert pay(app, payment(called_off)) is bills.Outcome.CANCELLED
    assert CARRIED == []


def test_an_expired_request_gets_a_fresh_bill(app, account):
    first = issue(app, account)
    with app.app_context():
        assert bills.expire_due(db.transaction, NOW + timedelta(days=3)) == 1
    assert stored(app, first).status is BillStatus.EXPIRED
    assert issue(app, account).id != first.id


def test_a_failing_step_is_kept_and_tried_again_by_the_runner(app, account):
    bill = issue(app, account, fail=True)
    assert pay(app, payment(bill)) is bills.Outcome.PAID
    kept = stored(app, bill)
    assert kept.status is BillStatus.PAID and kept.fulfilled_at is None
    assert kept.fulfil_attempts == 1 and "registry" in kept.fulfil_error
    with app.app_context(), db.transaction() as session:
        session.get(Bill, bill.id).details = {}
    with app.app_context():
        assert bills.carry_on_due(db.transaction, NOW) == (0, 0)  # not due yet
        assert bills.carry_on_due(db.transaction, NOW + timedelta(minutes=2)) == (1, 0)
        assert bills.carry_on_due(db.transaction, NOW + timedelta(minutes=4)) == (0, 0)
    assert CARRIED == [(bill.id, "request-1")]


def test_a_request_that_can_no_longer_be_delivered_is_refunded(app, account):
    bill = issue(app, account, gone=True)
    assert pay(app, payment(bill)) is bills.Outcome.PAID
    kept = stored(app, bill)
    assert kept.status is BillStatus.REFUNDING and kept.refund_reason == "visitor_left"
    assert kept.fulfilled_at is None  # nothing was delivered


def test_cancelling_a_paid_bill_refunds_it_only_before_delivery(app, account):
    bill = issue(app, account)
    pay(app, payment(bill))
    with app.app_context(), db.transaction() as session:
        assert bills.cancel(session, session.get(Bill, bill.id), NOW) is bills.Cancelled.REFUNDING
        assert bills.cancel(session, session.get(Bill, bill.id), NOW) is bills.Cancelled.ENDED
    delivered = issue(app, account, key="request-2", delivered=True)
    pay(app, payment(delivered, reference="BNK-2"))
    with app.app_context(), db.transaction() as session:
        assert bills.cancel(session, session.get(Bill, delivered.id), NOW) \
            is bills.Cancelled.NOT_REFUNDABLE


def test_identical_notices_at_once_make_one_payment(app, account):
    bill = issue(app, account)
    outcomes: list[bills.Outcome] = []
    start = threading.Barrier(20)

    def send() -> None:
        start.wait()
        outcomes.append(pay(app, payment(bill)))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes).count(bills.Outcome.PAID) == 1
    assert set(outcomes) == {bills.Outcome.PAID, bills.Outcome.REPEATED}
    assert CARRIED == [(bill.id, "request-1")]
