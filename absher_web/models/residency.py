"""Residency records of the Passports registry (agencies/residency.py): the exit/re-entry
and final exit visas issued for residents."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.accounts import Account
from absher_web.models.base import Base, UTCDateTime, enum_column


class VisaKind(enum.StrEnum):
    SINGLE = "single"  # exit and re-entry, one trip
    MULTIPLE = "multiple"  # exit and re-entry, any number of trips
    FINAL_EXIT = "final_exit"


class VisaStatus(enum.StrEnum):
    ISSUED = "issued"  # not used yet: may be extended or cancelled
    USED = "used"  # the traveller crossed the border with it (the registry says so)
    CANCELLED = "cancelled"  # by the sponsor or head of household, unused
    EXPIRED = "expired"  # its last day passed unused


class Visa(Base):
    """A visa the Passports registry issued for a resident.

    ``open_for`` holds the person's iqama number while the visa is ISSUED and nothing
    else: its unique index keeps one open visa a person, however many payments arrive at
    once. Every change of ``status`` is one conditional UPDATE on the status it leaves.
    """

    __tablename__ = "visas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(10), unique=True)
    person_id: Mapped[str] = mapped_column(String(10), index=True)  # the iqama number
    kind: Mapped[VisaKind] = mapped_column(enum_column(VisaKind))
    status: Mapped[VisaStatus] = mapped_column(enum_column(VisaStatus))
    open_for: Mapped[str | None] = mapped_column(String(10), unique=True)
    # The account that issued it here; None: issued at an office (the registry's import).
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    # Return before (exit/re-entry) or leave before (final exit): its last valid day.
    valid_until: Mapped[date] = mapped_column(Date)
    # The months and halalas paid here, extensions included (0: issued at an office).
    months: Mapped[int] = mapped_column(Integer)
    fee: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    issuer: Mapped[Account | None] = relationship()
