"""The civil registry adapter: look people up, import them from CSV, seed demo people.

The registry is the government's record of people. Here it is the `people`
table; this module is the only code that writes to it. Cities and districts are
stored in Arabic, as the registry holds them; CITY_NAMES and DISTRICT_NAMES give
their English names for English pages.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta

from flask_babel import get_locale, lazy_pgettext
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.identity import (
    is_valid_national_id,
    national_id_check_digit,
    normalise_digits,
    normalise_digits_only,
    person_kind_of,
)
from absher_web.models import Person, PersonKind
from absher_web.nationalities import SAUDI_ARABIA, is_known_nationality

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

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")
# SQLite allows 32766 bound parameters (999 before 3.32); stay well under both.
_CHUNK = 500

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
        return person_kind_of(self.national_id)

    def to_person(self) -> Person:
        return Person(kind=self.kind, **{f.name: getattr(self, f.name) for f in fields(self)})

    def apply_to(self, person: Person) -> bool:
        """Copy this entry onto a stored person; True if anything changed."""
        changed = False
        for f in fields(self):
            value = getattr(self, f.name)
            if getattr(person, f.name) != value:
                setattr(person, f.name, value)
                changed = True
        return changed


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


_BAD_ID = "is not a valid ID or iqama number (10 digits, starting 1 or 2, correct check digit)"


def entry_problems(entry: RegistryEntry, today: date | None = None) -> list[str]:
    """Everything wrong with an entry, as short reasons an operator can act on."""
    today = today or date.today()
    problems: list[str] = []
    # Stored IDs are the canonical ASCII form, so lookups compare like with like.
    if entry.national_id != normalise_digits(entry.national_id) or not is_valid_national_id(
        entry.national_id
    ):
        problems.append(f"national_id {entry.national_id!r} {_BAD_ID}")
    problems += _field_problems(entry.name_ar, entry.name_en, entry.nationality,
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
    if _ARABIC_LETTER.search(name_en):
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


def _clean_text(value: str) -> str:
    # Spreadsheets leave doubled and non-breaking spaces, and decomposed
    # letters compare unequal to composed ones: store one form.
    return " ".join(unicodedata.normalize("NFC", value).split())


def _parse_date(column: str, value: str, problems: list[str]) -> date | None:
    value = normalise_digits_only(value.strip())
    if not value:
        problems.append(f"{column} is empty")
        return None
    # fromisoformat alone would also take "20240101" and week dates.
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{column} {value!r} is not a date in the form yyyy-mm-dd")
    return None


def parse_row(
    values: list[str], today: date | None = None
) -> tuple[RegistryEntry | None, list[str]]:
    """One CSV row (in CSV_HEADER order) as an entry, or the reasons it is not one."""
    if len(values) != len(CSV_HEADER):
        return None, [f"expected {len(CSV_HEADER)} fields, found {len(values)}"]
    raw = dict(zip(CSV_HEADER, values, strict=True))
    problems: list[str] = []
    national_id = normalise_digits(raw["national_id"])
    if not national_id:
        problems.append("national_id is empty")
    elif not is_valid_national_id(national_id):
        problems.append(f"national_id {raw['national_id'].strip()!r} {_BAD_ID}")
    birth_date = _parse_date("birth_date", raw["birth_date"], problems)
    id_expiry = _parse_date("id_expiry", raw["id_expiry"], problems)
    text = {
        column: _clean_text(raw[column]) for column in ("name_ar", "name_en", "city", "district")
    }
    nationality = raw["nationality"].strip().upper()
    if problems or birth_date is None or id_expiry is None:
        return None, problems + _field_problems(nationality=nationality, **text)
    entry = RegistryEntry(
        national_id=national_id,
        birth_date=birth_date,
        id_expiry=id_expiry,
        nationality=nationality,
        **text,
    )
    problems = entry_problems(entry, today)
    return (None, problems) if problems else (entry, [])


def parse_registry_csv(
    text_stream: Iterable[str], today: date | None = None
) -> tuple[list[RegistryEntry], list[str]]:
    """Read a registry CSV: (entries, errors), one "row N: reason" line per bad row.

    N is the line in the file where the row starts (the header is line 1). The
    entries are only usable when there are no errors: an import is all or nothing.
    """
    reader = csv.reader(text_stream, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [f"row 1: not valid CSV ({exc})"]
    if header and header[0].startswith("\ufeff"):
        # A byte-order mark from Excel's "CSV UTF-8" is not part of the header.
        header[0] = header[0][1:]
    if header is None or tuple(header) != CSV_HEADER:
        # Without the expected columns no row can be read reliably.
        return [], [f"row 1: the header must be exactly: {','.join(CSV_HEADER)}"]

    entries: list[RegistryEntry] = []
    errors: list[str] = []
    first_line_of: dict[str, int] = {}
    while True:
        # line_num counts physical lines read, so a quoted field spanning
        # lines still reports the line its row starts on.
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"row {line}: not valid CSV ({exc})")
            break
        if not any(value.strip() for value in values):
            continue  # blank lines, often at the end of a file, carry nothing
        entry, problems = parse_row(values, today)
        national_id = normalise_digits(values[0])
        if is_valid_national_id(national_id):
            earlier = first_line_of.setdefault(national_id, line)
            if earlier != line:
                problems.append(f"national_id {national_id} already appears on row {earlier}")
        if problems:
            errors.append(f"row {line}: {'; '.join(problems)}")
        elif entry is not None:
            entries.append(entry)
    return entries, errors


def find_person(session: Session, national_id: str) -> Person | None:
    """The registry's record for an ID or iqama number as typed, or None."""
    if not is_valid_national_id(national_id):
        return None  # not worth a query, and never matches a stored row
    return session.get(Person, normalise_digits(national_id))


