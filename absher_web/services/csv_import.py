"""Reading an agency's CSV file: the header checked, each row numbered by its line.

The registry imports (vehicles, sponsorships) use it the way services/registry.py reads
the civil registry: a file with any bad row imports nothing, and each bad row is one
"row N: reason" line, N being the line the row starts on (the header is line 1).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from absher_web.identity import normalise_digits_only

T = TypeVar("T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_csv(text_stream: Iterable[str], header: tuple[str, ...],
             parse: Callable[[dict[str, str]], tuple[T | None, list[str]]],
             key: Callable[[T], object], optional: tuple[str, ...] = ()
             ) -> tuple[list[T], list[str]]:
    """(records, errors); the records are usable only when there are no errors.

    ``parse`` turns one row (column -> text) into a record or its problems; ``key``
    names what must not appear twice in one file. Columns in ``optional`` (added to a
    format later) may be left out of the file together; they then read as empty.
    """
    reader = csv.reader(text_stream, strict=True)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        return [], [f"row 1: not valid CSV ({exc})"]
    if first and first[0].startswith("\ufeff"):
        first[0] = first[0][1:]
    full = header + optional
    if first is None or tuple(first) not in (header, full):
        return [], [f"row 1: the header must be exactly: {','.join(full)}"
                    + (f" (or without {','.join(optional)})" if optional else "")]
    columns = tuple(first)
    missing = dict.fromkeys(full[len(columns):], "")
    records: list[T] = []
    errors: list[str] = []
    first_line_of: dict[object, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"row {line}: not valid CSV ({exc})")
            break
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(columns):
            errors.append(f"row {line}: expected {len(columns)} fields, found {len(values)}")
            continue
        record, problems = parse({**dict(zip(columns, values, strict=True)), **missing})
        if record is not None:
            earlier = first_line_of.setdefault(key(record), line)
            if earlier != line:
                problems = [*problems, f"the same record already appears on row {earlier}"]
        if problems:
            errors.append(f"row {line}: {'; '.join(problems)}")
        elif record is not None:
            records.append(record)
    return records, errors


def clean_text(value: str) -> str:
    """One form of the text: NFC, single spaces (spreadsheets leave doubled ones)."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def text(column: str, value: str, limit: int, problems: list[str],
         required: bool = True) -> str:
    value = clean_text(value)
    if not value and required:
        problems.append(f"{column} is empty")
    elif len(value) > limit:
        problems.append(f"{column} is longer than {limit} characters")
    elif any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value):
        problems.append(f"{column} holds control or formatting characters")
    return value


def iso_date(column: str, value: str, problems: list[str], required: bool = True
             ) -> date | None:
    value = normalise_digits_only(value.strip())
    if not value:
        if required:
            problems.append(f"{column} is empty")
        return None
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{column} {value!r} is not a date in the form yyyy-mm-dd")
    return None


def whole_number(column: str, value: str, low: int, high: int, problems: list[str]) -> int:
    value = normalise_digits_only(value.strip())
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        problems.append(f"{column} {value!r} is not a whole number from {low} to {high}")
        return low
    return int(value)


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int

    @property
    def total(self) -> int:
        return self.added + self.updated


def store(session: Session, model: type, entries: Iterable, stored: Mapping,
          key: Callable[[object], object]) -> ImportResult:
    """Adds each entry as a new ``model`` row, or overwrites the row ``stored`` holds under
    its ``key``; each entry's slots are the row's columns."""
    added = updated = 0
    for entry in entries:
        values = {name: getattr(entry, name) for name in type(entry).__slots__}
        row = stored.get(key(entry))
        if row is None:
            session.add(model(**values))
            added += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            updated += 1
    session.flush()
    return ImportResult(added, updated)
