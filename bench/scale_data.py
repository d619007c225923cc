"""The national-scale database bench/scale.py measures: N holders and what they hold,
filled with COPY, the same every time.

    .venv/bin/python bench/scale_data.py --holders 200000 [--refill] [--drop]

For N holders (people in the registry, each with an account; holder i has account id i):

    vehicles          N/2   vehicle j owned by holder j
    traffic violations      one unpaid violation on each of the first VIOLATIONS vehicles
    bills             N/2   bill j is holder j's fee for that violation; the first
                            VIOLATIONS unpaid (a bank can pay them), the rest paid
    family links      N/4   holder k is the father of holder N-k+1
    sponsorships      N/10  holders 1..N/20 sponsor a visitor and a domestic worker each
    open requests     N/20  birth registrations waiting for a Civil Affairs officer, spread
                            over the registry's cities, at least QUEUE_FLOOR in each
    inbox messages    N/20  one for each of holders 1..N/20
    (sponsors and inbox messages: at least VISITORS, so small databases hold them too)

So holders with small numbers hold the same things in a database of 10^3 and of 2x10^7, and a
request timed in both does the same work. Every row follows from its number (no random
source), foreign keys hold by construction and are checked when they are put back.

The schema comes from the project's migrations; the filled tables' secondary indexes,
unique and foreign-key constraints are dropped for the COPY and built again after it (much
faster than keeping them up to date row by row), then ANALYZE. A database of a given size is
kept between runs under its own name (database_name) and reused when its marker row says the
fill finished with this FILL_VERSION; it is migrated again on reuse, so an index a later
migration adds lands on it. Change FILL_VERSION whenever what is filled changes.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import DATABASE_SERVER, fill_people_and_accounts, national_id  # noqa: E402

FILL_VERSION = 1
VIOLATIONS = 5000  # holders 1..VIOLATIONS have an unpaid violation and its unpaid bill
VISITORS = 200  # holders 1..VISITORS hold at least the same things at any N (N >= 1000)
QUEUE_FLOOR = 150  # open requests in each city's queue at the least, whatever N
REQUEST_SERVICE = "birth_registration"  # a Civil Affairs officer's queue
REQUEST_REASON = "name_not_listed"
# The registry's spelling of the cities whose offices have queues (civil_registry.CITY_NAMES).
CITIES = ("الرياض", "جدة", "مكة المكرمة", "المدينة المنورة", "الدمام", "الخبر", "الأحساء",
          "الطائف", "تبوك", "أبها", "بريدة", "حائل")
FILLED = ("people", "accounts", "vehicles", "traffic_violations", "bills", "parent_links",
          "sponsorships", "service_requests", "inbox_messages")
CHUNK = 20_000  # rows per write to the COPY stream
WHEN = "2026-01-01 00:00:00+00"


@dataclass(frozen=True)
class Shape:
    holders: int

    @property
    def vehicles(self) -> int:
        return self.holders // 2

    @property
    def violations(self) -> int:
        return min(self.vehicles, VIOLATIONS)

    @property
    def bills(self) -> int:
        return self.holders // 2

    @property
    def family_links(self) -> int:
        return self.holders // 4

    @property
    def sponsors(self) -> int:
        return max(self.holders // 20, VISITORS)

    @property
    def requests(self) -> int:
        return max(self.holders // 20, QUEUE_FLOOR * len(CITIES))

    @property
    def inbox(self) -> int:
        return max(self.holders // 20, VISITORS)


def database_name(holders: int) -> str:
    return f"absher_bench_scale_{holders}_v{FILL_VERSION}"


# --- numbers every row follows from ---------------------------------------------------------

def _with_luhn(body: str) -> str:
    from absher_web.identity import luhn_check_digit

    return body + luhn_check_digit(body)


def bill_number(j: int) -> str:
    """Bill j's 13 digits (services/bills.is_valid_number)."""
    return _with_luhn(str(10 ** 11 + j))


def request_number(k: int) -> str:
    return _with_luhn(str(10 ** 8 + k))


def violation_reference(j: int) -> str:
    return f"SV{j:010d}"


