"""My vehicles, serving four of the seed's services: vehicle insurance validity
(الاستعلام عن صلاحية التأمين على المركبات), traffic violations per vehicle with totals,
impounded vehicles (المركبات المحجوزة), and a foreign-plated vehicle's violations
(الاستعلام عن مخالفات المركبات الأجنبية). An owner pays an unpaid violation of their
own vehicle through a bill (``bill``); once a bank pays it, ``carry_on`` marks the
violation paid, once."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.agencies import traffic
from absher_web.models import (
    Account,
    Bill,
    BillStatus,
    TrafficViolation,
    Vehicle,
    ViolationStatus,
)
from absher_web.services import audit, bills, notices
from absher_web.services.eservices import (
    NotYours,
    Validity,
    fees,
    local_today,
    record_use,
    validity,
)
from absher_web.services.policies import EServicePolicy

VEHICLES_AUDIT_KIND = "vehicles_enquiry"
FOREIGN_AUDIT_KIND = "foreign_vehicle_enquiry"
BILLED_AUDIT_KIND = "traffic_violation_billed"
PAID_AUDIT_KIND = "traffic_violation_paid"
SERVICE = "traffic_violation"  # its bills' service (services/bills.py)


@dataclass(frozen=True)
class VehicleView:
    vehicle: Vehicle
    insurance: Validity
    violations: list[TrafficViolation]
    unpaid_count: int
    unpaid_total: int  # halalas


def view_of(vehicle: Vehicle, today: date) -> VehicleView:
    unpaid = [v for v in vehicle.violations if v.status is ViolationStatus.UNPAID]
    return VehicleView(vehicle, validity(vehicle.insurance_expiry, today), list(vehicle.violations),
                       len(unpaid), sum(v.halalas for v in unpaid))


@dataclass(frozen=True)
class MyVehicles:
    vehicles: list[VehicleView]

    @property
    def impounded(self) -> list[VehicleView]:
        return [v for v in self.vehicles if v.vehicle.impounded_since is not None]

    @property
    def unpaid_count(self) -> int:
        return sum(v.unpaid_count for v in self.vehicles)

    @property
    def unpaid_total(self) -> int:
        return sum(v.unpaid_total for v in self.vehicles)


def my_vehicles(session: Session, account: Account, now: datetime,
                client_address: str | None) -> MyVehicles:
    """The holder's vehicles as the registry has them today; the enquiry is audited."""
    today = local_today(now)
    found = MyVehicles([view_of(v, today) for v in
                        traffic.vehicles_of(session, account.national_id)])
    record_use(session, VEHICLES_AUDIT_KIND, account, now, client_address,
               vehicles=len(found.vehicles))
    return found


def foreign_vehicle(session: Session, account: Account, country: str, plate: str,
                    now: datetime, client_address: str | None) -> VehicleView | None:
    """A foreign-plated vehicle's violations by its country and plate, or None when the
    registry has no such vehicle; the enquiry is audited with the plate asked for."""
    vehicle = traffic.find_foreign_vehicle(session, country, plate)
    found = view_of(vehicle, local_today(now)) if vehicle else None
    record_use(session, FOREIGN_AUDIT_KIND, account, now, client_address, country=country,
               plate=traffic.foreign_plate_of(plate), found=found is not None)
    return found


# --- paying a violation ---------------------------------------------------------------------

class Unpayable(enum.StrEnum):
    PAID = "paid"  # the traffic department records it paid
    PAYMENT_RECEIVED = "payment_received"  # a bank paid its bill; being recorded


def violation_of(session: Session, account: Account, violation_id: int) -> TrafficViolation:
    """A violation of a vehicle the holder owns, or NotYours (whether or not it exists)."""
    found = session.get(TrafficViolation, violation_id)
    if found is None or found.vehicle.owner_id != account.national_id:
        raise NotYours
    return found


def payment_received(session: Session, reference: str) -> Bill | None:
    """A paid bill of this violation (paid, and not being given back)."""
    return session.scalars(select(Bill).where(
        Bill.service == SERVICE, Bill.request_key == reference,
        Bill.status == BillStatus.PAID)).first()


def bill(session: Session, policy: EServicePolicy, account: Account, violation_id: int,
         now: datetime, client_address: str | None) -> Bill | Unpayable:
    """The bill that pays one unpaid violation of the holder's own vehicle: a new one, or
    the unpaid one it has. Refused once it is paid, here or at the traffic department."""
    violation = violation_of(session, account, violation_id)
    if violation.status is ViolationStatus.PAID:
        return Unpayable.PAID
    if payment_received(session, violation.reference) is not None:
        return Unpayable.PAYMENT_RECEIVED
    issued = fees.bill_for(
        session, service=SERVICE, request_key=violation.reference, account=account,
        beneficiary_id=account.national_id, amount=violation.halalas, now=now,
        lifetime=policy.bill_lifetime,
        details={"violation_id": violation.id, "vehicle_id": violation.vehicle_id})
    audit.record(session, BILLED_AUDIT_KIND, now, account.id, client_address,
                 violation=violation.reference, bill=issued.number)
    session.commit()
    return issued


def bills_by_violation(session: Session, account: Account,
                       references: list[str]) -> dict[str, Bill]:
    """The holder's latest bill for each of these violations that has one."""
    latest: dict[str, Bill] = {}
    if references:
        for found in session.scalars(select(Bill).where(
                Bill.account_id == account.id, Bill.service == SERVICE,
                Bill.request_key.in_(references)).order_by(Bill.id)):
            latest[found.request_key] = found
    return latest


def carry_on(session: Session, paid: Bill, now: datetime) -> None:
    """A paid bill's violation marked paid (one conditional UPDATE from unpaid), audited,
    and its owner texted; Undeliverable (the bill is refunded) when the vehicle is no
    longer theirs or the traffic department has recorded the violation paid meanwhile."""
    violation = session.get(TrafficViolation, paid.details.get("violation_id"))
    account = paid.account
    if violation is None or violation.reference != paid.request_key:
        raise bills.Undeliverable("violation_gone")
    if violation.vehicle.owner_id != account.national_id:
        raise bills.Undeliverable("vehicle_not_owned")
    changed = session.execute(
        update(TrafficViolation).where(TrafficViolation.id == violation.id,
                                       TrafficViolation.status == ViolationStatus.UNPAID)
        .values(status=ViolationStatus.PAID)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise bills.Undeliverable("violation_paid")
    audit.record(session, PAID_AUDIT_KIND, now, account.id, None,
                 violation=violation.reference, bill=paid.number)
    # Sent by run-due: no outside call inside the transaction that carries the bill on.
    notices.queue(session, notices.VIOLATION_PAID, account, now, at_once=False,
                  reference=violation.reference,
                  amount=fees.amount_in(account.preferred_language, paid.amount))


def refundable(_session: Session, paid: Bill) -> bool:
    """A paid violation's bill is refunded only while the violation is not yet paid."""
    return paid.fulfilled_at is None


bills.register(bills.Fulfilment(SERVICE, carry_on=carry_on, refundable=refundable))
