"""Public decorum violations (مخالفات الذوق العام): what an officer recorded against a
person, the fine, and where it stands (services/decorum.py declares the moves).

    unpaid -> paid                      its bill paid
    unpaid -> objected                  an objection sent (its unpaid bill cancelled)
    paid -> paid_objected               an objection sent after paying
    objected -> unpaid, paid_objected -> paid     the objection rejected or withdrawn
    objected | paid_objected -> cancelled         the objection accepted (a paid fine refunded)
    objected -> paid_objected           a bill paid at the very moment the objection went in
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, UTCDateTime, enum_column


class DecorumStatus(enum.StrEnum):
    UNPAID = "unpaid"
    OBJECTED = "objected"  # unpaid, an objection with the committee: it cannot be paid
    PAID = "paid"
    PAID_OBJECTED = "paid_objected"  # paid, an objection with the committee
    CANCELLED = "cancelled"  # the committee accepted the objection


class DecorumViolation(Base):
    """One violation of the Public Decorum Regulation recorded against one person.

    ``article`` is the item of the regulation's schedule (agencies/decorum.py), ``fine`` the
    amount in halalas as recorded (doubled for a repeat within a year), ``city`` the office
    city whose objections committee decides an objection to it.
    """

    __tablename__ = "decorum_violations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the person quotes and pays by: digits, the last a check digit.
    number: Mapped[str] = mapped_column(String(12), unique=True)
    national_id: Mapped[str] = mapped_column(String(10), index=True)
    article: Mapped[str] = mapped_column(String(10))
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    fine: Mapped[int] = mapped_column(Integer)  # halalas
    city: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    status: Mapped[DecorumStatus] = mapped_column(enum_column(DecorumStatus), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
