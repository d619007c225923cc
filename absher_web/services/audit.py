"""The audit log: security events an account's owner and operators can see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.models import AuditEvent


def record(session: Session, kind: str, now: datetime, account_id: int | None = None,
           client_address: str | None = None, staff_user_id: int | None = None,
           **detail: object) -> None:
    """Add one event; ``staff_user_id`` names the officer who acted, if one did."""
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