def _stored_people(session: Session, national_ids: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for start in range(0, len(national_ids), _CHUNK):
        chunk = national_ids[start : start + _CHUNK]
        for person in session.scalars(select(Person).where(Person.national_id.in_(chunk))):
            found[person.national_id] = person
    return found


def import_people(
    session: Session, rows: Iterable[RegistryEntry], today: date | None = None
) -> ImportResult:
    """Add new people and update known ones; ValueError (and no change) if any row is bad.

    Updating rather than skipping known IDs makes re-importing a corrected file
    safe and a repeated import a no-op.
    """
    rows = list(rows)
    seen: set[str] = set()
    for entry in rows:
        problems = entry_problems(entry, today)
        if entry.national_id in seen:
            problems.append("appears more than once")
        seen.add(entry.national_id)
        if problems:
            raise ValueError(f"{entry.national_id}: {'; '.join(problems)}")

    stored = _stored_people(session, [entry.national_id for entry in rows])
    added = updated = unchanged = 0
    for entry in rows:
        person = stored.get(entry.national_id)
        if person is None:
            session.add(entry.to_person())
            added += 1
        elif entry.apply_to(person):
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return ImportResult(added=added, updated=updated, unchanged=unchanged)


# --- Demo people -----------------------------------------------------------------

DEMO_SEED = 2010  # the year Absher started
DEMO_COUNT = 1200

# Three people who are always in the demo registry, whatever the seed or count,
# so the README and `make run` can name them: two citizens and one resident.
DEMO_IDS: tuple[str, str, str] = ("1012345672", "1087654321", "2123456788")
_DEMO_FIXED = (
    (DEMO_IDS[0], "محمد عبدالله سعد العتيبي", "Mohammed Abdullah Saad Al-Otaibi",
     date(1990, 3, 15), SAUDI_ARABIA, "الرياض", "حي النخيل"),
    (DEMO_IDS[1], "نورة فهد خالد القحطاني", "Noura Fahad Khalid Al-Qahtani",
     date(1995, 7, 2), SAUDI_ARABIA, "جدة", "حي الروضة"),
    (DEMO_IDS[2], "أحمد محمود حسن منصور", "Ahmed Mahmoud Hassan Mansour",
     date(1985, 11, 20), "EGY", "الدمام", "حي الفيصلية"),
)

Pair = tuple[str, str]  # (Arabic, English)


@dataclass(frozen=True)
class _NameGroup:
    male: tuple[Pair, ...]
    female: tuple[Pair, ...]
    families: tuple[Pair, ...]
    # How many given names precede the family name: first, father, grandfather.
    given_names: int


_SAUDI = _NameGroup(
    male=(
        ("محمد", "Mohammed"), ("عبدالله", "Abdullah"), ("فهد", "Fahad"), ("خالد", "Khalid"),
        ("سعود", "Saud"), ("عبدالرحمن", "Abdulrahman"), ("سلطان", "Sultan"),
        ("ناصر", "Nasser"), ("تركي", "Turki"), ("فيصل", "Faisal"), ("بندر", "Bandar"),
        ("ماجد", "Majed"), ("عمر", "Omar"), ("يوسف", "Yousef"), ("إبراهيم", "Ibrahim"),
        ("سعد", "Saad"),
    ),
    female=(
        ("نورة", "Noura"), ("سارة", "Sarah"), ("ريم", "Reem"), ("لطيفة", "Latifa"),
        ("هيفاء", "Haifa"), ("منيرة", "Munira"), ("الجوهرة", "Aljawhara"), ("عبير", "Abeer"),
        ("أمل", "Amal"), ("هند", "Hind"), ("شهد", "Shahad"), ("دانة", "Dana"),
    ),
    families=(
        ("العتيبي", "Al-Otaibi"), ("القحطاني", "Al-Qahtani"), ("الغامدي", "Al-Ghamdi"),
        ("الزهراني", "Al-Zahrani"), ("الشهري", "Al-Shehri"), ("الدوسري", "Al-Dosari"),
        ("الحربي", "Al-Harbi"), ("المطيري", "Al-Mutairi"), ("العنزي", "Al-Anazi"),
        ("الشمري", "Al-Shammari"), ("السبيعي", "Al-Subaie"), ("التميمي", "Al-Tamimi"),
        ("الرشيد", "Al-Rasheed"), ("الجهني", "Al-Juhani"), ("البلوي", "Al-Balawi"),
        ("الأحمدي", "Al-Ahmadi"),
    ),
    given_names=3,
)

_ARAB = _NameGroup(
    male=(
        ("أحمد", "Ahmed"), ("محمود", "Mahmoud"), ("حسن", "Hassan"), ("مصطفى", "Mostafa"),
        ("كريم", "Karim"), ("طارق", "Tarek"), ("وليد", "Walid"), ("سامر", "Samer"),
        ("عماد", "Emad"), ("ياسر", "Yasser"),
    ),
    female=(
        ("مريم", "Mariam"), ("ياسمين", "Yasmin"), ("رنا", "Rana"), ("ليلى", "Laila"),
        ("سلمى", "Salma"), ("دينا", "Dina"),
    ),
    families=(
        ("منصور", "Mansour"), ("حداد", "Haddad"), ("الخطيب", "Al-Khatib"),
        ("النجار", "Al-Najjar"), ("سليمان", "Soliman"), ("عثمان", "Osman"),
        ("درويش", "Darwish"), ("صالح", "Saleh"), ("عبدالحميد", "Abdelhamid"),
        ("الشامي", "Al-Shami"),
    ),
    given_names=2,
)

_SOUTH_ASIAN_MUSLIM = _NameGroup(
    male=(
        ("عمران", "Imran"), ("عارف", "Arif"), ("شاهد", "Shahid"), ("رفيق", "Rafiq"),
        ("نديم", "Nadeem"), ("جاويد", "Javed"),
    ),
    female=(("عائشة", "Ayesha"), ("فاطمة", "Fatima"), ("نازية", "Nazia")),
    families=(
        ("خان", "Khan"), ("حسين", "Hussain"), ("رحمن", "Rahman"), ("شودري", "Chowdhury"),
        ("مالك", "Malik"), ("قريشي", "Qureshi"),
    ),
    given_names=1,
)

_SOUTH_ASIAN = _NameGroup(
    male=(
        ("راجيش", "Rajesh"), ("أنيل", "Anil"), ("سونيل", "Sunil"), ("راهول", "Rahul"),
        ("سانجاي", "Sanjay"), ("فيجاي", "Vijay"),
    ),
    female=(("بريا", "Priya"), ("أنيتا", "Anita"), ("ديبا", "Deepa")),
    families=(
        ("كومار", "Kumar"), ("شارما", "Sharma"), ("ناير", "Nair"), ("ثابا", "Thapa"),
        ("بيريرا", "Perera"), ("سينغ", "Singh"), ("بيلاي", "Pillai"),
    ),
    given_names=1,
)

_SOUTH_EAST_ASIAN = _NameGroup(
    male=(("خوسيه", "Jose"), ("مارك", "Mark"), ("رامون", "Ramon"), ("بودي", "Budi"),
          ("أغوس", "Agus")),
    female=(("ماريا", "Maria"), ("روزا", "Rosa"), ("جوي", "Joy"), ("سيتي", "Siti"),
            ("ديوي", "Dewi")),
    families=(
        ("سانتوس", "Santos"), ("رييس", "Reyes"), ("كروز", "Cruz"), ("غارسيا", "Garcia"),
        ("سوسانتو", "Susanto"), ("ويجايا", "Wijaya"),
    ),
    given_names=1,
)

_AFRICAN = _NameGroup(
    male=(("أبيبي", "Abebe"), ("داويت", "Dawit"), ("جوزيف", "Joseph"), ("دانيال", "Daniel")),
    female=(("ميرون", "Meron"), ("أستير", "Aster"), ("غريس", "Grace")),
    families=(
        ("تسفاي", "Tesfaye"), ("غيرما", "Girma"), ("أوتينو", "Otieno"), ("موانغي", "Mwangi"),
        ("أوكيلو", "Okello"),
    ),
    given_names=1,
)

_WESTERN = _NameGroup(
    male=(("جيمس", "James"), ("ديفيد", "David"), ("توماس", "Thomas"), ("لوكاس", "Lucas")),
    female=(("إميلي", "Emily"), ("صوفي", "Sophie"), ("لورا", "Laura")),
    families=(
        ("سميث", "Smith"), ("براون", "Brown"), ("جونسون", "Johnson"), ("مارتن", "Martin"),
        ("ويلسون", "Wilson"),
    ),
    given_names=1,
)

# Residents' nationalities, weighted roughly like the resident population.
_RESIDENT_NATIONALITIES: tuple[tuple[str, float, _NameGroup], ...] = (
    ("IND", 18, _SOUTH_ASIAN), ("PAK", 14, _SOUTH_ASIAN_MUSLIM),
    ("BGD", 12, _SOUTH_ASIAN_MUSLIM), ("EGY", 12, _ARAB), ("PHL", 6, _SOUTH_EAST_ASIAN),
    ("IDN", 4, _SOUTH_EAST_ASIAN), ("YEM", 7, _ARAB), ("SDN", 5, _ARAB),
    ("NPL", 4, _SOUTH_ASIAN), ("LKA", 2, _SOUTH_ASIAN), ("AFG", 1, _SOUTH_ASIAN_MUSLIM),
    ("JOR", 3, _ARAB), ("SYR", 3, _ARAB), ("LBN", 1, _ARAB), ("PSE", 1, _ARAB),
    ("IRQ", 1, _ARAB), ("MAR", 1, _ARAB), ("TUN", 1, _ARAB),
    ("ETH", 2, _AFRICAN), ("KEN", 1, _AFRICAN), ("UGA", 1, _AFRICAN),
    ("GBR", 1, _WESTERN), ("USA", 1, _WESTERN), ("CAN", 0.5, _WESTERN),
    ("FRA", 0.5, _WESTERN),
)

# Districts per city, and how often each city is picked.
_DEMO_PLACES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("الرياض", 30, ("حي العليا", "حي الملز", "حي النخيل", "حي الياسمين", "حي السويدي")),
    ("جدة", 18, ("حي الروضة", "حي الصفا", "حي الشاطئ", "حي الحمراء")),
    ("مكة المكرمة", 8, ("حي العزيزية", "حي الشوقية", "حي النسيم")),
    ("المدينة المنورة", 6, ("حي قباء", "حي العوالي", "حي العنابس")),
    ("الدمام", 7, ("حي الفيصلية", "حي الشاطئ", "حي النور")),
    ("الخبر", 4, ("حي العقربية", "حي الثقبة", "حي اليرموك")),
    ("الأحساء", 4, ("حي المبرز", "حي الفيصلية", "حي الروضة")),
    ("الطائف", 4, ("حي الحوية", "حي شهار", "حي الفيصلية")),
    ("تبوك", 3, ("حي المروج", "حي السليمانية", "حي الفيصلية")),
    ("أبها", 3, ("حي المنسك", "حي الخالدية", "حي النسيم")),
    ("بريدة", 3, ("حي الإسكان", "حي الصفراء", "حي الخالدية")),
    ("حائل", 3, ("حي النقرة", "حي المنتزه", "حي العزيزية")),
    ("جازان", 3, ("حي الروضة", "حي الشاطئ", "حي السويس")),
    ("نجران", 2, ("حي الفهد", "حي الفيصلية", "حي الخالدية")),
)


