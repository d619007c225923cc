"""A bank's daily statement against the payments recorded here: every difference, and
nothing changed.

The statement is CSV, UTF-8 (a byte-order mark is allowed), with the header line
``bill,amount,reference,time`` and one payment per line:

    bill       the 13-digit bill number (its check digit is checked)
    amount     whole halalas, digits only: 15000 is 150.00 SAR (no decimals, so no
               rounding: the bank's figure is compared exactly)
    reference  the bank's reference of the payment (1 to 40 of A-Z a-z 0-9 . _ : / -)
    time       when it was paid, ISO 8601 with its offset: 2026-12-04T10:15:00+03:00

The days compared are the Riyadh days (UTC+3, no daylight saving) from the earliest to the
latest time in the statement, or the one day asked for. Reported:

- paid here through this bank in those days but not in the statement;
- in the statement but not paid here (unknown, unpaid, expired, cancelled, or paid here
  through another bank);
- amounts that differ, references that differ;
- duplicate lines (a bill, or a reference, on more than one line);
- bad lines, each named by its line number and column.

Memory stays bounded whatever the statement's size: lines are read one at a time (each at
most MAX_LINE bytes) into a scratch SQLite file in a temporary directory, then compared
with the database in chunks. The database is only read, in one read-only transaction
(READ ONLY, REPEATABLE READ on PostgreSQL; query_only on SQLite): one consistent view, and
no way to change anything.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from absher_web.models.bills import Bill
from absher_web.services.bills import NUMBER_DIGITS, is_valid_number

HEADER = ("bill", "amount", "reference", "time")
RIYADH = timezone(timedelta(hours=3), "Asia/Riyadh")
MAX_LINE = 4096  # bytes; a longer line is a bad line, skipped without being held
MAX_AMOUNT_DIGITS = 10
REFERENCE = re.compile(r"[A-Za-z0-9._:/-]{1,40}")
CHUNK = 500

# The kinds of difference, in the order the report gives them.
KINDS = {
    "missing": "Paid here but not in the statement",
    "unknown": "In the statement but not paid here",
    "amount": "Amounts that differ",
    "reference": "References that differ",
    "duplicate": "Duplicate lines",
    "outside": "Lines outside the day asked for",
    "bad": "Bad lines",
}


class Unreadable(Exception):
    """The file is not a statement that can be read at all (exit status 2)."""


@dataclass
class Report:
    bank: str
    first_day: date | None = None
    last_day: date | None = None
    lines: int = 0  # payment lines read (not the header, not blank lines)
    good: int = 0
    paid_here: int = 0  # payments here through this bank in those days
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def differences(self) -> int:
        return sum(self.counts.values())


# --- reading the file ------------------------------------------------------------------------

def raw_lines(path: Path) -> Iterator[tuple[int, bytes | None]]:
    """(line number, the line's bytes without its end), None for a line over MAX_LINE."""
    try:
        file = path.open("rb")
    except OSError as error:
        raise Unreadable(f"{path}: {error.strerror or error}") from None
    with file:
        number = 0
        while True:
            try:
                raw = file.readline(MAX_LINE + 1)
            except OSError as error:
                raise Unreadable(f"{path}: {error.strerror or error}") from None
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # the rest of the long line
                    raw = file.readline(64 * 1024)
                yield number, None
                continue
            yield number, raw.rstrip(b"\r\n")


def fields(raw: bytes) -> list[str] | str:
    """The line's fields, or why it cannot be read."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"not UTF-8 text (byte {error.start + 1})"
    if "\x00" in line:
        return f"a NUL character (character {line.index(chr(0)) + 1})"
    try:
        return next(csv.reader([line], strict=True), [])
    except csv.Error as error:
        return f"not CSV ({error})"


def parse_time(value: str) -> datetime | None:
    if not value.isascii() or not 10 <= len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def check(cells: list[str]) -> tuple[tuple[str, int, str, datetime] | None, str]:
    """A payment line's values, or (None, what is wrong with it, column named)."""
    if len(cells) != len(HEADER):
        return None, f"{len(cells)} columns, expected {len(HEADER)} ({','.join(HEADER)})"
    bill, amount, reference, when = (cell.strip() for cell in cells)
    if not is_valid_number(bill):
        return None, (f"column bill: {shown(bill)} is not a bill number ({NUMBER_DIGITS + 1} "
                      "digits, the last a check digit)")
    if not (amount.isascii() and amount.isdigit() and len(amount) <= MAX_AMOUNT_DIGITS
            and int(amount) > 0):
        return None, f"column amount: {shown(amount)} is not a whole number of halalas"
    if not REFERENCE.fullmatch(reference):
        return None, (f"column reference: {shown(reference)} is not a bank reference (1 to "
                      "40 letters, digits and . _ : / -)")
    moment = parse_time(when)
    if moment is None:
        return None, (f"column time: {shown(when)} is not a time with its offset "
                      "(2026-12-04T10:15:00+03:00)")
    return (bill, int(amount), reference, moment), ""


def shown(value: str) -> str:
    """A value as the report quotes it: short, and nothing that could disturb a terminal."""
    cut = value[:40] + ("…" if len(value) > 40 else "")
    return repr(cut) if cut.isprintable() else ascii(cut)


def riyadh_day(moment: datetime) -> date:
    return moment.astimezone(RIYADH).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), RIYADH).astimezone(UTC)


