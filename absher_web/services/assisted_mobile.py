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

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.identity import mask_mobile, normalise_mobile
from absher_web.models import Account, CodePurpose
from absher_web.services import audit, notices, otp
from absher_web.services.account_changes import number_taken
from absher_web.services.policies import Policies


@dataclass
class Outcome:
    """What a step produced: a field's problem (message keys by field), a problem of the
    step as a whole, or the change done."""

    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # sms_failed, too_many_codes, resend_too_soon, mobile_taken
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


def confirm(session: Session, policies: Policies, purpose: CodePurpose, flow_id: str,
            account: Account, typed_code: str, now: datetime, audit_kind: str,
            client_address: str | None = None, staff_user_id: int | None = None,
            **detail: object) -> Outcome:
    """Check the code read out or typed by the holder; if right, the number changes.

    A wrong code counts against the code's tries like any other. ``audit_kind`` and the
    rest name who helped, for the audit log that the holder sees.
    """
    mobile = pending_number(session, purpose, flow_id)
    result = otp.check_code(session, policies.codes, purpose, flow_id, typed_code, now)
    session.commit()  # keeps the count of wrong tries, and spends a right code
    if result is not otp.CheckResult.ACCEPTED or mobile is None:
        return Outcome(errors={"code": f"code_{result.value}"}, mobile=mobile)
    if number_taken(session, mobile, account):
        return Outcome(problem="mobile_taken", mobile=mobile)
    old_mobile = account.mobile
    account.mobile = mobile
    audit.record(session, audit_kind, now, account.id, client_address,
                 staff_user_id=staff_user_id, old=mask_mobile(old_mobile),
                 new=mask_mobile(mobile), **detail)
    try:
        session.flush()
    except IntegrityError:
        # Another account took the number between the check above and this write.
        session.rollback()
        return Outcome(problem="mobile_taken", mobile=mobile)
    # To the old number, in the same commit as the change (the outbox): the holder hears of
    # it even if the new number is not theirs.
    sent = notices.send(session, notices.MOBILE_CHANGED, account, now, to=old_mobile,
                        number=mask_mobile(mobile))
    return Outcome(mobile=mobile, notice_sent=sent)
