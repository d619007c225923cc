"""SMS codes: issue, resend and check, bound to one purpose and one flow.

Codes are 6 digits from `secrets`, stored only as an HMAC keyed by the app's
secret, valid for a few minutes, single use, with a limited number of tries.
Every rule lives here; registration, sign-in, recovery and change of mobile
all call the same functions.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits
from absher_web.models import CodeChallenge, CodePurpose, Language
from absher_web.services import counters, notices
from absher_web.services.policies import CodePolicy
from absher_web.services.sms import send_sms

CODE_LENGTH = 6
MAX_TRIES = 5
RESEND_COOLDOWN = timedelta(seconds=60)

log = logging.getLogger(__name__)


class CheckResult(enum.StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXPIRED = "expired"
    SPENT = "spent"
    TOO_MANY_TRIES = "too_many_tries"
    NO_CODE = "no_code"
    MALFORMED = "malformed"


def code_hmac(secret_key: str, purpose: CodePurpose, flow_id: str, code: str) -> str:
    message = f"{purpose.value}:{flow_id}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def latest_challenge(session: Session, purpose: CodePurpose, flow_id: str) -> CodeChallenge | None:
    return session.scalars(
        select(CodeChallenge)
        .where(CodeChallenge.purpose == purpose, CodeChallenge.flow_id == flow_id)
        .order_by(CodeChallenge.created_at.desc())
        .limit(1)
    ).first()


def seconds_until_resend(session: Session, purpose: CodePurpose, flow_id: str,
                         now: datetime) -> int:
    challenge = latest_challenge(session, purpose, flow_id)
    if challenge is None:
        return 0
    waited = now - challenge.created_at
    return max(0, int((RESEND_COOLDOWN - waited).total_seconds() + 0.999))


def issue_code(session: Session, policy: CodePolicy, purpose: CodePurpose, flow_id: str,
               mobile: str, now: datetime) -> tuple[str, str]:
    """Create a new code for this flow: (the code, to be sent and never stored; its row's id).

    A new code replaces the flow's earlier ones (only the newest is ever checked).
    """
    code = f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"
    challenge_id = str(uuid.uuid4())
    session.add(
        CodeChallenge(
            id=challenge_id,
            purpose=purpose,
            flow_id=flow_id,
            mobile=mobile,
            code_hmac=code_hmac(policy.secret_key, purpose, flow_id, code),
            created_at=now,
            expires_at=now + policy.ttl,
        )
    )
    session.flush()
    return code, challenge_id


# --- budgets over the last hour ------------------------------------------------------------

HOUR = timedelta(hours=1)


def take_one(session: Session, scope: str, limit: int, now: datetime) -> bool:
    """Count one SMS against `scope` if fewer than `limit` went within the last HOUR, a
    rolling window (services/counters.py: exact however many processes send at once)."""
    return counters.take(session, scope, limit, HOUR, now)


def give_back(session: Session, scopes: list[str], now: datetime) -> None:
    """Return SMS a send did not use (refused by a later budget, or never delivered)."""
    for scope in scopes:
        counters.give_back(session, scope, HOUR, now)


def take_budgets(session: Session, policy: CodePolicy, mobile: str, person: str | None,
                 now: datetime) -> tuple[list[str], str | None]:
    """Take one code SMS from every budget that applies, or none of them.

    Returns the scopes taken (to give back if the SMS fails) and, when a budget is spent,
    the message key to show. Commits at once: the site-wide row is shared by every send
    and must never stay locked while a provider answers.
    """
    budgets = [(f"number:{mobile}", policy.per_number_per_hour, "too_many_codes")]
    if person:
        budgets.append((f"person:{person}", policy.per_person_per_hour, "too_many_codes"))
    budgets.append(("site", policy.site_per_hour, "sms_failed"))
    taken: list[str] = []
    for scope, limit, refusal in budgets:
        if not take_one(session, scope, limit, now):
            give_back(session, taken, now)
            session.commit()
            if scope == "site":
                log.warning("site-wide SMS budget spent: %s code SMS in the last %d minutes "
                            "(ABSHER_SMS_CODES_PER_HOUR)", limit, HOUR // timedelta(minutes=1))
            return [], refusal
        taken.append(scope)
    session.commit()
    return taken, None


def check_code(session: Session, policy: CodePolicy, purpose: CodePurpose, flow_id: str,
               typed: str, now: datetime) -> CheckResult:
    """Check what the person typed against the flow's newest code, spending it on success.

    A try is taken (an atomic conditional update) before the code is compared, so
    parallel guesses each use up one of the MAX_TRIES and never more are compared.
    """
    code = normalise_digits(typed or "")
    if len(code) != CODE_LENGTH or not code.isascii() or not code.isdigit():
        return CheckResult.MALFORMED
    challenge = latest_challenge(session, purpose, flow_id)
    if challenge is None:
        return CheckResult.NO_CODE
    if challenge.consumed_at is not None:
        return CheckResult.SPENT
    if challenge.attempts >= MAX_TRIES:
        return CheckResult.TOO_MANY_TRIES
    if now >= challenge.expires_at:
        return CheckResult.EXPIRED
    taken = session.execute(
        update(CodeChallenge)
        .where(CodeChallenge.id == challenge.id, CodeChallenge.attempts < MAX_TRIES,
               CodeChallenge.consumed_at.is_(None))
        .values(attempts=CodeChallenge.attempts + 1)
    )
    session.refresh(challenge)
    if taken.rowcount != 1:
        return CheckResult.SPENT if challenge.consumed_at else CheckResult.TOO_MANY_TRIES
    expected = code_hmac(policy.secret_key, purpose, flow_id, code)
    if not hmac.compare_digest(expected, challenge.code_hmac):
        return CheckResult.TOO_MANY_TRIES if challenge.attempts >= MAX_TRIES else CheckResult.WRONG
    # Spent with a conditional update: of two requests racing with the right code, one wins.
    spent = session.execute(
        update(CodeChallenge)
        .where(CodeChallenge.id == challenge.id, CodeChallenge.consumed_at.is_(None))
        .values(consumed_at=now)
    )
    session.refresh(challenge)
    return CheckResult.ACCEPTED if spent.rowcount == 1 else CheckResult.SPENT


def text_code(session: Session, policy: CodePolicy, purpose: CodePurpose, flow_id: str,
              mobile: str, language: Language, host: str, now: datetime,
              person: str | None = None) -> str | None:
    """Issue a code for this flow and text it. None when sent, else why not (a message key).

    ``person`` is the ID number the code is for (its budget). Commits either way, and
    before the provider is called (services/sms.send_sms). A code the person never
    received must not count against them: when the provider fails, the code is forgotten
    and the budgets given back in a new transaction, so "send again" works at once.
    """
    if seconds_until_resend(session, purpose, flow_id, now):
        session.rollback()
        return "resend_too_soon"
    taken, refusal = take_budgets(session, policy, mobile, person, now)
    if refusal:
        return refusal
    code, challenge_id = issue_code(session, policy, purpose, flow_id, mobile, now)
    body = notices.code_message(purpose, language, code, policy.minutes, host)
    sent = send_sms(session, mobile, body, f"{purpose.value}_code", now,
                    recorded_body=body.replace(code, "••••••"))
    if not sent:
        session.execute(delete(CodeChallenge).where(CodeChallenge.id == challenge_id))
        give_back(session, taken, now)
        session.commit()
        return "sms_paused" if sent.paused else "sms_failed"
    session.commit()
    return None
