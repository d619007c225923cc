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
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits
from absher_web.models import CodeChallenge, CodePurpose, Language
from absher_web.services.sms import send_sms

CODE_LENGTH = 6
MAX_TRIES = 5
RESEND_COOLDOWN = timedelta(seconds=60)
SENDS_PER_HOUR = 5


@dataclass(frozen=True)
class CodePolicy:
    secret_key: str
    ttl: timedelta


class CodeRefused(Exception):
    """A new code cannot be sent now."""


class ResendTooSoon(CodeRefused):
    def __init__(self, seconds_left: int) -> None:
        super().__init__(seconds_left)
        self.seconds_left = seconds_left


class TooManyCodes(CodeRefused):
    """The number has had its hourly share of codes."""


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
               mobile: str, now: datetime) -> str:
    """Create a new code for this flow and return it (to be sent, never stored).

    Raises ResendTooSoon inside the cooldown and TooManyCodes past the hourly
    limit for the number. A new code replaces the flow's earlier ones.
    """
    wait = seconds_until_resend(session, purpose, flow_id, now)
    if wait:
        raise ResendTooSoon(wait)
    sent_last_hour = session.scalar(
        select(func.count())
        .select_from(CodeChallenge)
        .where(CodeChallenge.mobile == mobile, CodeChallenge.created_at > now - timedelta(hours=1))
    )
    if sent_last_hour >= SENDS_PER_HOUR:
        raise TooManyCodes()

    code = f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"
    session.add(
        CodeChallenge(
            id=str(uuid.uuid4()),
            purpose=purpose,
            flow_id=flow_id,
            mobile=mobile,
            code_hmac=code_hmac(policy.secret_key, purpose, flow_id, code),
            created_at=now,
            expires_at=now + policy.ttl,
        )
    )
    session.flush()
    return code


def check_code(session: Session, policy: CodePolicy, purpose: CodePurpose, flow_id: str,
               typed: str, now: datetime) -> CheckResult:
    """Check what the person typed against the flow's newest code, spending it on success."""
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
    expected = code_hmac(policy.secret_key, purpose, flow_id, code)
    if not hmac.compare_digest(expected, challenge.code_hmac):
        # Counted in the database, so parallel guesses cannot share one try.
        session.execute(
            update(CodeChallenge)
            .where(CodeChallenge.id == challenge.id)
            .values(attempts=CodeChallenge.attempts + 1)
        )
        session.refresh(challenge)
        return CheckResult.TOO_MANY_TRIES if challenge.attempts >= MAX_TRIES else CheckResult.WRONG
    # Spent with a conditional update: of two requests racing with the right code, one wins.
    spent = session.execute(
        update(CodeChallenge)
        .where(CodeChallenge.id == challenge.id, CodeChallenge.consumed_at.is_(None))
        .values(consumed_at=now)
    )
    session.refresh(challenge)
    return CheckResult.ACCEPTED if spent.rowcount == 1 else CheckResult.SPENT


def tries_left(session: Session, purpose: CodePurpose, flow_id: str) -> int:
    challenge = latest_challenge(session, purpose, flow_id)
    return 0 if challenge is None else max(0, MAX_TRIES - challenge.attempts)


# The text message for each purpose, in the account's language; the code goes in %(code)s.
CODE_TEXTS = {
    CodePurpose.REGISTRATION: _l(
        "Your Absher registration code is %(code)s. It expires in 5 minutes. "
        "Do not share it with anyone."),
    CodePurpose.SIGN_IN: _l(
        "Your Absher sign-in code is %(code)s. It expires in 5 minutes. "
        "Do not share it with anyone."),
    CodePurpose.RECOVERY: _l(
        "Your Absher password recovery code is %(code)s. It expires in 5 minutes. "
        "Do not share it with anyone."),
    CodePurpose.CHANGE_MOBILE: _l(
        "Your Absher code to change your mobile number is %(code)s. It expires in "
        "5 minutes. Do not share it with anyone."),
}


def code_text(purpose: CodePurpose, language: Language, code: str, host: str) -> str:
    with force_locale(language.value):
        text = str(CODE_TEXTS[purpose]) % {"code": code}
    # The last line lets phones offer the code for autofill (WebOTP).
    return f"{text}\n\n@{host} #{code}"


def text_code(session: Session, policy: CodePolicy, purpose: CodePurpose, flow_id: str,
              mobile: str, language: Language, host: str, now: datetime) -> str | None:
    """Issue a code for this flow and text it. None when sent, else why not (a message key).

    Commits either way. A code the person never received must not count against
    them: when the provider fails, the code is forgotten, so "send again" works at once.
    """
    try:
        code = issue_code(session, policy, purpose, flow_id, mobile, now)
    except ResendTooSoon:
        session.rollback()
        return "resend_too_soon"
    except TooManyCodes:
        session.rollback()
        return "too_many_codes"
    body = code_text(purpose, language, code, host)
    if not send_sms(session, mobile, body, f"{purpose.value}_code", now,
                    recorded_body=body.replace(code, "••••••")):
        session.delete(latest_challenge(session, purpose, flow_id))
        session.commit()
        return "sms_failed"
    session.commit()
    return None
