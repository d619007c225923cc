"""Foreign investors (خدمات المستثمر الأجنبي): the Ministry of Investment's licences, which
tell who holds an investor record."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, enum_column

ACTIVITY_MAX = 200


class InvestorLicenceKind(enum.StrEnum):
    """The kinds of investment licence the Ministry of Investment (MISA) issues."""

    SERVICES = "services"
    INDUSTRIAL = "industrial"
    TRADING = "trading"
    AGRICULTURAL = "agricultural"
    REAL_ESTATE = "real_estate"
    ENTREPRENEUR = "entrepreneur"
    PROFESSIONAL = "professional"


class InvestorLicence(Base):
    """An investment licence of the Ministry of Investment, one row a licence, a later
    import replacing it (agencies/investors.py). A person may hold several."""

    __tablename__ = "investor_licences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence_number: Mapped[str] = mapped_column(String(20), unique=True)
    # The holder's ID or iqama number.
    person_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    kind: Mapped[InvestorLicenceKind] = mapped_column(enum_column(InvestorLicenceKind))
    activity: Mapped[str] = mapped_column(String(ACTIVITY_MAX))  # as the Ministry words it
    expires_on: Mapped[date] = mapped_column(Date)
