"""مبايعة المركبات: a holder sells one of their vehicles to another holder.

The sale is its own state machine, in this module only (not services/requests.py's: a
request has one applicant and an officer's decision, a sale two holders, money held in
trust and a vehicle changing hands):

    offered -> accepted | rejected | lapsed (not answered by answer_by)
    accepted -> paid (its three bills paid) | lapsed (not paid by pay_by)
    paid -> completed (the seller confirms the hand-over)
    offered | accepted | paid -> cancelled (by either), every amount paid refunded

Every transition is one conditional UPDATE on the status it leaves, so a double submit, a
race between the two people or between them and run-due changes a sale once; a partial
unique index keeps one open sale (offered, accepted, paid) per vehicle. Each transition is
recorded in both holders' security activity and texted to each in their own language.

Money: accepting issues the buyer three bills (services/bills.py): the price, held in
trust until completion; the government fee; the platform's fee (VAT included). Once the
last is paid, the sale is paid (``carry_on``). A sale that ends without completion
refunds every paid bill (bills.cancel: refunds.py sends them). Completion moves the
vehicle to the buyer (agencies/traffic.transfer), ends the seller's driving
authorisations (services/ownership.py) and queues the payout of the price to the seller's
IBAN, which run-due sends to the bank holding it, retried until it takes it
(services/sale_payouts.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ScalarSelect, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from absher_web.agencies import traffic
from absher_web.models import (
    OPEN_SALE,
    Account,
    Bill,
    BillStatus,
    Language,
    Person,
    PersonKind,
    SaleStatus,
    TrafficViolation,
    Vehicle,
    VehicleSale,
    ViolationStatus,
)
from absher_web.services import (
    acting_for,
    audit,
    bills,
    document_facts,
    notices,
    ownership,
    sale_payouts,
)
from absher_web.services.eservices import RIYADH, NotYours, fees, local_today
from absher_web.services.policies import EServicePolicy

SERVICE = "vehicle_sale"  # its bills' service, and its key in acting_for.SERVICES
# Audit kinds, one per transition, in both holders' security activity.
OFFERED, ACCEPTED, REJECTED, LAPSED = ("vehicle_sale_offered", "vehicle_sale_accepted",
                                       "vehicle_sale_rejected", "vehicle_sale_lapsed")
PAID, COMPLETED, CANCELLED = ("vehicle_sale_paid", "vehicle_sale_completed",
                              "vehicle_sale_cancelled")
PAID_OUT = sale_payouts.PAID_OUT
# The buyer's three bills, by the part of the sale each pays.
PARTS = ("price", "government", "platform")
PRIVATE_USAGES = ("private", "private_transport")


class Condition(enum.StrEnum):
    """A condition a vehicle, a buyer or a price fails (the web layer words each)."""

    NOT_PRIVATE = "not_private"
    REGISTRATION = "registration"  # none recorded, or expired
    INSPECTION = "inspection"
    INSURANCE = "insurance"
    IMPOUNDED = "impounded"
    REPORTED = "reported"  # missing or wanted
    VIOLATIONS = "violations"  # unpaid violations on the vehicle
    OPEN_SALE = "open_sale"  # already offered, and not yet ended
    PRICE = "price"  # outside the settings' bounds
    YOURSELF = "yourself"
    BUYER_UNMATCHED = "buyer_unmatched"  # ID and birth date: one answer, no hint
    BUYER_VIOLATIONS = "buyer_violations"
    RESIDENT_LIMIT = "resident_limit"
    ENDED = "ended"  # the sale is no longer in the state the action needs
    VEHICLE_CHANGED = "vehicle_changed"  # the vehicle left the seller meanwhile


@dataclass(frozen=True)
class Refused:
    reasons: tuple[Condition, ...]

    @property
    def reason(self) -> Condition:
        return self.reasons[0]


# --- reading ------------------------------------------------------------------------------

def vehicle_conditions(session: Session, vehicle: Vehicle, today: date) -> list[Condition]:
    """Every condition the vehicle fails for a sale, in the order the page lists them."""
    failed: list[Condition] = []
    if vehicle.usage not in PRIVATE_USAGES:
        failed.append(Condition.NOT_PRIVATE)
    for condition, expiry in ((Condition.REGISTRATION, vehicle.registration_expiry),
                              (Condition.INSPECTION, vehicle.inspection_expiry),
                              (Condition.INSURANCE, vehicle.insurance_expiry)):
        if expiry is None or expiry < today:
            failed.append(condition)
    if vehicle.impounded_since is not None:
        failed.append(Condition.IMPOUNDED)
    if vehicle.reported is not None:
        failed.append(Condition.REPORTED)
    if any(v.status is ViolationStatus.UNPAID for v in vehicle.violations):
        failed.append(Condition.VIOLATIONS)
    if session.scalar(select(VehicleSale.id).where(VehicleSale.vehicle_id == vehicle.id,
                                                   VehicleSale.status.in_(OPEN_SALE))):
        failed.append(Condition.OPEN_SALE)
    return failed


@dataclass(frozen=True)
class Sellable:
    vehicle: Vehicle
    failed: list[Condition]


def sellable_vehicles(session: Session, account: Account, now: datetime) -> list[Sellable]:
    """The holder's vehicles, each with the conditions it fails (none: it may be sold)."""
    today = local_today(now)
    return [Sellable(vehicle, vehicle_conditions(session, vehicle, today))
            for vehicle in traffic.vehicles_of(session, account.national_id)]


