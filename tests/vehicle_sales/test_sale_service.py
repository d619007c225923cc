"""The vehicle sale's state machine (services/vehicle_sales.py): from offer to transfer and
payout, every way it ends early refunding every halala, and races changing it once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    AuditEvent,
    AuthorisationStatus,
    BillStatus,
    DrivingAuthorisation,
    SaleStatus,
    SmsMessage,
    VehicleSale,
    utcnow,
)
from absher_web.services import sale_payouts, vehicle_sales
from absher_web.services.eservices import NotYours
from absher_web.services.vehicle_sales import Condition, Refused
from tests.account.concurrency import at_once
from tests.days import riyadh_today
from tests.payments.paid_bills import bank_stand_in  # noqa: F401 (the bank fixture)
from tests.vehicle_sales.helpers import (
    POLICY,
    act,
    add_vehicle,
    add_violation,
    offer,
    owner_of,
    paid_sale,
    pay_all,
    sale,
    sale_bills,
    two_holders,
)


def send_payouts(now) -> int:
    return sale_payouts.send_due(db.transaction, now, vehicle_sales.price_bill)


def sale_notices(app) -> list[SmsMessage]:
    with app.app_context():
        found = list(db.session.scalars(select(SmsMessage).where(
            SmsMessage.purpose == "vehicle_sale_notice").order_by(SmsMessage.id)))
        db.session.expunge_all()
        return found


def test_offer_accept_pay_complete_moves_the_vehicle_and_pays_the_seller_out(
        app, make_account, bank):
    seller, buyer = two_holders(make_account)
    vehicle = add_vehicle(app, seller.national_id)
    with app.app_context(), db.transaction() as session:
        session.add(DrivingAuthorisation(
            vehicle_id=vehicle, owner_account_id=seller.id, driver_account_id=buyer.id,
            starts_on=riyadh_today(), ends_on=riyadh_today() + timedelta(days=30),
            status=AuthorisationStatus.ACCEPTED, created_at=utcnow()))
    sale_id = offer(app, seller, buyer.national_id, vehicle)
    assert sale(app, sale_id).status is SaleStatus.OFFERED
    texts = sale_notices(app)
    assert [m.to for m in texts] == [seller.mobile, buyer.mobile]
    assert "45,000.00 SAR" in texts[0].body and "A B J" in texts[0].body
    assert "ر.س" in texts[1].body and "ا ب ح" in texts[1].body  # each in their language

    assert act(app, "accept", buyer, sale_id) is SaleStatus.ACCEPTED
    parts = sale_bills(app, sale_id)
    assert {part: bill.amount for part, bill in parts.items()} == {
        "price": 4_500_000, "government": 15000, "platform": 23000}
    assert parts["platform"].vat == 3000 and parts["government"].vat == 0
    assert all(bill.account_id == buyer.id for bill in parts.values())

    pay_all(app, sale_id)
    assert sale(app, sale_id).status is SaleStatus.PAID
    assert act(app, "complete", seller, sale_id) is SaleStatus.COMPLETED
    assert owner_of(app, vehicle) == buyer.national_id
    with app.app_context():
        assert db.session.scalars(select(DrivingAuthorisation.status)).one() \
            is AuthorisationStatus.OWNER_CHANGED
        kinds = db.session.scalars(select(AuditEvent.kind).where(
            AuditEvent.account_id == buyer.id)).all()
    for kind in (vehicle_sales.OFFERED, vehicle_sales.ACCEPTED, vehicle_sales.PAID,
                 vehicle_sales.COMPLETED):
        assert kind in kinds

    with app.app_context():
        assert send_payouts(utcnow()) == 1
        assert send_payouts(utcnow()) == 0
    reference = sale_payouts.payout_reference(sale_id)
    assert bank.paid[reference]["amount"] == 4_500_000
    assert bank.paid[reference]["iban"] == "SA0380000000608010167519"
    done = sale(app, sale_id)
    assert done.paid_out_at is not None and done.payout_reference == f"RF-{sale_id}"
    # The fees and the price stay paid: nothing is refunded after completion.
    assert {b.status for b in sale_bills(app, sale_id).values()} == {BillStatus.PAID}


def test_a_failing_bank_gets_the_payout_again_later(app, make_account, bank):
    seller, _buyer, _vehicle, sale_id = paid_sale(app, make_account)
    act(app, "complete", seller, sale_id)
    bank.mode = "error"
    now = utcnow()
    with app.app_context():
        assert send_payouts(now) == 0
    waiting = sale(app, sale_id)
    assert waiting.paid_out_at is None and "500" in waiting.payout_error
    bank.mode = "ok"
    with app.app_context():
        assert send_payouts(now) == 0  # not due yet
        assert send_payouts(now + timedelta(minutes=2)) == 1


def test_cancelling_a_paid_sale_refunds_every_bill(app, make_account):
    _seller, buyer, vehicle, sale_id = paid_sale(app, make_account)
    assert act(app, "cancel", buyer, sale_id) is SaleStatus.CANCELLED
    assert {b.status for b in sale_bills(app, sale_id).values()} == {BillStatus.REFUNDING}
    assert sum(b.refunded_amount for b in sale_bills(app, sale_id).values()) == 4_538_000
    assert sale(app, sale_id).cancelled_by == "buyer"


def test_cancelling_before_payment_cancels_the_bills(app, make_account):
    seller, buyer = two_holders(make_account)
    vehicle = add_vehicle(app, seller.national_id)
    sale_id = offer(app, seller, buyer.national_id, vehicle)
    act(app, "accept", buyer, sale_id)
    assert act(app, "cancel", seller, sale_id) is SaleStatus.CANCELLED
    assert {b.status for b in sale_bills(app, sale_id).values()} == {BillStatus.CANCELLED}
    # The vehicle may be offered again.
    assert isinstance(offer(app, seller, buyer.national_id, vehicle), int)


def test_every_condition_the_vehicle_fails_is_named(app, make_account):
    seller, buyer = two_holders(make_account)
    yesterday = riyadh_today() - timedelta(days=1)
    vehicle = add_vehicle(app, seller.national_id, usage="taxi", registration_expiry=None,
                          inspection_expiry=yesterday, insurance_expiry=yesterday,
                          impounded_since=yesterday, impound_place="حجز", reported="wanted")
    add_violation(app, vehicle)
    refused = offer(app, seller, buyer.national_id, vehicle)
    assert refused == Refused((Condition.NOT_PRIVATE, Condition.REGISTRATION,
                               Condition.INSPECTION, Condition.INSURANCE, Condition.IMPOUNDED,
                               Condition.REPORTED, Condition.VIOLATIONS))


@pytest.mark.parametrize("price,ok", [(49_999, False), (50_000, True),
                                      (100_000_000, True), (100_000_001, False)])
def test_the_price_is_between_the_settings_bounds(app, make_account, price, ok):
    seller, buyer = two_holders(make_account)
    vehicle = add_vehicle(app, seller.national_id)
    result = offer(app, seller, buyer.national_id, vehicle, price=price)
    assert isinstance(result, int) if ok else result == Refused((Condition.PRICE,))


def test_a_wrong_birth_date_and_an_unknown_id_get_the_same_answer(app, make_account):
    seller, buyer = two_holders(make_account)
    vehicle = add_vehicle(app, seller.national_id)
    wrong_date = offer(app, seller, buyer.national_id, vehicle, birth=date(1992, 5, 18))
    unknown = offer(app, seller, "1000000008", vehicle)
    assert wrong_date == unknown == Refused((Condition.BUYER_UNMATCHED,))
    assert offer(app, seller, seller.national_id, vehicle) == Refused((Condition.YOURSELF,))


def test_buyer_with_unpaid_violations_or_at_the_residents_limit_is_refused(app, make_account):
    seller, buyer = two_holders(make_account)
    add_violation(app, add_vehicle(app, buyer.national_id))
    vehicle = add_vehicle(app, seller.national_id)
    assert offer(app, seller, buyer.national_id, vehicle) == Refused(
        (Condition.BUYER_VIOLATIONS,))
    resident = make_account(first_digit="2", state=seller.activation_state)
    add_vehicle(app, resident.national_id)
    add_vehicle(app, resident.national_id)
    assert offer(app, seller, resident.national_id, vehicle) == Refused(
        (Condition.RESIDENT_LIMIT,))


def test_nobody_acts_on_another_persons_vehicle_or_sale(app, make_account):
    seller, buyer = two_holders(make_account)
    stranger = make_account(state=seller.activation_state)
    vehicle = add_vehicle(app, seller.national_id)
    with pytest.raises(NotYours):
        offer(app, stranger, buyer.national_id, vehicle)
    sale_id = offer(app, seller, buyer.national_id, vehicle)
    for step, account in (("accept", seller), ("reject", stranger), ("cancel", stranger),
                          ("complete", buyer)):
        with pytest.raises(NotYours):
            act(app, step, account, sale_id)
    assert sale(app, sale_id).status is SaleStatus.OFFERED


def test_an_unanswered_offer_and_an_unpaid_sale_lapse_once(app, make_account):
    seller, buyer = two_holders(make_account)
    first, second = (add_vehicle(app, seller.national_id) for _ in range(2))
    unanswered = offer(app, seller, buyer.national_id, first)
    unpaid = offer(app, seller, buyer.national_id, second)
    act(app, "accept", buyer, unpaid)
    price = sale_bills(app, unpaid)["price"]
    later = utcnow() + POLICY.sale_answer_time + timedelta(minutes=1)
    results = at_once([lambda: run_lapse(app, later) for _ in range(4)])
    assert sum(results) == 2
    assert sale(app, unanswered).status is SaleStatus.LAPSED
    assert sale(app, unpaid).status is SaleStatus.LAPSED
    assert sale_bills(app, unpaid)["price"].status is BillStatus.CANCELLED
    assert price.status is BillStatus.UNPAID
    assert act(app, "accept", buyer, unanswered) == Refused((Condition.ENDED,))
    lapsed = [m for m in sale_notices(app) if "lapsed" in m.body or "انقضت" in m.body]
    assert len(lapsed) == 4  # two sales, each to both


def run_lapse(app, now) -> int:
    with app.app_context():
        return vehicle_sales.lapse_due(db.transaction, now)


def test_accepting_after_the_answer_time_is_refused(app, make_account):
    seller, buyer = two_holders(make_account)
    sale_id = offer(app, seller, buyer.national_id, add_vehicle(app, seller.national_id))
    late = utcnow() + POLICY.sale_answer_time + timedelta(seconds=1)
    assert act(app, "accept", buyer, sale_id, now=late) == Refused((Condition.ENDED,))


def test_twenty_offers_at_once_on_one_vehicle_make_one_sale(app, make_account):
    seller, buyer = two_holders(make_account)
    vehicle = add_vehicle(app, seller.national_id)
    results = at_once([lambda: offer(app, seller, buyer.national_id, vehicle)
                       for _ in range(20)])
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(r == Refused((Condition.OPEN_SALE,)) for r in results if not isinstance(r, int))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VehicleSale)) == 1


def test_completing_twice_and_cancelling_at_once_have_one_effect(app, make_account):
    seller, buyer, vehicle, sale_id = paid_sale(app, make_account)
    jobs = [lambda: act(app, "complete", seller, sale_id) for _ in range(10)]
    jobs += [lambda: act(app, "cancel", buyer, sale_id) for _ in range(10)]
    results = at_once(jobs)
    winners = [r for r in results if isinstance(r, SaleStatus)]
    assert len(winners) == 1
    final = sale(app, sale_id).status
    assert winners == [final]
    statuses = {b.status for b in sale_bills(app, sale_id).values()}
    if final is SaleStatus.COMPLETED:
        assert owner_of(app, vehicle) == buyer.national_id and statuses == {BillStatus.PAID}
    else:
        assert owner_of(app, vehicle) == seller.national_id
        assert statuses == {BillStatus.REFUNDING}


def test_a_bill_paid_after_the_sale_ended_is_refunded(app, make_account):
    seller, buyer = two_holders(make_account)
    sale_id = offer(app, seller, buyer.national_id, add_vehicle(app, seller.national_id))
    act(app, "accept", buyer, sale_id)
    pay_all(app, sale_id)
    assert act(app, "cancel", seller, sale_id) is SaleStatus.CANCELLED
    assert act(app, "complete", seller, sale_id) == Refused((Condition.ENDED,))


def test_accepting_checks_the_vehicle_again(app, make_account):
    seller, buyer = two_holders(make_account)
    vehicle = add_vehicle(app, seller.national_id)
    sale_id = offer(app, seller, buyer.national_id, vehicle)
    add_violation(app, vehicle)
    assert act(app, "accept", buyer, sale_id) == Refused((Condition.VIOLATIONS,))
    assert sale(app, sale_id).status is SaleStatus.OFFERED
