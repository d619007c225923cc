"""Changes a signed-in person makes to their own account.

Password (the registration rules, every other session ended, a text message
to say so), mobile number (a code to the new number, a notice to the old one),
email address and preferred language. Every change is recorded in the audit
log that the owner sees on the account home.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.identity import mask_mobile, normalise_mobile
from absher_web.models import Account, CodePurpose, Language
from absher_web.passwords import hash_password, new_session_token, password_problem
from absher_web.services import audit, devices, notices, otp, signin
from absher_web.services.policies import Policies


@dataclass
class Outcome:
    """What a change produced: errors by field (message keys), or the new state."""

    errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # a message key for the step as a whole
    flow_id: str | None = None
    mobile: str | None = None  # the new number, in a mobile change

    @property
    def ok(self) -> bool:
        return not self.errors and self.error is None


# --- password ---------------------------------------------------------------

def change_password(session: Session, policies: Policies, account: Account, current: str,
                    new: str, now: datetime, client_address: str | None,
                    keep_device: str | None = None) -> Outcome:
    """Check the current password, apply the rules to the new one and save it.

    A new session token ends every session of the account: the caller signs
    this browser in again with the new token. The current password is checked
    under the sign-in lock rules (signin.check_account_password), so a borrowed
    session cannot be used to guess it.
    """
    check = signin.check_account_password(session, account, current, policies.bcrypt_rounds,
                                          now, client_address)
    refused = signin.password_asked_again_problem(check, "current_password_wrong")
    if refused:
        return Outcome(errors={"current_password": refused})
    problem = password_problem(new, account.username)
    if problem:
        return Outcome(errors={"new_password": problem})
    if new == current:
        return Outcome(errors={"new_password": "password_same_as_current"})

    account.password_hash = hash_password(new, policies.bcrypt_rounds)
    account.password_changed_at = now
    account.session_token = new_session_token()
    devices.end_all(session, account.id, now, keep_device)
    audit.record(session, "password_changed", now, account.id, client_address)
    # Saved in the same commit as the new password: never one without the other.
    notices.send(session, notices.PASSWORD_CHANGED, account, now)
    return Outcome()


# --- mobile number -------------------------------------------------------------

def number_taken(session: Session, mobile: str, account: Account) -> bool:
    return session.scalar(
        select(Account.id).where(Account.mobile == mobile, Account.id != account.id)
    ) is not None


def start_mobile_change(session: Session, policies: Policies, account: Account, typed: str,
                        now: datetime) -> Outcome:
    """Check the new number and send a code to it.

    The flow id names the account and the new number, so the code proves
    that this person holds this number for this account, and nothing else.
    """
    mobile = normalise_mobile(typed or "")
    if mobile is None:
        return Outcome(errors={"mobile": "mobile_invalid"})
    if mobile == account.mobile:
        return Outcome(errors={"mobile": "mobile_same"})
    if number_taken(session, mobile, account):
        return Outcome(errors={"mobile": "mobile_taken"})
    flow_id = f"{account.id}.{mobile}.{secrets.token_urlsafe(16)}"
    return send_mobile_code(session, policies, account, flow_id, now)


def mobile_of_flow(account: Account, flow_id: str | None) -> str | None:
    """The new number a mobile-change flow is for, if the flow belongs to this account."""
    parts = (flow_id or "").split(".")
    if len(parts) != 3 or parts[0] != str(account.id):
        return None
    mobile = parts[1]
    return mobile if normalise_mobile(mobile) == mobile else None


def send_mobile_code(session: Session, policies: Policies, account: Account, flow_id: str,
                     now: datetime) -> Outcome:
    """Send a (new) code to the new number, within the cooldown and hourly limits."""
    mobile = mobile_of_flow(account, flow_id)
    assert mobile is not None, "the caller checks that the flow belongs to the account"
    problem = otp.text_code(session, policies.codes, CodePurpose.CHANGE_MOBILE, flow_id,
                            mobile, account.preferred_language, policies.sms_host, now,
                            person=account.national_id)
    return Outcome(flow_id=flow_id, mobile=mobile, error=problem)


def finish_mobile_change(session: Session, policies: Policies, account: Account, flow_id: str,
                         typed_code: str, now: datetime,
                         client_address: str | None) -> Outcome:
    """Check the code, then swap the number in, if nobody else has taken it meanwhile."""
    mobile = mobile_of_flow(account, flow_id)
    assert mobile is not None, "the caller checks that the flow belongs to the account"
    result = otp.check_code(session, policies.codes, CodePurpose.CHANGE_MOBILE, flow_id,
                            typed_code, now)
    session.commit()  # keeps the count of wrong tries, and spends a right code
    if result is not otp.CheckResult.ACCEPTED:
        return Outcome(errors={"code": f"code_{result.value}"}, flow_id=flow_id, mobile=mobile)
    if number_taken(session, mobile, account):
        return Outcome(error="mobile_change_taken", mobile=mobile)

    old_mobile = account.mobile
    account.mobile = mobile
    audit.record(session, "mobile_changed", now, account.id, client_address,
                 old=mask_mobile(old_mobile), new=mask_mobile(mobile))
    try:
        session.flush()
    except IntegrityError:
        # Another account took the number between the check above and this write.
        session.rollback()
        return Outcome(error="mobile_change_taken", mobile=mobile)
    # To the old number, in the same commit as the change: the holder hears of it even if
    # the new number is not theirs.
    notices.send(session, notices.MOBILE_CHANGED, account, now, to=old_mobile,
                 number=mask_mobile(mobile))
    return Outcome(mobile=mobile)


# --- email and language ----------------------------------------------------------

def change_email(session: Session, account: Account, email: str, now: datetime,
                 client_address: str | None) -> Outcome:
    email = email.strip()
    if email.casefold() == account.email.casefold():
        return Outcome(errors={"email": "email_same"})
    account.email = email
    audit.record(session, "email_changed", now, account.id, client_address)
    session.commit()
    return Outcome()


def change_language(session: Session, account: Account, language: str, now: datetime,
                    client_address: str | None) -> Outcome:
    """Pages and text messages follow Account.preferred_language from now on."""
    try:
        chosen = Language(language)
    except ValueError:
        return Outcome(errors={"preferred_language": "language_required"})
    if chosen is not account.preferred_language:
        audit.record(session, "language_changed", now, account.id, client_address,
                     old=account.preferred_language.value, new=chosen.value)
        account.preferred_language = chosen
        session.commit()
    return Outcome()