def sponsored_id(j: int, visitor: bool) -> str:
    """The border number (visitor) or iqama (domestic worker) of sponsorship j."""
    return f"3{j:09d}" if visitor else national_id(j, "2")


# --- the rows ---------------------------------------------------------------------------------

def _lines(count: int, line: Callable[[int], str]) -> Iterator[str]:
    """COPY text for rows 1..count, CHUNK rows at a time."""
    for start in range(1, count + 1, CHUNK):
        buffer = io.StringIO()
        for number in range(start, min(start + CHUNK, count + 1)):
            buffer.write(line(number))
        yield buffer.getvalue()


def vehicle_line(j: int) -> str:
    letters = "".join("ABDEGHJKLNRSTUVXZ"[j // 10_000 // 17 ** p % 17] for p in range(3))
    return (f"{j}\tSAU\t{letters}\t{j % 10_000}\tToyota\tCamry\t{2010 + j % 15}\twhite\t"
            f"{national_id(j)}\tTawuniya\t2027-06-30\t\\N\t\\N\tprivate\t2027-06-30\t"
            "2027-06-30\t\\N\n")


def violation_line(j: int) -> str:
    return f"{j}\t{violation_reference(j)}\t{j}\tspeeding\t300\t2026-03-01\tالرياض\tunpaid\n"


def bill_line(shape: Shape) -> Callable[[int], str]:
    def line(j: int) -> str:
        common = (f"{j}\t{bill_number(j)}\ttraffic_violation\t{violation_reference(j)}\t"
                  f'{{"violation_id": {j}}}\t{j}\t{national_id(j)}\t30000\t0\t')
        if j <= shape.violations:
            return (common + f"unpaid\t{WHEN}\t2030-01-01 00:00:00+00\t{WHEN}\t\\N\t\\N\t"
                    "\\N\t\\N\t0\t\\N\t0\t\\N\n")
        return (common + f"paid\t{WHEN}\t2026-01-04 00:00:00+00\t2026-01-02 00:00:00+00\t"
                f"2026-01-02 00:00:00+00\tRJHI\tSCALE{j}\t2026-01-02 00:01:00+00\t0\t\\N\t0\t"
                "\\N\n")
    return line


def family_line(shape: Shape) -> Callable[[int], str]:
    def line(k: int) -> str:
        sex = "male" if k % 2 else "female"
        return f"{k}\t{national_id(k)}\t{national_id(shape.holders - k + 1)}\tfather\t{sex}\n"
    return line


def sponsorship_line(shape: Shape) -> Callable[[int], str]:
    def line(j: int) -> str:
        sponsor = national_id((j - 1) % shape.sponsors + 1)
        if j <= shape.sponsors:  # a visitor on a visit visa
            return (f"{j}\t{sponsor}\t{sponsored_id(j, True)}\tأحمد علي\tAhmed Ali\tvisitor\tEGY\t"
                    "2027-03-01\tBupa\t2027-03-01\t2026-09-01\n")
        return (f"{j}\t{sponsor}\t{sponsored_id(j, False)}\tماريا سانتوس\tMaria Santos\t"
                "domestic_worker\tPHL\t2027-12-31\tBupa\t2027-12-31\t\\N\n")
    return line


def request_line(shape: Shape) -> Callable[[int], str]:
    def line(k: int) -> str:
        holder = (k - 1) % shape.holders + 1
        minute = f"2026-02-{1 + k % 28:02d} {k // 60 % 24:02d}:{k % 60:02d}:00+00"
        return (f"{k}\t{request_number(k)}\t{REQUEST_SERVICE}\tscale-{k}\t{holder}\t"
                f"{national_id(holder)}\tunder_review\t{CITIES[k % len(CITIES)]}\t{{}}\t"
                f"{REQUEST_REASON}\t\\N\t\\N\t\\N\t{minute}\t{minute}\n")
    return line


def inbox_line(k: int) -> str:
    return (f"{k}\tscale{k:019d}\t{k}\tpage_notice\tتم استلام طلبك.\tar\t\\N\t\\N\t{WHEN}\t"
            "\\N\n")


def copies(shape: Shape) -> list[tuple[str, str, int, Callable[[int], str]]]:
    """Each table after people and accounts: its COPY column list, row count and rows."""
    return [
        ("vehicles", "id, plate_country, plate_letters, plate_number, make, model, year, "
         "colour, owner_id, insurance_company, insurance_expiry, impounded_since, "
         "impound_place, usage, registration_expiry, inspection_expiry, reported",
         shape.vehicles, vehicle_line),
        ("traffic_violations", "id, reference, vehicle_id, kind, amount, committed_on, place, "
         "status", shape.violations, violation_line),
        ("bills", "id, number, service, request_key, details, account_id, beneficiary_id, "
         "amount, vat, status, created_at, expires_at, changed_at, paid_at, bank_code, "
         "bank_reference, fulfilled_at, fulfil_attempts, fulfil_next_at, refund_attempts, "
         "refund_next_at", shape.bills, bill_line(shape)),
        ("parent_links", "id, parent_id, child_id, relation, child_sex", shape.family_links,
         family_line(shape)),
        ("sponsorships", "id, sponsor_id, person_id, name_ar, name_en, kind, nationality, "
         "permit_expiry, health_insurer, health_insurance_expiry, entry_date",
         2 * shape.sponsors, sponsorship_line(shape)),
        ("service_requests", "id, number, service, request_key, account_id, beneficiary_id, "
         "status, office_city, details, reason, note, decided_by, bill_id, created_at, "
         "changed_at", shape.requests, request_line(shape)),
        ("inbox_messages", "id, public_id, account_id, topic, body, language, link, "
         "sms_message_id, created_at, read_at", shape.inbox, inbox_line),
    ]


# --- indexes off for the load, on after it ---------------------------------------------------

def take_off_indexes(connection) -> list[str]:  # noqa: ANN001 (a psycopg connection)
    """Drop the filled tables' foreign keys, unique constraints and secondary indexes
    (primary keys stay); return the statements that put them back, in order."""
    tables = list(FILLED)
    constraints = connection.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) "
        "AND c.contype IN ('f', 'u') ORDER BY c.contype DESC, c.conname", (tables,)).fetchall()
    indexes = connection.execute(
        "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
        "ORDER BY i.indexname", (tables,)).fetchall()
    for table, name, _kind, _definition in constraints:  # foreign keys first
        connection.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for _table, name, _definition in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    back = [definition for _table, _name, definition in indexes]
    back += [f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
             for table, name, kind, definition in sorted(constraints, key=lambda c: c[2] == "f")]
    return back


