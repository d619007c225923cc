"""The audit trail, staff users, the activation API's clients and requests, and spent
visual-code tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, UTCDateTime, enum_column, utcnow


class AuditEvent(Base):
    """Who did what to which account, and when: shown to the owner and to operators."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    client_address: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class StaffUser(Base):
    """An officer (Passports, Civil Affairs): signs in separately from citizens.

    ``roles`` say which consoles and queues the officer may open (services/staff.ROLES);
    ``city`` is the city of their office in the civil registry's Arabic spelling, as
    Person.city holds it: a queue shows only the requests of that city.
    """

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    office: Mapped[str] = mapped_column(String(100))
    roles: Mapped[list] = mapped_column(JSON, default=lambda: ["passports"])
    city: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(100))
    session_token: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How many times the officer was locked out: each lock lasts longer (lockout.lock_duration).
    lockouts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiClientKind(enum.StrEnum):
    BANK = "bank"  # ATM activations, effective after the configured delay
    KIOSK = "kiosk"  # self-service kiosks, which verify fingerprints: active at once


class ApiClient(Base):
    """A bank or kiosk operator that calls the activation API, with its signing key.

    The key is kept encrypted (Fernet, ABSHER_API_KEY_ENCRYPTION_KEY): checking an
    HMAC needs the key itself, so a one-way hash cannot serve.
    """

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[ApiClientKind] = mapped_column(enum_column(ApiClientKind))
    name: Mapped[str] = mapped_column(String(200))
    key_ciphertext: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    # A bank's endpoint for refund instructions (flask absher set-refund-url); none: the
    # bank takes no refunds yet, and refunds due to it wait (visible in the metrics).
    refund_url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    key_created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiRequest(Base):
    """The first answer to each (client, reference): a repeat gets the same answer."""

    __tablename__ = "api_requests"
    __table_args__ = (UniqueConstraint("client_code", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_code: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(80))
    # SHA-256 of the request body: the same reference with another body is refused.
    body_digest: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SpentToken(Base):
    """A single-use token (the visual code's) that has been used once already."""

    __tablename__ = "spent_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
