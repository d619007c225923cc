"""A new mobile number for a holder who proved in person who they are.

A holder who lost their phone cannot receive a code on the old number, so they change
it where their fingerprints are verified: at a Passports office (the officer console)
or at a self-service kiosk (the kiosk API). The new number gets a code, bound to this
change (its own purpose and flow), which the holder reads out to the officer or types at
the kiosk: so the number is theirs. Then the number changes, if no other account has it
meanwhile, the old number is told, and the change is audited with who helped.

The flow's new number is the one its code was sent to (the code challenge's own row), so
no session or request carries it between the two steps.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.identity import mask_mobile, normalise_mobile
from absher_web.models import Account, CodePurpose, SmsMessage
from absher_web.passwords import new_session_token
from absher_web.services import audit, devices, notices, otp, outbox
from absher_web.services.account_changes import number_taken
from absher_web.services.policies import Policies


@dataclass
class Outcome:
    """What a step produced: a field's problem (message keys by field), a problem of the
    step as a whole, or the change done."""

    errors: dict[str, str] = field(default_factory=dict)
    # sms_failed, sms_paused, too_many_codes, resend_too_soon, mobile_taken
    problem: str | None = None
    mobile: str | None = None  # the new number
    notice_sent: bool = False  # the old number was told (else run-due tries again)

    @property
    def ok(self) -> bool:
        return not self.errors and self.problem is None


def new_number(session: Session, account: Account, typed: str) -> Outcome:
    """The new number, normalised, if it can be the account's."""
    mobile = normalise_mobile(typed or "")
    if mobile is None:
        return Outcome(errors={"mobile": "mobile_invalid"})
    if mobile == account.mobile:
        return Outcome(errors={"mobile": "staff_mobile_same"})
    if number_taken(session, mobile, account):
        return Outcome(errors={"mobile": "mobile_taken"})
    return Outcome(mobile=mobile)


def send_code(session: Session, policies: Policies, purpose: CodePurpose, flow_id: str,
              account: Account, mobile: str, now: datetime) -> Outcome:
    """Text a code for this flow to the new number (the cooldown and hourly budgets of
    every code apply). Commits."""
    problem = otp.text_code(session, policies.codes, purpose, flow_id, mobile,
                            account.preferred_language, policies.sms_host, now,
                            person=account.national_id)
    return Outcome(problem=problem, mobile=mobile)


def pending_number(session: Session, purpose: CodePurpose, flow_id: str) -> str | None:
    """The number this flow's newest code was sent to, if one was."""
    challenge = otp.latest_challenge(session, purpose, flow_id)
    return challenge.mobile if challenge is not None else None


def check_code(session: Session, policies: Policies, purpose: CodePurpose, flow_id: str,
               typed_code: str, now: datetime) -> tuple[otp.CheckResult, str | None]:
    """Check the code the holder read out or typed (a try counted like any code's), and
    the number it was sent to. Leaves the count in the session's transaction."""
    mobile = pending_number(session, purpose, flow_id)
    return otp.check_code(session, policies.codes, purpose, flow_id, typed_code, now), mobile


def swap(session: Session, account: Account, mobile: str, now: datetime, audit_kind: str,
         client_address: str | None = None, staff_user_id: int | None = None,
         **detail: object) -> str | None:
    """Make ``mobile`` the account's number, end every session of the account, and audit it
    with who helped; the old number,
    or None when another account has the new one. The caller commits (the unique index
    refuses a number another account took meanwhile) and then tells the old number."""
    if number_taken(session, mobile, account):
        return None
    old_mobile = account.mobile
    account.mobile = mobile
    # The lost phone may still hold a session: every session of the account ends, as after
    # a recovery (the per-account session token every session carries changes).
    account.session_token = new_session_token()
    devices.end_all(session, account.id, now)
    audit.record(session, audit_kind, now, account.id, client_address,
                 staff_user_id=staff_user_id, old=mask_mobile(old_mobile),
                 new=mask_mobile(mobile), **detail)
    return old_mobile


def tell_old_number(session: Session, account: Account, old_mobile: str,
                    now: datetime) -> SmsMessage:
    """The notice to the old number, added to the change's transaction (the outbox): the
    holder hears of it even if the new number is not theirs. Flushes, so a number another
    account took meanwhile is refused here (IntegrityError); the caller commits, then
    delivers it (outbox.deliver)."""
    return notices.queue(session, notices.MOBILE_CHANGED, account, now, to=old_mobile,
                         number=mask_mobile(account.mobile))


def confirm(session: Session, policies: Policies, purpose: CodePurpose, flow_id: str,
            account: Account, typed_code: str, now: datetime, audit_kind: str,
            client_address: str | None = None, staff_user_id: int | None = None,
            **detail: object) -> Outcome:
    """Check the code read out or typed by the holder; if right, the number changes.

    A wrong code counts against the code's tries like any other. ``audit_kind`` and the
    rest name who helped, for the audit log that the holder sees. Commits: the change
    together with its notice, then sends the notice.
    """
    result, mobile = check_code(session, policies, purpose, flow_id, typed_code, now)
    session.commit()  # keeps the count of wrong tries, and spends a right code
    if result is not otp.CheckResult.ACCEPTED or mobile is None:
        return Outcome(errors={"code": f"code_{result.value}"}, mobile=mobile)
    old_mobile = swap(session, account, mobile, now, audit_kind, client_address,
                      staff_user_id, **detail)
    if old_mobile is None:
        return Outcome(problem="mobile_taken", mobile=mobile)
    try:
        notice = tell_old_number(session, account, old_mobile, now)
    except IntegrityError:
        # Another account took the number between the check in swap and this write.
        session.rollback()
        return Outcome(problem="mobile_taken", mobile=mobile)
    session.commit()
    return Outcome(mobile=mobile, notice_sent=outbox.deliver(session, notice, now))


# --- at a kiosk (the kiosk API, web/api.py) ---------------------------------------------------

def kiosk_flow_id(client_code: str, account_id: int, reference: str) -> str:
    """The flow of a kiosk's change: its operator, the account and the reference of the
    request that sent the code (a digest, to fit the flow column)."""
    return hashlib.sha256(f"kiosk:{client_code}:{account_id}:{reference}".encode()).hexdigest()


def confirm_at_kiosk(session: Session, policies: Policies, client_code: str, account: Account,
                     change_reference: str, typed_code: str, now: datetime,
                     client_address: str | None, **detail: object) -> tuple[str, str | None]:
    """Check the code typed at the kiosk and, if right, change the number: what became of
    it ("changed", "change_not_found", "mobile_taken" or "code_<result>") and the old
    number when changed. Leaves everything in the session's transaction: the caller adds
    the notice (tell_old_number) and its answer to the same one, commits, and delivers."""
    flow_id = kiosk_flow_id(client_code, account.id, change_reference)
    result, mobile = check_code(session, policies, CodePurpose.KIOSK_MOBILE, flow_id,
                                typed_code, now)
    if result is otp.CheckResult.NO_CODE or mobile is None:
        return "change_not_found", None
    if result is not otp.CheckResult.ACCEPTED:
        return f"code_{result.value}", None
    old_mobile = swap(session, account, mobile, now, "mobile_changed_at_kiosk", client_address,
                      operator=client_code, **detail)
    return ("changed", old_mobile) if old_mobile else ("mobile_taken", None)
