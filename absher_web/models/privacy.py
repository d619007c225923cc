"""What the holder sees of their own data: the record of staff looking at it (as Estonia's
Data Tracker shows its citizens) and the copies of it they ask to take away."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, UTCDateTime, enum_column, utcnow


class StaffLook(Base):
    """An officer opened a holder's record: when, in which role and office, and why (the
    reason their screen asked for). The holder sees all of it but the officer's name."""

    __tablename__ = "staff_looks"
    __table_args__ = (Index("ix_staff_looks_person_id_created_at", "person_id", "created_at",
                            "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    # The holder's ID or iqama number, as the officer's screen showed it: a look at a record
    # whose holder has no account yet is theirs to see once they register.
    person_id: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(40))  # services/staff.ROLES
    office: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(40))  # services/staff_looks.REASONS
    note: Mapped[str | None] = mapped_column(String(200))  # the officer's own words, if any
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ExportStatus(enum.StrEnum):
    ASKED = "asked"
    PREPARING = "preparing"  # a runner took it
    READY = "ready"  # until expires_at
    EXPIRED = "expired"  # its file deleted


class DataExport(Base):
    """A copy of everything held about a holder, as a ZIP: one row an account, asked for
    again (the same row) only after a pause; made by the runner, kept for a limited time."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    status: Mapped[ExportStatus] = mapped_column(enum_column(ExportStatus))
    language: Mapped[str] = mapped_column(String(2))  # the holder's, when they asked
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # When a runner took it; a runner that died is replaced after a while (data_exports).
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    size: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary(), deferred=True)
