"""The audit log: security events an account's owner and operators can see."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import Select, select, union_all
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


def _newest(account_id: int, limit: int, kind: str | None = None) -> Select:
    """The ids of the account's newest events (of one kind, if given): a walk of the
    account's index, ``limit`` entries at most."""
    where = [AuditEvent.account_id == account_id]
    if kind is not None:
        where.append(AuditEvent.kind == kind)
    return select(select(AuditEvent.id).where(*where)
                  .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                  .limit(limit).subquery())


def recent_and_previous_sign_in(session: Session, account_id: int, limit: int = 10
                                ) -> tuple[list[AuditEvent], AuditEvent | None]:
    """The account's ``limit`` newest events and the sign-in before the current one (the
    current one is the newest), in one query: what the account's home page shows."""
    found = session.scalars(select(AuditEvent).where(AuditEvent.id.in_(union_all(
        _newest(account_id, limit), _newest(account_id, 2, "signed_in"))))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())).all()
    # The newest ``limit`` events are the newest of all: any sign-in the second lookup adds
    # is older than them. The two newest sign-ins are the first two sign-ins found.
    sign_ins = [event for event in found if event.kind == "signed_in"][:2]
    return found[:limit], (sign_ins[1] if len(sign_ins) > 1 else None)
