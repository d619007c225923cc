"""Premium Residency (الإقامة المميزة): the holders the Premium Residency Center records."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, enum_column


class PremiumKind(enum.StrEnum):
    PERMANENT = "permanent"  # no expiry
    LIMITED = "limited"  # for a year, renewable


class PremiumStatus(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"  # withdrawn by the Center


class PremiumResidency(Base):
    """A person's Premium Residency, one a person, a later import replacing it
    (agencies/premium_residencies.py)."""

    __tablename__ = "premium_residencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The holder's iqama number (a resident's, starting with 2).
    person_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), unique=True)
    certificate_number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[PremiumKind] = mapped_column(enum_column(PremiumKind))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)  # None for a permanent one
    status: Mapped[PremiumStatus] = mapped_column(enum_column(PremiumStatus))
