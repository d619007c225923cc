"""Importing a government source's CSV file: streamed in batches, all or nothing.

Every source (agencies/civil_registry.py, traffic.py, sponsorship.py) describes itself
with a `Source`: its header, how one row becomes a typed record or the problems that
name its columns, and how a batch of records is checked against the database and
stored (agencies/storing.py). `import_csv` reads the file with the csv module one batch
at a time, so memory stays bounded whatever the file's size: a batch looks up only the
stored rows it needs, and the keys already seen (a record may appear once per file) wait
in a temporary SQLite file, not in memory. Each bad row is one "row N: reason" line, N
being the line the row starts on (the header is line 1). A file with any bad row stores
nothing, unless the operator asks to skip bad rows.

Skipping bad rows, an import commits each batch with its `Checkpoint` (models/imports.py),
so a failure (a crash, the database restarting) loses at most the batch under way and the
same command resumes after the last line stored. Without skipping, a file is one
transaction: a failure stores nothing and the same command starts over. Either way rows
are keyed on their natural key, so a row stored twice is updated, never duplicated.

A national file can be imported in parts, one command a core (`--part K/N`, a `Part`):
each command reads the whole file but parses and stores only the rows whose key falls in
its part. A key is read from the row's text before parsing (`Source.raw_key`), so every
row with the same key lands in the same part, where "already appears on row N" still
finds it, and each part keeps its own checkpoint.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from absher_web.agencies.storing import ImportResult, in_chunks
from absher_web.identity import normalise_digits, normalise_digits_only
from absher_web.models import ImportCheckpoint

T = TypeVar("T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Rows read, checked and stored together: large enough for few queries, small enough
# that a batch's records and stored rows weigh a few megabytes.
BATCH = 2000


@dataclass(frozen=True)
class Stored:
    """What storing a batch did, the records the database refused, by their index in the
    batch (an owner not in the civil registry, a plate not in the vehicles), and the stored
    rows the batch gave to someone else (a vehicle's new owner, a person's new sponsor)."""

    result: ImportResult
    refused: dict[int, list[str]] = field(default_factory=dict)
    moved: list[object] = field(default_factory=list)


@dataclass(frozen=True)
class Source(Generic[T]):
    """One CSV format of a government source (`flask absher import <name> FILE`)."""

    name: str
    noun: str  # what a row is, for the operator: "people", "vehicles"
    header: tuple[str, ...]
    parse: Callable[[dict[str, str]], tuple[T | None, list[str]]]
    key: Callable[[T], str]  # what may appear once in a file, as stored text
    key_label: Callable[[T], str]  # the same, as a row error names it
    store: Callable[[Session, list[T]], Stored]
    # Columns added to a format later: a file may leave them out together.
    optional: tuple[str, ...] = ()
    # The key read straight from a row's text (column -> text), before any check: equal
    # to ``key`` of every row that parses. A source that has one can be imported in parts.
    raw_key: Callable[[dict[str, str]], str] | None = None

    def header_problem(self) -> str:
        full = self.header + self.optional
        return (f"row 1: the header must be exactly: {','.join(full)}"
                + (f" (or without {','.join(self.optional)})" if self.optional else ""))


def id_key(column: str) -> Callable[[dict[str, str]], str]:
    """``raw_key`` of a source keyed on the ID or iqama number in ``column``, read the way
    its parser reads it."""
    return lambda raw: normalise_digits(raw[column])


def code_key(column: str) -> Callable[[dict[str, str]], str]:
    """``raw_key`` and reading of a key of Latin letters and digits in ``column`` (a
    licence's or a job opening's number)."""
    return lambda raw: normalise_digits_only(raw[column]).strip().upper()


# Parts a file may be split into: more would only wait on each other for the disk and
# the database.
MAX_PARTS = 64


@dataclass(frozen=True)
class Part:
    """Part ``number`` of ``count`` of a file (`--part K/N`): the rows whose key's CRC-32
    leaves ``number - 1`` over ``count``, so the parts together hold each row once and a
    key always falls in the same part, whichever file or run it comes from."""

    number: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Part:
        """"K/N" as typed by an operator; ValueError saying what is wrong."""
        number, slash, count = text.strip().partition("/")
        if (slash and number.isascii() and number.isdigit() and count.isascii()
                and count.isdigit() and 1 <= int(number) <= int(count) <= MAX_PARTS):
            return cls(int(number), int(count))
        raise ValueError(f"{text!r} is not K/N, part K of N parts, with 1 <= K <= N <= "
                         f"{MAX_PARTS}")

    def holds(self, key: str) -> bool:
        return zlib.crc32(key.encode()) % self.count == self.number - 1

    def holds_line(self, line: int) -> bool:
        """For a row too broken to have a key (a wrong number of fields): by its line, so
        exactly one part names it."""
        return line % self.count == self.number - 1

    def __str__(self) -> str:
        return f"{self.number}/{self.count}"


# Not frozen: a frozen dataclass sets each field through object.__setattr__, a cost paid
# on every row of the file.
@dataclass(slots=True)
class Row(Generic[T]):
    line: int
    record: T | None
    problems: list[str]
    ends_file: bool = False


def utf8_lines(binary_lines: Iterable[bytes]) -> Iterator[str]:
    """A file opened in binary mode, line by line as text, so a byte that is not UTF-8 is
    named by its line; the first line may start with the byte-order mark spreadsheets
    write."""
    lines = iter(binary_lines)
    for first in lines:
        yield first.decode("utf-8-sig")
        break
    for line in lines:
        yield line.decode("utf-8")


def _unreadable(line: int, error: Exception) -> Row:
    if isinstance(error, UnicodeDecodeError):
        reason = f"not UTF-8 text ({error.reason} at byte {error.start + 1} of the line)"
    else:
        reason = f"not valid CSV ({error})"
    return Row(line, None, [reason], ends_file=True)


def rows(text_stream: Iterable[str], source: Source[T], after_line: int = 0,
         part: Part | None = None) -> Iterator[Row[T]]:
    """Each row of the file as a record or its problems, one at a time (blank lines skipped),
    from the first row after ``after_line`` (the rows before it are read, not parsed); with
    a ``part``, only the rows it holds (the source must have a ``raw_key``).

    A wrong header or broken CSV ends the file: no later row can be read reliably.
    """
    reader = csv.reader(text_stream, strict=True)
    try:
        first = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        yield _unreadable(1, exc)
        return
    if first and first[0].startswith("\ufeff"):
        # A byte-order mark from Excel's "CSV UTF-8" is not part of the header.
        first[0] = first[0][1:]
    if first is None or tuple(first) not in (source.header, source.header + source.optional):
        yield Row(1, None, [source.header_problem().removeprefix("row 1: ")], ends_file=True)
        return
    columns = tuple(first)
    missing = dict.fromkeys((source.header + source.optional)[len(columns):], "")
    while True:
        # line_num counts physical lines read, so a quoted field spanning lines
        # still reports the line its row starts on.
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield _unreadable(line, exc)
            return
        if line <= after_line or not "".join(values).strip():
            continue  # stored by an earlier run; blank lines carry nothing
        if len(values) != len(columns):
            if part is None or part.holds_line(line):
                yield Row(line, None, [f"expected {len(columns)} fields, found {len(values)}"])
            continue
        raw = dict(zip(columns, values, strict=True))
        if missing:
            raw.update(missing)
        if part is not None and not part.holds(source.raw_key(raw)):
            continue
        record, problems = source.parse(raw)
        yield Row(line, record, problems)


class _SeenKeys:
    """The key and first line of every record read so far, in a temporary SQLite file
    (deleted when closed) rather than in memory: a million keys would weigh over 100 MB
    as Python strings."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private temporary file
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def first_lines(self, keyed: list[tuple[str, int]]) -> dict[str, int]:
        """Records each (key, line) not seen before; returns the first line of each key
        that was (earlier in the file or earlier in this list)."""
        earlier: dict[str, int] = {}
        for chunk in in_chunks({key for key, _ in keyed}):
            earlier.update(self._db.execute(
                f"SELECT key, line FROM seen WHERE key IN ({','.join('?' * len(chunk))})",
                chunk))
        new: dict[str, int] = {}
        repeated: dict[str, int] = {}
        for key, line in keyed:
            first = earlier.get(key, new.get(key))
            if first is None:
                new[key] = line
            else:
                repeated[key] = first
        self._db.executemany("INSERT INTO seen VALUES (?, ?)", new.items())
        return repeated

    def close(self) -> None:
        self._db.close()


