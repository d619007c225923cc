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
from sqlalchemy import ColumnElement, String, cast, delete, literal, or_, select, update

from absher_web.models import (
    REDACTED_CODE_BODY,
    AbsenceReport,
    ApiRequest,
    AuditEvent,
    AuthorisationStatus,
    Bill,
    BillStatus,
    CodeChallenge,
    DataExport,
    DecorumStatus,
    DecorumViolation,
    DeviceSession,
    DrivingAuthorisation,
    ExportStatus,
    InboxMessage,
    IssuedDocument,
    JobApplication,
    PendingRegistration,
    RecoveryFlow,
    RequestStatus,
    ServiceRequest,
    SmsBudget,
    SmsMessage,
    SmsStatus,
    SpentToken,
    StaffLook,
    TahseenTicket,
    TicketStatus,
    Upload,
    VisaExtension,
    unredacted_code_message,
)
from absher_web.models.employment import JOB_APPLICATION
from absher_web.services import tahseen
from absher_web.services.uploads import REQUEST_HOLDER

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
    # Files people send that no record took (the form they came with failed, or was left).
    unattached_uploads: timedelta = timedelta(days=1)
    # Looks at a holder's record (services/staff_looks.py); expired data exports, once
    # another may be asked for (services/data_exports.py).
    staff_looks: timedelta = timedelta(days=1825)
    export_pause: timedelta = timedelta(days=7)
    inbox_messages: timedelta = timedelta(days=365)
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
                   unattached_uploads=timedelta(
                       seconds=config["RETAIN_UNATTACHED_UPLOADS_SECONDS"]),
                   staff_looks=timedelta(seconds=config["RETAIN_STAFF_LOOKS_SECONDS"]),
                   export_pause=timedelta(seconds=config["DATA_EXPORT_PAUSE_SECONDS"]),
                   inbox_messages=timedelta(seconds=config["RETAIN_INBOX_SECONDS"]),
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
        # Job applications (their CV and qualification) as long as e-service records, from
        # their request's last move: sent and never decided, shortlisted, declined or
        # withdrawn; then a shortlisted one's request (the others go with the ended
        # requests below).
        ("job applications", JobApplication, JobApplication.request_id.in_(
            _job_applications_ended(now - policy.eservice_records))),
        ("shortlisted job applications", ServiceRequest,
         (ServiceRequest.service == JOB_APPLICATION)
         & (ServiceRequest.status == RequestStatus.APPROVED)
         & (ServiceRequest.changed_at < now - policy.eservice_records)),
        # Public decorum violations once settled (paid, or cancelled by the committee) from
        # that last change; an unpaid one, or one with an objection open, is kept. An
        # accepted objection (approved, nothing to deliver) goes the same time after.
        ("settled decorum violations", DecorumViolation,
         DecorumViolation.status.in_((DecorumStatus.PAID, DecorumStatus.CANCELLED))
         & (DecorumViolation.changed_at < now - policy.eservice_records)),
        ("decided decorum objections", ServiceRequest,
         (ServiceRequest.service == "decorum_objection")
         & (ServiceRequest.status == RequestStatus.APPROVED)
         & (ServiceRequest.changed_at < now - policy.eservice_records)),
        # Requests (their details hold names and ID numbers) once ended: refused, withdrawn
        # or delivered, from that last move; one left submitted (its bill never paid) from
        # when it was made. An approved one waiting for delivery, or one with an officer, is
        # kept. Before the bills, which they point to.
        ("ended requests", ServiceRequest,
         (ServiceRequest.status.in_((RequestStatus.REFUSED, RequestStatus.CANCELLED,
                                     RequestStatus.DELIVERED, RequestStatus.SUBMITTED)))
         & (ServiceRequest.changed_at < now - policy.eservice_records)),
        # Files people send: one no record took, after a while; one a request held, with the
        # request (any other record releases its files when it goes: services/uploads.release).
        ("unattached files", Upload,
         Upload.held_by.is_(None) & (Upload.created_at < now - policy.unattached_uploads)),
        ("files of deleted requests", Upload,
         Upload.held_by.startswith(REQUEST_HOLDER) & ~Upload.held_by.in_(
             select(literal(REQUEST_HOLDER) + cast(ServiceRequest.id, String)))),
        # Bills from their last change (the payment, the refund, the expiry or the
        # cancellation); an unpaid bill, or one whose refund is still on its way, is kept,
        # and so is one a request that is kept still points to.
        ("paid and refunded bills", Bill,
         Bill.status.in_((BillStatus.PAID, BillStatus.REFUNDED))
         & (Bill.changed_at < now - policy.paid_bills) & ~_held_by_a_request()),
        ("expired and cancelled bills", Bill,
         Bill.status.in_((BillStatus.EXPIRED, BillStatus.CANCELLED))
         & (Bill.changed_at < now - policy.unpaid_bills) & ~_held_by_a_request()),
        # Tahseen tickets (the holder's words, the officer's answer) once ended: answered,
        # closed or withdrawn, from that last move; an open one is kept until answered. Their
        # files first, which name them (services/tahseen.holder_of).
        ("files of ended Tahseen tickets", Upload,
         Upload.held_by.in_(select(literal(f"{tahseen.PURPOSE}:")
                                   + cast(TahseenTicket.id, String))
                            .where(_ended_ticket(policy, now)))),
        ("ended Tahseen tickets", TahseenTicket, _ended_ticket(policy, now)),
        ("staff looks", StaffLook, StaffLook.created_at < now - policy.staff_looks),
        # A copy's file goes when it expires (data_exports.expire); the row that remembers
        # when it was asked for, once the pause is over.
        ("expired data exports", DataExport,
         (DataExport.status == ExportStatus.EXPIRED)
         & (DataExport.asked_at < now - policy.export_pause)),
        # The holder's inbox: each message from when it was sent, read or not.
        ("inbox messages", InboxMessage, InboxMessage.created_at < now - policy.inbox_messages),
        # Issued documents' snapshots (what /verify shows): as long as paid bills, from the
        # issue; a document past it answers "we cannot confirm".
        ("issued documents", IssuedDocument,
         IssuedDocument.issued_at < now - policy.paid_bills),
        # A session row (device, browser, rough place) once signed out, or last seen, longer
        # ago than its keeping: a live session is last seen within the idle timeout.
        ("device sessions", DeviceSession,
         (DeviceSession.signed_out_at < now - policy.device_sessions)
         | (DeviceSession.last_seen_at < now - policy.device_sessions)),
    ]


def _ended_ticket(policy: RetentionPolicy, now: datetime) -> ColumnElement:
    return (TahseenTicket.status.in_((TicketStatus.ANSWERED, TicketStatus.CLOSED,
                                      TicketStatus.WITHDRAWN))
            & (TahseenTicket.changed_at < now - policy.eservice_records))


def _job_applications_ended(before: datetime):  # noqa: ANN202 (a Select)
    return select(ServiceRequest.id).where(
        ServiceRequest.service == JOB_APPLICATION, ServiceRequest.changed_at < before,
        ServiceRequest.status.in_((RequestStatus.SUBMITTED, RequestStatus.APPROVED,
                                   RequestStatus.REFUSED, RequestStatus.CANCELLED)))


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
