"""The civil registry: look people up, import them from CSV (the demo people are in
civil_registry_demo.py).

The registry is the government's record of people. Here it is the `people`
table; this module (and the demo's) is the only code that writes to it. Cities and districts are
stored in Arabic, as the registry holds them; CITY_NAMES and DISTRICT_NAMES give
their English names for English pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import get_locale, lazy_pgettext
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.agencies import csv_source, storing
from absher_web.dates import local_today
from absher_web.identity import (
    is_valid_national_id,
    normalise_digits,
)
from absher_web.models import Person, PersonKind
from absher_web.nationalities import SAUDI_ARABIA, is_known_nationality
from absher_web.text import normalise_for_matching

CSV_HEADER = (
    "national_id",
    "name_ar",
    "name_en",
    "birth_date",
    "nationality",
    "id_expiry",
    "city",
    "district",
)
# Column sizes in models.Person: checked here so an over-long value is a row
# error on every database, not a crash on PostgreSQL and silent on SQLite.
NAME_MAX = 200
PLACE_MAX = 100
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_ARABIC_LETTER = re.compile("[\u0620-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")

CITY_NAMES: dict[str, LazyString] = {
    "الرياض": lazy_pgettext("Saudi city", "Riyadh"),
    "جدة": lazy_pgettext("Saudi city", "Jeddah"),
    "مكة المكرمة": lazy_pgettext("Saudi city", "Makkah"),
    "المدينة المنورة": lazy_pgettext("Saudi city", "Madinah"),
    "الدمام": lazy_pgettext("Saudi city", "Dammam"),
    "الخبر": lazy_pgettext("Saudi city", "Khobar"),
    "الأحساء": lazy_pgettext("Saudi city", "Al-Ahsa"),
    "الطائف": lazy_pgettext("Saudi city", "Taif"),
    "تبوك": lazy_pgettext("Saudi city", "Tabuk"),
    "أبها": lazy_pgettext("Saudi city", "Abha"),
    "بريدة": lazy_pgettext("Saudi city", "Buraydah"),
    "حائل": lazy_pgettext("Saudi city", "Hail"),
    "جازان": lazy_pgettext("Saudi city", "Jazan"),
    "نجران": lazy_pgettext("Saudi city", "Najran"),
}

DISTRICT_NAMES: dict[str, LazyString] = {
    "حي العليا": lazy_pgettext("district of a Saudi city", "Al Olaya"),
    "حي الملز": lazy_pgettext("district of a Saudi city", "Al Malaz"),
    "حي النخيل": lazy_pgettext("district of a Saudi city", "Al Nakheel"),
    "حي الياسمين": lazy_pgettext("district of a Saudi city", "Al Yasmin"),
    "حي السويدي": lazy_pgettext("district of a Saudi city", "Al Suwaidi"),
    "حي الروضة": lazy_pgettext("district of a Saudi city", "Al Rawdah"),
    "حي الصفا": lazy_pgettext("district of a Saudi city", "Al Safa"),
    "حي الشاطئ": lazy_pgettext("district of a Saudi city", "Al Shati"),
    "حي الحمراء": lazy_pgettext("district of a Saudi city", "Al Hamra"),
    "حي العزيزية": lazy_pgettext("district of a Saudi city", "Al Aziziyah"),
    "حي الشوقية": lazy_pgettext("district of a Saudi city", "Al Shawqiyah"),
    "حي النسيم": lazy_pgettext("district of a Saudi city", "Al Naseem"),
    "حي قباء": lazy_pgettext("district of a Saudi city", "Quba"),
    "حي العوالي": lazy_pgettext("district of a Saudi city", "Al Awali"),
    "حي العنابس": lazy_pgettext("district of a Saudi city", "Al Anabis"),
    "حي الفيصلية": lazy_pgettext("district of a Saudi city", "Al Faisaliyah"),
    "حي النور": lazy_pgettext("district of a Saudi city", "Al Noor"),
    "حي العقربية": lazy_pgettext("district of a Saudi city", "Al Aqrabiyah"),
    "حي الثقبة": lazy_pgettext("district of a Saudi city", "Al Thuqbah"),
    "حي اليرموك": lazy_pgettext("district of a Saudi city", "Al Yarmouk"),
    "حي المبرز": lazy_pgettext("district of a Saudi city", "Al Mubarraz"),
    "حي الحوية": lazy_pgettext("district of a Saudi city", "Al Hawiyah"),
    "حي شهار": lazy_pgettext("district of a Saudi city", "Shihar"),
    "حي المروج": lazy_pgettext("district of a Saudi city", "Al Muruj"),
    "حي السليمانية": lazy_pgettext("district of a Saudi city", "Al Sulaimaniyah"),
    "حي المنسك": lazy_pgettext("district of a Saudi city", "Al Mansak"),
    "حي الخالدية": lazy_pgettext("district of a Saudi city", "Al Khalidiyah"),
    "حي الإسكان": lazy_pgettext("district of a Saudi city", "Al Iskan"),
    "حي الصفراء": lazy_pgettext("district of a Saudi city", "Al Safra"),
    "حي النقرة": lazy_pgettext("district of a Saudi city", "Al Nuqrah"),
    "حي المنتزه": lazy_pgettext("district of a Saudi city", "Al Muntazah"),
    "حي السويس": lazy_pgettext("district of a Saudi city", "Al Suways"),
    "حي الفهد": lazy_pgettext("district of a Saudi city", "Al Fahd"),
}


def city_name(city: str) -> LazyString | str:
    """A stored (Arabic) city name in the current language; as stored if unknown."""
    return _place_name(city, CITY_NAMES)


def _city_key(name: str) -> str:
    key = normalise_for_matching(name).replace("-", " ")
    return " ".join(word for word in key.split() if word != "al")


def city_named(name: str) -> str | None:
    """The registry's (Arabic) spelling of a city given in Arabic or by its English name
    ("Riyadh", "al-ahsa", "MAKKAH"); None for a city the registry does not know."""
    wanted = _city_key(name)
    if not wanted:
        return None
    for arabic, english in CITY_NAMES.items():
        # A lazy_pgettext keeps (context, English name): the English is the msgid itself.
        if wanted in (_city_key(arabic), _city_key(english._args[1])):
            return arabic
    return None


def office_city(city: str) -> str:
    """The city whose office decides a person's requests, as officers are given it: the
    registry's spelling of a known city however it was written ("Riyadh", "الرياض"), else
    the name as stored, trimmed (a town outside CITY_NAMES still has its office)."""
    return city_named(city) or " ".join(city.split())


def district_name(district: str) -> LazyString | str:
    """A stored (Arabic) district name in the current language; as stored if unknown."""
    return _place_name(district, DISTRICT_NAMES)


def _place_name(stored: str, english: dict[str, LazyString]) -> LazyString | str:
    locale = get_locale()
    if locale is not None and locale.language == "ar":
        # The registry's own spelling, not a catalog's copy of it.
        return stored
    return english.get(stored, stored)


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One person as the registry records them, before it is stored."""

    national_id: str
    name_ar: str
    name_en: str
    birth_date: date
    nationality: str
    id_expiry: date
    city: str
    district: str

    @property
    def kind(self) -> PersonKind:
        # Entries are checked (entry_problems) before anything reads their kind, so the
        # first digit tells it without checking the number again.
        return PersonKind.CITIZEN if self.national_id.startswith("1") else PersonKind.RESIDENT

    def to_person(self) -> Person:
        return Person(kind=self.kind, **{f.name: getattr(self, f.name) for f in fields(self)})


