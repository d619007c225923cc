"""The Passports registry's residency records: the visas it issues for residents, and
where an iqama's expiry is kept.

One source of truth for an iqama's expiry: the civil registry's record of the resident
(``people.id_expiry``; the iqama number is their ID number there). The sponsorship
registry's ``permit_expiry`` of a worker or domestic worker is its copy: a renewal
(services/residency.py) writes both in one transaction, each through its own module
(civil_registry.renew_iqama, then sponsorship.follow_iqama), so they never disagree.
There is no separate iqamas table to keep in step with them.

A residency is closed by a final exit visa: while the person has one issued or used,
nothing else is issued or renewed for them (``residency_closed``). The sponsorship record
stays as the registry sent it (this module never deletes it); its next import ends it.

Visas are the `visas` table; this module is the only code that writes to it. Each
change of a visa's status is one conditional UPDATE on the status it leaves, and
``open_for`` (the person's iqama number while a visa is issued and unused, else NULL)
holds one open visa a person under any number of payments at once.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.models import Visa, VisaKind, VisaStatus

NUMBER_DIGITS = 10


class OpenVisa(Exception):
    """The person already has an open visa: nothing was issued."""


def new_number() -> str:
    return str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 1)) + 10 ** (NUMBER_DIGITS - 1))


def expire_past(session: Session, person_id: str, today: date, now: datetime) -> None:
    """The person's issued visas whose last day has passed become expired (and no longer
    open)."""
    session.execute(
        update(Visa).where(Visa.person_id == person_id, Visa.status == VisaStatus.ISSUED,
                           Visa.valid_until < today)
        .values(status=VisaStatus.EXPIRED, open_for=None, changed_at=now)
        .execution_options(synchronize_session=False))


def issue(session: Session, *, person_id: str, kind: VisaKind, account_id: int,
          today: date, valid_until: date, months: int, fee: int, now: datetime) -> Visa:
    """A new visa for the person, in the caller's transaction; OpenVisa when they have
    one open already (checked, and held by the unique ``open_for`` under races)."""
    expire_past(session, person_id, today, now)
    if open_visa_of(session, person_id, today) is not None:
        raise OpenVisa
    visa = Visa(number=new_number(), person_id=person_id, kind=kind,
                status=VisaStatus.ISSUED, open_for=person_id, issued_by=account_id,
                issued_on=today, valid_until=valid_until, months=months, fee=fee,
                created_at=now, changed_at=now)
    try:
        with session.begin_nested():
            session.add(visa)
            session.flush()
    except IntegrityError:
        if session.scalar(select(Visa.id).where(Visa.open_for == person_id)) is not None:
            raise OpenVisa from None
        raise  # a visa number drawn twice (1 in 10^9): the caller tries again
    return visa


def extend(session: Session, visa_id: int, previous_until: date, valid_until: date,
           months: int, fee: int, now: datetime) -> bool:
    """The issued, unused visa's last day moved from ``previous_until``: once."""
    return session.execute(
        update(Visa).where(Visa.id == visa_id, Visa.status == VisaStatus.ISSUED,
                           Visa.valid_until == previous_until)
        .values(valid_until=valid_until, months=Visa.months + months, fee=Visa.fee + fee,
                changed_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1


def cancel(session: Session, visa_id: int, now: datetime) -> bool:
    """An issued, unused visa cancelled: once, whoever else is changing it."""
    return session.execute(
        update(Visa).where(Visa.id == visa_id, Visa.status == VisaStatus.ISSUED)
        .values(status=VisaStatus.CANCELLED, open_for=None, changed_at=now)
        .execution_options(synchronize_session=False)).rowcount == 1


# --- reading ------------------------------------------------------------------------------


def visas_of(session: Session, person_ids: list[str]) -> list[Visa]:
    """These people's visas, the newest first."""
    if not person_ids:
        return []
    return list(session.scalars(select(Visa).where(Visa.person_id.in_(person_ids))
                                .order_by(Visa.created_at.desc(), Visa.id.desc())))


def open_visa_of(session: Session, person_id: str, today: date) -> Visa | None:
    """The person's issued visa still valid today, if any."""
    return session.scalars(select(Visa).where(
        Visa.person_id == person_id, Visa.status == VisaStatus.ISSUED,
        Visa.valid_until >= today)).first()


def residency_closed(session: Session, person_id: str) -> Visa | None:
    """The final exit visa that closes the person's residency, if any."""
    return session.scalars(select(Visa).where(
        Visa.person_id == person_id, Visa.kind == VisaKind.FINAL_EXIT,
        or_(Visa.status == VisaStatus.ISSUED, Visa.status == VisaStatus.USED))).first()


def visa_by_number(session: Session, number: str) -> Visa | None:
    return session.scalars(select(Visa).where(Visa.number == number)).first()