class Checkpoint:
    """How far an import of one file got, saved with each batch it commits (the
    `import_checkpoints` row of this source and file, while the file is unfinished)."""

    def __init__(self, session: Session, source: str, path: Path) -> None:
        with path.open("rb") as stream:
            digest = hashlib.sha256(stream.read(2**20)).hexdigest()
        self._row = session.scalar(select(ImportCheckpoint).where(
            ImportCheckpoint.source == source, ImportCheckpoint.file_size == path.stat().st_size,
            ImportCheckpoint.file_digest == digest)) or ImportCheckpoint(
                source=source, file_size=path.stat().st_size, file_digest=digest, line=1,
                added=0, updated=0, unchanged=0, skipped=0)
        # The last line stored (1, the header, for a new file), kept apart from the row,
        # which a rollback expires.
        self.line: int = self._row.line

    @property
    def earlier(self) -> ImportResult:
        """What the earlier runs stored."""
        row = self._row
        return ImportResult(row.added, row.updated, row.unchanged, row.skipped)

    def save(self, session: Session, line: int, total: ImportResult) -> None:
        """Commits the batch that ended on ``line`` together with the checkpoint."""
        row = self._row
        row.line, row.added, row.updated = line, total.added, total.updated
        row.unchanged, row.skipped = total.unchanged, total.skipped
        session.add(row)
        session.commit()
        self.line = line

    def finish(self, session: Session) -> None:
        """The file is stored to its end: a later run imports it afresh."""
        if self._row.id is not None:
            session.delete(self._row)


