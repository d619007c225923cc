"""Forgot password: ID and mobile, a security question, an SMS code, a new password.

Every step's state is a row (recovery_flows) bound to one account, so a step
can only be taken in its turn, by the flow that reached it, once: each step is
claimed by a conditional UPDATE of the row's step, which one request alone wins
however many are sent at once. Wrong answers are counted the same way, before
the answer is checked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Executable, Result, or_, select, update
from sqlalchemy.orm import Session

from absher_web import passwords
from absher_web.identity import normalise_digits, normalise_mobile
from absher_web.models import Account, CodePurpose, RecoveryFlow, RecoveryStep
from absher_web.passwords import hash_password, new_session_token, password_problem
from absher_web.services import audit, devices, notices, otp, security_questions
from absher_web.services.policies import Policies

FLOW_LIFETIME = timedelta(minutes=20)
WRONG_ANSWERS_BEFORE_LOCK = 3
RECOVERY_LOCK = timedelta(hours=1)


@dataclass
class Outcome:
    flow: RecoveryFlow | None = None
    error: str | None = None  # a message key (forms/messages.py)
    field: str | None = None  # the field the error belongs to, if any
    code_sent: bool = False


def find_flow(session: Session, flow_id: str | None, now: datetime) -> RecoveryFlow | None:
    if not flow_id:
        return None
    flow = session.get(RecoveryFlow, flow_id)
    if flow is None or flow.expires_at <= now:
        return None
    return flow


def account_of(session: Session, flow: RecoveryFlow) -> Account:
    return session.get(Account, flow.account_id)


def start(session: Session, policies: Policies, national_id: str, mobile: str, now: datetime,
          without_visual_code: bool) -> Outcome:
    """Match ID and mobile to one account; never say which of the two was wrong."""
    # One bcrypt check on every path, so a match and a miss take the same time.
    passwords.verify_password("", passwords.dummy_hash(policies.bcrypt_rounds))
    number = normalise_mobile(mobile)
    account = session.scalars(select(Account).where(
        Account.national_id == normalise_digits(national_id), Account.mobile == number
    )).first() if number else None
    if account is None:
        return Outcome(error="recovery_no_match")
    if account.recovery_locked_until and account.recovery_locked_until > now:
        return Outcome(error="recovery_locked")
    ask = policies.ask_security_question and bool(account.security_answers)
    flow = RecoveryFlow(id=str(uuid.uuid4()), account_id=account.id,
                        step=RecoveryStep.QUESTION if ask else RecoveryStep.CODE,
                        without_visual_code=without_visual_code, created_at=now,
                        expires_at=now + FLOW_LIFETIME)
    session.add(flow)
    session.commit()
    if flow.step is RecoveryStep.CODE:
        return send_code(session, policies, flow, now)
    return Outcome(flow=flow)


def answer_question(session: Session, policies: Policies, flow: RecoveryFlow, question_key: str,
                    answer: str, now: datetime, client_address: str | None) -> Outcome:
    if flow.step is not RecoveryStep.QUESTION:
        return Outcome(flow=flow, error="recovery_wrong_step")
    account = account_of(session, flow)
    if not reserve_answer(session, account.id, now):
        # Locked, or the last tries are being checked: the lock is due, taken here if need be.
        lock_recovery_if_due(session, account, flow, now, client_address)
        return Outcome(error="recovery_locked")
    if security_questions.check_answer(account, question_key, answer):
        _execute(session, update(Account).where(Account.id == account.id)
                 .values(recovery_wrong_answers=0))
        moved = claim_step(session, flow, RecoveryStep.QUESTION, RecoveryStep.CODE, now,
                           question_key=question_key)
        session.commit()
        session.refresh(flow)
        if not moved:  # the same answer sent twice: the first one moved the flow on
            return Outcome(flow=flow)
        return send_code(session, policies, flow, now)

    audit.record(session, "recovery_answer_wrong", now, account.id, client_address)
    if lock_recovery_if_due(session, account, flow, now, client_address):
        return Outcome(error="recovery_locked")
    session.commit()
    return Outcome(flow=flow, error="answer_wrong", field="answer")


def reserve_answer(session: Session, account_id: int, now: datetime) -> bool:
    """Count one answer before it is checked, if recovery is open; committed at once.

    So answers sent all at once are counted one by one, and at most
    WRONG_ANSWERS_BEFORE_LOCK of them are checked before the lock.
    """
    counted = _execute(session, update(Account).where(
        Account.id == account_id,
        Account.recovery_wrong_answers < WRONG_ANSWERS_BEFORE_LOCK,
        or_(Account.recovery_locked_until.is_(None), Account.recovery_locked_until <= now),
    ).values(recovery_wrong_answers=Account.recovery_wrong_answers + 1))
    session.commit()
    return counted.rowcount == 1


def lock_recovery_if_due(session: Session, account: Account, flow: RecoveryFlow, now: datetime,
                         client_address: str | None) -> bool:
    """Lock recovery if the count of wrong answers is full: one request takes the lock and
    texts the holder. Commits when it takes it; True then."""
    taken = _execute(session, update(Account).where(
        Account.id == account.id,
        Account.recovery_wrong_answers >= WRONG_ANSWERS_BEFORE_LOCK,
    ).values(recovery_wrong_answers=0, recovery_locked_until=now + RECOVERY_LOCK))
    if taken.rowcount != 1:
        return False
    # This recovery is over.
    _execute(session, update(RecoveryFlow).where(RecoveryFlow.id == flow.id)
             .values(expires_at=now))
    audit.record(session, "recovery_locked", now, account.id, client_address)
    notices.send(session, notices.RECOVERY_LOCKED, account, now)  # saved with the lock
    return True


def claim_step(session: Session, flow: RecoveryFlow, at: RecoveryStep, to: RecoveryStep,
               now: datetime, **values: object) -> bool:
    """Move the flow from one step to the next, if no other request has and it has not
    ended meanwhile (a lock ends it): True for the one request that did. The caller commits."""
    moved = _execute(session, update(RecoveryFlow).where(
        RecoveryFlow.id == flow.id, RecoveryFlow.step == at, RecoveryFlow.expires_at > now,
    ).values(step=to, **values))
    return moved.rowcount == 1


def _execute(session: Session, statement: Executable) -> Result:
    # Loaded objects keep their old values until refreshed; the database decides.
    return session.execute(statement, execution_options={"synchronize_session": False})


def send_code(session: Session, policies: Policies, flow: RecoveryFlow, now: datetime) -> Outcome:
    if flow.step is not RecoveryStep.CODE:
        return Outcome(flow=flow, error="recovery_wrong_step")
    account = account_of(session, flow)
    problem = otp.text_code(session, policies.codes, CodePurpose.RECOVERY, flow.id,
                            account.mobile, account.preferred_language, policies.sms_host, now,
                            person=account.national_id)
    return Outcome(flow=flow, error=problem, code_sent=problem is None)


def check_code(session: Session, policies: Policies, flow: RecoveryFlow, typed: str,
               now: datetime) -> Outcome:
    if flow.step is not RecoveryStep.CODE:
        return Outcome(flow=flow, error="recovery_wrong_step")
    result = otp.check_code(session, policies.codes, CodePurpose.RECOVERY, flow.id, typed, now)
    if result is not otp.CheckResult.ACCEPTED:
        session.commit()
        return Outcome(flow=flow, error=f"code_{result.value}", field="code")
    claim_step(session, flow, RecoveryStep.CODE, RecoveryStep.NEW_PASSWORD, now)
    session.commit()
    session.refresh(flow)
    return Outcome(flow=flow)


def set_password(session: Session, policies: Policies, flow: RecoveryFlow, password: str,
                 now: datetime, client_address: str | None) -> Outcome:
    if flow.step is not RecoveryStep.NEW_PASSWORD:
        return Outcome(flow=flow, error="recovery_wrong_step")
    account = account_of(session, flow)
    problem = password_problem(password, account.username)
    if problem:
        return Outcome(flow=flow, error=problem, field="password")
    if passwords.verify_password(password, account.password_hash):
        return Outcome(flow=flow, error="password_same_as_current", field="password")
    # Hashed before the claim, so the claim's lock is held only for the short writes.
    password_hash = hash_password(password, policies.bcrypt_rounds)
    if not claim_step(session, flow, RecoveryStep.NEW_PASSWORD, RecoveryStep.DONE, now,
                      completed_at=now):
        session.rollback()  # the same form sent twice: the first one changed the password
        return Outcome(flow=flow, error="recovery_wrong_step")
    # Written whatever this request loaded: a lock taken meanwhile is cleared too.
    _execute(session, update(Account).where(Account.id == account.id).values(
        password_hash=password_hash, password_changed_at=now,
        session_token=new_session_token(),  # every session of the account ends
        consecutive_failures=0, failures_since_recovery=0, lockouts=0, locked_until=None))
    devices.end_all(session, account.id, now)
    audit.record(session, "password_recovered", now, account.id, client_address,
                 without_visual_code=flow.without_visual_code)
    # Saved in the same commit as the new password: never one without the other.
    notices.send(session, notices.PASSWORD_RECOVERED, account, now)
    session.refresh(flow)
    session.refresh(account)
    return Outcome(flow=flow)
