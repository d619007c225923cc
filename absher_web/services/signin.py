"""Signing in: username or ID and password, then an SMS code.

The same answer for an unknown user and a wrong password (status, words and
time: a dummy hash is checked when there is no account). Consecutive failures
lock the account for a while, longer each time; after 100 failures since the
last password recovery the account can only be reopened by recovery.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits
from absher_web.models import Account, CodePurpose
from absher_web.passwords import dummy_hash, verify_password
from absher_web.services import audit, otp
from absher_web.services.sms import send_sms

FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
FAILURES_BEFORE_RECOVERY = 100


@dataclass(frozen=True)
class Settings:
    code_policy: otp.CodePolicy
    bcrypt_rounds: int
    sms_host: str


class Result(enum.StrEnum):
    CODE_SENT = "code_sent"
    REJECTED = "rejected"  # unknown user or wrong password: never say which
    LOCKED = "locked"
    NEEDS_RECOVERY = "needs_recovery"
    SMS_FAILED = "sms_failed"
    RESEND_TOO_SOON = "resend_too_soon"
    TOO_MANY_CODES = "too_many_codes"


@dataclass
class Attempt:
    result: Result
    account: Account | None = None
    flow_id: str | None = None
    locked_until: datetime | None = None


def find_account(session: Session, identifier: str) -> Account | None:
    """By ID/iqama number (digits, any script) or by username (case-sensitive)."""
    digits = normalise_digits(identifier)
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return session.scalars(select(Account).where(Account.national_id == digits)).first()
    return session.scalars(select(Account).where(Account.username == identifier.strip())).first()


def lock_duration(lockouts: int) -> timedelta:
    """15 minutes, then 30, 60 ... never more than a day."""
    return min(FIRST_LOCK * (2 ** lockouts), LONGEST_LOCK)


def check_password(session: Session, settings: Settings, identifier: str, password: str,
                   now: datetime, client_address: str | None) -> Attempt:
    account = find_account(session, identifier)
    if account is None:
        verify_password(password, dummy_hash(settings.bcrypt_rounds))  # same cost as a real check
        return Attempt(Result.REJECTED)
    if account.failures_since_recovery >= FAILURES_BEFORE_RECOVERY:
        verify_password(password, account.password_hash)
        return Attempt(Result.NEEDS_RECOVERY, account)
    if account.locked_until and account.locked_until > now:
        verify_password(password, account.password_hash)
        return Attempt(Result.LOCKED, account, locked_until=account.locked_until)

    if not verify_password(password, account.password_hash):
        return record_failure(session, settings, account, now, client_address)

    account.consecutive_failures = 0
    account.locked_until = None
    flow_id = f"{account.id}.{secrets.token_urlsafe(16)}"
    session.commit()
    attempt = send_sign_in_code(session, settings, account, flow_id, now)
    attempt.flow_id = flow_id
    return attempt


def record_failure(session: Session, settings: Settings, account: Account, now: datetime,
                   client_address: str | None) -> Attempt:
    account.consecutive_failures += 1
    account.failures_since_recovery += 1
    audit.record(session, "sign_in_failed", now, account.id, client_address)
    if account.failures_since_recovery >= FAILURES_BEFORE_RECOVERY:
        audit.record(session, "account_needs_recovery", now, account.id, client_address)
        session.commit()
        return Attempt(Result.NEEDS_RECOVERY, account)
    if account.consecutive_failures >= FAILURES_BEFORE_LOCK:
        account.locked_until = now + lock_duration(account.lockouts)
        account.lockouts += 1
        account.consecutive_failures = 0
        audit.record(session, "account_locked", now, account.id, client_address,
                     until=account.locked_until.isoformat())
        send_sms(session, account.mobile, lock_notice(account), "lock_notice", now,
                 retryable=True)
        session.commit()
        return Attempt(Result.LOCKED, account, locked_until=account.locked_until)
    session.commit()
    return Attempt(Result.REJECTED)


def lock_notice(account: Account) -> str:
    with force_locale(account.preferred_language.value):
        return gettext(
            "Absher: someone entered the wrong password for your account several times, so "
            "it is locked for a while. If this was not you, change your password."
        )


def send_sign_in_code(session: Session, settings: Settings, account: Account, flow_id: str,
                      now: datetime) -> Attempt:
    problem = otp.text_code(session, settings.code_policy, CodePurpose.SIGN_IN, flow_id,
                            account.mobile, account.preferred_language, settings.sms_host, now)
    return Attempt(Result(problem) if problem else Result.CODE_SENT, account, flow_id)


def account_of_flow(session: Session, flow_id: str | None) -> Account | None:
    if not flow_id or "." not in flow_id:
        return None
    account_id = flow_id.split(".", 1)[0]
    return session.get(Account, int(account_id)) if account_id.isdigit() else None


def check_code(session: Session, settings: Settings, account: Account, flow_id: str,
               typed: str, now: datetime, client_address: str | None) -> otp.CheckResult:
    result = otp.check_code(session, settings.code_policy, CodePurpose.SIGN_IN, flow_id,
                            typed, now)
    if result is otp.CheckResult.ACCEPTED:
        account.last_sign_in_at = now
        audit.record(session, "signed_in", now, account.id, client_address)
    session.commit()
    return result
