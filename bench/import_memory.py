"""Imports at national size: `absher import registry FILE` of 10^7 people on PostgreSQL,
run as one command a core (`--part K/N`), rows a second, peak resident size, and a resume
after a failure.

    .venv/bin/python bench/import_memory.py [--rows 10000000] [--resume-rows 1000000]
                                            [--parts 2] [--sqlite] [--source registry|vehicles]

Writes a registry CSV of valid, distinct people, then imports it against a new PostgreSQL
database (bench/support.py; with --sqlite a new SQLite file) the way README "A national
file in parts" tells an operator to: --parts commands at once (`--skip-bad-rows --part
K/N`, one a core), each in a process of its own. The first run adds everyone, the second
finds everyone stored and unchanged (every row compared). Each process's peak resident set
size comes from the kernel (wait4's ru_maxrss), so it counts the interpreter, the app and
every batch; the largest is reported. Then, for information, the same file as one command
in another new database: what one core does. Then, in another new database, the parts
import --resume-rows rows, the first part is killed (SIGKILL) once it has committed a few
batches, the others finish, and the first is run again: it must say it resumes and the
parts end with exactly the file's rows stored. Targets: under 200 MB resident a process,
at least 50,000 rows a second together, the resume exact. The registry is measured by
default; --source vehicles measures the vehicles registry instead (one vehicle for each of
as many people, who are imported first and not timed), a source whose rows are checked
against another table and whose upsert also looks for vehicles changing owner. With the
defaults the run takes about fifteen minutes on two cores: pass a smaller --rows for a
quick look. With --sqlite, which takes one writer at a time, --parts is 1. Exit status 1 if
a run fails or misses a target.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import (  # noqa: E402
    VENV_BIN,
    app_environment,
    machine,
    national_id,
    record,
    scratch_database,
)

TARGET_MB = 200
TARGET_RATE = 50_000
CITIES = (("الرياض", "حي العليا"), ("جدة", "حي الروضة"), ("الدمام", "حي الفيصلية"))


def write_registry(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(("national_id", "name_ar", "name_en", "birth_date", "nationality",
                      "id_expiry", "city", "district"))
        for number in range(rows):
            city, district = CITIES[number % len(CITIES)]
            birth = date(1950 + number % 50, 1 + number % 12, 1 + number % 28)
            out.writerow((national_id(number), "محمد عبدالله العتيبي",
                          f"Mohammed Abdullah {number}", birth.isoformat(), "SAU",
                          "2031-01-01", city, district))


def write_vehicles(path: Path, rows: int) -> None:
    """A Saudi vehicle for each person of `write_registry`'s file of as many rows, every
    other one insured."""
    letters = "ABJDRSXTEGKLZNHUV"  # traffic.PLATE_LETTERS: 17^3 letter groups a number
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(("plate_country", "plate_letters", "plate_number", "make", "model",
                      "year", "colour", "owner_id", "insurance_company", "insurance_expiry",
                      "impounded_since", "impound_place"))
        for number in range(rows):
            group = "".join(letters[number // 17 ** place % 17] for place in range(3))
            insured = number % 2 == 1
            out.writerow(("SAU", group, number // 17 ** 3 + 1, "Toyota", "Camry", 2020,
                          "white", national_id(number), "Tawuniya" if insured else "",
                          "2027-01-01" if insured else "", "", ""))


WRITERS = {"registry": write_registry, "vehicles": write_vehicles}
TABLES = {"registry": "people", "vehicles": "vehicles"}


def command(source: str, path: Path, part: str | None) -> list[str]:
    return [str(VENV_BIN / "absher"), "import", source, str(path),
            *(("--skip-bad-rows", "--part", part) if part else ())]


def part_names(parts: int) -> list[str]:
    return [f"{k}/{parts}" for k in range(1, parts + 1)]


def run_parts(environment: dict, path: Path, parts: int, source: str = "registry"
              ) -> tuple[float, float, list[str]]:
    """(seconds, the largest peak resident MB, the last line each printed) of an import
    of the file as ``parts`` commands started together (one plain command for 1)."""
    started = time.monotonic()
    names = part_names(parts) if parts > 1 else [None]
    processes = [subprocess.Popen(command(source, path, name), env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for name in names]
    peaks, said = [], []
    for process in processes:
        # A few lines each, so no pipe fills while another is read; wait4 rather than
        # Popen.wait, which would reap the process without its resource usage.
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"an import failed (exit {process.returncode}):\n{output[-2000:]}")
        peaks.append(usage.ru_maxrss / 1024)
        said.append(output.strip().splitlines()[-1])
    return time.monotonic() - started, max(peaks), said


def stored(url: str, query: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text(query)) or 0
    finally:
        engine.dispose()


def resume_check(url: str, environment: dict, path: Path, rows: int, parts: int, source: str
                 ) -> tuple[bool, str]:
    """Imports the file in ``parts``, kills the first part once it has committed a few
    batches, lets the others finish, runs the first again: (exact, what)."""
    names = part_names(parts)
    processes = [subprocess.Popen(command(source, path, name), env=environment,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for name in names]
    first = processes[0]
    deadline = time.monotonic() + 600
    while first.poll() is None and time.monotonic() < deadline:
        if stored(url, "SELECT max(line) FROM import_checkpoints "
                       f"WHERE source = '{source} {names[0]}'") > rows // 4:
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.5)
    for process in processes:
        process.wait()
    before = stored(url, f"SELECT count(*) FROM {TABLES[source]}")
    again = subprocess.run(command(source, path, names[0]), env=environment,
                           capture_output=True, text=True)
    after = stored(url, f"SELECT count(*) FROM {TABLES[source]}")
    resumed = "Resuming" in again.stdout
    exact = again.returncode == 0 and 0 < before < rows and resumed and after == rows
    return exact, (f"part {names[0]} killed with {before:,} of {rows:,} stored in all; run "
                   f"again: {after:,} stored{'' if resumed else ' (it did not say it resumed)'}")


def database(sqlite: bool, workdir: Path, name: str):  # noqa: ANN201
    if not sqlite:
        return scratch_database()
    return nullcontext(f"sqlite:///{workdir / name}")


def prepared(url: str, workdir: Path, sqlite: bool, source: str, rows: int) -> dict:
    """The environment of the app on a new database, holding the people ``source``'s
    ``rows`` name (not timed) when it is not the registry itself."""
    environment = app_environment(url, workdir)
    if sqlite:
        subprocess.run([str(VENV_BIN / "absher"), "migrate"], env=environment,
                       check=True, capture_output=True)
    if source != "registry":
        people = workdir / "people.csv"
        write_registry(people, rows)
        run_parts(environment, people, 1)
        people.unlink()
    return environment


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--resume-rows", type=int, default=1_000_000)
    parser.add_argument("--parts", type=int, default=2, help="commands at once (one a core)")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--source", choices=sorted(WRITERS), default="registry")
    arguments = parser.parse_args()
    source, write = arguments.source, WRITERS[arguments.source]
    parts = 1 if arguments.sqlite else max(1, arguments.parts)
    print(machine())
    engine = "SQLite" if arguments.sqlite else "PostgreSQL"
    missed = False
    with tempfile.TemporaryDirectory(prefix="absher-import-") as directory:
        workdir = Path(directory)
        path = workdir / f"{source}.csv"
        write(path, arguments.rows)
        print(f"{source}: {arguments.rows:,} rows, {path.stat().st_size / 2**20:.0f} MB of CSV, "
              f"{engine}")
        how = f"{parts} commands at once (--part K/{parts})" if parts > 1 else "one command"
        with database(arguments.sqlite, workdir, "absher.sqlite3") as url:
            environment = prepared(url, workdir, arguments.sqlite, source, arguments.rows)
            for run in ("first (all added)", "again (all unchanged)"):
                seconds, peak, said = run_parts(environment, path, parts, source)
                rate = arguments.rows / seconds
                missed |= peak >= TARGET_MB or rate < TARGET_RATE
                print(f"{how}, {run}: {seconds:.0f} s, {rate:,.0f} rows/s (target >= "
                      f"{TARGET_RATE:,}), peak resident {peak:.0f} MB a process (target < "
                      f"{TARGET_MB} MB)\n  " + "\n  ".join(said))
                measure = f"{source} {arguments.rows:,} rows, {engine}, {how}, {run}"
                record("import_memory", f"{measure}: rows/s", f"{rate:,.0f}",
                       f">= {TARGET_RATE:,}", rate >= TARGET_RATE)
                record("import_memory", f"{measure}: peak resident a process", f"{peak:.0f} MB",
                       f"< {TARGET_MB} MB", peak < TARGET_MB)
        if parts > 1:
            with database(arguments.sqlite, workdir, "single.sqlite3") as url:
                environment = prepared(url, workdir, arguments.sqlite, source, arguments.rows)
                seconds, peak, _ = run_parts(environment, path, 1, source)
            rate = arguments.rows / seconds
            print(f"one command, first (all added), for comparison: {seconds:.0f} s, "
                  f"{rate:,.0f} rows/s, peak resident {peak:.0f} MB")
            record("import_memory", f"{source} {arguments.rows:,} rows, {engine}, one command "
                   "(one core), first: rows/s", f"{rate:,.0f}", "information", None)
        path.unlink()
        path = workdir / "resume.csv"
        write(path, arguments.resume_rows)
        with database(arguments.sqlite, workdir, "resume.sqlite3") as url:
            environment = prepared(url, workdir, arguments.sqlite, source,
                                   arguments.resume_rows)
            exact, what = resume_check(url, environment, path, arguments.resume_rows,
                                       max(parts, 2) if not arguments.sqlite else 1, source)
        missed |= not exact
        print(f"resume after a kill ({arguments.resume_rows:,} rows): {what}")
        record("import_memory", f"{source} {arguments.resume_rows:,} rows, {engine}: "
               "killed mid-way, run again", what, "every row once", exact)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
