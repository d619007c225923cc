"""The Ministry of Interior's job openings (أبشر توظيف), as its recruitment administration
publishes them (`flask absher import job-openings FILE`; the demo's are made by
``seed_demo``).

One row an opening, keyed by its number: a later import of the same number replaces it (a
closing date moved, a condition added). Each opening names its sector, region, the least
qualification it accepts, its closing date and its conditions: the age range (on the
closing date), whether only Saudi nationals may apply, whether it is for men or women, and
other conditions in words. This module is the only code that writes to `job_openings`;
the readers services call are at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies import csv_source, storing
from absher_web.agencies.csv_source import ImportResult
from absher_web.models import JobGender, JobOpening, JobRegion, JobSector, Qualification
from absher_web.text import normalise_for_matching

HEADER = ("number", "title_ar", "title_en", "sector", "region", "qualification",
          "closing_on", "min_age", "max_age", "saudi_only", "gender", "conditions_ar",
          "conditions_en")
# The Ministry's opening numbers: Latin letters, digits and hyphens (MOI-2026-0153).
_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{3,19}")
TITLE_MAX = 200
CONDITIONS_MAX = 1000
AGE_LOW, AGE_HIGH = 16, 70
_YES, _NO = ("yes", "true", "1"), ("no", "false", "0")


@dataclass(frozen=True, slots=True)
class OpeningEntry:
    number: str
    title_ar: str
    title_en: str
    sector: JobSector
    region: JobRegion
    qualification: Qualification
    closing_on: date
    min_age: int | None
    max_age: int | None
    saudi_only: bool
    gender: JobGender | None
    conditions_ar: str
    conditions_en: str


def folded(*parts: str) -> str:
    """What the text search compares: the parts as people type them (no marks, one form
    of each letter, Latin digits, lower case), one space between."""
    return normalise_for_matching(" ".join(parts))


def _choice(column: str, value: str, enum_class: type, problems: list[str],
            required: bool = True):  # noqa: ANN202 (an enum member or None)
    text = value.strip().lower()
    if not text and not required:
        return None
    values = [member.value for member in enum_class]
    if text not in values:
        problems.append(f"{column} {value.strip()[:40]!r} is not one of {', '.join(values)}")
        return None
    return enum_class(text)


def _age(column: str, value: str, problems: list[str]) -> int | None:
    if not value.strip():
        return None
    return csv_source.whole_number(column, value, AGE_LOW, AGE_HIGH, problems)


_number_of = csv_source.code_key("number")


def parse_row(raw: dict[str, str]) -> tuple[OpeningEntry | None, list[str]]:
    """One CSV row as an opening, or every reason it is not one, each naming its column."""
    problems: list[str] = []
    number = _number_of(raw)
    if not _NUMBER.fullmatch(number):
        problems.append(f"number {raw['number'].strip()[:40]!r} is not 4 to 20 Latin letters, "
                        "digits and hyphens")
    title_ar = csv_source.text("title_ar", raw["title_ar"], TITLE_MAX, problems)
    title_en = csv_source.text("title_en", raw["title_en"], TITLE_MAX, problems)
    sector = _choice("sector", raw["sector"], JobSector, problems)
    region = _choice("region", raw["region"], JobRegion, problems)
    qualification = _choice("qualification", raw["qualification"], Qualification, problems)
    closing = csv_source.iso_date("closing_on", raw["closing_on"], problems)
    min_age = _age("min_age", raw["min_age"], problems)
    max_age = _age("max_age", raw["max_age"], problems)
    if min_age is not None and max_age is not None and max_age < min_age:
        problems.append("max_age is below min_age")
    saudi = raw["saudi_only"].strip().lower()
    if saudi not in _YES + _NO:
        problems.append(f"saudi_only {raw['saudi_only'].strip()[:20]!r} is not yes or no")
    gender = _choice("gender", raw["gender"], JobGender, problems, required=False)
    conditions_ar = csv_source.text("conditions_ar", raw["conditions_ar"], CONDITIONS_MAX,
                                    problems, required=False)
    conditions_en = csv_source.text("conditions_en", raw["conditions_en"], CONDITIONS_MAX,
                                    problems, required=False)
    if problems:
        return None, problems
    return OpeningEntry(number, title_ar, title_en, sector, region, qualification, closing,
                        min_age, max_age, saudi in _YES, gender, conditions_ar,
                        conditions_en), []


def _values(entry: OpeningEntry) -> dict[str, object]:
    return {**storing.values_of(entry),
            "search_text": folded(entry.number, entry.title_ar, entry.title_en)}


def store_openings(session: Session, entries: list[OpeningEntry]) -> csv_source.Stored:
    """Adds each opening, or replaces the one of the same number."""
    return csv_source.Stored(storing.upsert(
        session, JobOpening.number, {e.number: _values(e) for e in entries}))


SOURCE = csv_source.Source(
    name="job-openings", noun="job openings", header=HEADER, parse=parse_row,
    key=lambda entry: entry.number, key_label=lambda entry: f"number {entry.number}",
    store=store_openings, raw_key=_number_of)


def import_openings(session: Session, entries: list[OpeningEntry]) -> ImportResult:
    """Store openings made in code (the demo's, tests'); ValueError if any is refused."""
    return csv_source.store_all(session, SOURCE, entries)


def demo_entries(today: date) -> list[OpeningEntry]:
    """Openings of every sector and several regions: most open, one closed last week, one
    for residents too, one for women."""
    s, r, q = JobSector, JobRegion, Qualification
    rows = [
        ("MOI-2026-0101", "جندي أمن عام", "Public security soldier", s.PUBLIC_SECURITY,
         r.RIYADH, q.SECONDARY, 30, 18, 30, True, JobGender.MEN,
         "اللياقة الطبية، وألا يكون محكومًا عليه بحد شرعي.",
         "Medically fit, and no conviction under a hadd penalty."),
        ("MOI-2026-0102", "ملازم دفاع مدني", "Civil defence lieutenant", s.CIVIL_DEFENCE,
         r.EASTERN, q.BACHELOR, 21, 21, 35, True, None, "", ""),
        ("MOI-2026-0103", "مفتش جوازات", "Passports inspector", s.PASSPORTS, r.MAKKAH,
         q.DIPLOMA, 14, 20, 40, True, None,
         "إجادة اللغة الإنجليزية.", "Good command of English."),
        ("MOI-2026-0104", "باحثة اجتماعية", "Social researcher", s.PRISONS, r.RIYADH,
         q.BACHELOR, 45, None, 45, True, JobGender.WOMEN, "", ""),
        ("MOI-2026-0105", "طبيب استشاري", "Consultant physician", s.HEADQUARTERS, r.RIYADH,
         q.DOCTORATE, 60, None, None, False, None,
         "ترخيص الهيئة السعودية للتخصصات الصحية.",
         "A licence of the Saudi Commission for Health Specialties."),
        ("MOI-2026-0106", "جندي حرس حدود", "Border guard soldier", s.BORDER_GUARD, r.JAZAN,
         q.INTERMEDIATE, -7, 18, 28, True, JobGender.MEN, "", ""),
        ("MOI-2026-0107", "فني اتصالات", "Communications technician", s.SPECIAL_FORCES,
         r.MADINAH, q.DIPLOMA, 10, 20, 32, True, None, "", ""),
    ]
    return [OpeningEntry(number, title_ar, title_en, sector, region, qualification,
                         today + timedelta(days=days), low, high, saudi, gender, cond_ar,
                         cond_en)
            for (number, title_ar, title_en, sector, region, qualification, days, low, high,
                 saudi, gender, cond_ar, cond_en) in rows]


def seed_demo(session: Session, today: date) -> int:
    """The demo openings, once (nothing if any is recorded): how many added."""
    if session.scalar(select(JobOpening.id).limit(1)) is not None:
        return 0
    entries = demo_entries(today)
    import_openings(session, entries)
    return len(entries)


# --- reading ------------------------------------------------------------------------------


def opening_numbered(session: Session, number: str) -> JobOpening | None:
    if not _NUMBER.fullmatch(number or ""):
        return None  # never sent to the database
    return session.scalars(select(JobOpening).where(JobOpening.number == number)).first()
