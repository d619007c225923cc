"""Family in the civil registry: marriages, parents, custody and hospitals' birth
notifications (`flask absher import family FILE`; the demo's are in family_demo.py).

One CSV file holds the four kinds of record, one a row, named by its ``record`` column;
each kind uses the columns below and leaves the others empty:

    record    person_id    other_id   relation        sex          date        others
    marriage  the husband  the wife                                married on  ended_on, ended_by
    parent    the parent   the child  father, mother  the child's
    custody   the custodian the child                              since
    birth     the father   the mother                 the baby's   born on     notification_number,
                                                                               hospital

Everyone named must already be in the civil registry. This module is the only code that
writes to these tables; the readers services call are at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, literal, null, select, type_coerce, union_all
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, csv_source, storing
from absher_web.agencies.csv_source import ImportResult
from absher_web.dates import local_today
from absher_web.identity import is_valid_national_id, normalise_digits, normalise_digits_only
from absher_web.models import (
    BirthNotification,
    Custody,
    Marriage,
    MarriageEnd,
    ParentLink,
    ParentRole,
    Sex,
)

HEADER = ("record", "person_id", "other_id", "relation", "sex", "date", "ended_on",
          "ended_by", "notification_number", "hospital")
HOSPITAL_MAX = 200
_NOTIFICATION_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{3,19}")


@dataclass(frozen=True, slots=True)
class MarriageEntry:
    husband_id: str
    wife_id: str
    married_on: date
    ended_on: date | None = None
    ended_by: MarriageEnd | None = None


@dataclass(frozen=True, slots=True)
class ParentEntry:
    parent_id: str
    child_id: str
    relation: ParentRole
    child_sex: Sex


@dataclass(frozen=True, slots=True)
class CustodyEntry:
    custodian_id: str
    child_id: str
    since: date


@dataclass(frozen=True, slots=True)
class BirthEntry:
    number: str
    father_id: str
    mother_id: str
    hospital: str
    birth_date: date
    sex: Sex


FamilyEntry = MarriageEntry | ParentEntry | CustodyEntry | BirthEntry

# For each kind of record: what person_id and other_id are, and the columns it uses.
_KINDS: dict[str, tuple[str, str, frozenset[str]]] = {
    "marriage": ("the husband", "the wife", frozenset({"date", "ended_on", "ended_by"})),
    "parent": ("the parent", "the child", frozenset({"relation", "sex"})),
    "custody": ("the custodian", "the child", frozenset({"date"})),
    "birth": ("the father", "the mother",
              frozenset({"sex", "date", "notification_number", "hospital"})),
}
_SHARED = frozenset({"record", "person_id", "other_id"})


def _person(column: str, role: str, raw: dict[str, str], problems: list[str]) -> str:
    value = normalise_digits(raw[column])
    if not value:
        problems.append(f"{column} ({role}) is empty")
    elif not is_valid_national_id(value):
        problems.append(f"{column} ({role}) {raw[column].strip()!r} is not a valid ID or "
                        "iqama number")
    return value


def _choice(column: str, raw: dict[str, str], choices: type, problems: list[str]):  # noqa: ANN202
    value = raw[column].strip().lower()
    try:
        return choices(value)
    except ValueError:
        problems.append(f"{column} {raw[column].strip()!r} is not one of: "
                        f"{', '.join(c.value for c in choices)}")
        return None


def _past_date(column: str, raw: dict[str, str], problems: list[str], today: date,
               required: bool = True) -> date | None:
    value = csv_source.iso_date(column, raw[column], problems, required)
    if value is not None and value > today:
        problems.append(f"{column} {value.isoformat()} is in the future")
    return value


def parse_row(raw: dict[str, str], today: date | None = None
              ) -> tuple[FamilyEntry | None, list[str]]:
    """One CSV row as a record of its kind, or every reason it is not one."""
    today = today or local_today()
    kind = raw["record"].strip().lower()
    if kind not in _KINDS:
        return None, [f"record {raw['record'].strip()!r} is not one of: {', '.join(_KINDS)}"]
    first_role, second_role, used = _KINDS[kind]
    problems = [f"{column} is only for other records: leave it empty" for column in HEADER
                if column not in used | _SHARED and raw[column].strip()]
    first = _person("person_id", first_role, raw, problems)
    second = _person("other_id", second_role, raw, problems)
    if first and first == second:
        problems.append("person_id and other_id are the same person")
    if kind == "marriage":
        return _marriage(first, second, raw, problems, today)
    if kind == "parent":
        relation = _choice("relation", raw, ParentRole, problems)
        sex = _choice("sex", raw, Sex, problems)
        if problems:
            return None, problems
        return ParentEntry(first, second, relation, sex), []
    if kind == "custody":
        since = _past_date("date", raw, problems, today)
        if problems:
            return None, problems
        return CustodyEntry(first, second, since), []
    return _birth(first, second, raw, problems, today)


def _marriage(husband: str, wife: str, raw: dict[str, str], problems: list[str],
              today: date) -> tuple[MarriageEntry | None, list[str]]:
    married_on = _past_date("date", raw, problems, today)
    ended_on = _past_date("ended_on", raw, problems, today, required=False)
    ended_by = _choice("ended_by", raw, MarriageEnd, problems) if raw["ended_by"].strip() \
        else None
    if bool(raw["ended_on"].strip()) != bool(raw["ended_by"].strip()):
        problems.append("ended_on and ended_by go together")
    if married_on and ended_on and ended_on < married_on:
        problems.append("ended_on is before date (the day of the marriage)")
    if problems:
        return None, problems
    return MarriageEntry(husband, wife, married_on, ended_on, ended_by), []


def _birth(father: str, mother: str, raw: dict[str, str], problems: list[str],
           today: date) -> tuple[BirthEntry | None, list[str]]:
    number = normalise_digits_only(raw["notification_number"]).strip().upper()
    if not number:
        problems.append("notification_number is empty")
    elif not _NOTIFICATION_NUMBER.fullmatch(number):
        problems.append(f"notification_number {raw['notification_number'].strip()!r} is not "
                        "4 to 20 Latin letters, digits and hyphens")
    hospital = csv_source.text("hospital", raw["hospital"], HOSPITAL_MAX, problems)
    born = _past_date("date", raw, problems, today)
    sex = _choice("sex", raw, Sex, problems)
    if problems:
        return None, problems
    return BirthEntry(number, father, mother, hospital, born, sex), []


def key(entry: FamilyEntry) -> str:
    """What may appear once in a file (and is one row in the database)."""
    if isinstance(entry, MarriageEntry):
        return f"marriage:{entry.husband_id}:{entry.wife_id}:{entry.married_on.isoformat()}"
    if isinstance(entry, ParentEntry):
        return f"parent:{entry.child_id}:{entry.relation.value}"
    if isinstance(entry, CustodyEntry):
        return f"custody:{entry.child_id}"
    return f"birth:{entry.number}"


def key_label(entry: FamilyEntry) -> str:
    if isinstance(entry, MarriageEntry):
        return (f"the marriage of {entry.husband_id} and {entry.wife_id} on "
                f"{entry.married_on.isoformat()}")
    if isinstance(entry, ParentEntry):
        return f"the {entry.relation.value} of child {entry.child_id}"
    if isinstance(entry, CustodyEntry):
        return f"the custody of child {entry.child_id}"
    return f"notification_number {entry.number}"


def _people_of(entry: FamilyEntry) -> tuple[tuple[str, str], ...]:
    if isinstance(entry, MarriageEntry):
        return ("person_id", entry.husband_id), ("other_id", entry.wife_id)
    if isinstance(entry, ParentEntry):
        return ("person_id", entry.parent_id), ("other_id", entry.child_id)
    if isinstance(entry, CustodyEntry):
        return ("person_id", entry.custodian_id), ("other_id", entry.child_id)
    return ("person_id", entry.father_id), ("other_id", entry.mother_id)


def _refusals(entry: FamilyEntry, people: dict) -> list[str]:
    problems = [f"{column} not in the civil registry: {national_id}"
                for column, national_id in _people_of(entry) if national_id not in people]
    if problems:
        return problems
    if isinstance(entry, ParentEntry) and (
            people[entry.parent_id].birth_date >= people[entry.child_id].birth_date):
        problems.append("person_id (the parent) was not born before other_id (the child)")
    if isinstance(entry, MarriageEntry) and entry.married_on < max(
            people[entry.husband_id].birth_date, people[entry.wife_id].birth_date):
        problems.append("date (the day of the marriage) is before a spouse's birth")
    return problems


# Each kind of record's table, by its natural key (a unique column or constraint).
_TABLES = ((MarriageEntry, (Marriage.husband_id, Marriage.wife_id, Marriage.married_on)),
           (ParentEntry, (ParentLink.child_id, ParentLink.relation)),
           (CustodyEntry, Custody.child_id),
           (BirthEntry, BirthNotification.number))


def store_family(session: Session, entries: list[FamilyEntry]) -> csv_source.Stored:
    """Adds new records and corrects known ones (a marriage's end, a child's other
    parent); refuses a record naming someone the civil registry does not hold."""
    people = civil_registry.stored_people(
        session, (national_id for e in entries for _, national_id in _people_of(e)))
    refused = {index: problems for index, entry in enumerate(entries)
               if (problems := _refusals(entry, people))}
    accepted = [entry for index, entry in enumerate(entries) if index not in refused]
    result = ImportResult()
    for kind, natural_key in _TABLES:
        result += storing.upsert(session, natural_key, {
            key(e): storing.values_of(e) for e in accepted if isinstance(e, kind)})
    return csv_source.Stored(result, refused)


SOURCE = csv_source.Source(
    name="family", noun="family records", header=HEADER, parse=parse_row, key=key,
    key_label=key_label, store=store_family)


def import_family(session: Session, entries: list[FamilyEntry]) -> ImportResult:
    """Store records made in code (the demo's); ValueError if any is refused."""
    return csv_source.store_all(session, SOURCE, entries)


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relatives:
    """The registry's links from one person (relatives_of), each list in the order the
    links were recorded."""

    wives: list[str]  # current marriages, the person the husband
    husbands: list[str]  # current marriages, the person the wife
    children: list[tuple[str, Sex]]
    in_custody: list[str]  # children whose custody is recorded with the person
    parents: list[tuple[str, ParentRole]]


def relatives_of(session: Session, national_id: str) -> Relatives:
    """The person's current spouses, children, children in their custody and parents, in
    one statement: five index lookups, one round trip (each page that lists a family
    starts here)."""
    nothing = type_coerce(null(), String)
    rows = session.execute(union_all(
        select(literal("wife"), Marriage.wife_id, nothing, Marriage.id).where(
            Marriage.husband_id == national_id, Marriage.ended_on.is_(None)),
        select(literal("husband"), Marriage.husband_id, nothing, Marriage.id).where(
            Marriage.wife_id == national_id, Marriage.ended_on.is_(None)),
        # Enums as their stored values: each branch's third column is text.
        select(literal("child"), ParentLink.child_id, cast(ParentLink.child_sex, String),
               ParentLink.id).where(ParentLink.parent_id == national_id),
        select(literal("custody"), Custody.child_id, nothing, Custody.id).where(
            Custody.custodian_id == national_id),
        select(literal("parent"), ParentLink.parent_id, cast(ParentLink.relation, String),
               ParentLink.id).where(ParentLink.child_id == national_id),
    )).all()
    by_kind: dict[str, list[tuple[str, str | None]]] = {}
    for what, other_id, detail, _row_id in sorted(rows, key=lambda row: row[3]):
        by_kind.setdefault(what, []).append((other_id, detail))
    return Relatives(
        wives=[wife for wife, _ in by_kind.get("wife", [])],
        husbands=[husband for husband, _ in by_kind.get("husband", [])],
        children=[(child, Sex(sex)) for child, sex in by_kind.get("child", [])],
        in_custody=[child for child, _ in by_kind.get("custody", [])],
        parents=[(parent, ParentRole(role)) for parent, role in by_kind.get("parent", [])])


def marriages_of(session: Session, national_id: str) -> list[Marriage]:
    """Every marriage the person is or was in, the latest first."""
    return list(session.scalars(
        select(Marriage).where((Marriage.husband_id == national_id)
                               | (Marriage.wife_id == national_id))
        .order_by(Marriage.married_on.desc(), Marriage.id.desc())))


def children_of(session: Session, national_id: str) -> list[ParentLink]:
    """The person's links to their children."""
    return list(session.scalars(select(ParentLink).where(ParentLink.parent_id == national_id)
                                .order_by(ParentLink.id)))


def parents_of(session: Session, national_id: str) -> list[ParentLink]:
    """The person's links to their father and mother (those recorded)."""
    return list(session.scalars(select(ParentLink).where(ParentLink.child_id == national_id)
                                .order_by(ParentLink.relation)))


def custody_of(session: Session, child_id: str) -> Custody | None:
    return session.scalars(select(Custody).where(Custody.child_id == child_id)).first()


def custodies_held_by(session: Session, custodian_id: str) -> list[Custody]:
    """The custodies recorded with the person."""
    return list(session.scalars(select(Custody).where(Custody.custodian_id == custodian_id)
                                .order_by(Custody.id)))


def birth_notifications_for(session: Session, father_id: str) -> list[BirthNotification]:
    """The births hospitals notified that name the person as the father, newest first."""
    return list(session.scalars(
        select(BirthNotification).where(BirthNotification.father_id == father_id)
        .order_by(BirthNotification.birth_date.desc(), BirthNotification.id.desc())))