_BAD_ID = "is not a valid ID or iqama number (10 digits, starting 1 or 2, correct check digit)"


def entry_problems(entry: RegistryEntry, today: date | None = None) -> list[str]:
    """Everything wrong with an entry, as short reasons an operator can act on."""
    problems: list[str] = []
    # Stored IDs are the canonical ASCII form, so lookups compare like with like.
    if entry.national_id != normalise_digits(entry.national_id) or not is_valid_national_id(
        entry.national_id
    ):
        problems.append(f"national_id {entry.national_id!r} {_BAD_ID}")
    return problems + _other_problems(entry, today)


def _other_problems(entry: RegistryEntry, today: date | None) -> list[str]:
    # All but the ID's, which parse_row has already checked.
    today = today or local_today()
    problems = _field_problems(entry.name_ar, entry.name_en, entry.nationality,
                               entry.city, entry.district)
    if entry.birth_date >= today:
        problems.append(f"birth_date {entry.birth_date.isoformat()} is not in the past")
    elif entry.birth_date < EARLIEST_BIRTH_DATE:
        problems.append(f"birth_date {entry.birth_date.isoformat()} is before 1900")
    if entry.id_expiry <= entry.birth_date:
        problems.append("id_expiry is not after birth_date")
    if is_known_nationality(entry.nationality):
        if entry.national_id.startswith("1") and entry.nationality != SAUDI_ARABIA:
            problems.append("a national ID (starting with 1) must have nationality SAU")
        elif entry.national_id.startswith("2") and entry.nationality == SAUDI_ARABIA:
            problems.append("an iqama number (starting with 2) must not have nationality SAU")
    return problems


def _field_problems(
    name_ar: str, name_en: str, nationality: str, city: str, district: str
) -> list[str]:
    # The checks that need no other column, so a row with a bad ID or date
    # still reports every other mistake in one go.
    problems = _text_problems("name_ar", name_ar, NAME_MAX)
    problems += _text_problems("name_en", name_en, NAME_MAX)
    # Catches the two name columns swapped, the commonest spreadsheet mistake.
    if name_ar and not _ARABIC_LETTER.search(name_ar):
        problems.append("name_ar must be written in Arabic letters")
    # ASCII text holds no Arabic letter: the regex need not scan it.
    if not name_en.isascii() and _ARABIC_LETTER.search(name_en):
        problems.append("name_en must not contain Arabic letters")
    if not is_known_nationality(nationality):
        problems.append(f"nationality {nationality!r} is not a known ISO alpha-3 code")
    problems += _text_problems("city", city, PLACE_MAX)
    problems += _text_problems("district", district, PLACE_MAX)
    return problems


