"""The data model: typed SQLAlchemy 2 models for every table the portal uses.

State lives here, never in a process, so any app process can serve any step.
Alembic owns the schema (migrations/); tests check the two agree.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use absher_web.models.utcnow()")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    # Stored as the value strings, with no database enum type: adding a value
    # later needs no ALTER TYPE on PostgreSQL.
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


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


class SmsStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # a notice claimed by one process for one try (services/outbox.py)
    SENT = "sent"
    FAILED = "failed"


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
    """A Passports office officer: signs in separately from citizens."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    office: Mapped[str] = mapped_column(String(100))
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


class SmsBudget(Base):
    """Code SMS sent to one scope (a number, a person, the whole site) in one clock hour.

    Counted with one atomic upsert per send (services/otp.py take_budgets), so the hourly
    caps hold exactly however many processes send at once.
    """

    __tablename__ = "sms_budgets"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)  # number:+966…, person:1…
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


# The purge removes past hours' counts; the primary key starts with the scope.
Index("ix_sms_budgets_window_start", SmsBudget.window_start)


# --- agency data behind adapters (services/vehicles_registry.py, sponsorship_registry.py) ---


class ViolationStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"


class SponsoredKind(enum.StrEnum):
    DOMESTIC_WORKER = "domestic_worker"
    WORKER = "worker"
    VISITOR = "visitor"


class Vehicle(Base):
    """One vehicle as the traffic department's registry records it.

    A Saudi plate is up to four digits and three letters, kept in their Latin form
    (the Arabic letters follow from them, services/vehicles_registry.py); a foreign
    plate keeps its letters and digits in ``plate_number`` and has no ``plate_letters``.
    """

    __tablename__ = "vehicles"
    __table_args__ = (UniqueConstraint("plate_country", "plate_letters", "plate_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plate_country: Mapped[str] = mapped_column(String(3))  # ISO 3166-1 alpha-3
    plate_letters: Mapped[str] = mapped_column(String(3))
    plate_number: Mapped[str] = mapped_column(String(12))
    make: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(20))  # a key of vehicles_registry.COLOURS
    # Foreign vehicles have no owner in the civil registry.
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.national_id"), index=True)
    insurance_company: Mapped[str | None] = mapped_column(String(100))
    insurance_expiry: Mapped[date | None] = mapped_column(Date)
    impounded_since: Mapped[date | None] = mapped_column(Date)
    impound_place: Mapped[str | None] = mapped_column(String(100))

    violations: Mapped[list[TrafficViolation]] = relationship(
        back_populates="vehicle", cascade="all, delete-orphan",
        order_by="TrafficViolation.committed_on.desc()")


class TrafficViolation(Base):
    """A traffic violation recorded against a vehicle."""

    __tablename__ = "traffic_violations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(30))  # a key of vehicles_registry.VIOLATION_KINDS
    amount: Mapped[int] = mapped_column(Integer)  # Saudi riyals
    committed_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100))  # a city, as the registry spells it
    status: Mapped[ViolationStatus] = mapped_column(enum_column(ViolationStatus))

    vehicle: Mapped[Vehicle] = relationship(back_populates="violations")


class Sponsorship(Base):
    """A worker, domestic worker or visitor under a sponsor, from the Passports registry."""

    __tablename__ = "sponsorships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsor_id: Mapped[str] = mapped_column(ForeignKey("people.national_id"), index=True)
    # The iqama number of a worker, the border number of a visitor.
    person_id: Mapped[str] = mapped_column(String(10), unique=True)
    name_ar: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SponsoredKind] = mapped_column(enum_column(SponsoredKind))
    nationality: Mapped[str] = mapped_column(String(3))
    permit_expiry: Mapped[date] = mapped_column(Date)  # the visit visa's or the iqama's
    health_insurer: Mapped[str | None] = mapped_column(String(100))
    health_insurance_expiry: Mapped[date | None] = mapped_column(Date)
    # When the person entered the Kingdom, if known: a visit's total stay counts from it.
    entry_date: Mapped[date | None] = mapped_column(Date)


# --- what holders do in e-services (services/eservices/) ----------------------------


class AuthorisationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the driver to accept or decline
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # by the owner, at any time


class DrivingAuthorisation(Base):
    """An owner authorises another holder to drive one of their vehicles until a day.

    Every change of ``status`` is one conditional UPDATE on the status it changes from
    (services/eservices/driving.py), so a double submit or a race changes it once.
    """

    __tablename__ = "driving_authorisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"),
                                            index=True)
    owner_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    driver_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the last day it allows driving
    status: Mapped[AuthorisationStatus] = mapped_column(enum_column(AuthorisationStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The last change of status (accepted, declined or cancelled); the purge counts from it.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    vehicle: Mapped[Vehicle] = relationship()
    owner: Mapped[Account] = relationship(foreign_keys=[owner_account_id])
    driver: Mapped[Account] = relationship(foreign_keys=[driver_account_id])


class VisaExtension(Base):
    """A visit visa extended by its sponsor: from which expiry to which, for what fee."""

    __tablename__ = "visa_extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsorship_id: Mapped[int] = mapped_column(
        ForeignKey("sponsorships.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    previous_expiry: Mapped[date] = mapped_column(Date)
    new_expiry: Mapped[date] = mapped_column(Date)
    fee: Mapped[int] = mapped_column(Integer)  # Saudi riyals
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    sponsorship: Mapped[Sponsorship] = relationship()


class AbsenceReport(Base):
    """A sponsor's report that a domestic worker is absent; open until withdrawn.

    A worker has at most one open report: a partial unique index holds that however many
    requests report at once.
    """

    __tablename__ = "absence_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsorship_id: Mapped[int] = mapped_column(
        ForeignKey("sponsorships.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    last_seen_on: Mapped[date] = mapped_column(Date)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    sponsorship: Mapped[Sponsorship] = relationship()


def open_absence_report():  # noqa: ANN201 (a SQL condition)
    """Reports not withdrawn: written as literal SQL so both databases use the index."""
    return literal_column("withdrawn_at IS NULL")


Index("uq_absence_reports_open", AbsenceReport.sponsorship_id, unique=True,
      postgresql_where=open_absence_report(), sqlite_where=open_absence_report())
