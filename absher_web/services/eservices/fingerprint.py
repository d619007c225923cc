"""الاستعلام عن البصمة: whether the holder's fingerprints are recorded, when and where.

Fingerprints are recorded wherever they are verified to activate the account: by a
Passports officer in the staff console (a completed activation by the Passports office
channel, with the officer and so the office), or by a self-service kiosk (a completed kiosk
activation, with the kiosk and its operator). The latest one is the answer.
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
    ApiClient,
    StaffUser,
)
from absher_web.services.eservices import record_use

AUDIT_KIND = "fingerprint_enquiry"
# The activations that verify fingerprints (activation.CHANNELS: those that act at once).
VERIFYING = (ActivationChannel.PASSPORTS, ActivationChannel.KIOSK)


@dataclass(frozen=True)
class Enrolment:
    """Fingerprints recorded on ``recorded_at`` (the latest verification): at a Passports
    ``office``, or at ``kiosk`` run by ``operator``."""

    recorded_at: datetime
    office: str | None = None
    kiosk: str | None = None
    operator: str | None = None


def enrolment(session: Session, account: Account) -> Enrolment | None:
    """The latest fingerprint verification, at a Passports office or a kiosk, or None."""
    row = session.execute(
        select(Activation.channel, Activation.completed_at, Activation.requested_at,
               Activation.terminal_id, StaffUser.office, ApiClient.name.label("operator"))
        .outerjoin(StaffUser, StaffUser.id == Activation.staff_user_id)
        .outerjoin(ApiClient, ApiClient.code == Activation.client_code)
        .where(Activation.account_id == account.id,
               Activation.channel.in_(VERIFYING),
               Activation.status == ActivationRequestStatus.DONE,
               Activation.completed_at.is_not(None))
        .order_by(Activation.completed_at.desc(), Activation.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    if row.channel is ActivationChannel.KIOSK:
        # The kiosk read them when the holder confirmed there (checked by the API).
        return Enrolment(recorded_at=row.requested_at, kiosk=row.terminal_id,
                         operator=row.operator)
    return Enrolment(recorded_at=row.completed_at, office=row.office)


def enquire(session: Session, account: Account, now: datetime,
            client_address: str | None) -> Enrolment | None:
    """The holder asks; the answer is audited."""
    found = enrolment(session, account)
    record_use(session, AUDIT_KIND, account, now, client_address, recorded=found is not None)
    return found