def import_csv(session: Session, text_stream: Iterable[str], source: Source[T],
               report: Callable[[str], None],
               on_moved: Callable[[Session, list[object]], object] | None = None,
               checkpoint: Checkpoint | None = None, part: Part | None = None
               ) -> ImportResult:
    """Stores the file's records in ``session``; ``report`` gets one "row N: reason" line
    per bad row, in line order; ``on_moved`` the rows each batch gave to a new holder, in
    the same transaction (what was tied to the old one ends). Without a ``checkpoint``,
    all in one transaction, which the caller rolls back when ``ImportResult.keep`` says
    the records must not be kept. With one, each good batch is committed with it, from
    the line after the checkpoint's, and the result counts the earlier runs' rows too;
    the batch where the file breaks off is not stored. With a ``part``, only its rows."""
    total = checkpoint.earlier if checkpoint else ImportResult()
    seen = _SeenKeys()
    try:
        _tune(session)
        batches = iter(rows(text_stream, source, checkpoint.line if checkpoint else 0, part))
        while batch := list(islice(batches, BATCH)):
            done = _import_batch(session, batch, source, seen, report, on_moved)
            total += done
            if checkpoint is not None and not done.broken:
                checkpoint.save(session, batch[-1].line, total)
                _tune(session)
        if checkpoint is not None and not total.broken:
            checkpoint.finish(session)
    finally:
        seen.close()
    return total