# --- the database ------------------------------------------------------------------------------

def _server_url(database: str, driver: str = "postgresql+psycopg") -> str:
    from sqlalchemy.engine import make_url

    return make_url(DATABASE_SERVER).set(drivername=driver, database=database) \
        .render_as_string(hide_password=False)


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_server_url("postgres", "postgresql"), autocommit=True) as connection:
        connection.execute(sql)


def is_complete(holders: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(_server_url(database_name(holders), "postgresql")) as connection:
            found = connection.execute("SELECT holders, version FROM bench_fill").fetchone()
    except psycopg.Error:  # no database, or no marker: the fill never finished
        return False
    return found == (holders, FILL_VERSION)


def drop(holders: int) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{database_name(holders)}" WITH (FORCE)')


def fill(url: str, holders: int, log: Callable[[str], None] = print) -> None:
    """Fill a migrated, empty database with `holders` holders and what they hold."""
    import psycopg

    shape = Shape(holders)
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as connection:
        put_back = take_off_indexes(connection)
    started = time.monotonic()
    fill_people_and_accounts(url, 1, holders, analyze=False)
    log(f"  people and accounts: {holders:,} in {time.monotonic() - started:.0f} s")
    with psycopg.connect(plain, autocommit=True) as connection:
        for table, columns, count, line in copies(shape):
            began = time.monotonic()
            with connection.cursor() as cursor, \
                    cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for text in _lines(count, line):
                    copy.write(text)
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"{max(count, 1)})")
            log(f"  {table}: {count:,} in {time.monotonic() - began:.0f} s")
        began = time.monotonic()
        connection.execute("SET maintenance_work_mem = '1GB'")
        for statement in put_back:
            connection.execute(statement)
        log(f"  {len(put_back)} indexes and constraints in {time.monotonic() - began:.0f} s")
        connection.execute("ANALYZE")
        connection.execute("CREATE TABLE bench_fill (holders bigint, version int, "
                           "finished_at timestamptz DEFAULT now())")
        connection.execute("INSERT INTO bench_fill (holders, version) VALUES (%s, %s)",
                           (holders, FILL_VERSION))
    log(f"filled {holders:,} holders in {time.monotonic() - started:.0f} s")


