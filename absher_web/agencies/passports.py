"""The Passports registry: each person's current passport (`flask absher import passports
FILE`; the demo's are in family_demo.py).

Here it is the `passports` table, one row a person: a later import of someone's passport
replaces the one stored (a renewal is a new passport). This module is the only code that
writes to it; the readers services call are at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, csv_source
from absher_web.agencies.csv_source import ImportResult
from absher_web.dates import local_today
from absher_web.identity import is_valid_national_id, normalise_digits
from absher_web.models import Passport
from absher_web.nationalities import SAUDI_ARABIA, is_known_nationality

HEADER = ("person_id", "passport_number", "issued_on", "expires_on", "issuing_country")
# A Saudi passport is a letter and 8 digits (A12345678); other countries' numbers are
# taken as 1 or 2 Latin letters and 6 to 9 digits.
_SAUDI_NUMBER = re.compile(r"[A-Z][0-9]{8}")
_FOREIGN_NUMBER = re.compile(r"[A-Z]{1,2}[0-9]{6,9}")
NUMBER_MAX = 11


@dataclass(frozen=True, slots=True)
class PassportEntry:
    person_id: str  # the holder's ID or iqama number
    number: str
    issued_on: date
    expires_on: date
    issuing_country: str  # ISO 3166-1 alpha-3, as the civil registry's nationality


def parse_row(raw: dict[str, str], today: date | None = None
              ) -> tuple[PassportEntry | None, list[str]]:
    """One CSV row as a passport, or every reason it is not one, each naming its column."""
    today = today or local_today()
    problems: list[str] = []
    person = normalise_digits(raw["person_id"])
    if not person:
        problems.append("person_id is empty")
    elif not is_valid_national_id(person):
        problems.append(f"person_id {raw['person_id'].strip()!r} is not a valid ID or iqama "
                        "number")
    country = raw["issuing_country"].strip().upper()
    if not is_known_nationality(country):
        problems.append(f"issuing_country {raw['issuing_country'].strip()!r} is not a known "
                        "ISO alpha-3 code")
    elif is_valid_national_id(person):
        if person.startswith("1") and country != SAUDI_ARABIA:
            problems.append("issuing_country must be SAU for a national ID (starting with 1)")
        elif person.startswith("2") and country == SAUDI_ARABIA:
            problems.append("issuing_country must not be SAU for an iqama number (starting "
                            "with 2)")
    number = normalise_digits(raw["passport_number"]).upper()
    if not number:
        problems.append("passport_number is empty")
    elif country == SAUDI_ARABIA and not _SAUDI_NUMBER.fullmatch(number):
        problems.append(f"passport_number {raw['passport_number'].strip()!r} is not a Saudi "
                        "passport number (a Latin letter and 8 digits, e.g. A12345678)")
    elif country != SAUDI_ARABIA and not _FOREIGN_NUMBER.fullmatch(number):
        problems.append(f"passport_number {raw['passport_number'].strip()!r} is not 1 or 2 "
                        "Latin letters and 6 to 9 digits")
    issued = csv_source.iso_date("issued_on", raw["issued_on"], problems)
    if issued is not None and issued > today:
        problems.append(f"issued_on {issued.isoformat()} is in the future")
    expires = csv_source.iso_date("expires_on", raw["expires_on"], problems)
    if issued is not None and expires is not None and expires <= issued:
        problems.append("expires_on is not after issued_on")
    if problems:
        return None, problems
    return PassportEntry(person, number, issued, expires, country), []


def store_passports(session: Session, entries: list[PassportEntry]) -> csv_source.Stored:
    """Adds a passport for a person without one and replaces a person's stored passport
    with the one imported; refuses a passport of someone the civil registry does not hold,
    or a number another person's stored passport (of the same country) has."""
    known = civil_registry.registered_people(session, (e.person_id for e in entries))
    refused = {index: [f"person_id not in the civil registry: {entry.person_id}"]
               for index, entry in enumerate(entries) if entry.person_id not in known}
    # Whose passport each number is now: the stored ones, less those this batch replaces.
    holders = {(p.issuing_country, p.number): p.person_id
               for p in _stored_numbers(session, (e.number for e in entries))}
    renewed = {e.person_id for index, e in enumerate(entries) if index not in refused}
    holders = {number: person for number, person in holders.items() if person not in renewed}
    for index, entry in enumerate(entries):
        if index in refused:
            continue
        holder = holders.setdefault((entry.issuing_country, entry.number), entry.person_id)
        if holder != entry.person_id:
            refused[index] = [f"passport_number {entry.number} ({entry.issuing_country}) is "
                              f"the passport of {holder}"]
    accepted = [entry for index, entry in enumerate(entries) if index not in refused]
    stored = csv_source.stored_by(session, Passport.person_id, (e.person_id for e in accepted))
    return csv_source.Stored(csv_source.write_rows(
        session, Passport, {e.person_id: csv_source.values_of(e) for e in accepted}, stored),
        refused)


def _stored_numbers(session: Session, numbers: Iterable[str]) -> list[Passport]:
    found: list[Passport] = []
    for chunk in csv_source.in_chunks(set(numbers)):
        found.extend(session.scalars(select(Passport).where(Passport.number.in_(chunk))))
    return found


SOURCE = csv_source.Source(
    name="passports", noun="passports", header=HEADER, parse=parse_row,
    key=lambda entry: entry.person_id,
    key_label=lambda entry: f"person_id {entry.person_id}", store=store_passports)


def import_passports(session: Session, entries: list[PassportEntry]) -> ImportResult:
    """Store passports made in code (the demo's); ValueError if any is refused."""
    return csv_source.store_all(session, SOURCE, entries)


# --- reading ------------------------------------------------------------------------------


def passport_of(session: Session, national_id: str) -> Passport | None:
    """The person's current passport, or None when the registry records none."""
    return session.scalars(select(Passport).where(Passport.person_id == national_id)).first()


def passports_of(session: Session, national_ids: Iterable[str]) -> dict[str, Passport]:
    """The current passports of these people (those who have one), by ID number: one query
    for a family, a few hundred people a query for more."""
    return csv_source.stored_by(session, Passport.person_id, national_ids)


def is_foreign_number(number: str) -> bool:
    """Whether ``number`` (digits normalised, upper case) is written as another country's
    passport number is: 1 or 2 Latin letters and 6 to 9 digits."""
    return _FOREIGN_NUMBER.fullmatch(number) is not None
