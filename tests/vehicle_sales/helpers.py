"""Two holders, a vehicle that meets every condition of a sale, and the steps of a sale as
the service takes them (services/vehicle_sales.py)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    Bill,
    SaleStatus,
    TrafficViolation,
    Vehicle,
    VehicleSale,
    ViolationStatus,
    utcnow,
)
from absher_web.services import bills, vehicle_sales
from absher_web.services.policies import EServicePolicy
from tests.conftest import fresh_national_id
from tests.days import riyadh_today

POLICY = EServicePolicy()
BIRTH = date(1992, 5, 17)  # make_person's birth date
IBAN = "SA0380000000608010167519"
PRICE = 4_500_000  # 45,000 riyals in halalas


def add_vehicle(app, owner_id: str, **overrides) -> int:
    today = riyadh_today()
    values = dict(plate_country="SAU", plate_letters="ABJ",
                  plate_number=fresh_national_id()[-4:], make="Toyota", model="Camry",
                  year=2021, colour="white", owner_id=owner_id, insurance_company="Tawuniya",
                  insurance_expiry=today + timedelta(days=200), usage="private",
                  registration_expiry=today + timedelta(days=400),
                  inspection_expiry=today + timedelta(days=100))
    values.update(overrides)
    with app.app_context(), db.transaction() as session:
        vehicle = Vehicle(**values)
        session.add(vehicle)
        session.flush()
        return vehicle.id


def add_violation(app, vehicle_id: int) -> None:
    with app.app_context(), db.transaction() as session:
        session.add(TrafficViolation(reference=f"V{fresh_national_id()}", vehicle_id=vehicle_id,
                                     kind="speeding", amount=300,
                                     committed_on=riyadh_today() - timedelta(days=3),
                                     place="الرياض", status=ViolationStatus.UNPAID))


def two_holders(make_account, buyer_digit: str = "1"):
    seller = make_account(state=ActivationState.ACTIVE)
    buyer = make_account(first_digit=buyer_digit, state=ActivationState.ACTIVE, language="ar")
    return seller, buyer


def offer(app, seller, buyer_id: str, vehicle_id: int, birth: date = BIRTH,
          price: int = PRICE, now=None):
    with app.app_context():
        result = vehicle_sales.offer(db.session, POLICY, db.session.merge(seller), vehicle_id,
                                     buyer_id, birth, price, IBAN, now or utcnow(), None)
        db.session.commit()
        return result.id if isinstance(result, VehicleSale) else result


def act(app, step: str, account, sale_id: int, now=None):
    with app.app_context():
        holder = db.session.merge(account)
        if step == "accept":
            result = vehicle_sales.accept(db.session, POLICY, holder, sale_id, now or utcnow(),
                                          None)
        else:
            result = getattr(vehicle_sales, step)(db.session, holder, sale_id, now or utcnow(),
                                                  None)
        db.session.commit()
        return result.status if isinstance(result, VehicleSale) else result


def sale(app, sale_id: int) -> VehicleSale:
    with app.app_context():
        found = db.session.get(VehicleSale, sale_id)
        db.session.expunge(found)
        return found


def sale_bills(app, sale_id: int) -> dict[str, Bill]:
    with app.app_context():
        found = {bill.details["part"]: bill for bill in db.session.scalars(
            select(Bill).where(Bill.service == vehicle_sales.SERVICE,
                               Bill.request_key.like(f"{sale_id}:%")).order_by(Bill.id))}
        db.session.expunge_all()
        return found


def pay_all(app, sale_id: int, bank: str = "RJHI", now=None) -> None:
    now = now or utcnow()
    for part, bill in sale_bills(app, sale_id).items():
        payment = bills.Payment(bill.number, bill.amount, bank, f"PAY-{sale_id}-{part}", now)
        with app.app_context(), db.transaction() as session:
            outcome, _ = bills.pay(session, payment, now)
        assert outcome is bills.Outcome.PAID, outcome
        with app.app_context():
            bills.carry_on(db.transaction, bill.id, now)


def owner_of(app, vehicle_id: int) -> str:
    with app.app_context():
        return db.session.get(Vehicle, vehicle_id).owner_id


def paid_sale(app, make_account):
    seller, buyer = two_holders(make_account)
    vehicle = add_vehicle(app, seller.national_id)
    sale_id = offer(app, seller, buyer.national_id, vehicle)
    assert act(app, "accept", buyer, sale_id) is SaleStatus.ACCEPTED
    pay_all(app, sale_id)
    assert sale(app, sale_id).status is SaleStatus.PAID
    return seller, buyer, vehicle, sale_id
