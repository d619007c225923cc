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
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, csv_source, storing
from absher_web.agencies.csv_source import ImportResult
from absher_web.dates import local_today
from absher_web.identity import is_valid_national_id, normalise_digits
from absher_web.models import Visa, VisaKind, VisaStatus, utcnow

NUMBER_DIGITS = 10
HEADER = ("number", "person_id", "kind", "status", "issued_on", "valid_until")


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


# --- the registry's own visas (`flask absher import visas FILE`) -------------------------


@dataclass(frozen=True, slots=True)
class VisaEntry:
    """A visa as the Passports registry sends it: issued at an office or here, and what
    became of it (``used`` is only ever known from the registry: the border)."""

    number: str
    person_id: str
    kind: VisaKind
    status: VisaStatus
    issued_on: date
    valid_until: date


def parse_row(raw: dict[str, str], today: date | None = None
              ) -> tuple[VisaEntry | None, list[str]]:
    """One CSV row as a visa, or every reason it is not one, each naming its column."""
    today = today or local_today()
    problems: list[str] = []
    number = normalise_digits(raw["number"])
    if not (len(number) == NUMBER_DIGITS and number.isascii() and number.isdigit()
            and number[0] != "0"):
        problems.append(f"number {raw['number'].strip()!r} is not a 10-digit visa number")
    person = normalise_digits(raw["person_id"])
    if not (is_valid_national_id(person) and person.startswith("2")):
        problems.append(f"person_id {raw['person_id'].strip()!r} is not a valid iqama number")
    kind = status = None
    try:
        kind = VisaKind(raw["kind"].strip().lower())
    except ValueError:
        problems.append(f"kind {raw['kind'].strip()!r} is not one of: "
                        f"{', '.join(k.value for k in VisaKind)}")
    try:
        status = VisaStatus(raw["status"].strip().lower())
    except ValueError:
        problems.append(f"status {raw['status'].strip()!r} is not one of: "
                        f"{', '.join(s.value for s in VisaStatus)}")
    issued = csv_source.iso_date("issued_on", raw["issued_on"], problems)
    if issued is not None and issued > today:
        problems.append(f"issued_on {issued.isoformat()} is in the future")
    until = csv_source.iso_date("valid_until", raw["valid_until"], problems)
    if issued is not None and until is not None and until <= issued:
        problems.append("valid_until is not after issued_on")
    if problems or kind is None or status is None:
        return None, problems
    return VisaEntry(number, person, kind, status, issued, until), []


# What a later file may change of a stored visa: the rest is as first recorded (a visa
# issued here keeps who issued it, what was paid and when).
REGISTRY_CHANGES = ("status", "valid_until", "open_for")


def store_visas(session: Session, entries: list[VisaEntry]) -> csv_source.Stored:
    """Adds the visas not stored and updates the status and last day of those that are
    (a visa issued here keeps who issued it and what was paid); refuses a visa of someone
    the civil registry does not hold, or a second open (issued) visa of one person."""
    now = utcnow()
    known = civil_registry.registered_people(session, (e.person_id for e in entries))
    refused = {index: [f"person_id not in the civil registry: {entry.person_id}"]
               for index, entry in enumerate(entries) if entry.person_id not in known}
    # Who holds an open visa now, less those this batch changes.
    batch = {e.number for e in entries}
    holders = {visa.open_for: visa.number for visa in session.scalars(select(Visa).where(
        Visa.open_for.in_({e.person_id for e in entries}))) if visa.number not in batch}
    rows: dict[str, dict[str, object]] = {}
    for index, entry in enumerate(entries):
        if index in refused:
            continue
        if entry.status is VisaStatus.ISSUED:
            holder = holders.setdefault(entry.person_id, entry.number)
            if holder != entry.number:
                refused[index] = [f"person_id {entry.person_id} already has open visa {holder}"]
                continue
        rows[entry.number] = {
            "number": entry.number, "person_id": entry.person_id, "kind": entry.kind,
            "status": entry.status, "valid_until": entry.valid_until,
            "open_for": entry.person_id if entry.status is VisaStatus.ISSUED else None,
            "issued_by": None, "issued_on": entry.issued_on, "months": 0, "fee": 0,
            "created_at": now, "changed_at": now}
    return csv_source.Stored(storing.upsert(session, Visa.number, rows,
                                            update_only=REGISTRY_CHANGES), refused)


SOURCE = csv_source.Source(
    name="visas", noun="visas", header=HEADER, parse=parse_row,
    key=lambda entry: entry.number, key_label=lambda entry: f"number {entry.number}",
    store=store_visas)


def import_visas(session: Session, entries: list[VisaEntry]) -> ImportResult:
    """Store visas made in code (the demo's); ValueError if any is refused."""
    return csv_source.store_all(session, SOURCE, entries)


def seed_demo(session: Session, today: date | None = None) -> int:
    """Give the demo resident (civil_registry.DEMO_IDS[2], the first demo holder's worker
    and a head of household) visas the registry recorded: one used last year, and a
    cancelled one; once (nothing if any visa is recorded). Returns how many were added."""
    if session.scalar(select(Visa.id).limit(1)) is not None:
        return 0
    today = today or local_today()
    resident = civil_registry.DEMO_IDS[2]
    if not civil_registry.registered_people(session, [resident]):
        return 0
    entries = [
        VisaEntry("4100000017", resident, VisaKind.SINGLE, VisaStatus.USED,
                  today - timedelta(days=330), today - timedelta(days=270)),
        VisaEntry("4100000025", resident, VisaKind.MULTIPLE, VisaStatus.CANCELLED,
                  today - timedelta(days=120), today - timedelta(days=30)),
    ]
    import_visas(session, entries)
    return len(entries)


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
