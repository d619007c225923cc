"""Registration: from the filled form to a pending registration, a code, and an account.

The steps hold their state in the database (pending_registrations,
code_challenges), so any app process can serve any step.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry
from absher_web.identity import normalise_mobile
from absher_web.models import (
    Account,
    AuditEvent,
    CodePurpose,
    Language,
    PendingRegistration,
)
from absher_web.passwords import hash_password
from absher_web.services import otp
from absher_web.services.policies import Policies

PENDING_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True)
class Application:
    national_id: str
    mobile: str
    username: str
    password: str
    email: str
    preferred_language: str


@dataclass
class Outcome:
    """What a step produced: errors by field (message keys), or the next state."""

    errors: dict[str, str] = field(default_factory=dict)
    pending: PendingRegistration | None = None
    code_sent: bool = False
    account: Account | None = None
    error: str | None = None  # a message key for the step as a whole


def availability_problems(session: Session, national_id: str, mobile: str,
                          username: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if civil_registry.find_person(session, national_id) is None:
        problems["national_id"] = "national_id_unknown"
    elif session.scalar(select(Account.id).where(Account.national_id == national_id)):
        problems["national_id"] = "national_id_registered"
    if session.scalar(select(Account.id).where(Account.mobile == mobile)):
        problems["mobile"] = "mobile_taken"
    if session.scalar(select(Account.id).where(func.lower(Account.username) == username.lower())):
        problems["username"] = "username_taken"
    return problems


def start(session: Session, policies: Policies, application: Application,
          now: datetime) -> Outcome:
    """Check availability, store the registration and send a code.

    The caller has checked the form and the visual code first, so nobody can
    learn which IDs, numbers or usernames are taken without solving one.
    """
    mobile = normalise_mobile(application.mobile)
    assert mobile is not None, "the form checks the mobile number first"
    problems = availability_problems(session, application.national_id, mobile,
                                     application.username)
    if problems:
        session.commit()
        return Outcome(errors=problems)

    pending = PendingRegistration(
        id=str(uuid.uuid4()),
        national_id=application.national_id,
        mobile=mobile,
        username=application.username,
        email=application.email,
        password_hash=hash_password(application.password, policies.bcrypt_rounds),
        preferred_language=Language(application.preferred_language),
        created_at=now,
        expires_at=now + PENDING_LIFETIME,
    )
    session.add(pending)
    session.commit()
    outcome = send_code(session, policies, pending, now)
    outcome.pending = pending
    return outcome


def find_pending(session: Session, pending_id: str | None,
                 now: datetime) -> PendingRegistration | None:
    """The registration in progress, if it is still open."""
    if not pending_id:
        return None
    pending = session.get(PendingRegistration, pending_id)
    if pending is None or pending.completed_at is not None or pending.expires_at <= now:
        return None
    return pending


def send_code(session: Session, policies: Policies, pending: PendingRegistration,
              now: datetime) -> Outcome:
    """Send a (new) code for this registration, within the cooldown and hourly limits."""
    problem = otp.text_code(session, policies.codes, CodePurpose.REGISTRATION, pending.id,
                            pending.mobile, pending.preferred_language, policies.sms_host, now,
                            person=pending.national_id)
    return Outcome(pending=pending, error=problem, code_sent=problem is None)


def complete(session: Session, policies: Policies, pending: PendingRegistration,
             typed_code: str, now: datetime, client_address: str | None = None) -> Outcome:
    """Check the code and create the account in one transaction."""
    result = otp.check_code(session, policies.codes, CodePurpose.REGISTRATION,
                            pending.id, typed_code, now)
    if result is not otp.CheckResult.ACCEPTED:
        session.commit()  # keeps the count of wrong tries
        return Outcome(pending=pending, errors={"code": f"code_{result.value}"})

    account = Account(
        national_id=pending.national_id,
        username=pending.username,
        mobile=pending.mobile,
        email=pending.email,
        password_hash=pending.password_hash,
        preferred_language=pending.preferred_language,
        session_token=secrets.token_urlsafe(32),
        created_at=now,
    )
    session.add(account)
    pending.completed_at = now
    try:
        session.flush()
    except IntegrityError:
        # Someone else took the username, number or ID between the form and the code.
        session.rollback()
        conflict = conflicting_field(session, pending)
        pending.expires_at = now  # this registration cannot finish; the form starts again
        session.commit()
        return Outcome(error=f"registration_conflict_{conflict}")
    session.add(AuditEvent(account_id=account.id, kind="account_created",
                           client_address=client_address, created_at=now,
                           detail={"channel": "web"}))
    session.commit()
    return Outcome(account=account)


def conflicting_field(session: Session, pending: PendingRegistration) -> str:
    problems = availability_problems(session, pending.national_id, pending.mobile,
                                     pending.username)
    for name in ("national_id", "username", "mobile"):
        if name in problems:
            return name
    return "username"
