"""The Passports registry: each person's current passport (`flask absher import passports
FILE`; the demo's are in family_demo.py) and the travel bans it records (`flask absher
import travel-bans FILE`).

Here they are the `passports` table, one row a person: a later import of someone's passport
replaces the one stored (a renewal is a new passport), as does a passport the Directorate
issues through Absher Passports (``issue_new``); and the `travel_bans` table, one row a
person, open until it is lifted. This module is the only code that writes to them; the
readers services call are at the end.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, csv_source, storing
from absher_web.agencies.csv_source import ImportResult
from absher_web.dates import local_today
from absher_web.identity import is_valid_national_id, normalise_digits
from absher_web.models import Passport, PassportStatus, TravelBan
from absher_web.nationalities import SAUDI_ARABIA, is_known_nationality

HEADER = ("person_id", "passport_number", "issued_on", "expires_on", "issuing_country")
OPTIONAL = ("status",)  # valid (when left out), lost or cancelled
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
    status: PassportStatus = PassportStatus.VALID


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
    status = _status((raw.get("status") or "").strip().lower() or PassportStatus.VALID.value,
                     problems)
    if problems:
        return None, problems
    return PassportEntry(person, number, issued, expires, country, status), []


def _status(value: str, problems: list[str]) -> PassportStatus:
    try:
        return PassportStatus(value)
    except ValueError:
        problems.append(f"status {value!r} is not valid, lost or cancelled")
        return PassportStatus.VALID


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
    return csv_source.Stored(storing.upsert(
        session, Passport.person_id, {e.person_id: storing.values_of(e) for e in accepted}),
        refused)


def _stored_numbers(session: Session, numbers: Iterable[str]) -> list[Passport]:
    found: list[Passport] = []
    for chunk in storing.in_chunks(set(numbers)):
        found.extend(session.scalars(select(Passport).where(Passport.number.in_(chunk))))
    return found


SOURCE = csv_source.Source(
    name="passports", noun="passports", header=HEADER, parse=parse_row,
    key=lambda entry: entry.person_id,
    key_label=lambda entry: f"person_id {entry.person_id}", store=store_passports,
    optional=OPTIONAL, raw_key=csv_source.id_key("person_id"))


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
    return storing.stored_by(session, Passport.person_id, national_ids)


def is_usable(passport: Passport | None, today: date) -> bool:
    """Whether the passport can be travelled with today: valid and not expired."""
    return (passport is not None and passport.status is PassportStatus.VALID
            and passport.expires_on >= today)


# --- passports the Directorate issues (Absher Passports) --------------------------------------

def new_saudi_number(session: Session) -> str:
    """A Saudi passport number no stored passport has: a Latin letter and 8 digits."""
    for _ in range(20):
        number = (secrets.choice(string.ascii_uppercase)
                  + str(secrets.randbelow(9 * 10 ** 7) + 10 ** 7))
        if session.scalar(select(Passport.id).where(Passport.number == number)) is None:
            return number
    raise RuntimeError("could not draw a free passport number")


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def issue_new(session: Session, person_id: str, issued_on: date, years: int) -> Passport:
    """The Saudi passport the Directorate hands over on ``issued_on``, valid ``years``
    (to the day before the anniversary): it replaces the person's stored passport. The
    caller makes sure it happens once (the request's move to delivered)."""
    values = {"number": new_saudi_number(session), "issuing_country": SAUDI_ARABIA,
              "issued_on": issued_on,
              "expires_on": years_after(issued_on, years) - timedelta(days=1),
              "status": PassportStatus.VALID}
    held = passport_of(session, person_id)
    if held is None:
        held = Passport(person_id=person_id, **values)
        session.add(held)
    else:
        for name, value in values.items():
            setattr(held, name, value)
    session.flush()
    return held


# --- travel bans --------------------------------------------------------------------------------

BANS_HEADER = ("person_id", "since", "authority", "lifted_on")
AUTHORITY_MAX = 100


@dataclass(frozen=True, slots=True)
class TravelBanEntry:
    person_id: str
    since: date
    authority: str
    lifted_on: date | None


def parse_ban(raw: dict[str, str], today: date | None = None
              ) -> tuple[TravelBanEntry | None, list[str]]:
    """One CSV row as a travel ban, or every reason it is not one, each naming its column."""
    today = today or local_today()
    problems: list[str] = []
    person = normalise_digits(raw["person_id"])
    if not is_valid_national_id(person):
        problems.append(f"person_id {raw['person_id'].strip()!r} is not a valid ID or iqama "
                        "number")
    since = csv_source.iso_date("since", raw["since"], problems)
    if since is not None and since > today:
        problems.append(f"since {since.isoformat()} is in the future")
    authority = csv_source.text("authority", raw["authority"], AUTHORITY_MAX, problems)
    lifted = csv_source.iso_date("lifted_on", raw["lifted_on"], problems, required=False)
    if since is not None and lifted is not None and lifted < since:
        problems.append("lifted_on is before since")
    if problems:
        return None, problems
    return TravelBanEntry(person, since, authority, lifted), []


def store_bans(session: Session, entries: list[TravelBanEntry]) -> csv_source.Stored:
    """Adds or replaces each person's travel ban; refuses one of someone the civil registry
    does not hold."""
    known = civil_registry.registered_people(session, (e.person_id for e in entries))
    refused = {index: [f"person_id not in the civil registry: {entry.person_id}"]
               for index, entry in enumerate(entries) if entry.person_id not in known}
    accepted = [entry for index, entry in enumerate(entries) if index not in refused]
    return csv_source.Stored(storing.upsert(
        session, TravelBan.person_id, {e.person_id: storing.values_of(e) for e in accepted}),
        refused)


BANS = csv_source.Source(
    name="travel-bans", noun="travel bans", header=BANS_HEADER, parse=parse_ban,
    key=lambda entry: entry.person_id,
    key_label=lambda entry: f"person_id {entry.person_id}", store=store_bans,
    raw_key=csv_source.id_key("person_id"))


def import_bans(session: Session, entries: list[TravelBanEntry]) -> ImportResult:
    """Store travel bans made in code (the demo's); ValueError if any is refused."""
    return csv_source.store_all(session, BANS, entries)


def open_travel_bans(session: Session, person_ids: Iterable[str],
                     today: date) -> dict[str, TravelBan]:
    """The bans in force today of these people, by ID (someone without one is left out)."""
    return {person_id: ban for person_id, ban
            in storing.stored_by(session, TravelBan.person_id, person_ids).items()
            if ban.since <= today and (ban.lifted_on is None or ban.lifted_on > today)}


def is_foreign_number(number: str) -> bool:
    """Whether ``number`` (digits normalised, upper case) is written as another country's
    passport number is: 1 or 2 Latin letters and 6 to 9 digits."""
    return _FOREIGN_NUMBER.fullmatch(number) is not None
