"""الاستعلام عن البصمة: whether the holder's fingerprints are recorded, when and where.

Fingerprints are recorded when a Passports officer verifies them and activates the
account in the staff console: a completed activation by the Passports office channel,
with the officer (and so the office) who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.models import (
    Account,
    Activation,
    ActivationChannel,
    ActivationRequestStatus,
    StaffUser,
)
from absher_web.services.eservices import record_use

AUDIT_KIND = "fingerprint_enquiry"


@dataclass(frozen=True)
class Enrolment:
    """Fingerprints recorded at ``office`` on ``recorded_at`` (the latest verification)."""

    recorded_at: datetime
    office: str


def enrolment(session: Session, account: Account) -> Enrolment | None:
    """The latest fingerprint verification at a Passports office, or None if never."""
    row = session.execute(
        select(Activation.completed_at, StaffUser.office)
        .join(StaffUser, StaffUser.id == Activation.staff_user_id)
        .where(Activation.account_id == account.id,
               Activation.channel == ActivationChannel.PASSPORTS,
               Activation.status == ActivationRequestStatus.DONE,
               Activation.completed_at.is_not(None))
        .order_by(Activation.completed_at.desc(), Activation.id.desc()).limit(1)
    ).first()
    return Enrolment(recorded_at=row.completed_at, office=row.office) if row else None


def enquire(session: Session, account: Account, now: datetime,
            client_address: str | None) -> Enrolment | None:
    """The holder asks; the answer is audited."""
    found = enrolment(session, account)
    record_use(session, AUDIT_KIND, account, now, client_address, recorded=found is not None)
    return found