def _query():
    return select(VehicleSale).options(
        joinedload(VehicleSale.vehicle), joinedload(VehicleSale.seller),
        joinedload(VehicleSale.buyer)).order_by(VehicleSale.created_at.desc(),
                                                VehicleSale.id.desc())


def sales_of(session: Session, account: Account) -> tuple[list[VehicleSale], list[VehicleSale]]:
    """The holder's sales: as seller, as buyer; the newest first."""
    return (list(session.scalars(_query().where(VehicleSale.seller_account_id == account.id))
                 .unique()),
            list(session.scalars(_query().where(VehicleSale.buyer_account_id == account.id))
                 .unique()))


def waiting_counted(account: Account, now: datetime) -> ScalarSelect[int]:
    """How many offers wait for the holder's answer, as a subquery (the account home reads
    it with the driving authorisations')."""
    return select(func.count()).select_from(VehicleSale).where(
        VehicleSale.buyer_account_id == account.id, VehicleSale.status == SaleStatus.OFFERED,
        VehicleSale.answer_by > now).scalar_subquery()


def request_key(sale_id: int, part: str) -> str:
    return f"{sale_id}:{part}"


def bills_of(session: Session, sale: VehicleSale) -> dict[str, Bill]:
    """The sale's latest bill of each part (the buyer's)."""
    found: dict[str, Bill] = {}
    for bill in session.scalars(select(Bill).where(
            Bill.service == SERVICE,
            Bill.request_key.in_([request_key(sale.id, part) for part in PARTS]))
            .order_by(Bill.id)):
        found[bill.details.get("part", "")] = bill
    return found


def amounts(policy: EServicePolicy, price: int) -> dict[str, int]:
    """Each part's amount in halalas."""
    return {"price": price, "government": policy.sale_government_fee,
            "platform": policy.sale_platform_fee}


# --- notices and audit --------------------------------------------------------------------

def _tell(session: Session, sale: VehicleSale, kind: str, now: datetime,
          client_address: str | None, actor: Account | None,
          to_seller: notices.Notice, to_buyer: notices.Notice, at_once: bool = True,
          **values: object) -> None:
    """Audit the change for both holders and text each in their language. ``at_once``:
    commit and send now (a holder's request); else only queue (run-due, a bank's notice)."""
    for account in (sale.seller, sale.buyer):
        audit.record(session, kind, now, account.id,
                     client_address if actor is not None and account.id == actor.id else None,
                     sale=sale.id, vehicle=sale.vehicle_id)
    messages = []
    for notice, account in ((to_seller, sale.seller), (to_buyer, sale.buyer)):
        language = account.preferred_language
        filled = {"plate": traffic.plate_of(sale.vehicle, language),
                  "price": fees.amount_in(language, sale.price)}
        filled.update({key: value(language) if callable(value) else value
                       for key, value in values.items()})
        messages.append((notice, account, filled))
    if at_once:
        notices.send_each(session, messages, now)
    else:
        for notice, account, filled in messages:
            notices.queue(session, notice, account, now, at_once=False, **filled)


