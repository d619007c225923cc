"""E-services: the services on a person's own records, one module each.

Each module holds one service's rules and data access; its thin views and its entry
in the registry are in absher_web/web/eservices/. Every use is audited with
``record_use``, so the holder sees it in their security activity.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ScalarSelect, select
from sqlalchemy.orm import Session

from absher_web.dates import RIYADH, local_today  # noqa: F401 (the services' day)
from absher_web.models import Account
from absher_web.services import audit


class NotYours(LookupError):
    """The record asked for is not the holder's (someone else's authorisation or worker, or
    none): the page answers 403, the same whether it exists or not."""


def record_use(session: Session, kind: str, account: Account, now: datetime,
               client_address: str | None, **detail: object) -> None:
    """Audit one use of a service by the account's holder and commit it."""
    audit.record(session, kind, now, account.id, client_address, **detail)
    session.commit()


# A document (insurance, visa, iqama) ending within this many days is shown as expiring soon.
EXPIRES_SOON_DAYS = 30


class Validity(enum.StrEnum):
    VALID = "valid"
    EXPIRES_SOON = "expires_soon"
    EXPIRED = "expired"
    NONE = "none"  # nothing recorded


def validity(expiry: date | None, today: date) -> Validity:
    """Valid through its expiry day; expiring soon within EXPIRES_SOON_DAYS of it."""
    if expiry is None:
        return Validity.NONE
    if expiry < today:
        return Validity.EXPIRED
    if (expiry - today).days <= EXPIRES_SOON_DAYS:
        return Validity.EXPIRES_SOON
    return Validity.VALID


def counted_together(session: Session, **counts: ScalarSelect[int]) -> dict[str, int]:
    """Several counts (each a ``*_counted`` subquery) read in one round trip, by name."""
    found = session.execute(select(*(counted.label(name)
                                     for name, counted in counts.items()))).one()
    return {name: found._mapping[name] or 0 for name in counts}
