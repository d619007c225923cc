"""Forgetting on time: each rule of services/retention.py, applied by `flask absher purge`
and by run-due, in batches, with time travel."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    ApiRequest,
    AuditEvent,
    CodeChallenge,
    CodePurpose,
    Language,
    PendingRegistration,
    RecoveryFlow,
    RecoveryStep,
    SmsBudget,
    SmsMessage,
    SmsStatus,
    SpentToken,
)
from absher_web.services import retention

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def add(app, *rows) -> None:
    with app.app_context():
        with db.transaction() as session:
            session.add_all(rows)


def pending(created: datetime, completed: bool = False) -> PendingRegistration:
    return PendingRegistration(
        id=str(uuid.uuid4()), national_id="1000000001", mobile="+966551234567",
        username="Abshertest1", email="sarah@example.com", password_hash="x" * 60,
        preferred_language=Language("en"), created_at=created,
        expires_at=created + timedelta(minutes=30), completed_at=created if completed else None)


def challenge(created: datetime) -> CodeChallenge:
    return CodeChallenge(id=str(uuid.uuid4()), purpose=CodePurpose.SIGN_IN, flow_id="f",
                         mobile="+966551234567", code_hmac="0" * 64, created_at=created,
                         expires_at=created + timedelta(minutes=5))


def sms(created: datetime, purpose: str, status: SmsStatus = SmsStatus.SENT,
        retryable: bool = False) -> SmsMessage:
    return SmsMessage(to="+966551234567", body=f"Your code is •••••• ({purpose})",
                      purpose=purpose, status=status, attempts=1, retryable=retryable,
                      created_at=created)


def run_purge(app, runner, *args) -> str:
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["absher", *args])
    assert result.exit_code == 0, result.output
    return result.output


def device_sessions(account_id: int, old, young) -> list:
    """Signed out long ago; last used long ago (never signed out); signed out a minute ago."""
    from absher_web.models import DeviceSession

    return [DeviceSession(id=f"{n:064d}", public_id=f"row{n}", account_id=account_id,
                          device="iphone", browser="safari", created_at=old,
                          last_seen_at=last_seen, signed_out_at=signed_out)
            for n, (last_seen, signed_out) in enumerate(
                [(old, old), (old, None), (young, young)])]


def test_each_rule_keeps_what_is_young_and_removes_what_is_old(app, make_account):
    account = make_account()
    old, young = NOW - timedelta(days=800), NOW - timedelta(minutes=1)
    add(app,
        pending(NOW - timedelta(days=2)), pending(young), pending(young, completed=True),
        challenge(NOW - timedelta(days=2)), challenge(young),
        RecoveryFlow(id=str(uuid.uuid4()), account_id=account.id, step=RecoveryStep.CODE,
                     created_at=old, expires_at=old + timedelta(minutes=20)),
        SpentToken(token_id="spent-old", expires_at=NOW - timedelta(minutes=1)),
        SpentToken(token_id="spent-young", expires_at=NOW + timedelta(minutes=5)),
        SmsBudget(scope="site", window_start=NOW - timedelta(hours=3), used=4),
        SmsBudget(scope="site", window_start=NOW.replace(minute=0), used=1),
        # A holder's uses count for the longest per-account limit (a day): kept three hours.
        SmsBudget(scope="use:driving_authoris:1:86400", window_start=NOW - timedelta(hours=3),
                  used=1),
        ApiRequest(client_code="RJHI", reference="old", body_digest="0" * 64, status_code=202,
                   response={}, created_at=NOW - timedelta(days=31)),
        ApiRequest(client_code="RJHI", reference="young", body_digest="0" * 64,
                   status_code=202, response={}, created_at=young),
        sms(NOW - timedelta(days=91), "lock_notice"),
        sms(NOW - timedelta(days=91), "lock_notice", SmsStatus.FAILED, retryable=True),
        sms(NOW - timedelta(minutes=11), "sign_in_code"), sms(young, "sign_in_code"),
        AuditEvent(account_id=account.id, kind="signed_in", created_at=old, detail={}),
        AuditEvent(account_id=account.id, kind="signed_in", created_at=young, detail={}),
        *device_sessions(account.id, old, young))

    with app.app_context(), time_machine.travel(NOW, tick=False):
        report = retention.purge(db.transaction,
                                 retention.RetentionPolicy.from_config(app.config), NOW,
                                 batch=2)  # several batches per rule

    assert report == {
        "code message texts redacted": 1, "pending registrations": 2, "code challenges": 1,
        "recovery flows": 1, "spent visual-code tokens": 1, "SMS budget counts": 1,
        "API answers": 1, "SMS records": 1, "audit events": 1, "driving authorisations": 0,
        "visa extensions": 0, "withdrawn absence reports": 0, "ended requests": 0,
        "paid and refunded bills": 0,
        "unattached files": 0, "files of deleted requests": 0,
        "expired and cancelled bills": 0,
        "files of ended Tahseen tickets": 0, "ended Tahseen tickets": 0,
        "staff looks": 0, "expired data exports": 0,
        "job applications": 0, "shortlisted job applications": 0,
        "settled decorum violations": 0, "decided decorum objections": 0,
        "inbox messages": 0,
        "issued documents": 0,
        "device sessions": 2}
    assert count(app, PendingRegistration) == 1  # the young unfinished one
    with app.app_context():
        bodies = dict(db.session.execute(
            select(SmsMessage.created_at, SmsMessage.body)
            .where(SmsMessage.purpose == "sign_in_code")).all())
        assert sorted(bodies.values()) == sorted(
            [retention.REDACTED, "Your code is •••••• (sign_in_code)"])
        # The notice still waiting to be sent again is kept, whatever its age.
        assert db.session.scalar(select(func.count()).select_from(SmsMessage).where(
            SmsMessage.purpose == "lock_notice")) == 1


def test_purge_command_prints_counts_and_run_due_purges_too(app, make_account):
    runner = app.test_cli_runner()
    add(app, pending(NOW - timedelta(days=2)), challenge(NOW - timedelta(days=2)))
    output = run_purge(app, runner, "purge")
    assert "1 pending registrations" in output and "1 code challenges" in output
    assert "0 audit events" in output

    add(app, pending(NOW - timedelta(days=2)))
    output = run_purge(app, runner, "run-due")
    assert "Activated 0 account(s)" in output and "1 pending registrations" in output
    assert count(app, PendingRegistration) == 0


def test_retention_periods_are_settings(app):
    app.config["RETAIN_AUDIT_EVENTS_SECONDS"] = 3600
    add(app, AuditEvent(kind="staff_signed_in", created_at=NOW - timedelta(hours=2), detail={}))
    output = run_purge(app, app.test_cli_runner(), "purge")
    assert "1 audit events" in output


def test_eservice_records_are_kept_until_they_have_ended_long_enough(app, make_account):
    from absher_web.models import (
        AbsenceReport,
        AuthorisationStatus,
        DrivingAuthorisation,
        SponsoredKind,
        Sponsorship,
        Vehicle,
        VisaExtension,
    )

    owner, driver = make_account(), make_account()
    old, young = NOW - timedelta(days=800), NOW - timedelta(days=1)
    today = NOW.date()
    with app.app_context(), db.transaction() as session:
        vehicle = Vehicle(plate_country="SAU", plate_letters="ABJ", plate_number="77",
                          make="Kia", model="Rio", year=2020, colour="white",
                          owner_id=owner.national_id)
        worker = Sponsorship(sponsor_id=owner.national_id, person_id="2000000007",
                             name_ar="س", name_en="S", kind=SponsoredKind.DOMESTIC_WORKER,
                             nationality="PHL", permit_expiry=today)
        session.add_all([vehicle, worker])
        session.flush()

        def authorisation(status, ends_on, changed_at):
            return DrivingAuthorisation(
                vehicle_id=vehicle.id, owner_account_id=owner.id, driver_account_id=driver.id,
                starts_on=ends_on - timedelta(days=30), ends_on=ends_on, status=status,
                created_at=old, changed_at=changed_at)

        session.add_all([
            authorisation(AuthorisationStatus.CANCELLED, today + timedelta(days=9), old),  # gone
            authorisation(AuthorisationStatus.CANCELLED, today + timedelta(days=9), young),
            authorisation(AuthorisationStatus.ACCEPTED, old.date(), old),  # ended long ago
            authorisation(AuthorisationStatus.ACCEPTED, today + timedelta(days=9), old),
            VisaExtension(sponsorship_id=worker.id, account_id=owner.id, previous_expiry=today,
                          new_expiry=today, fee=100, created_at=old),
            VisaExtension(sponsorship_id=worker.id, account_id=owner.id, previous_expiry=today,
                          new_expiry=today, fee=100, created_at=young),
            AbsenceReport(sponsorship_id=worker.id, account_id=owner.id, last_seen_on=today,
                          reported_at=old, withdrawn_at=old),
            AbsenceReport(sponsorship_id=worker.id, account_id=owner.id, last_seen_on=today,
                          reported_at=old, withdrawn_at=None),  # open: kept
        ])
    output = run_purge(app, app.test_cli_runner(), "purge")
    assert "2 driving authorisations" in output
    assert "1 visa extensions" in output and "1 withdrawn absence reports" in output
    assert count(app, DrivingAuthorisation) == 2
    assert count(app, VisaExtension) == 1
    assert count(app, AbsenceReport) == 1


def test_requests_are_kept_while_they_stand_and_their_bills_while_a_request_points_to_them(
        app, make_account):
    """Ended requests go two years after their last move (a submitted one never paid, two
    years after it was made); one with an officer or waiting for delivery stays, and so does
    an old bill such a request points to (PostgreSQL would refuse to delete it anyway)."""
    from absher_web.models import Bill, BillStatus, RequestStatus, ServiceRequest

    holder = make_account()
    old, young = NOW - timedelta(days=800), NOW - timedelta(days=1)
    S = RequestStatus
    with app.app_context(), db.transaction() as session:
        def bill(number: str) -> Bill:
            made = Bill(number=number, service="birth_registration", request_key=number,
                        account_id=holder.id, beneficiary_id=holder.national_id, amount=3000,
                        status=BillStatus.EXPIRED, created_at=old, expires_at=old,
                        changed_at=old)
            session.add(made)
            session.flush()
            return made

        def request(number: str, status: RequestStatus, changed_at: datetime,
                    with_bill: Bill | None = None) -> ServiceRequest:
            return ServiceRequest(number=number, service="birth_registration",
                                  request_key=number, account_id=holder.id,
                                  beneficiary_id=holder.national_id, status=status,
                                  details={"name_ar": "سعد"}, created_at=old,
                                  changed_at=changed_at,
                                  bill_id=with_bill.id if with_bill else None)

        abandoned_bill, approved_bill = bill("1000000000001"), bill("1000000000002")
        session.add_all([
            request("1000000001", S.REFUSED, old), request("1000000002", S.CANCELLED, old),
            request("1000000003", S.DELIVERED, old),
            request("1000000004", S.SUBMITTED, old, abandoned_bill),  # never paid: goes
            request("1000000005", S.REFUSED, young),  # ended yesterday: kept
            request("1000000006", S.UNDER_REVIEW, old),  # with an officer: kept
            request("1000000007", S.APPROVED, old, approved_bill),  # not delivered: kept
        ])
    output = run_purge(app, app.test_cli_runner(), "purge")
    assert "4 ended requests" in output and "1 expired and cancelled bills" in output
    with app.app_context():
        kept = set(db.session.scalars(select(ServiceRequest.number)))
        bills = set(db.session.scalars(select(Bill.number)))
    assert kept == {"1000000005", "1000000006", "1000000007"}
    assert bills == {"1000000000002"}


def test_staff_looks_and_expired_data_exports_go_after_their_time(app, make_account):
    from absher_web.models import DataExport, ExportStatus, StaffLook
    from tests.staff.conftest import add_officer

    officer = add_officer(app)
    accounts = [make_account() for _ in range(3)]
    policy = retention.RetentionPolicy.from_config(app.config)
    look_age, pause = policy.staff_looks, policy.export_pause

    def look(at):
        return StaffLook(staff_user_id=officer.id, person_id=accounts[0].national_id,
                         role="passports", office="Riyadh", reason="holder_at_office",
                         created_at=at)

    def export(account, status, asked_at):
        return DataExport(account_id=account.id, status=status, language="en",
                          asked_at=asked_at, expires_at=asked_at + timedelta(days=3))

    add(app, look(NOW - look_age - timedelta(days=1)), look(NOW - look_age + timedelta(days=1)),
        # Expired, its pause over: forgotten. Expired, the pause still running: kept (it
        # holds the pause). Ready but old (the runner is behind): its file goes first.
        export(accounts[0], ExportStatus.EXPIRED, NOW - pause - timedelta(hours=1)),
        export(accounts[1], ExportStatus.EXPIRED, NOW - pause + timedelta(hours=1)),
        export(accounts[2], ExportStatus.READY, NOW - pause - timedelta(hours=1)))
    with app.app_context(), time_machine.travel(NOW, tick=False):
        report = retention.purge(db.transaction, policy, NOW)
    assert (report["staff looks"], report["expired data exports"]) == (1, 1)
    assert count(app, StaffLook) == 1 and count(app, DataExport) == 2