def _text_problems(column: str, value: str, limit: int) -> list[str]:
    if not value:
        return [f"{column} is empty"]
    if len(value) > limit:
        return [f"{column} is longer than {limit} characters"]
    return []


def parse_row(raw: dict[str, str], today: date | None = None
              ) -> tuple[RegistryEntry | None, list[str]]:
    """One CSV row (column -> text) as an entry, or the reasons it is not one."""
    problems: list[str] = []
    national_id = normalise_digits(raw["national_id"])
    if not national_id:
        problems.append("national_id is empty")
    elif not is_valid_national_id(national_id):
        problems.append(f"national_id {raw['national_id'].strip()!r} {_BAD_ID}")
    birth_date = csv_source.iso_date("birth_date", raw["birth_date"], problems)
    id_expiry = csv_source.iso_date("id_expiry", raw["id_expiry"], problems)
    clean = csv_source.clean_text
    name_ar, name_en = clean(raw["name_ar"]), clean(raw["name_en"])
    city, district = clean(raw["city"]), clean(raw["district"])
    nationality = raw["nationality"].strip().upper()
    if problems or birth_date is None or id_expiry is None:
        return None, problems + _field_problems(name_ar, name_en, nationality, city, district)
    # Positional, in the order of RegistryEntry's fields: a million rows make keywords count.
    entry = RegistryEntry(national_id, name_ar, name_en, birth_date, nationality, id_expiry,
                          city, district)
    problems = _other_problems(entry, today)
    return (None, problems) if problems else (entry, [])


def stored_people(session: Session, national_ids: Iterable[str]) -> dict[str, Person]:
    """The stored people of these ID numbers (those that are stored)."""
    return storing.stored_by(session, Person.national_id, national_ids)


def registered_people(session: Session, national_ids: Iterable[str]) -> set[str]:
    """Those of these ID numbers that the civil registry holds."""
    known: set[str] = set()
    for chunk in storing.in_chunks(set(national_ids)):
        known.update(session.scalars(select(Person.national_id).where(
            storing.one_of(session, Person.national_id, chunk))))
    return known


def store_people(session: Session, entries: list[RegistryEntry]) -> csv_source.Stored:
    """Adds new people and updates known ones: re-importing a corrected file is safe and
    a repeated import changes nothing."""
    return csv_source.Stored(storing.upsert(
        session, Person.national_id,
        {entry.national_id: {"kind": entry.kind, **storing.values_of(entry)}
         for entry in entries}))


SOURCE = csv_source.Source(
    name="registry", noun="people", header=CSV_HEADER, parse=parse_row,
    key=lambda entry: entry.national_id,
    key_label=lambda entry: f"national_id {entry.national_id}", store=store_people,
    raw_key=csv_source.id_key("national_id"))


def parse_registry_csv(text_stream: Iterable[str]) -> tuple[list[RegistryEntry], list[str]]:
    """A small registry CSV's (entries, errors), one "row N: reason" line per bad row."""
    return csv_source.read_all(text_stream, SOURCE)


def import_people(session: Session, rows: Iterable[RegistryEntry], today: date | None = None
                  ) -> csv_source.ImportResult:
    """Add new people and update known ones; ValueError (and no change) if any row is bad."""
    rows = list(rows)
    for entry in rows:
        problems = entry_problems(entry, today)
        if problems:
            raise ValueError(f"{entry.national_id}: {'; '.join(problems)}")
    return csv_source.store_all(session, SOURCE, rows)


def find_person(session: Session, national_id: str) -> Person | None:
    """The registry's record for an ID or iqama number as typed, or None."""
    if not is_valid_national_id(national_id):
        return None  # not worth a query, and never matches a stored row
    return session.get(Person, normalise_digits(national_id))


# Three people who are always in the demo registry, whatever the seed or count,
# so the README and `make run` can name them: two citizens and one resident.
DEMO_IDS: tuple[str, str, str] = ("1012345672", "1087654321", "2123456788")


def renew_iqama(session: Session, iqama_number: str, previous: date, new_expiry: date) -> bool:
    """The iqama's expiry moved from ``previous`` to ``new_expiry`` (a renewal paid through
    services/residency.py), in the caller's transaction: one conditional UPDATE on the
    expiry it was renewed from, so a repeated payment or a race renews once. The iqama's
    expiry is this record's (agencies/residency.py says why); the sponsorship registry's
    copy follows it (sponsorship.follow_iqama)."""
    return session.execute(
        update(Person).where(Person.national_id == iqama_number,
                             Person.kind == PersonKind.RESIDENT,
                             Person.id_expiry == previous)
        .values(id_expiry=new_expiry)
        .execution_options(synchronize_session=False)).rowcount == 1
