"""Passports office officers: accounts made by an operator, their sign-in and their lookups.

Officers sign in apart from citizens (web/staff.py keeps the two sessions apart).
The same answer for an unknown officer and a wrong password; five failures in a
row lock the officer out, longer each time (the citizens' rule, signin.lock_duration).
Every lookup and activation is audited with the officer's id.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits
from absher_web.models import Account, StaffUser
from absher_web.passwords import (
    dummy_hash,
    hash_password,
    new_session_token,
    password_problem,
    verify_password,
)
from absher_web.services import audit
from absher_web.services.activation import account_by_national_id
from absher_web.services.signin import FAILURES_BEFORE_LOCK, lock_duration

USERNAME_MAX = 64


class OfficerError(Exception):
    """An officer account cannot be created as asked; the message says why."""


class SignInResult(enum.StrEnum):
    SIGNED_IN = "signed_in"
    REJECTED = "rejected"  # unknown officer or wrong password: never say which
    LOCKED = "locked"


@dataclass
class SignIn:
    result: SignInResult
    officer: StaffUser | None = None
    locked_until: datetime | None = None


def find_officer(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))


def create_officer(session: Session, username: str, full_name: str, office: str,
                   password: str, bcrypt_rounds: int, now: datetime) -> StaffUser:
    username = username.strip()
    if not username or len(username) > USERNAME_MAX or not username.isascii():
        raise OfficerError("The username must be 1 to 64 Latin letters, digits or signs.")
    if find_officer(session, username) is not None:
        raise OfficerError(f"An officer named {username} exists already.")
    problem = password_problem(password, username)
    if problem is not None:
        reason = problem.removeprefix("password_").replace("_", " ")
        raise OfficerError(
            f"The password is not accepted ({reason}). It needs at least 8 characters with "
            "capital and small letters and a digit, not a common one, and not the username.")
    officer = StaffUser(username=username, full_name=full_name.strip() or username,
                        office=office.strip(), password_hash=hash_password(password, bcrypt_rounds),
                        session_token=new_session_token(), created_at=now)
    session.add(officer)
    return officer


def sign_in(session: Session, username: str, password: str, bcrypt_rounds: int,
            now: datetime, client_address: str | None) -> SignIn:
    """Check an officer's password; commits the failure count either way."""
    officer = find_officer(session, username)
    if officer is None or not officer.is_active:
        verify_password(password, dummy_hash(bcrypt_rounds))  # the same cost as a real check
        return SignIn(SignInResult.REJECTED)
    if officer.locked_until and officer.locked_until > now:
        verify_password(password, officer.password_hash)
        return SignIn(SignInResult.LOCKED, officer, officer.locked_until)
    if verify_password(password, officer.password_hash):
        officer.consecutive_failures, officer.locked_until, officer.lockouts = 0, None, 0
        audit.record(session, "staff_signed_in", now, client_address=client_address,
                     staff_user_id=officer.id)
        session.commit()
        return SignIn(SignInResult.SIGNED_IN, officer)
    officer.consecutive_failures += 1
    audit.record(session, "staff_sign_in_failed", now, client_address=client_address,
                 staff_user_id=officer.id)
    if officer.consecutive_failures >= FAILURES_BEFORE_LOCK:
        # The citizens' rule: 15 minutes, then twice as long each time, up to a day.
        officer.consecutive_failures = 0
        officer.locked_until = now + lock_duration(officer.lockouts)
        officer.lockouts += 1
        session.commit()
        return SignIn(SignInResult.LOCKED, officer, officer.locked_until)
    session.commit()
    return SignIn(SignInResult.REJECTED)


def look_up_account(session: Session, officer: StaffUser, national_id: str, now: datetime,
                    client_address: str | None) -> Account | None:
    """The account registered to an ID or iqama number; the lookup itself is audited."""
    digits = normalise_digits(national_id)
    account = account_by_national_id(session, digits)
    audit.record(session, "staff_looked_up", now, account.id if account else None,
                 client_address, staff_user_id=officer.id, national_id=digits)
    session.commit()
    return account


def sign_out(session: Session, officer: StaffUser, now: datetime,
             client_address: str | None) -> None:
    """End every session of the officer (a copied cookie dies too) and audit it; the caller
    commits."""
    officer.session_token = new_session_token()
    audit.record(session, "staff_signed_out", now, client_address=client_address,
                 staff_user_id=officer.id)
