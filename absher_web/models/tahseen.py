"""Tahseen (خدمة تحسين): complaints, questions and suggestions holders send to Civil Affairs,
and the answers of its officers."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.accounts import Account
from absher_web.models.base import Base, UTCDateTime, enum_column

TICKET_TEXT_MAX = 2000  # what the holder writes, and the officer's answer
TICKET_NUMBER_LENGTH = 12  # eleven random digits, then a check digit


class TicketKind(enum.StrEnum):
    COMPLAINT = "complaint"
    QUESTION = "question"
    SUGGESTION = "suggestion"


class TicketStatus(enum.StrEnum):
    OPEN = "open"  # waiting for an officer of the holder's city
    ANSWERED = "answered"  # an officer answered it
    CLOSED = "closed"  # an officer closed it without an answer, saying why
    WITHDRAWN = "withdrawn"  # by the holder, before an officer answered


class TahseenTicket(Base):
    """One ticket: what the holder sent, where it stands, and the officer's answer.

    Its moves are declared once, in services/tahseen.py (MOVES), each a conditional
    update on the state it leaves. ``office_city`` routes it to the Civil Affairs
    officers of the holder's city (Person.city, as the registry spells it).
    """

    __tablename__ = "tahseen_tickets"
    # An office's open tickets, oldest first (services/tahseen.waiting and its capped
    # count): a walk of QUEUE_SHOWN entries however many wait.
    __table_args__ = (Index("ix_tahseen_tickets_queue", "status", "office_city", "created_at",
                            "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the holder quotes: digits, the last a check digit; only its holder sees it.
    number: Mapped[str] = mapped_column(String(TICKET_NUMBER_LENGTH), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[TicketKind] = mapped_column(enum_column(TicketKind))
    topic: Mapped[str] = mapped_column(String(30))  # a key of services/tahseen.TOPICS
    text: Mapped[str] = mapped_column(String(TICKET_TEXT_MAX))
    # status, office_city and created_at are found through the queue index only: an index
    # on one of them alone tempts PostgreSQL away from it (migration 0033).
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus))
    office_city: Mapped[str] = mapped_column(String(100))
    answer: Mapped[str | None] = mapped_column(String(TICKET_TEXT_MAX))
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    account: Mapped[Account] = relationship()
