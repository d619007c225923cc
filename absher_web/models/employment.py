"""Absher Employment (أبشر توظيف): the Ministry of Interior's job openings (a government
source, agencies/job_openings.py) and the applications holders send to them (each a
request, services/employment.py)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.base import Base, UTCDateTime, enum_column
from absher_web.models.requests import ServiceRequest

# The requests (ServiceRequest.service) that are job applications.
JOB_APPLICATION = "job_application"


class JobSector(enum.StrEnum):
    """The sectors of the Ministry that recruit."""

    PUBLIC_SECURITY = "public_security"
    CIVIL_DEFENCE = "civil_defence"
    BORDER_GUARD = "border_guard"
    PASSPORTS = "passports"
    PRISONS = "prisons"
    SPECIAL_FORCES = "special_forces"
    HEADQUARTERS = "headquarters"  # the Ministry's civilian posts


class JobRegion(enum.StrEnum):
    """The thirteen administrative regions of the Kingdom."""

    RIYADH = "riyadh"
    MAKKAH = "makkah"
    MADINAH = "madinah"
    EASTERN = "eastern"
    QASSIM = "qassim"
    ASIR = "asir"
    TABUK = "tabuk"
    HAIL = "hail"
    NORTHERN_BORDERS = "northern_borders"
    JAZAN = "jazan"
    NAJRAN = "najran"
    BAHA = "baha"
    JOUF = "jouf"


class Qualification(enum.StrEnum):
    """Education levels, from the lowest: an opening names the least it accepts."""

    INTERMEDIATE = "intermediate"
    SECONDARY = "secondary"
    DIPLOMA = "diploma"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"

    @property
    def rank(self) -> int:
        return list(Qualification).index(self)


class JobGender(enum.StrEnum):
    MEN = "men"
    WOMEN = "women"


class JobOpening(Base):
    """One opening as the Ministry publishes it; a later import of the same number
    replaces it (agencies/job_openings.py is the only code that writes here)."""

    __tablename__ = "job_openings"
    __table_args__ = (
        # The search: open ones first by closing date, within a sector, a region or a
        # qualification.
        Index("ix_job_openings_sector_closing", "sector", "closing_on"),
        Index("ix_job_openings_region_closing", "region", "closing_on"),
        Index("ix_job_openings_qualification_closing", "qualification", "closing_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title_ar: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    sector: Mapped[JobSector] = mapped_column(enum_column(JobSector))
    region: Mapped[JobRegion] = mapped_column(enum_column(JobRegion))
    qualification: Mapped[Qualification] = mapped_column(enum_column(Qualification))
    closing_on: Mapped[date] = mapped_column(Date, index=True)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    saudi_only: Mapped[bool] = mapped_column(Boolean)
    gender: Mapped[JobGender | None] = mapped_column(enum_column(JobGender))
    conditions_ar: Mapped[str] = mapped_column(String(1000))
    conditions_en: Mapped[str] = mapped_column(String(1000))
    # Both titles and the number, folded (agencies/job_openings.folded): what the text
    # search matches.
    search_text: Mapped[str] = mapped_column(String(450))


class JobApplication(Base):
    """What an application adds to its request (ServiceRequest, service "job_application"):
    the opening, the qualification the holder chose and their CV (an upload's public id).
    The request holds the state, the holder and the registry's data as shown."""

    __tablename__ = "job_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), unique=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("job_openings.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    qualification: Mapped[Qualification] = mapped_column(enum_column(Qualification))
    cv_file: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    request: Mapped[ServiceRequest] = relationship()
    opening: Mapped[JobOpening] = relationship()