# --- the scratch store ---------------------------------------------------------------------------

@contextmanager
def scratch() -> Iterator[sqlite3.Connection]:
    with tempfile.TemporaryDirectory(prefix="absher-reconcile-") as folder:
        store = sqlite3.connect(Path(folder) / "statement.sqlite3")
        try:
            store.executescript("""
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
                CREATE TABLE lines (line INTEGER PRIMARY KEY, bill TEXT, amount INTEGER,
                                    reference TEXT, paid_at TEXT);
                CREATE INDEX lines_bill ON lines (bill, line);
                CREATE INDEX lines_reference ON lines (reference, line);
                CREATE TABLE found (kind TEXT, line INTEGER, detail TEXT);
                CREATE INDEX found_kind ON found (kind, line);
            """)
            yield store
        finally:
            store.close()


def note(store: sqlite3.Connection, report: Report, kind: str, line: int, detail: str) -> None:
    report.counts[kind] += 1
    store.execute("INSERT INTO found VALUES (?, ?, ?)", (kind, line, detail))


def load(store: sqlite3.Connection, path: Path, report: Report) -> tuple[datetime, datetime]:
    """Read every line into the scratch store; the earliest and latest payment times."""
    lines = raw_lines(path)
    header = next(lines, None)
    header_cells = fields(header[1].removeprefix(b"\xef\xbb\xbf")) if header and header[1] \
        else None
    if not isinstance(header_cells, list) or \
            tuple(cell.strip().lower() for cell in header_cells) != HEADER:
        raise Unreadable(f"{path}: the first line must be the header {','.join(HEADER)}")
    earliest = latest = None
    for number, raw in lines:
        if raw is not None and not raw.strip():
            continue  # a blank line (often the last)
        report.lines += 1
        if raw is None:
            note(store, report, "bad", number, f"line {number}: longer than {MAX_LINE} bytes")
            continue
        cells = fields(raw)
        values, problem = check(cells) if isinstance(cells, list) else (None, cells)
        if values is None:
            joint = ", " if problem.startswith("column ") else ": "
            note(store, report, "bad", number, f"line {number}{joint}{problem}")
            continue
        bill, amount, reference, moment = values
        report.good += 1
        utc = moment.astimezone(UTC)
        earliest = utc if earliest is None or utc < earliest else earliest
        latest = utc if latest is None or utc > latest else latest
        store.execute("INSERT INTO lines VALUES (?, ?, ?, ?, ?)",
                      (number, bill, amount, reference, utc.isoformat()))
    store.commit()
    return earliest, latest


def find_duplicates(store: sqlite3.Connection, report: Report) -> None:
    """A bill on a second line; a reference a second bill's line carries too."""
    for column, other, what in (("bill", "1 = 1", "bill"),
                                ("reference", "first.bill <> later.bill", "reference")):
        rows = store.execute(f"""
            SELECT later.line, later.{column}, MIN(first.line) FROM lines AS later
            JOIN lines AS first ON first.{column} = later.{column} AND first.line < later.line
                                   AND {other}
            GROUP BY later.line ORDER BY later.line""")  # noqa: S608 (fixed names)
        for line, value, first in rows:  # written to another table as it is read
            note(store, report, "duplicate", line,
                 f"line {line}: {what} {value} again (first on line {first})")


# --- the comparison ------------------------------------------------------------------------------

@contextmanager
def read_only(begin: Callable[[], object]) -> Iterator[Session]:
    """One transaction that cannot write: a consistent view of the payments."""
    with begin() as session:
        if session.bind.dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            yield session
            return
        # SQLite: this connection refuses writes until it is given back. Set and reset on
        # the driver's connection itself, so the reset happens even after a failed statement
        # ended the session's transaction.
        raw = session.connection().connection.dbapi_connection
        raw.execute("PRAGMA query_only = ON")
        try:
            yield session
        finally:
            raw.execute("PRAGMA query_only = OFF")