def _until(moment: datetime) -> str:
    return moment.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M")


# --- the offer ----------------------------------------------------------------------------

def offer(session: Session, policy: EServicePolicy, seller: Account, vehicle_id: int,
          buyer_id: str, buyer_birth_date: date, price: int, iban: str, now: datetime,
          client_address: str | None) -> VehicleSale | Refused:
    """Offer the seller's vehicle to the holder of ``buyer_id`` born on
    ``buyer_birth_date`` for ``price`` halalas; NotYours when the vehicle is not the
    seller's."""
    acting_for.check_acting_for(session, seller, seller.national_id, SERVICE, now)
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None or vehicle.owner_id != seller.national_id:
        raise NotYours
    today = local_today(now)
    failed = vehicle_conditions(session, vehicle, today)
    if failed:
        return Refused(tuple(failed))
    if not policy.sale_min_price * 100 <= price <= policy.sale_max_price * 100:
        return Refused((Condition.PRICE,))
    if buyer_id == seller.national_id:
        return Refused((Condition.YOURSELF,))
    buyer = session.scalars(select(Account).join(Person).where(
        Account.national_id == buyer_id, Person.birth_date == buyer_birth_date)).first()
    if buyer is None or not buyer.is_active:
        return Refused((Condition.BUYER_UNMATCHED,))
    problem = buyer_problem(session, policy, buyer)
    if problem is not None:
        return Refused((problem,))
    sale = VehicleSale(vehicle=vehicle, seller=seller, buyer=buyer, price=price,
                       seller_iban=iban, status=SaleStatus.OFFERED, created_at=now,
                       changed_at=now, answer_by=now + policy.sale_answer_time,
                       payout_attempts=0)
    try:
        with session.begin_nested():
            session.add(sale)
    except IntegrityError:
        session.rollback()
        return Refused((Condition.OPEN_SALE,))
    _tell(session, sale, OFFERED, now, client_address, seller, notices.SALE_OFFERED_SELLER,
          notices.SALE_OFFERED_BUYER, until=_until(sale.answer_by))
    return sale


def buyer_problem(session: Session, policy: EServicePolicy, buyer: Account
                  ) -> Condition | None:
    """Whether the buyer may own one more vehicle: no unpaid violations on their vehicles,
    and a resident under the private cars limit."""
    unpaid = session.scalar(select(func.count()).select_from(TrafficViolation)
                            .join(Vehicle).where(Vehicle.owner_id == buyer.national_id,
                                                 TrafficViolation.status
                                                 == ViolationStatus.UNPAID))
    if unpaid:
        return Condition.BUYER_VIOLATIONS
    if buyer.person.kind is PersonKind.RESIDENT:
        owned = session.scalar(select(func.count()).select_from(Vehicle).where(
            Vehicle.owner_id == buyer.national_id, Vehicle.usage == "private")) or 0
        if owned >= policy.sale_resident_cars:
            return Condition.RESIDENT_LIMIT
    return None


def _sale_of(session: Session, account: Account, sale_id: int, *sides: str) -> VehicleSale:
    sale = session.get(VehicleSale, sale_id)
    if sale is None or all(getattr(sale, f"{side}_account_id") != account.id for side in sides):
        raise NotYours
    return sale


