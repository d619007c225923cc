"""My vehicles, serving four of the seed's services: vehicle insurance validity
(الاستعلام عن صلاحية التأمين على المركبات), traffic violations per vehicle with totals,
impounded vehicles (المركبات المحجوزة), and a foreign-plated vehicle's violations
(الاستعلام عن مخالفات المركبات الأجنبية)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from absher_web.models import Account, TrafficViolation, Vehicle, ViolationStatus
from absher_web.services import vehicles_registry
from absher_web.services.eservices import Validity, local_today, record_use, validity

VEHICLES_AUDIT_KIND = "vehicles_enquiry"
FOREIGN_AUDIT_KIND = "foreign_vehicle_enquiry"


@dataclass(frozen=True)
class VehicleView:
    vehicle: Vehicle
    insurance: Validity
    violations: list[TrafficViolation]
    unpaid_count: int
    unpaid_total: int

    @property
    def plate_arabic(self) -> str:
        return vehicles_registry.arabic_letters(self.vehicle.plate_letters)

    @property
    def plate_latin(self) -> str:
        return " ".join(self.vehicle.plate_letters)


def view_of(vehicle: Vehicle, today: date) -> VehicleView:
    unpaid = [v for v in vehicle.violations if v.status is ViolationStatus.UNPAID]
    return VehicleView(vehicle, validity(vehicle.insurance_expiry, today), list(vehicle.violations),
                       len(unpaid), sum(v.amount for v in unpaid))


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
                        vehicles_registry.vehicles_of(session, account.national_id)])
    record_use(session, VEHICLES_AUDIT_KIND, account, now, client_address,
               vehicles=len(found.vehicles))
    return found


def foreign_vehicle(session: Session, account: Account, country: str, plate: str,
                    now: datetime, client_address: str | None) -> VehicleView | None:
    """A foreign-plated vehicle's violations by its country and plate, or None when the
    registry has no such vehicle; the enquiry is audited with the plate asked for."""
    vehicle = vehicles_registry.find_foreign_vehicle(session, country, plate)
    found = view_of(vehicle, local_today(now)) if vehicle else None
    record_use(session, FOREIGN_AUDIT_KIND, account, now, client_address, country=country,
               plate=vehicles_registry.foreign_plate_of(plate), found=found is not None)
    return found