def kept_database(holders: int, refill: bool = False,
                  log: Callable[[str], None] = print) -> str:
    """The URL of the filled database of this size: reused (and migrated) when complete,
    else made afresh."""
    from absher_web.migrate import upgrade_database

    url = _server_url(database_name(holders))
    if refill or not is_complete(holders):
        drop(holders)
        _admin(f'CREATE DATABASE "{database_name(holders)}"')
        upgrade_database(url)
        log(f"filling {database_name(holders)} ...")
        fill(url, holders, log)
    else:
        upgrade_database(url)  # indexes from migrations newer than the fill
        log(f"reusing {database_name(holders)}")
    return url


def reset(url: str, holders: int) -> None:
    """Put a filled database back as the fill left it: what a benchmark added removed (every
    table the fill leaves empty emptied, rows past the filled ones deleted) and the bills
    and violations a bank paid unpaid again. Only rows the fill made are kept."""
    import psycopg

    shape = Shape(holders)
    counts = {table: count for table, _columns, count, _line in copies(shape)}
    counts.update(people=None, accounts=holders)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as connection:
        # Foreign keys unchecked while emptying: every table is put back whole.
        connection.execute("SET session_replication_role = replica")
        tables = [name for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            if table not in FILLED and table not in ("alembic_version", "bench_fill"):
                connection.execute(f'DELETE FROM "{table}"')
        for table, count in counts.items():
            if count is not None:
                connection.execute(f'DELETE FROM "{table}" WHERE id > %s', (count,))
        connection.execute(
            "UPDATE bills SET status = 'unpaid', changed_at = %s, paid_at = NULL, "
            "bank_code = NULL, bank_reference = NULL, fulfilled_at = NULL, fulfil_attempts = 0, "
            "fulfil_error = NULL, fulfil_next_at = NULL, refund_requested_at = NULL, "
            "refund_reason = NULL, refund_amount = NULL, refund_attempts = 0, "
            "refund_next_at = NULL, refund_error = NULL, refunded_at = NULL, "
            "refund_reference = NULL WHERE id <= %s AND status <> 'unpaid'",
            (WHEN, shape.violations))
        connection.execute("UPDATE traffic_violations SET status = 'unpaid' "
                           "WHERE status <> 'unpaid'")
        connection.execute("UPDATE accounts SET consecutive_failures = 0, lockouts = 0, "
                           "locked_until = NULL, failures_since_recovery = 0 "
                           "WHERE id <= 1000")
        connection.execute("UPDATE inbox_messages SET read_at = NULL "
                           "WHERE id <= %s AND read_at IS NOT NULL", (VISITORS,))
        connection.execute("SET session_replication_role = DEFAULT")


def size_of(holders: int) -> str:
    import psycopg

    with psycopg.connect(_server_url(database_name(holders), "postgresql")) as connection:
        return connection.execute("SELECT pg_size_pretty(pg_database_size(current_database()))"
                                  ).fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=20_000_000)
    parser.add_argument("--refill", action="store_true", help="fill again even if complete")
    parser.add_argument("--drop", action="store_true", help="drop the kept database and stop")
    args = parser.parse_args()
    if args.drop:
        drop(args.holders)
        return 0
    started = time.monotonic()
    kept_database(args.holders, args.refill, lambda text: print(text, flush=True))
    print(f"{database_name(args.holders)}: {size_of(args.holders)}, ready in "
          f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
