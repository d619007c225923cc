"""The Premium Residency Center's records (الإقامة المميزة): who holds Premium Residency,
of which kind, until when (`flask absher import premium-residencies FILE`; the demo's are
made by ``seed_demo``).

The programme (Premium Residency Law, 2019; sapr.gov.sa) grants two kinds: permanent, with
no expiry, and limited, for a year and renewable. Here it is the `premium_residencies`
table, one row a holder (a resident: an iqama number): a later import replaces the one
stored (a renewal, a cancellation). This module is the only code that writes to it; the
readers services call are at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, csv_source, storing
from absher_web.agencies.csv_source import ImportResult
from absher_web.dates import local_today
from absher_web.identity import is_valid_national_id, normalise_digits, normalise_digits_only
from absher_web.models import PremiumKind, PremiumResidency, PremiumStatus

HEADER = ("person_id", "certificate_number", "kind", "issued_on", "expires_on", "status")
# The Center's certificate numbers, as its files write them: Latin letters, digits and
# hyphens (PR-2024-000153).
_CERTIFICATE = re.compile(r"[A-Z0-9][A-Z0-9-]{3,19}")


@dataclass(frozen=True, slots=True)
class PremiumEntry:
    person_id: str  # the holder's iqama number
    certificate_number: str
    kind: PremiumKind
    issued_on: date
    expires_on: date | None  # None for a permanent one
    status: PremiumStatus


def parse_row(raw: dict[str, str], today: date | None = None
              ) -> tuple[PremiumEntry | None, list[str]]:
    """One CSV row as a Premium Residency, or every reason it is not one, each naming its
    column."""
    today = today or local_today()
    problems: list[str] = []
    person = normalise_digits(raw["person_id"])
    if not person:
        problems.append("person_id is empty")
    elif not is_valid_national_id(person) or not person.startswith("2"):
        problems.append(f"person_id {raw['person_id'].strip()!r} is not a valid iqama number "
                        "(10 digits starting with 2)")
    number = normalise_digits_only(raw["certificate_number"]).strip().upper()
    if not _CERTIFICATE.fullmatch(number):
        problems.append(f"certificate_number {raw['certificate_number'].strip()!r} is not 4 to "
                        "20 Latin letters, digits and hyphens")
    kinds = {kind.value for kind in PremiumKind}
    kind_text = raw["kind"].strip().lower()
    if kind_text not in kinds:
        problems.append(f"kind {raw['kind'].strip()!r} is not one of {', '.join(sorted(kinds))}")
    statuses = {status.value for status in PremiumStatus}
    status_text = raw["status"].strip().lower()
    if status_text not in statuses:
        problems.append(f"status {raw['status'].strip()!r} is not one of "
                        f"{', '.join(sorted(statuses))}")
    issued = csv_source.iso_date("issued_on", raw["issued_on"], problems)
    if issued is not None and issued > today:
        problems.append(f"issued_on {issued.isoformat()} is in the future")
    expires = csv_source.iso_date("expires_on", raw["expires_on"], problems, required=False)
    if kind_text == PremiumKind.PERMANENT and expires is not None:
        problems.append("expires_on must be empty for a permanent Premium Residency")
    elif kind_text == PremiumKind.LIMITED and expires is None and raw["expires_on"].strip() == "":
        problems.append("expires_on is empty: a limited Premium Residency has an expiry")
    if issued is not None and expires is not None and expires <= issued:
        problems.append("expires_on is not after issued_on")
    if problems:
        return None, problems
    return PremiumEntry(person, number, PremiumKind(kind_text), issued, expires,
                        PremiumStatus(status_text)), []


def store_residencies(session: Session, entries: list[PremiumEntry]) -> csv_source.Stored:
    """Adds or replaces each holder's Premium Residency; refuses one of someone the civil
    registry does not hold, or a certificate number another holder has."""
    known = civil_registry.registered_people(session, (e.person_id for e in entries))
    refused = {index: [f"person_id not in the civil registry: {entry.person_id}"]
               for index, entry in enumerate(entries) if entry.person_id not in known}
    renewed = {e.person_id for index, e in enumerate(entries) if index not in refused}
    holders = {row.certificate_number: row.person_id for row in storing.stored_by(
        session, PremiumResidency.certificate_number, (e.certificate_number for e in entries),
        only=(PremiumResidency.person_id,)).values() if row.person_id not in renewed}
    for index, entry in enumerate(entries):
        if index in refused:
            continue
        holder = holders.setdefault(entry.certificate_number, entry.person_id)
        if holder != entry.person_id:
            refused[index] = [f"certificate_number {entry.certificate_number} is the "
                              f"certificate of {holder}"]
    return csv_source.Stored(storing.upsert(
        session, PremiumResidency.person_id,
        {e.person_id: storing.values_of(e) for index, e in enumerate(entries)
         if index not in refused}), refused)


SOURCE = csv_source.Source(
    name="premium-residencies", noun="Premium Residency records", header=HEADER,
    parse=parse_row, key=lambda entry: entry.person_id,
    key_label=lambda entry: f"person_id {entry.person_id}", store=store_residencies,
    raw_key=csv_source.id_key("person_id"))


def import_residencies(session: Session, entries: list[PremiumEntry]) -> ImportResult:
    """Store records made in code (the demo's, tests'); ValueError if any is refused."""
    return csv_source.store_all(session, SOURCE, entries)


def demo_entries(residents: list[str], today: date) -> list[PremiumEntry]:
    """The demo resident (the first) holds permanent Premium Residency; the next one a
    limited one valid for months, the one after a limited one that expired last month."""
    kinds = [(PremiumKind.PERMANENT, None, 900),
             (PremiumKind.LIMITED, today + timedelta(days=200), 165),
             (PremiumKind.LIMITED, today - timedelta(days=30), 395)]
    return [PremiumEntry(person, f"PR-{today.year - 1}-{index + 101:06d}", kind,
                         today - timedelta(days=age), expires, PremiumStatus.ACTIVE)
            for index, (person, (kind, expires, age))
            in enumerate(zip(residents, kinds, strict=False))]


def seed_demo(session: Session, residents: list[str], today: date | None = None) -> int:
    """The demo holders' records, once (nothing if any is recorded): how many added."""
    if session.scalar(select(PremiumResidency.id).limit(1)) is not None:
        return 0
    entries = demo_entries(residents, today or local_today())
    import_residencies(session, entries)
    return len(entries)


# --- reading ------------------------------------------------------------------------------


def residency_of(session: Session, national_id: str) -> PremiumResidency | None:
    """The person's Premium Residency, or None when the Center records none."""
    return session.scalars(select(PremiumResidency)
                           .where(PremiumResidency.person_id == national_id)).first()


def is_valid(record: PremiumResidency, today: date) -> bool:
    """Active, and permanent or not yet past its expiry."""
    return record.status is PremiumStatus.ACTIVE and (
        record.expires_on is None or record.expires_on >= today)
