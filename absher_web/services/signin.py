"""Signing in: username or ID and password, then an SMS code.

The same answer for an unknown user and a wrong password (status, words and
time), and the same lock after five failures (services/lockout.py counts names
that belong to nobody too). Consecutive failures lock the account for a while,
longer each time; after 100 failures since the last password recovery the
account can only be reopened by recovery.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits
from absher_web.models import Account, CodePurpose
from absher_web.passwords import new_session_token
from absher_web.services import audit, devices, lockout, notices, otp
from absher_web.services.policies import Policies


class Result(enum.StrEnum):
    CODE_SENT = "code_sent"
    REJECTED = "rejected"  # unknown user or wrong password: never say which
    LOCKED = "locked"
    NEEDS_RECOVERY = "needs_recovery"
    SMS_FAILED = "sms_failed"
    SMS_PAUSED = "sms_paused"  # the provider failed too often in a row: refused at once
    RESEND_TOO_SOON = "resend_too_soon"
    TOO_MANY_CODES = "too_many_codes"


@dataclass
class Attempt:
    result: Result
    account: Account | None = None
    flow_id: str | None = None
    locked_until: datetime | None = None


def sign_in_name(identifier: str) -> tuple[str, str]:
    """What an account is found by: ("national_id", digits) or ("username", as typed)."""
    digits = normalise_digits(identifier)
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return "national_id", digits
    return "username", identifier.strip()


def find_account(session: Session, identifier: str) -> Account | None:
    """By ID/iqama number (digits, any script) or by username (case-sensitive)."""
    column, name = sign_in_name(identifier)
    if column == "national_id":
        return session.scalars(select(Account).where(Account.national_id == name)).first()
    # Found through the unique index on lower(username): a plain comparison would read the
    # whole table, even for names nobody has. Compared exactly here, not in SQL: SQLite
    # would put the typed name in place of the column in lower(username) and scan.
    found = session.scalars(select(Account).where(
        func.lower(Account.username) == func.lower(name))).first()
    return found if found is not None and found.username == name else None


def check_password(session: Session, policies: Policies, identifier: str, password: str,
                   now: datetime, client_address: str | None) -> Attempt:
    account = find_account(session, identifier)
    if account is None:
        column, name = sign_in_name(identifier)
        check = lockout.check_unknown(f"citizen/{column}", name, password,
                                      policies.bcrypt_rounds, now)
        return Attempt(Result.LOCKED if check.locked_until else Result.REJECTED)
    check = check_account_password(session, account, password, policies.bcrypt_rounds, now,
                                   client_address)
    if check.verdict is not lockout.Verdict.RIGHT:
        return refusal(check, account)
    flow_id = f"{account.id}.{secrets.token_urlsafe(16)}"
    attempt = send_sign_in_code(session, policies, account, flow_id, now)
    attempt.flow_id = flow_id
    return attempt


def refusal(check: lockout.Check, account: Account) -> Attempt:
    if check.needs_recovery:
        return Attempt(Result.NEEDS_RECOVERY, account)
    if check.locked_until:
        return Attempt(Result.LOCKED, account, locked_until=check.locked_until)
    return Attempt(Result.REJECTED)


def check_account_password(session: Session, account: Account, password: str,
                           bcrypt_rounds: int, now: datetime,
                           client_address: str | None) -> lockout.Check:
    """A citizen's password, checked under the lock rules, wherever it is asked for.

    Sign-in, change password and the security questions page all come here, so a
    session left open cannot be used to guess the password faster than sign-in can.
    Records the failure, the lock and its text message; commits.
    """
    check = lockout.check_password(session, lockout.CITIZENS, account, password,
                                   bcrypt_rounds, now)
    if check.verdict is lockout.Verdict.WRONG:
        audit.record(session, "sign_in_failed", now, account.id, client_address)
    if check.reached_recovery:
        audit.record(session, "account_needs_recovery", now, account.id, client_address)
    if check.locked_now:
        audit.record(session, "account_locked", now, account.id, client_address,
                     until=check.locked_until.isoformat())
        # Saved with the lock, by the one request that took it, then sent.
        notices.send(session, notices.ACCOUNT_LOCKED, account, now)
    session.commit()
    return check


def password_asked_again_problem(check: lockout.Check, wrong: str) -> str | None:
    """For a password asked for again on a signed-in page: None when right, else a message
    key, ``wrong`` or the lock (there a lock and the hard stop read alike)."""
    if check.verdict is lockout.Verdict.RIGHT:
        return None
    if check.locked_until is not None or check.needs_recovery:
        return "password_change_locked"
    return wrong


def send_sign_in_code(session: Session, policies: Policies, account: Account, flow_id: str,
                      now: datetime) -> Attempt:
    problem = otp.text_code(session, policies.codes, CodePurpose.SIGN_IN, flow_id,
                            account.mobile, account.preferred_language, policies.sms_host, now,
                            person=account.national_id)
    return Attempt(Result(problem) if problem else Result.CODE_SENT, account, flow_id)


def sign_out_everywhere(session: Session, account: Account, now: datetime,
                        client_address: str | None, kind: str = "signed_out_everywhere",
                        **detail: object) -> None:
    """End every session of the account, copied cookies included (a new session token,
    every session row signed out), and record it for the owner's security activity as
    ``kind``; commits."""
    account.session_token = new_session_token()
    devices.end_all(session, account.id, now)
    audit.record(session, kind, now, account.id, client_address, **detail)
    session.commit()


def account_of_flow(session: Session, flow_id: str | None) -> Account | None:
    if not flow_id or "." not in flow_id:
        return None
    account_id = flow_id.split(".", 1)[0]
    return session.get(Account, int(account_id)) if account_id.isdigit() else None


def check_code(session: Session, policies: Policies, account: Account, flow_id: str,
               typed: str, now: datetime, client_address: str | None,
               user_agent: str | None = None, geoip_path: str | None = None
               ) -> tuple[otp.CheckResult, devices.Opened | None]:
    """The code typed; once accepted, the new session's row (services/devices.py) with the
    sign-in, and the new-device SMS sent after the commit."""
    result = otp.check_code(session, policies.codes, CodePurpose.SIGN_IN, flow_id,
                            typed, now)
    opened = None
    if result is otp.CheckResult.ACCEPTED:
        opened = devices.open_session(session, account, user_agent, client_address, now,
                                      geoip_path)
        audit.record(session, "signed_in", now, account.id, client_address,
                     device=opened.row.public_id)
    session.commit()
    if opened is not None:
        devices.tell(session, opened, now)
    return result, opened