def compare_lines(session: Session, store: sqlite3.Connection, report: Report,
                  start: datetime, end: datetime, checking_day: bool) -> None:
    """Each bill's first line in the statement against the bill here."""
    last = 0
    while True:
        chunk = store.execute(
            "SELECT line, bill, amount, reference, paid_at FROM lines WHERE line > ? AND "
            "line = (SELECT MIN(line) FROM lines AS first WHERE first.bill = lines.bill) "
            "ORDER BY line LIMIT ?", (last, CHUNK)).fetchall()
        if not chunk:
            return
        last = chunk[-1][0]
        here = {bill.number: bill for bill in session.execute(
            select(Bill.number, Bill.amount, Bill.bank_code, Bill.bank_reference, Bill.paid_at,
                   Bill.status).where(Bill.number.in_([row[1] for row in chunk])))}
        for line, number, amount, reference, paid_at in chunk:
            moment = datetime.fromisoformat(paid_at)
            if checking_day and not start <= moment < end:
                note(store, report, "outside", line,
                     f"line {line}: bill {number} paid {riyadh(moment)}, not on the day asked")
            bill = here.get(number)
            if bill is None or bill.paid_at is None:
                status = "unknown here" if bill is None else f"{bill.status.value} here"
                note(store, report, "unknown", line, f"line {line}: bill {number}: {status}")
            elif bill.bank_code != report.bank:
                note(store, report, "unknown", line,
                     f"line {line}: bill {number}: paid here through {bill.bank_code}")
            else:
                if bill.amount != amount:
                    note(store, report, "amount", line,
                         f"line {line}: bill {number}: {amount} halalas in the statement, "
                         f"{bill.amount} here")
                if bill.bank_reference != reference:
                    note(store, report, "reference", line,
                         f"line {line}: bill {number}: {reference} in the statement, "
                         f"{bill.bank_reference} here")


def find_missing(session: Session, store: sqlite3.Connection, report: Report,
                 start: datetime, end: datetime) -> None:
    """Payments here through this bank in those days that no line names."""
    query = (select(Bill.number, Bill.amount, Bill.bank_reference, Bill.paid_at)
             .where(Bill.bank_code == report.bank, Bill.paid_at >= start, Bill.paid_at < end)
             .order_by(Bill.paid_at, Bill.id).execution_options(yield_per=CHUNK))
    batch: list = []
    for row in session.execute(query):
        report.paid_here += 1
        batch.append(row)
        if len(batch) == CHUNK:
            missing_of(store, report, batch)
            batch = []
    missing_of(store, report, batch)


def missing_of(store: sqlite3.Connection, report: Report, batch: list) -> None:
    if not batch:
        return
    numbers = [row.number for row in batch]
    seen = {found for (found,) in store.execute(
        f"SELECT bill FROM lines WHERE bill IN ({','.join('?' * len(numbers))})",  # noqa: S608
        numbers)}
    for row in batch:
        if row.number not in seen:
            note(store, report, "missing", 0,
                 f"bill {row.number}: {row.amount} halalas, reference {row.bank_reference}, "
                 f"paid {riyadh(row.paid_at)}")


def riyadh(moment: datetime) -> str:
    return moment.astimezone(RIYADH).strftime("%Y-%m-%d %H:%M Riyadh")


def reconcile(begin: Callable[[], object], path: Path, bank: str,
              show: Callable[[str], None], day: date | None = None) -> Report:
    """Compare the statement with the payments here and ``show`` the report line by line
    (read from the scratch store: memory stays bounded); raises Unreadable."""
    report = Report(bank=bank)
    with scratch() as store:
        earliest, latest = load(store, path, report)
        if day is not None:
            report.first_day = report.last_day = day
        elif earliest is None:
            raise Unreadable(f"{path}: no payment line to take the day from: give --day")
        else:
            report.first_day, report.last_day = riyadh_day(earliest), riyadh_day(latest)
        start = day_start(report.first_day)
        end = day_start(report.last_day + timedelta(days=1))
        find_duplicates(store, report)
        with read_only(begin) as session:
            compare_lines(session, store, report, start, end, checking_day=day is not None)
            find_missing(session, store, report, start, end)
        store.commit()
        write_report(store, report, path, show)
    return report


def write_report(store: sqlite3.Connection, report: Report, path: Path,
                 show: Callable[[str], None]) -> None:
    days = (f"{report.first_day}" if report.first_day == report.last_day
            else f"{report.first_day} to {report.last_day}")
    show(f"Statement {path.name} of bank {report.bank}, Riyadh day(s) {days}.")
    show(f"{report.lines} payment line(s) read, {report.good} readable; "
         f"{report.paid_here} payment(s) recorded here through {report.bank} in those days.")
    for kind, title in KINDS.items():
        if not report.counts[kind]:
            continue
        show("")
        show(f"{title} ({report.counts[kind]}):")
        for (detail,) in store.execute(
                "SELECT detail FROM found WHERE kind = ? ORDER BY line, rowid", (kind,)):
            show(f"  {detail}")
    show("")
    if report.differences:
        show(f"{report.differences} difference(s). Nothing was changed.")
    else:
        show("No differences. Nothing was changed.")
