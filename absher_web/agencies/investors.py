"""The Ministry of Investment's records (وزارة الاستثمار, MISA): the investment licences of
foreign investors (`flask absher import investors FILE`; the demo's are made by
``seed_demo``).

A licence (ترخيص استثمار) names its holder (their ID or iqama number), its kind (services,
industrial, trading...), the activity it allows, and its expiry; a holder may have several.
Here it is the `investor_licences` table, one row a licence: a later import replaces the
one stored (a renewal). This module is the only code that writes to it; the readers
services call are at the end.
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
from absher_web.identity import is_valid_national_id, normalise_digits
from absher_web.models import InvestorLicence, InvestorLicenceKind
from absher_web.models.investors import ACTIVITY_MAX

HEADER = ("licence_number", "person_id", "kind", "activity", "expires_on")
# The Ministry's licence numbers, as its files write them: Latin letters, digits and
# hyphens (MISA-1021-000153, or the digits alone).
_LICENCE = re.compile(r"[A-Z0-9][A-Z0-9-]{4,19}")


@dataclass(frozen=True, slots=True)
class InvestorEntry:
    licence_number: str
    person_id: str  # the holder's ID or iqama number
    kind: InvestorLicenceKind
    activity: str
    expires_on: date


_licence_of = csv_source.code_key("licence_number")


def parse_row(raw: dict[str, str]) -> tuple[InvestorEntry | None, list[str]]:
    """One CSV row as a licence, or every reason it is not one, each naming its column."""
    problems: list[str] = []
    number = _licence_of(raw)
    if not _LICENCE.fullmatch(number):
        problems.append(f"licence_number {raw['licence_number'].strip()[:40]!r} is not 5 to "
                        "20 Latin letters, digits and hyphens")
    person = normalise_digits(raw["person_id"])
    if not person:
        problems.append("person_id is empty")
    elif not is_valid_national_id(person):
        problems.append(f"person_id {raw['person_id'].strip()[:40]!r} is not a valid ID or "
                        "iqama number")
    kinds = {kind.value for kind in InvestorLicenceKind}
    kind_text = raw["kind"].strip().lower()
    if kind_text not in kinds:
        problems.append(f"kind {raw['kind'].strip()[:40]!r} is not one of "
                        f"{', '.join(sorted(kinds))}")
    activity = csv_source.text("activity", raw["activity"], ACTIVITY_MAX, problems)
    expires = csv_source.iso_date("expires_on", raw["expires_on"], problems)
    if problems:
        return None, problems
    return InvestorEntry(number, person, InvestorLicenceKind(kind_text), activity, expires), []


def store_licences(session: Session, entries: list[InvestorEntry]) -> csv_source.Stored:
    """Adds or replaces each licence; refuses one whose holder the civil registry does not
    hold."""
    known = civil_registry.registered_people(session, (e.person_id for e in entries))
    refused = {index: [f"person_id not in the civil registry: {entry.person_id}"]
               for index, entry in enumerate(entries) if entry.person_id not in known}
    accepted = [entry for index, entry in enumerate(entries) if index not in refused]
    return csv_source.Stored(storing.upsert(
        session, InvestorLicence.licence_number,
        {e.licence_number: storing.values_of(e) for e in accepted}), refused)


SOURCE = csv_source.Source(
    name="investors", noun="investment licences", header=HEADER, parse=parse_row,
    key=lambda entry: entry.licence_number,
    key_label=lambda entry: f"licence_number {entry.licence_number}", store=store_licences,
    raw_key=_licence_of)


def import_licences(session: Session, entries: list[InvestorEntry]) -> ImportResult:
    """Store records made in code (the demo's, tests'); ValueError if any is refused."""
    return csv_source.store_all(session, SOURCE, entries)


def demo_entries(residents: list[str], today: date) -> list[InvestorEntry]:
    """The first resident holds a valid services licence; the second one a trading licence
    that expired last month."""
    kinds = [(InvestorLicenceKind.SERVICES, "تقنية المعلومات والاتصالات", 300),
             (InvestorLicenceKind.TRADING, "تجارة الجملة والتجزئة", -30)]
    return [InvestorEntry(f"MISA-{today.year - 1}-{index + 101:06d}", person, kind, activity,
                          today + timedelta(days=days))
            for index, (person, (kind, activity, days))
            in enumerate(zip(residents, kinds, strict=False))]


def seed_demo(session: Session, residents: list[str], today: date | None = None) -> int:
    """The demo investors' licences, once (nothing if any is recorded): how many added."""
    if session.scalar(select(InvestorLicence.id).limit(1)) is not None:
        return 0
    entries = demo_entries(residents, today or local_today())
    import_licences(session, entries)
    return len(entries)


# --- reading ------------------------------------------------------------------------------


def licences_of(session: Session, national_id: str) -> list[InvestorLicence]:
    """The person's licences, the one that lasts longest first (none: no investor record)."""
    return list(session.scalars(select(InvestorLicence)
                                .where(InvestorLicence.person_id == national_id)
                                .order_by(InvestorLicence.expires_on.desc(),
                                          InvestorLicence.id)))


def is_valid(licence: InvestorLicence, today: date) -> bool:
    """Valid through its expiry day."""
    return licence.expires_on >= today