def _full_name(rng: random.Random, group: _NameGroup) -> Pair:
    # Residents are mostly men; citizens are half and half.
    female_share = 0.5 if group is _SAUDI else 0.25
    first = rng.choice(group.female if rng.random() < female_share else group.male)
    # Father and grandfather differ from each other and from the first name.
    elders = rng.sample([name for name in group.male if name != first], group.given_names - 1)
    parts = [first, *elders, rng.choice(group.families)]
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)


def _new_national_id(rng: random.Random, first_digit: str, taken: set[str]) -> str:
    while True:
        first_nine = first_digit + "".join(rng.choice("0123456789") for _ in range(8))
        national_id = first_nine + national_id_check_digit(first_nine)
        if national_id not in taken:
            taken.add(national_id)
            return national_id


def demo_people(
    count: int = DEMO_COUNT, seed: int = DEMO_SEED, today: date | None = None
) -> list[RegistryEntry]:
    """Synthetic people with valid ID numbers: the same ones for the same seed.

    The first three are always the DEMO_IDS people. About two in three are
    citizens. Expiry dates count from ``today`` so the demo stays usable; about
    one in twelve has expired, to show how an expired ID looks.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    today = today or date.today()
    rng = random.Random(seed)
    people = [
        RegistryEntry(national_id, name_ar, name_en, birth, nationality,
                      today + timedelta(days=4 * 365), city, district)
        for national_id, name_ar, name_en, birth, nationality, city, district in _DEMO_FIXED
    ][:count]
    taken = {entry.national_id for entry in people}
    first_birth, last_birth = date(1950, 1, 1).toordinal(), date(2005, 12, 31).toordinal()
    cities = [city for city, _, _ in _DEMO_PLACES]
    city_weights = [weight for _, weight, _ in _DEMO_PLACES]
    districts = {city: choices for city, _, choices in _DEMO_PLACES}
    nationality_weights = [weight for _, weight, _ in _RESIDENT_NATIONALITIES]

    while len(people) < count:
        if rng.random() < 0.65:
            national_id = _new_national_id(rng, "1", taken)
            nationality, group = SAUDI_ARABIA, _SAUDI
            valid_for = 10 * 365  # a national ID card lasts ten years
        else:
            national_id = _new_national_id(rng, "2", taken)
            nationality, _, group = rng.choices(_RESIDENT_NATIONALITIES, nationality_weights)[0]
            valid_for = 2 * 365  # iqamas are renewed every year or two
        name_ar, name_en = _full_name(rng, group)
        birth_date = date.fromordinal(rng.randint(first_birth, last_birth))
        if rng.random() < 1 / 12:
            id_expiry = today - timedelta(days=rng.randint(1, 365))
        else:
            id_expiry = today + timedelta(days=rng.randint(30, valid_for))
        city = rng.choices(cities, city_weights)[0]
        district = rng.choice(districts[city])
        people.append(
            RegistryEntry(national_id, name_ar, name_en, birth_date, nationality, id_expiry,
                          city, district)
        )
    return people


def seed_demo(session: Session, count: int = DEMO_COUNT) -> int:
    """Add the demo people not yet in the registry; returns how many were added.

    People already present are left alone, so running it again adds nothing
    and never undoes an import that changed a demo person.
    """
    people = demo_people(count)
    stored = _stored_people(session, [entry.national_id for entry in people])
    missing = [entry.to_person() for entry in people if entry.national_id not in stored]
    session.add_all(missing)
    session.flush()
    return len(missing)
