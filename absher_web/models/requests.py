"""Requests: what a person asks for that takes more than one step or needs someone else (a
birth registration, a family record; later passports, visas, sales, objections).

A request's states and the moves between them are declared once, in services/requests.py.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.accounts import Account
from absher_web.models.base import Base, UTCDateTime, enum_column


class RequestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"  # waiting for an officer: the rules could not decide
    APPROVED = "approved"
    PRINTED = "printed"  # a document printed, waiting to be handed over or posted
    REFUSED = "refused"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"  # by the holder, before a decision


class ServiceRequest(Base):
    """One request of one holder in one service, and where it stands.

    ``request_key`` names what the request is about inside its service (a birth
    notification's number, a marriage): one request per key, however many submits arrive.
    ``office_city`` routes it to the officers who may decide it: those of that city whose
    role decides the service (services/requests.Kind.role).
    """

    __tablename__ = "service_requests"
    __table_args__ = (
        UniqueConstraint("service", "request_key"),
        # An office's queue of one service, oldest first (services/requests.awaiting_officer,
        # services/passports.queue_of): a walk of QUEUE_SHOWN entries however many wait.
        Index("ix_service_requests_queue", "status", "office_city", "service", "changed_at",
              "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the holder quotes when they call: digits, the last a check digit.
    number: Mapped[str] = mapped_column(String(12), unique=True)
    service: Mapped[str] = mapped_column(String(30), index=True)
    request_key: Mapped[str] = mapped_column(String(60))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Whom it is for: the holder's own ID, or the person they act for.
    beneficiary_id: Mapped[str] = mapped_column(String(10))
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus), index=True)
    office_city: Mapped[str | None] = mapped_column(String(100), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # Why it went to an officer, or why it was refused: a code the service words.
    reason: Mapped[str | None] = mapped_column(String(40))
    # An officer's own words, when they refuse.
    note: Mapped[str | None] = mapped_column(String(500))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    account: Mapped[Account] = relationship()