def _tune(session: Session) -> None:
    """Settings for the import's transaction (each batch's, with a checkpoint)."""
    if session.get_bind().dialect.name == "postgresql":
        # The planner's statistics cannot count the rows this transaction has added, so
        # after the first batches into a new table it would scan the whole table for
        # each batch's keys; every lookup here is by an indexed key.
        session.execute(sql("SET LOCAL enable_seqscan = off"))
        # That setting makes every plan look costly enough to compile (JIT), which would
        # take longer than running it, batch after batch.
        session.execute(sql("SET LOCAL jit = off"))
        # A batch committed but lost in a crash is lost with its checkpoint: the same
        # command stores it again. The import need not wait for each commit's flush.
        session.execute(sql("SET LOCAL synchronous_commit = off"))


def _import_batch(session: Session, batch: list[Row[T]], source: Source[T], seen: _SeenKeys,
                  report: Callable[[str], None],
                  on_moved: Callable[[Session, list[object]], object] | None) -> ImportResult:
    parsed = [row for row in batch if row.record is not None]
    keys = [source.key(row.record) for row in parsed]
    repeated = seen.first_lines(list(zip(keys, (row.line for row in parsed), strict=True)))
    for row, key in zip(parsed, keys, strict=True):
        earlier = repeated.get(key)
        if earlier is not None and earlier != row.line:
            row.problems.append(f"{source.key_label(row.record)} already appears on row "
                                f"{earlier}")
    good = [row for row in parsed if not row.problems]
    stored = source.store(session, [row.record for row in good])
    if stored.moved and on_moved is not None:
        on_moved(session, stored.moved)
    for index, problems in stored.refused.items():
        good[index].problems.extend(problems)
    bad = [row for row in batch if row.problems]
    for row in bad:
        report(f"row {row.line}: {'; '.join(row.problems)}")
    return stored.result + ImportResult(skipped=len(bad),
                                        broken=any(row.ends_file for row in bad))


def read_all(text_stream: Iterable[str], source: Source[T]) -> tuple[list[T], list[str]]:
    """(records, errors) of a small file, without the database: the records are usable
    only when there are no errors."""
    records: list[T] = []
    errors: list[str] = []
    first_line_of: dict[str, int] = {}
    for row in rows(text_stream, source):
        if row.record is not None:
            earlier = first_line_of.setdefault(source.key(row.record), row.line)
            if earlier != row.line:
                row.problems.append(f"{source.key_label(row.record)} already appears on row "
                                    f"{earlier}")
        if row.problems:
            errors.append(f"row {row.line}: {'; '.join(row.problems)}")
        elif row.record is not None:
            records.append(row.record)
    return records, errors


def store_all(session: Session, source: Source[T], records: list[T]) -> ImportResult:
    """Stores records made in code (the demo data); ValueError, nothing flushed after it,
    when one appears twice or the database refuses one."""
    keys = [source.key(record) for record in records]
    if len(set(keys)) != len(keys):
        twice = next(record for record in records if keys.count(source.key(record)) > 1)
        raise ValueError(f"{source.key_label(twice)} appears more than once")
    total = ImportResult()
    for start in range(0, len(records), BATCH):
        stored = source.store(session, records[start:start + BATCH])
        if stored.refused:
            raise ValueError("; ".join(problem for problems in stored.refused.values()
                                       for problem in problems))
        total += stored.result
    return total


# --- reading one field ----------------------------------------------------------------

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
    # Printable text has no character of these categories: only the rest (a no-break
    # space, say) is looked at character by character.
    elif not value.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cf", "Cs")
                                         for ch in value):
        problems.append(f"{column} holds control or formatting characters")
    return value


def iso_date(column: str, value: str, problems: list[str], required: bool = True
             ) -> date | None:
    value = normalise_digits_only(value.strip())
    if not value:
        if required:
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


def whole_number(column: str, value: str, low: int, high: int, problems: list[str]) -> int:
    value = normalise_digits_only(value.strip())
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        problems.append(f"{column} {value!r} is not a whole number from {low} to {high}")
        return low
    return int(value)
