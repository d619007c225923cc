"""Every text message sent, and the hourly budgets that cap them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, UTCDateTime, enum_column, utcnow


class SmsStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # a notice claimed by one process for one try (services/outbox.py)
    SENT = "sent"
    FAILED = "failed"


class SmsMessage(Base):
    """Every message the portal sends, with its delivery status, so none is lost."""

    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to: Mapped[str] = mapped_column(String(16), index=True)
    # Codes are never stored: the body of a code message is kept with the code masked.
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))
    status: Mapped[SmsStatus] = mapped_column(enum_column(SmsStatus), default=SmsStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    retryable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Notices (the outbox): when the next try is due, and when a process took the last one.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# What a code message's body becomes once any code in it has expired (services/retention.py),
# and which messages are code messages (their purpose ends in "_code").
REDACTED_CODE_BODY = "[code message: body removed once the code expired]"
CODE_PURPOSE_PATTERN = "%\\_code"


def unredacted_code_message():
    """Code messages whose text is still there. Literal SQL, never bound parameters: only
    then can PostgreSQL and SQLite match it to the partial index below."""
    return (SmsMessage.purpose.like(literal_column(f"'{CODE_PURPOSE_PATTERN}'"),
                                    escape="\\")
            & (SmsMessage.body != literal_column(f"'{REDACTED_CODE_BODY}'")))


# The outbox's due query (services/outbox.py): the few notices not sent yet, oldest first.
Index("ix_sms_messages_status_id", SmsMessage.status, SmsMessage.id)
# The purge's redaction: only the code messages not redacted yet, by age.
Index("ix_sms_messages_unredacted_codes", SmsMessage.created_at,
      postgresql_where=unredacted_code_message(), sqlite_where=unredacted_code_message())


class SmsBudget(Base):
    """Uses of one scope in one bucket of time: code SMS to a number, a person or the
    whole site (minutes of the last hour), and a holder's changes under a per-account limit
    ("use:…"). Counted over a rolling window by services/counters.py, exactly however many
    processes count at once; the bucket at 1970-01-01 is each scope's lock row.
    """

    __tablename__ = "sms_budgets"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)  # number:+966…, person:1…
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


# The purge removes past hours' counts; the primary key starts with the scope.
Index("ix_sms_budgets_window_start", SmsBudget.window_start)
