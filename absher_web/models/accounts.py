"""People in the civil registry, their accounts and the journeys that make and recover
them: registration, codes, security answers, activation, recovery."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.base import Base, UTCDateTime, enum_column, utcnow


class PersonKind(enum.StrEnum):
    CITIZEN = "citizen"
    RESIDENT = "resident"


class Language(enum.StrEnum):
    ARABIC = "ar"
    ENGLISH = "en"


class ActivationState(enum.StrEnum):
    NOT_ACTIVATED = "not_activated"
    PENDING = "pending"
    ACTIVE = "active"


class ActivationChannel(enum.StrEnum):
    ATM = "atm"
    PASSPORTS = "passports"
    KIOSK = "kiosk"


class ActivationRequestStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class CodePurpose(enum.StrEnum):
    REGISTRATION = "registration"
    SIGN_IN = "sign_in"
    RECOVERY = "recovery"
    CHANGE_MOBILE = "change_mobile"
    # A new number for a holder whose fingerprints were verified (services/assisted_mobile).
    OFFICE_MOBILE = "office_mobile"
    KIOSK_MOBILE = "kiosk_mobile"


class RecoveryStep(enum.StrEnum):
    QUESTION = "question"
    CODE = "code"
    NEW_PASSWORD = "new_password"
    DONE = "done"


class Person(Base):
    """One entry of the civil registry: the government's record of a person."""

    __tablename__ = "people"

    national_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[PersonKind] = mapped_column(enum_column(PersonKind))
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    nationality: Mapped[str] = mapped_column(String(3))  # ISO 3166-1 alpha-3
    id_expiry: Mapped[date] = mapped_column(Date)
    city: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100))

    account: Mapped[Account | None] = relationship(back_populates="person")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    national_id: Mapped[str] = mapped_column(
        ForeignKey("people.national_id"), unique=True
    )
    username: Mapped[str] = mapped_column(String(64))
    mobile: Mapped[str] = mapped_column(String(16), unique=True)  # E.164, +9665XXXXXXXX
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(100))
    preferred_language: Mapped[Language] = mapped_column(enum_column(Language))
    activation_state: Mapped[ActivationState] = mapped_column(
        enum_column(ActivationState), default=ActivationState.NOT_ACTIVATED
    )
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Changes on password change and "sign out everywhere": ends every other session.
    session_token: Mapped[str] = mapped_column(String(64))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures_since_recovery: Mapped[int] = mapped_column(Integer, default=0)
    recovery_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Wrong security answers since the last lock: three lock recovery for an hour.
    recovery_wrong_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Not written: the account home reads the previous sign-in from the audit events.
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(back_populates="account")
    security_answers: Mapped[list[SecurityAnswer]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        """Activated: services that act on the person's records are open."""
        return self.activation_state is ActivationState.ACTIVE

    @property
    def activation_pending(self) -> bool:
        """An ATM activation waits for its delay to pass."""
        return self.activation_state is ActivationState.PENDING


# Usernames are case-sensitive at sign-in but unique regardless of case.
Index("uq_accounts_username_lower", func.lower(Account.username), unique=True)


class PendingRegistration(Base):
    """A registration waiting for its SMS code; the password is already hashed."""

    __tablename__ = "pending_registrations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    national_id: Mapped[str] = mapped_column(String(10), index=True)
    mobile: Mapped[str] = mapped_column(String(16), index=True)
    username: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(100))
    preferred_language: Mapped[Language] = mapped_column(enum_column(Language))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Both indexed for the purge: finished ones go at once, unfinished ones once expired.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class CodeChallenge(Base):
    """One SMS code, bound to one purpose and one flow, stored only as an HMAC."""

    __tablename__ = "code_challenges"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    purpose: Mapped[CodePurpose] = mapped_column(enum_column(CodePurpose))
    flow_id: Mapped[str] = mapped_column(String(64), index=True)
    mobile: Mapped[str] = mapped_column(String(16), index=True)
    code_hmac: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # the purge
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SecurityAnswer(Base):
    """An answer to one security question, normalised and hashed."""

    __tablename__ = "security_answers"
    __table_args__ = (UniqueConstraint("account_id", "question_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(40))
    answer_hash: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    account: Mapped[Account] = relationship(back_populates="security_answers")


class Activation(Base):
    """A request to activate an account: ATM (delayed), Passports office or kiosk."""

    __tablename__ = "activations"
    __table_args__ = (
        # A bank or kiosk operator never has two activations under one reference.
        UniqueConstraint("client_code", "reference"),
        # The runner's due query: the pending ones, soonest first, never the done ones.
        Index("ix_activations_due", "status", "effective_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    channel: Mapped[ActivationChannel] = mapped_column(enum_column(ActivationChannel))
    status: Mapped[ActivationRequestStatus] = mapped_column(
        enum_column(ActivationRequestStatus), default=ActivationRequestStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The bank or kiosk operator (ApiClient.code) and its ATM or kiosk.
    client_code: Mapped[str | None] = mapped_column(String(20))
    terminal_id: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(80))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class RecoveryFlow(Base):
    """One password recovery, step by step: each step checks it is this flow's turn."""

    __tablename__ = "recovery_flows"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    step: Mapped[RecoveryStep] = mapped_column(enum_column(RecoveryStep))
    question_key: Mapped[str | None] = mapped_column(String(40))
    without_visual_code: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # the purge
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
