"""The sponsorship registry adapter: who sponsors which worker, domestic worker or visitor,
with their visa or iqama and their health insurance.

Here it is the `sponsorships` table; this module is the only code that writes to it
(`flask absher import-sponsorships`, `seed-demo`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, csv_source, storing
from absher_web.agencies.csv_source import ImportResult
from absher_web.dates import local_today
from absher_web.identity import is_valid_national_id, normalise_digits
from absher_web.models import SponsoredKind, Sponsorship
from absher_web.nationalities import SAUDI_ARABIA, is_known_nationality

KINDS: dict[SponsoredKind, LazyString] = {
    # TRANSLATORS: How a sponsored person is related to the sponsor: a domestic worker (e.g. a
    # driver or housekeeper).
    SponsoredKind.DOMESTIC_WORKER: _l("Domestic worker"),
    # TRANSLATORS: How a sponsored person is related to the sponsor: a worker the sponsor employs.
    SponsoredKind.WORKER: _l("Worker"),
    # TRANSLATORS: How a sponsored person is related to the sponsor: a visitor on a visit visa.
    SponsoredKind.VISITOR: _l("Visitor"),
}

HEADER = ("sponsor_id", "person_id", "name_ar", "name_en", "kind", "nationality",
          "permit_expiry", "health_insurer", "health_insurance_expiry")
# Added later, so a file may leave it out: the day the person entered the Kingdom.
OPTIONAL = ("entry_date",)


@dataclass(frozen=True, slots=True)
class SponsorshipEntry:
    sponsor_id: str
    person_id: str
    name_ar: str
    name_en: str
    kind: SponsoredKind
    nationality: str
    permit_expiry: date
    health_insurer: str | None
    health_insurance_expiry: date | None
    entry_date: date | None = None


def is_border_number(value: str) -> bool:
    """A visitor's border number: ten digits starting with 3 or 4."""
    return len(value) == 10 and value.isascii() and value.isdigit() and value[0] in "34"


def parse_row(raw: dict[str, str]) -> tuple[SponsorshipEntry | None, list[str]]:
    problems: list[str] = []
    sponsor = normalise_digits(raw["sponsor_id"])
    if not is_valid_national_id(sponsor):
        problems.append(f"sponsor_id {raw['sponsor_id'].strip()!r} is not a valid ID or iqama "
                        "number")
    person = normalise_digits(raw["person_id"])
    try:
        kind = SponsoredKind(raw["kind"].strip().lower())
    except ValueError:
        problems.append(f"kind {raw['kind'].strip()!r} is not one of: "
                        f"{', '.join(k.value for k in SponsoredKind)}")
        kind = None
    if kind is SponsoredKind.VISITOR and not is_border_number(person):
        problems.append(f"person_id {raw['person_id'].strip()!r} is not a visitor's border "
                        "number (10 digits starting with 3 or 4)")
    elif kind is not None and kind is not SponsoredKind.VISITOR and not (
            is_valid_national_id(person) and person.startswith("2")):
        problems.append(f"person_id {raw['person_id'].strip()!r} is not a valid iqama number")
    if person and person == sponsor:
        problems.append("person_id is the sponsor's own number")
    name_ar = csv_source.text("name_ar", raw["name_ar"], 200, problems)
    name_en = csv_source.text("name_en", raw["name_en"], 200, problems)
    nationality = raw["nationality"].strip().upper()
    if not is_known_nationality(nationality) or nationality == SAUDI_ARABIA:
        problems.append(f"nationality {nationality!r} is not a known foreign ISO alpha-3 code")
    expiry = csv_source.iso_date("permit_expiry", raw["permit_expiry"], problems)
    insurer = csv_source.text("health_insurer", raw["health_insurer"], 100, problems,
                              required=False) or None
    insured_until = csv_source.iso_date("health_insurance_expiry",
                                        raw["health_insurance_expiry"], problems, required=False)
    if (insurer is None) != (insured_until is None):
        problems.append("health_insurer and health_insurance_expiry go together")
    entered = csv_source.iso_date("entry_date", raw.get("entry_date", ""), problems,
                                  required=False)
    if entered is not None and expiry is not None and entered > expiry:
        problems.append("entry_date is after permit_expiry")
    if problems or kind is None or expiry is None:
        return None, problems
    return SponsorshipEntry(sponsor, person, name_ar, name_en, kind, nationality, expiry,
                            insurer, insured_until, entered), []


def store_sponsorships(session: Session, entries: list[SponsorshipEntry]
                       ) -> csv_source.Stored:
    """Adds new sponsored people and updates known ones (a new sponsor moves them);
    refuses one whose sponsor is not in the civil registry."""
    known = civil_registry.registered_people(session, (e.sponsor_id for e in entries))
    refused = {index: [f"sponsor_id not in the civil registry: {entry.sponsor_id}"]
               for index, entry in enumerate(entries) if entry.sponsor_id not in known}
    result, moved = storing.upsert_moving(
        session, Sponsorship.person_id,
        {e.person_id: storing.values_of(e) for index, e in enumerate(entries)
         if index not in refused}, holder=Sponsorship.sponsor_id)
    return csv_source.Stored(result, refused, moved)


