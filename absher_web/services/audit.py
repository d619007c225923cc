"""The audit log: security events an account's owner and operators can see."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.models import AuditEvent

# The signed-in session a request comes from, as (account id, the session's public id): set
# by web/sessions.py for each signed-in request, so every event of that account recorded
# while it runs names the device it came from (the security activity says which).
ACTING_DEVICE: ContextVar[tuple[int, str] | None] = ContextVar("acting_device", default=None)


def record(session: Session, kind: str, now: datetime, account_id: int | None = None,
           client_address: str | None = None, staff_user_id: int | None = None,
           **detail: object) -> None:
    """Add one event; ``staff_user_id`` names the officer who acted, if one did."""
    acting = ACTING_DEVICE.get()
    if acting is not None and acting[0] == account_id and staff_user_id is None:
        detail.setdefault("device", acting[1])
    session.add(AuditEvent(account_id=account_id, kind=kind, client_address=client_address,
                           staff_user_id=staff_user_id, detail=detail, created_at=now))


def recent_for_account(session: Session, account_id: int, limit: int = 10) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.account_id == account_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    ))


def previous_sign_in(session: Session, account_id: int) -> AuditEvent | None:
    """The sign-in before the current one (the current one is the newest)."""
    sign_ins = session.scalars(
        select(AuditEvent).where(AuditEvent.account_id == account_id,
                                 AuditEvent.kind == "signed_in")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(2)
    ).all()
    return sign_ins[1] if len(sign_ins) > 1 else None