def _move(session: Session, sale: VehicleSale, leaving: tuple[SaleStatus, ...],
          to: SaleStatus, now: datetime, *conditions, **values: object) -> bool:
    """One change of state, only from ``leaving``: True if this call made it."""
    changed = session.execute(
        update(VehicleSale).where(VehicleSale.id == sale.id, VehicleSale.status.in_(leaving),
                                  *conditions)
        .values(status=to, changed_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(sale)
    return changed == 1


# --- the buyer's answer -------------------------------------------------------------------

def accept(session: Session, policy: EServicePolicy, buyer: Account, sale_id: int,
           now: datetime, client_address: str | None) -> VehicleSale | Refused:
    """The buyer accepts an offer still open: the sale waits for its three bills."""
    sale = _sale_of(session, buyer, sale_id, "buyer")
    # The vehicle as it is now (its insurance may have ended since the offer), and the buyer.
    failed = [condition for condition in vehicle_conditions(session, sale.vehicle,
                                                            local_today(now))
              if condition is not Condition.OPEN_SALE]
    if failed:
        return Refused(tuple(failed))
    problem = buyer_problem(session, policy, buyer)
    if problem is not None:
        return Refused((problem,))
    pay_by = now + policy.sale_pay_time
    if not _move(session, sale, (SaleStatus.OFFERED,), SaleStatus.ACCEPTED, now,
                 VehicleSale.answer_by > now, pay_by=pay_by):
        session.rollback()
        return Refused((Condition.ENDED,))
    for part, amount in amounts(policy, sale.price).items():
        fees_vat = policy.sale_platform_vat if part == "platform" else 0
        bills.issue(session, service=SERVICE, request_key=request_key(sale.id, part),
                    account=buyer, beneficiary_id=buyer.national_id, amount=amount,
                    now=now, lifetime=pay_by - now, vat=fees_vat,
                    details={"sale_id": sale.id, "part": part})
    _tell(session, sale, ACCEPTED, now, client_address, buyer, notices.SALE_ACCEPTED,
          notices.SALE_ACCEPTED, until=_until(pay_by))
    return sale


def reject(session: Session, buyer: Account, sale_id: int, now: datetime,
           client_address: str | None) -> VehicleSale | Refused:
    sale = _sale_of(session, buyer, sale_id, "buyer")
    if not _move(session, sale, (SaleStatus.OFFERED,), SaleStatus.REJECTED, now):
        session.rollback()
        return Refused((Condition.ENDED,))
    _tell(session, sale, REJECTED, now, client_address, buyer, notices.SALE_REJECTED,
          notices.SALE_REJECTED)
    return sale


# --- ending without completion --------------------------------------------------------------

def _end_bills(session: Session, sale: VehicleSale, now: datetime) -> None:
    """Cancel the sale's unpaid bills and refund its paid ones (the sale has ended)."""
    for bill in bills_of(session, sale).values():
        bills.cancel(session, bill, now)


def _hold_bills(session: Session, sale_id: int) -> None:
    """Lock the sale's bills before the sale row, in the order a bill's carry_on takes
    them (the bill, then the sale), so the two never wait on each other."""
    session.execute(select(Bill.id).where(
        Bill.service == SERVICE,
        Bill.request_key.in_([request_key(sale_id, part) for part in PARTS]))
        .order_by(Bill.id).with_for_update())


def cancel(session: Session, account: Account, sale_id: int, now: datetime,
           client_address: str | None) -> VehicleSale | Refused:
    """Either holder calls the sale off before completion: every amount paid refunded."""
    sale = _sale_of(session, account, sale_id, "seller", "buyer")
    _hold_bills(session, sale.id)
    side = "seller" if sale.seller_account_id == account.id else "buyer"
    if not _move(session, sale, OPEN_SALE, SaleStatus.CANCELLED, now, cancelled_by=side):
        session.rollback()
        return Refused((Condition.ENDED,))
    _end_bills(session, sale, now)
    _tell(session, sale, CANCELLED, now, client_address, account, notices.SALE_CANCELLED,
          notices.SALE_CANCELLED)
    return sale


def lapse_due(begin, now: datetime) -> int:  # noqa: ANN001 (a transaction maker)
    """run-due: offers not answered by answer_by, and accepted sales not paid by pay_by,
    lapse; what was paid is refunded. Each sale in its own transaction, by a conditional
    UPDATE, so several runners lapse each once. How many lapsed."""
    with begin() as session:
        due = list(session.scalars(select(VehicleSale.id).where(or_(
            (VehicleSale.status == SaleStatus.OFFERED) & (VehicleSale.answer_by <= now),
            (VehicleSale.status == SaleStatus.ACCEPTED) & (VehicleSale.pay_by <= now)))
            .order_by(VehicleSale.id).limit(500)))
    lapsed = 0
    for sale_id in due:
        with begin() as session:
            _hold_bills(session, sale_id)
            sale = session.get(VehicleSale, sale_id)
            paid = [b for b in bills_of(session, sale).values() if b.status is BillStatus.PAID]
            if sale.status is SaleStatus.ACCEPTED and len(paid) == len(PARTS):
                continue  # paid in time: its carrying-on (retried by run-due) makes it paid
            if not _move(session, sale, (SaleStatus.OFFERED, SaleStatus.ACCEPTED),
                         SaleStatus.LAPSED, now,
                         or_((VehicleSale.status == SaleStatus.OFFERED)
                             & (VehicleSale.answer_by <= now),
                             (VehicleSale.status == SaleStatus.ACCEPTED)
                             & (VehicleSale.pay_by <= now))):
                continue
            _end_bills(session, sale, now)
            _tell(session, sale, LAPSED, now, None, None, notices.SALE_LAPSED,
                  notices.SALE_LAPSED, at_once=False)
            lapsed += 1
    return lapsed


# --- payment --------------------------------------------------------------------------------

def carry_on(session: Session, paid: Bill, now: datetime) -> None:
    """A bill of the sale is paid: once all three are, the sale is paid. A bill paid for a
    sale that has ended is refunded (Undeliverable)."""
    sale = session.get(VehicleSale, paid.details.get("sale_id"))
    if sale is None or sale.status not in (SaleStatus.ACCEPTED, SaleStatus.PAID):
        raise bills.Undeliverable("sale_ended")
    held = bills_of(session, sale)
    if not all(part in held and held[part].status is BillStatus.PAID for part in PARTS):
        return
    if _move(session, sale, (SaleStatus.ACCEPTED,), SaleStatus.PAID, now):
        _tell(session, sale, PAID, now, None, None, notices.SALE_PAID, notices.SALE_PAID,
              at_once=False)
    elif sale.status is not SaleStatus.PAID:
        raise bills.Undeliverable("sale_ended")


def refundable(session: Session, paid: Bill) -> bool:
    """Every part is refunded while the sale has not completed."""
    sale = session.get(VehicleSale, paid.details.get("sale_id"))
    return sale is None or sale.status is not SaleStatus.COMPLETED


# --- completion ------------------------------------------------------------------------------

def complete(session: Session, seller: Account, sale_id: int, now: datetime,
             client_address: str | None) -> VehicleSale | Refused:
    """The seller confirms the hand-over: the vehicle becomes the buyer's, the seller's
    driving authorisations for it end, and the price is paid out to the seller."""
    sale = _sale_of(session, seller, sale_id, "seller")
    held = price_bill(session, sale)
    if not _move(session, sale, (SaleStatus.PAID,), SaleStatus.COMPLETED, now,
                 payout_next_at=now, payout_attempts=0,
                 payout_bank=held.bank_code if held else None):
        session.rollback()
        return Refused((Condition.ENDED,))
    if not traffic.transfer(session, sale.vehicle_id, seller.national_id,
                            sale.buyer.national_id):
        session.rollback()  # the registry moved it meanwhile: the seller may cancel
        return Refused((Condition.VEHICLE_CHANGED,))
    session.refresh(sale.vehicle)
    ownership.vehicle_owner_changed(session, sale.vehicle, now)
    document_facts.sale_completed(
        session, sale, session.get(Person, seller.national_id),
        session.get(Person, sale.buyer.national_id),
        traffic.plate_forms(sale.vehicle, Language.ARABIC), local_today(now), now)
    _tell(session, sale, COMPLETED, now, client_address, seller, notices.SALE_COMPLETED,
          notices.SALE_COMPLETED)
    return sale


def price_bill(session: Session, sale: VehicleSale) -> Bill | None:
    return bills_of(session, sale).get("price")


def due(begin, now: datetime) -> int:  # noqa: ANN001 (run-due's part: bills.Fulfilment.due)
    return lapse_due(begin, now) + sale_payouts.send_due(begin, now, price_bill)


bills.register(bills.Fulfilment(SERVICE, carry_on=carry_on, refundable=refundable, due=due))
