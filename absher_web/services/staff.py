"""Officers: accounts made by an operator, their roles and city, their sign-in and their
lookups.

An officer's roles decide which consoles and queues they open (ROLES): a Passports officer
the account lookup and what follows it, a Civil Affairs officer the queue of requests
that the rules could not decide, for the city of their office only (``city``, the civil
registry's Arabic spelling).

Officers sign in apart from citizens (web/staff.py keeps the two sessions apart).
The same answer for an unknown officer and a wrong password; five failures in a
row lock the officer out, longer each time, counted before the password is checked
(the citizens' rule, services/lockout.py), and an unknown name locks the same way.
Every lookup and activation is audited with the officer's id.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies.civil_registry import CITY_NAMES, city_named, office_city
from absher_web.identity import normalise_digits
from absher_web.models import Account, StaffUser
from absher_web.passwords import PASSWORD_MIN, hash_password, new_session_token, password_problem
from absher_web.services import audit, lockout, staff_looks
from absher_web.services.activation import account_by_national_id

# A town's name as the civil registry writes it: Arabic letters and spaces, two to forty.
ARABIC_PLACE = re.compile(r"[\u0621-\u064A ]{2,40}")

USERNAME_MAX = 64
PASSPORTS = "passports"
CIVIL_AFFAIRS = "civil_affairs"
# Recruiters of the Ministry of Interior (Absher Employment): the applications to every
# job opening, wherever it is; no city.
RECRUITER = "recruiter"
# Public decorum violations (services/decorum.py): officers who record them, and the
# committee that decides objections to them, each for the city of their office.
DECORUM_OFFICER = "decorum_officer"
OBJECTIONS_COMMITTEE = "objections_committee"
ROLES = (PASSPORTS, CIVIL_AFFAIRS, RECRUITER, DECORUM_OFFICER, OBJECTIONS_COMMITTEE)
# The roles that act for one city only: their officers need --city.
CITY_ROLES = (CIVIL_AFFAIRS, DECORUM_OFFICER, OBJECTIONS_COMMITTEE)


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


def checked_roles(roles: tuple[str, ...] | list[str]) -> list[str]:
    """The roles as stored (each once, in ROLES' order); OfficerError for an unknown one."""
    wanted = [role.strip().lower().replace("-", "_") for role in roles]
    unknown = sorted({role for role in wanted if role not in ROLES})
    if unknown:
        raise OfficerError(f"Unknown role {', '.join(unknown)}: the roles are "
                           f"{', '.join(ROLES)}.")
    if not wanted:
        raise OfficerError(f"Give at least one role: {', '.join(ROLES)}.")
    return [role for role in ROLES if role in wanted]


def checked_city(city: str | None, roles: list[str]) -> str | None:
    """The city of the officer's office as requests name it (civil_registry.office_city):
    a known city in English or Arabic, or another town in Arabic letters as the registry
    writes it; OfficerError for anything else, or when a role that decides a city's
    requests has no city."""
    if city is None or not city.strip():
        if CIVIL_AFFAIRS in roles:
            raise OfficerError("A civil_affairs officer needs --city: the city of their "
                               "office, whose requests they decide.")
        if any(role in roles for role in CITY_ROLES):
            raise OfficerError("A decorum_officer or objections_committee member needs "
                               "--city: the city of their office, whose violations they "
                               "record or whose objections they decide.")
        return None
    found = city_named(city)
    if found is None and ARABIC_PLACE.fullmatch(" ".join(city.split())):
        found = office_city(city)
    if found is None:
        known = ", ".join(str(english._args[1]) for english in CITY_NAMES.values())
        raise OfficerError(f"Unknown city {city.strip()[:40]!r}. Give one of {known} (in "
                           "English or in Arabic), or another town in Arabic as the civil "
                           "registry writes it.")
    return found


def has_role(officer: StaffUser | None, role: str) -> bool:
    return officer is not None and role in (officer.roles or [])


def create_officer(session: Session, username: str, full_name: str, office: str,
                   password: str, bcrypt_rounds: int, now: datetime,
                   roles: tuple[str, ...] | list[str] = (PASSPORTS,),
                   city: str | None = None) -> StaffUser:
    username = username.strip()
    if not username or len(username) > USERNAME_MAX or not username.isascii():
        raise OfficerError("The username must be 1 to 64 Latin letters, digits or signs.")
    if find_officer(session, username) is not None:
        raise OfficerError(f"An officer named {username} exists already.")
    problem = password_problem(password, username)
    if problem is not None:
        reason = problem.removeprefix("password_").replace("_", " ")
        raise OfficerError(
            f"The password is not accepted ({reason}). It needs at least {PASSWORD_MIN} "
            "characters with capital and small letters and a digit, not a common one, and not "
            "the username.")
    roles = checked_roles(roles)
    city = checked_city(city, roles)
    officer = StaffUser(username=username, full_name=full_name.strip() or username,
                        office=office.strip(), roles=roles, city=city,
                        password_hash=hash_password(password, bcrypt_rounds),
                        session_token=new_session_token(), created_at=now)
    session.add(officer)
    return officer


def set_roles(session: Session, username: str, roles: tuple[str, ...] | list[str],
              city: str | None, now: datetime) -> StaffUser:
    """Give an officer these roles (and city, when given; else the one they have).
    Audited for the operator; the caller commits."""
    officer = find_officer(session, username)
    if officer is None:
        raise OfficerError(f"No officer has the username {username.strip()!r}.")
    roles = checked_roles(roles)
    city = checked_city(city if city is not None else officer.city, roles)
    officer.roles, officer.city = roles, city
    audit.record(session, "officer_roles_set", now, by="operator", officer=officer.username,
                 roles=roles, city=city)
    return officer


def all_officers(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def set_active(session: Session, username: str, active: bool, now: datetime) -> bool:
    """Enable or disable an officer (an operator's command); False when it already was so.

    Disabling also gives the officer a new session token: every open session ends at its
    next request, and enabling the officer again later does not bring any of them back.
    Audited for the operator; the caller commits.
    """
    officer = find_officer(session, username)
    if officer is None:
        raise OfficerError(f"No officer has the username {username.strip()!r}.")
    if officer.is_active is active:
        return False
    officer.is_active = active
    if not active:
        officer.session_token = new_session_token()
    audit.record(session, "officer_enabled" if active else "officer_disabled", now,
                 by="operator", officer=officer.username)
    return True


def sign_in(session: Session, username: str, password: str, bcrypt_rounds: int,
            now: datetime, client_address: str | None) -> SignIn:
    """Check an officer's password under the lock rules; commits the count either way."""
    officer = find_officer(session, username)
    if officer is None or not officer.is_active:
        check = lockout.check_unknown("officer", username.strip(), password, bcrypt_rounds,
                                      now)
        if check.locked_until:
            # The time shown is the unknown name's own lock, as plausible as a real one.
            return SignIn(SignInResult.LOCKED, locked_until=check.locked_until)
        return SignIn(SignInResult.REJECTED)
    check = lockout.check_password(session, lockout.OFFICERS, officer, password, bcrypt_rounds,
                                   now)
    if check.verdict is lockout.Verdict.RIGHT:
        audit.record(session, "staff_signed_in", now, client_address=client_address,
                     staff_user_id=officer.id)
        session.commit()
        return SignIn(SignInResult.SIGNED_IN, officer)
    if check.verdict is lockout.Verdict.WRONG:
        audit.record(session, "staff_sign_in_failed", now, client_address=client_address,
                     staff_user_id=officer.id)
    session.commit()
    if check.locked_until:
        return SignIn(SignInResult.LOCKED, officer, check.locked_until)
    return SignIn(SignInResult.REJECTED)


def look_up_account(session: Session, officer: StaffUser, national_id: str, now: datetime,
                    client_address: str | None,
                    reason: staff_looks.Reason) -> Account | None:
    """The account registered to an ID or iqama number; the lookup itself is audited, and
    recorded for the holder with the officer's reason (staff_looks)."""
    digits = normalise_digits(national_id)
    account = account_by_national_id(session, digits)
    audit.record(session, "staff_looked_up", now, account.id if account else None,
                 client_address, staff_user_id=officer.id, national_id=digits)
    staff_looks.record(session, staff=officer, person_national_id=digits, reason=reason,
                       now=now, role=PASSPORTS)
    session.commit()
    return account


def sign_out(session: Session, officer: StaffUser, now: datetime,
             client_address: str | None) -> None:
    """End every session of the officer (a copied cookie dies too) and audit it; the caller
    commits."""
    officer.session_token = new_session_token()
    audit.record(session, "staff_signed_out", now, client_address=client_address,
                 staff_user_id=officer.id)
