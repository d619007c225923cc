"""Forgot password: ID and mobile, a security question, an SMS code, a new password.

Every step's state is a row (recovery_flows) bound to one account, so a step
can only be taken in its turn, by the flow that reached it, once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits, normalise_mobile
from absher_web.models import Account, CodePurpose, RecoveryFlow, RecoveryStep
from absher_web.passwords import (
    dummy_hash,
    hash_password,
    new_session_token,
    password_problem,
    verify_password,
)
from absher_web.services import audit, otp, security_questions
from absher_web.services.sms import send_sms

FLOW_LIFETIME = timedelta(minutes=20)
WRONG_ANSWERS_BEFORE_LOCK = 3
RECOVERY_LOCK = timedelta(hours=1)


@dataclass(frozen=True)
class Settings:
    code_policy: otp.CodePolicy
    bcrypt_rounds: int
    sms_host: str
    ask_security_question: bool


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


def start(session: Session, settings: Settings, national_id: str, mobile: str, now: datetime,
          without_visual_code: bool) -> Outcome:
    """Match ID and mobile to one account; never say which of the two was wrong."""
    number = normalise_mobile(mobile)
    account = session.scalars(select(Account).where(
        Account.national_id == normalise_digits(national_id), Account.mobile == number
    )).first() if number else None
    if account is None:
        verify_password("", dummy_hash(settings.bcrypt_rounds))  # the same time either way
        return Outcome(error="recovery_no_match")
    if account.recovery_locked_until and account.recovery_locked_until > now:
        return Outcome(error="recovery_locked")
    ask = settings.ask_security_question and bool(account.security_answers)
    flow = RecoveryFlow(id=str(uuid.uuid4()), account_id=account.id,
                        step=RecoveryStep.QUESTION if ask else RecoveryStep.CODE,
                        without_visual_code=without_visual_code, created_at=now,
                        expires_at=now + FLOW_LIFETIME)
    session.add(flow)
    session.commit()
    if flow.step is RecoveryStep.CODE:
        return send_code(session, settings, flow, now)
    return Outcome(flow=flow)


def answer_question(session: Session, settings: Settings, flow: RecoveryFlow, question_key: str,
                    answer: str, now: datetime, client_address: str | None) -> Outcome:
    if flow.step is not RecoveryStep.QUESTION:
        return Outcome(flow=flow, error="recovery_wrong_step")
    account = account_of(session, flow)
    if account.recovery_locked_until and account.recovery_locked_until > now:
        return Outcome(flow=flow, error="recovery_locked")
    if security_questions.check_answer(account, question_key, answer):
        account.recovery_wrong_answers = 0
        flow.question_key = question_key
        flow.step = RecoveryStep.CODE
        session.commit()
        return send_code(session, settings, flow, now)

    account.recovery_wrong_answers += 1
    audit.record(session, "recovery_answer_wrong", now, account.id, client_address)
    if account.recovery_wrong_answers < WRONG_ANSWERS_BEFORE_LOCK:
        session.commit()
        return Outcome(flow=flow, error="answer_wrong", field="answer")
    account.recovery_wrong_answers = 0
    account.recovery_locked_until = now + RECOVERY_LOCK
    flow.expires_at = now  # this recovery is over
    audit.record(session, "recovery_locked", now, account.id, client_address)
    send_sms(session, account.mobile, notice(account, "locked"), "recovery_lock_notice", now,
             retryable=True)
    session.commit()
    return Outcome(error="recovery_locked")


def notice(account: Account, kind: str) -> str:
    with force_locale(account.preferred_language.value):
        if kind == "locked":
            return gettext("Absher: wrong answers were given to your security questions, so "
                           "password recovery is locked for an hour.")
        return gettext("Absher: your password was changed. If this was not you, call 920020405.")


def send_code(session: Session, settings: Settings, flow: RecoveryFlow, now: datetime) -> Outcome:
    if flow.step is not RecoveryStep.CODE:
        return Outcome(flow=flow, error="recovery_wrong_step")
    account = account_of(session, flow)
    problem = otp.text_code(session, settings.code_policy, CodePurpose.RECOVERY, flow.id,
                            account.mobile, account.preferred_language, settings.sms_host, now)
    return Outcome(flow=flow, error=problem, code_sent=problem is None)


def check_code(session: Session, settings: Settings, flow: RecoveryFlow, typed: str,
               now: datetime) -> Outcome:
    if flow.step is not RecoveryStep.CODE:
        return Outcome(flow=flow, error="recovery_wrong_step")
    result = otp.check_code(session, settings.code_policy, CodePurpose.RECOVERY, flow.id, typed,
                            now)
    if result is otp.CheckResult.ACCEPTED:
        flow.step = RecoveryStep.NEW_PASSWORD
        session.commit()
        return Outcome(flow=flow)
    session.commit()
    return Outcome(flow=flow, error=f"code_{result.value}", field="code")


def set_password(session: Session, settings: Settings, flow: RecoveryFlow, password: str,
                 now: datetime, client_address: str | None) -> Outcome:
    if flow.step is not RecoveryStep.NEW_PASSWORD:
        return Outcome(flow=flow, error="recovery_wrong_step")
    account = account_of(session, flow)
    problem = password_problem(password, account.username)
    if problem:
        return Outcome(flow=flow, error=problem, field="password")
    if verify_password(password, account.password_hash):
        return Outcome(flow=flow, error="password_same_as_current", field="password")
    account.password_hash = hash_password(password, settings.bcrypt_rounds)
    account.password_changed_at = now
    account.session_token = new_session_token()  # every session of the account ends
    account.consecutive_failures = 0
    account.failures_since_recovery = 0
    account.lockouts = 0
    account.locked_until = None
    flow.step = RecoveryStep.DONE
    flow.completed_at = now
    audit.record(session, "password_recovered", now, account.id, client_address,
                 without_visual_code=flow.without_visual_code)
    send_sms(session, account.mobile, notice(account, "changed"), "password_changed_notice",
             now, retryable=True)
    session.commit()
    return Outcome(flow=flow)
