"""Forgetting on time: every table that holds personal data or secrets has a rule here.

`flask absher purge` (and run-due, every time it runs) applies them in small batches, each
its own short transaction, so no big table is ever locked for long and a crash loses at
most one batch. On PostgreSQL each batch's rows are taken with FOR UPDATE SKIP LOCKED, so
several runners share the work; on SQLite the one writer simply does it all. SECURITY.md
lists the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse_many
from sqlalchemy import ColumnElement, delete, or_, select, update

from absher_web.models import (
    REDACTED_CODE_BODY,
    AbsenceReport,
    ApiRequest,
    AuditEvent,
    AuthorisationStatus,
    Bill,
    BillStatus,
    CodeChallenge,
    DeviceSession,
    DrivingAuthorisation,
    PendingRegistration,
    RecoveryFlow,
    RequestStatus,
    ServiceRequest,
    SmsBudget,
    SmsMessage,
    SmsStatus,
    SpentToken,
    VisaExtension,
    unredacted_code_message,
)

BATCH = 1000
REDACTED = REDACTED_CODE_BODY


@dataclass(frozen=True)
class RetentionPolicy:
    expired_flows: timedelta  # pending registrations, codes, recoveries after they expire
    sms_records: timedelta
    api_answers: timedelta
    audit_events: timedelta
    eservice_records: timedelta = timedelta(days=730)
    code_lifetime_cap: timedelta = timedelta(minutes=10)  # no code lives longer
    # Per-account counts (services/counters.py, scopes "use:…") as long as the longest
    # limit's window; SMS budgets count the last hour only.
    use_counts: timedelta = timedelta(days=1)
    # Paid and refunded bills: ten years (the Anti-Money Laundering Law's record keeping);
    # expired and cancelled ones, which moved no money, as long as e-service records.
    paid_bills: timedelta = timedelta(days=3653)
    unpaid_bills: timedelta = timedelta(days=730)
    # Signed-in sessions (services/devices.py): once signed out, or last seen, this long ago.
    device_sessions: timedelta = timedelta(days=90)

    @classmethod
    def from_config(cls, config: Mapping) -> RetentionPolicy:
        from absher_web.settings_check import RATE_LIMIT_SETTINGS

        longest = max(item.get_expiry() for key in RATE_LIMIT_SETTINGS
                      for item in parse_many(config[key]))
        return cls(use_counts=timedelta(seconds=longest) + timedelta(hours=1),
                   expired_flows=timedelta(seconds=config["RETAIN_EXPIRED_FLOWS_SECONDS"]),
                   sms_records=timedelta(seconds=config["RETAIN_SMS_RECORDS_SECONDS"]),
                   api_answers=timedelta(seconds=config["RETAIN_API_ANSWERS_SECONDS"]),
                   audit_events=timedelta(seconds=config["RETAIN_AUDIT_EVENTS_SECONDS"]),
                   eservice_records=timedelta(
                       seconds=config["RETAIN_ESERVICE_RECORDS_SECONDS"]),
                   paid_bills=timedelta(seconds=config["RETAIN_PAID_BILLS_SECONDS"]),
                   unpaid_bills=timedelta(seconds=config["RETAIN_UNPAID_BILLS_SECONDS"]),
                   device_sessions=timedelta(
                       seconds=config["RETAIN_DEVICE_SESSIONS_SECONDS"]))


def rules(policy: RetentionPolicy, now: datetime) -> list[tuple[str, type, ColumnElement]]:
    """(what, model, which rows are past keeping): deleted in this order."""
    flows_end = now - policy.expired_flows
    return [
        # A finished registration's copy of the email, mobile and password hash is not
        # needed once the account holds them; an unfinished one goes after it expires.
        ("pending registrations", PendingRegistration,
         or_(PendingRegistration.completed_at.is_not(None),
             PendingRegistration.expires_at < flows_end)),
        ("code challenges", CodeChallenge, CodeChallenge.expires_at < flows_end),
        ("recovery flows", RecoveryFlow, RecoveryFlow.expires_at < flows_end),
        ("spent visual-code tokens", SpentToken, SpentToken.expires_at < now),
        ("SMS budget counts", SmsBudget,
         or_(SmsBudget.window_start < now - policy.use_counts,
             (SmsBudget.window_start < now - timedelta(hours=2))
             & ~SmsBudget.scope.startswith("use:"))),
        ("API answers", ApiRequest, ApiRequest.created_at < now - policy.api_answers),
        # A notice still waiting to be sent again is kept whatever its age.
        ("SMS records", SmsMessage,
         (SmsMessage.created_at < now - policy.sms_records)
         & ((SmsMessage.status != SmsStatus.FAILED) | SmsMessage.retryable.is_(False))),
        ("audit events", AuditEvent, AuditEvent.created_at < now - policy.audit_events),
        # E-service records, once they have ended: a declined, cancelled or owner-changed
        # driving authorisation from its last change, any other from its last day; a visa
        # extension from when it was made; an absence report once withdrawn or closed (an open
        # one is kept while it stands).
        ("driving authorisations", DrivingAuthorisation,
         (DrivingAuthorisation.ends_on < (now - policy.eservice_records).date())
         | (DrivingAuthorisation.status.in_((AuthorisationStatus.DECLINED,
                                             AuthorisationStatus.CANCELLED,
                                             AuthorisationStatus.OWNER_CHANGED))
            & (DrivingAuthorisation.changed_at < now - policy.eservice_records))),
        ("visa extensions", VisaExtension,
         VisaExtension.created_at < now - policy.eservice_records),
        ("withdrawn absence reports", AbsenceReport,
         AbsenceReport.withdrawn_at < now - policy.eservice_records),
        # Requests (their details hold names and ID numbers) once ended: refused, withdrawn
        # or delivered, from that last move; one left submitted (its bill never paid) from
        # when it was made. An approved one waiting for delivery, or one with an officer, is
        # kept. Before the bills, which they point to.
        ("ended requests", ServiceRequest,
         (ServiceRequest.status.in_((RequestStatus.REFUSED, RequestStatus.CANCELLED,
                                     RequestStatus.DELIVERED, RequestStatus.SUBMITTED)))
         & (ServiceRequest.changed_at < now - policy.eservice_records)),
        # Bills from their last change (the payment, the refund, the expiry or the
        # cancellation); an unpaid bill, or one whose refund is still on its way, is kept,
        # and so is one a request that is kept still points to.
        ("paid and refunded bills", Bill,
         Bill.status.in_((BillStatus.PAID, BillStatus.REFUNDED))
         & (Bill.changed_at < now - policy.paid_bills) & ~_held_by_a_request()),
        ("expired and cancelled bills", Bill,
         Bill.status.in_((BillStatus.EXPIRED, BillStatus.CANCELLED))
         & (Bill.changed_at < now - policy.unpaid_bills) & ~_held_by_a_request()),
        # A session row (device, browser, rough place) once signed out, or last seen, longer
        # ago than its keeping: a live session is last seen within the idle timeout.
        ("device sessions", DeviceSession,
         (DeviceSession.signed_out_at < now - policy.device_sessions)
         | (DeviceSession.last_seen_at < now - policy.device_sessions)),
    ]


def _held_by_a_request() -> ColumnElement:
    return Bill.id.in_(select(ServiceRequest.bill_id).where(ServiceRequest.bill_id.is_not(None)))


def primary_key(model: type):
    return model.__mapper__.primary_key[0]


def delete_in_batches(begin: Callable[[], object], model: type, condition: ColumnElement,
                      batch: int = BATCH) -> int:
    """Delete the rows matching `condition`, `batch` at a time; returns how many went."""
    key, removed = primary_key(model), 0
    while True:
        with begin() as session:
            ids = list(session.scalars(
                select(key).where(condition).limit(batch).with_for_update(skip_locked=True)))
            if ids:
                session.execute(delete(model).where(key.in_(ids)))
        removed += len(ids)
        if len(ids) < batch:
            return removed


def redact_expired_code_messages(begin: Callable[[], object], policy: RetentionPolicy,
                                 now: datetime, batch: int = BATCH) -> int:
    """Code messages keep who and when, not their text, once any code would have expired."""
    # Read along the partial index of messages still holding their text: a handful.
    condition = unredacted_code_message() & (SmsMessage.created_at
                                             < now - policy.code_lifetime_cap)
    redacted = 0
    while True:
        with begin() as session:
            ids = list(session.scalars(select(SmsMessage.id).where(condition).limit(batch)
                                       .with_for_update(skip_locked=True)))
            if ids:
                session.execute(update(SmsMessage).where(SmsMessage.id.in_(ids))
                                .values(body=REDACTED))
        redacted += len(ids)
        if len(ids) < batch:
            return redacted


def purge(begin: Callable[[], object], policy: RetentionPolicy, now: datetime,
          batch: int = BATCH) -> dict[str, int]:
    """Apply every rule; how many rows each removed (or redacted), by what they are."""
    report = {"code message texts redacted": redact_expired_code_messages(begin, policy, now,
                                                                          batch)}
    for what, model, condition in rules(policy, now):
        report[what] = delete_in_batches(begin, model, condition, batch)
    return report
