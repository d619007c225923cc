"""What holders do in e-services (services/eservices/): driving authorisations, visa
extensions and absence reports."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.accounts import Account
from absher_web.models.agencies import Sponsorship, Vehicle
from absher_web.models.base import Base, UTCDateTime, enum_column


class AuthorisationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the driver to accept or decline
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # by the owner, at any time
    OWNER_CHANGED = "owner_changed"  # ended: the vehicle has a new owner (services/ownership)


class DrivingAuthorisation(Base):
    """An owner authorises another holder to drive one of their vehicles until a day.

    Every change of ``status`` is one conditional UPDATE on the status it changes from
    (services/eservices/driving.py), so a double submit or a race changes it once.
    """

    __tablename__ = "driving_authorisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"),
                                            index=True)
    owner_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    driver_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the last day it allows driving
    status: Mapped[AuthorisationStatus] = mapped_column(enum_column(AuthorisationStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The last change of status (accepted, declined or cancelled); the purge counts from it.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    vehicle: Mapped[Vehicle] = relationship()
    owner: Mapped[Account] = relationship(foreign_keys=[owner_account_id])
    driver: Mapped[Account] = relationship(foreign_keys=[driver_account_id])


class VisaExtension(Base):
    """A visit visa extended by its sponsor once its bill was paid: from which expiry to
    which, for what fee."""

    __tablename__ = "visa_extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsorship_id: Mapped[int] = mapped_column(
        ForeignKey("sponsorships.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    previous_expiry: Mapped[date] = mapped_column(Date)
    new_expiry: Mapped[date] = mapped_column(Date)
    fee: Mapped[int] = mapped_column(Integer)  # halalas: the bill that paid it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    sponsorship: Mapped[Sponsorship] = relationship()


class AbsenceReport(Base):
    """A sponsor's report that a domestic worker is absent; open until withdrawn (or closed
    when the worker moves to another sponsor).

    A worker has at most one open report: a partial unique index holds that however many
    requests report at once.
    """

    __tablename__ = "absence_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsorship_id: Mapped[int] = mapped_column(
        ForeignKey("sponsorships.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    last_seen_on: Mapped[date] = mapped_column(Date)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the report was closed: withdrawn by its sponsor, or closed by the registry
    # (``closed_because`` says why, e.g. "sponsor_changed": services/ownership.py).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    closed_because: Mapped[str | None] = mapped_column(String(20))

    sponsorship: Mapped[Sponsorship] = relationship()


def open_absence_report():  # noqa: ANN201 (a SQL condition)
    """Reports not withdrawn: written as literal SQL so both databases use the index."""
    return literal_column("withdrawn_at IS NULL")


Index("uq_absence_reports_open", AbsenceReport.sponsorship_id, unique=True,
      postgresql_where=open_absence_report(), sqlite_where=open_absence_report())