SOURCE = csv_source.Source(
    name="sponsorships", noun="sponsored workers and visitors", header=HEADER,
    optional=OPTIONAL, parse=parse_row, key=lambda entry: entry.person_id,
    key_label=lambda entry: f"person_id {entry.person_id}", store=store_sponsorships,
    raw_key=csv_source.id_key("person_id"))


def import_sponsorships(session: Session, entries: list[SponsorshipEntry]) -> ImportResult:
    return csv_source.store_all(session, SOURCE, entries)


def sponsored_by(session: Session, sponsor_id: str) -> list[Sponsorship]:
    """Everyone the person sponsors: those whose permit ends first come first."""
    return list(session.scalars(select(Sponsorship).where(Sponsorship.sponsor_id == sponsor_id)
                                .order_by(Sponsorship.permit_expiry, Sponsorship.id)))


def own_record(session: Session, person_id: str) -> Sponsorship | None:
    """A resident's own entry (as someone's worker), which holds their health insurance."""
    return session.scalars(select(Sponsorship).where(Sponsorship.person_id == person_id)).first()


def follow_iqama(session: Session, person_id: str, new_expiry: date) -> None:
    """A sponsored worker's permit is their iqama: its copy here follows a renewal
    (civil_registry.renew_iqama), in the same transaction. A visitor has no iqama."""
    session.execute(
        update(Sponsorship).where(Sponsorship.person_id == person_id,
                                  Sponsorship.kind != SponsoredKind.VISITOR)
        .values(permit_expiry=new_expiry)
        .execution_options(synchronize_session=False))


# --- demo data ------------------------------------------------------------------------

_INSURERS = ("Bupa Arabia", "Tawuniya", "MedGulf", "Al Rajhi Takaful")
_DEMO_NAMES = (
    ("ماريا سانتوس", "Maria Santos", "PHL"), ("سيتي نور", "Siti Nur", "IDN"),
    ("راجو كومار", "Raju Kumar", "IND"), ("محمد رحمن", "Mohammed Rahman", "BGD"),
    ("أمينة حسن", "Amina Hassan", "ETH"), ("كمال بيريرا", "Kamal Perera", "LKA"),
    ("خالد يوسف", "Khalid Youssef", "EGY"), ("سلمى عمر", "Salma Omar", "SDN"),
)


Resident = tuple[str, str, str, str]  # iqama number, name in Arabic and English, nationality


def demo_sponsorships(sponsor_ids: list[str], residents: list[Resident], today: date,
                      seed: int = 2010) -> list[SponsorshipEntry]:
    """For the first sponsors: a domestic worker, a worker and a visitor each, in every
    validity state; later sponsors get some at random. The workers are the ``residents``
    (people of the civil registry), in order, so they see their own health insurance."""
    rng = random.Random(seed)
    entries: list[SponsorshipEntry] = []
    border = iter(range(3_100_000_000, 3_199_999_999, 7919))
    workers = iter(residents)
    # (kind, days the visa or iqama has left, days the health insurance has left)
    # The visitor can be extended (services/eservices/visa.py): in the last 30 days, 70 days
    # after entry, insured beyond the new expiry.
    plans = ((SponsoredKind.WORKER, 400, 180), (SponsoredKind.DOMESTIC_WORKER, 25, -10),
             (SponsoredKind.VISITOR, 20, 200))
    entered = {SponsoredKind.WORKER: 700, SponsoredKind.DOMESTIC_WORKER: 340,
               SponsoredKind.VISITOR: 70}
    for position, sponsor in enumerate(sponsor_ids):
        if position < 3:
            chosen = plans
        else:
            chosen = [p for p in plans if rng.random() < 0.3]
        for kind, permit_days, insured_days in chosen:
            if kind is SponsoredKind.VISITOR:
                person = str(next(border))
                name_ar, name_en, nationality = rng.choice(_DEMO_NAMES)
            else:
                worker = next(workers, None)
                if worker is not None and worker[0] == sponsor:
                    worker = next(workers, None)  # nobody sponsors themselves
                if worker is None:
                    continue
                person, name_ar, name_en, nationality = worker
            if position >= 3:
                permit_days, insured_days = rng.randint(-30, 700), rng.choice((-20, 15, 300))
            insured = insured_days is not None
            entries.append(SponsorshipEntry(
                sponsor, person, name_ar, name_en, kind, nationality,
                today + timedelta(days=permit_days),
                rng.choice(_INSURERS) if insured else None,
                today + timedelta(days=insured_days) if insured else None,
                today - timedelta(days=entered[kind])))
    return entries


def seed_demo(session: Session, sponsor_ids: list[str], residents: list[Resident],
              today: date | None = None) -> int:
    """Give the demo sponsors workers and visitors, once: nothing is added if any
    sponsorship exists."""
    if session.scalar(select(Sponsorship.id).limit(1)) is not None:
        return 0
    entries = demo_sponsorships(sponsor_ids, residents, today or local_today())
    import_sponsorships(session, entries)
    return len(entries)
