"""The records of government sources besides the civil registry (absher_web/agencies/):
vehicles, traffic violations, sponsorships, passports and travel bans."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.base import Base, enum_column
from absher_web.money import riyals


class ViolationStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"


class SponsoredKind(enum.StrEnum):
    DOMESTIC_WORKER = "domestic_worker"
    WORKER = "worker"
    VISITOR = "visitor"


class Vehicle(Base):
    """One vehicle as the traffic department's registry records it.

    A Saudi plate is up to four digits and three letters, kept in their Latin form
    (the Arabic letters follow from them, agencies/traffic.py); a foreign
    plate keeps its letters and digits in ``plate_number`` and has no ``plate_letters``.
    """

    __tablename__ = "vehicles"
    __table_args__ = (UniqueConstraint("plate_country", "plate_letters", "plate_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plate_country: Mapped[str] = mapped_column(String(3))  # ISO 3166-1 alpha-3
    plate_letters: Mapped[str] = mapped_column(String(3))
    plate_number: Mapped[str] = mapped_column(String(12))
    make: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(20))  # a key of agencies.traffic.COLOURS
    # Foreign vehicles have no owner in the civil registry.
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.national_id"), index=True)
    insurance_company: Mapped[str | None] = mapped_column(String(100))
    insurance_expiry: Mapped[date | None] = mapped_column(Date)
    impounded_since: Mapped[date | None] = mapped_column(Date)
    impound_place: Mapped[str | None] = mapped_column(String(100))
    # How the vehicle is registered (a key of agencies.traffic.USAGES): "private" for a
    # car of one's own, "private_transport" for a private goods vehicle, and so on.
    usage: Mapped[str] = mapped_column(String(20), server_default="private")
    # The registration (istimara) and the periodic technical inspection (fahs), each valid
    # through its day; None when the registry's file did not say.
    registration_expiry: Mapped[date | None] = mapped_column(Date)
    inspection_expiry: Mapped[date | None] = mapped_column(Date)
    # Reported to the police ("missing", "wanted": agencies.traffic.REPORTS), else None.
    reported: Mapped[str | None] = mapped_column(String(20))

    violations: Mapped[list[TrafficViolation]] = relationship(
        back_populates="vehicle", cascade="all, delete-orphan",
        order_by="TrafficViolation.committed_on.desc()")


class TrafficViolation(Base):
    """A traffic violation recorded against a vehicle."""

    __tablename__ = "traffic_violations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(30))  # a key of agencies.traffic.VIOLATION_KINDS
    amount: Mapped[int] = mapped_column(Integer)  # Saudi riyals
    committed_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100))  # a city, as the registry spells it
    status: Mapped[ViolationStatus] = mapped_column(enum_column(ViolationStatus))

    vehicle: Mapped[Vehicle] = relationship(back_populates="violations")

    @property
    def halalas(self) -> int:
        """The amount as bills and pages count money (the registry's is whole riyals)."""
        return riyals(self.amount)


class Sponsorship(Base):
    """A worker, domestic worker or visitor under a sponsor, from the Passports registry."""

    __tablename__ = "sponsorships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsor_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    # The iqama number of a worker, the border number of a visitor.
    person_id: Mapped[str] = mapped_column(String(10), unique=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SponsoredKind] = mapped_column(enum_column(SponsoredKind))
    nationality: Mapped[str] = mapped_column(String(3))
    permit_expiry: Mapped[date] = mapped_column(Date)  # the visit visa's or the iqama's
    health_insurer: Mapped[str | None] = mapped_column(String(100))
    health_insurance_expiry: Mapped[date | None] = mapped_column(Date)
    # When the person entered the Kingdom, if known: a visit's total stay counts from it.
    entry_date: Mapped[date | None] = mapped_column(Date)


class PassportStatus(enum.StrEnum):
    """A passport's standing in the Passports registry."""

    VALID = "valid"  # in force until its expiry date
    LOST = "lost"  # reported lost or stolen: it cannot be used, a new one is issued
    CANCELLED = "cancelled"  # cancelled by the Directorate (damaged, replaced)


class Passport(Base):
    """A person's current passport, from the Passports registry: one a person, a later
    import replacing it (agencies/passports.py)."""

    __tablename__ = "passports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), unique=True)
    # A Saudi passport's letter and 8 digits (A12345678), another country's 1 or 2
    # letters and 6 to 9 digits.
    number: Mapped[str] = mapped_column(String(11), index=True)
    issuing_country: Mapped[str] = mapped_column(String(3))  # ISO 3166-1 alpha-3
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[PassportStatus] = mapped_column(enum_column(PassportStatus),
                                                   default=PassportStatus.VALID,
                                                   server_default=PassportStatus.VALID.value)


class TravelBan(Base):
    """A travel ban on a person, from the Passports registry (`flask absher import
    travel-bans FILE`): one row a person, open until ``lifted_on``."""

    __tablename__ = "travel_bans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), unique=True)
    since: Mapped[date] = mapped_column(Date)
    # Who imposed it, as the registry words it (a court, the Public Prosecution).
    authority: Mapped[str] = mapped_column(String(100))
    lifted_on: Mapped[date | None] = mapped_column(Date)
