"""Imports at national size: `absher import registry FILE` of 10^7 people on PostgreSQL,
rows a second, peak resident size, and a resume after a failure.

    .venv/bin/python bench/import_memory.py [--rows 10000000] [--resume-rows 1000000] [--sqlite]
                                            [--source registry|vehicles]

Writes a registry CSV of valid, distinct people, then runs the operator's command on it
twice in a process of its own against a new PostgreSQL database (bench/support.py; with
--sqlite a new SQLite file): the first run adds everyone, the second finds everyone stored
and unchanged (every row compared). The process's peak resident set size comes from the
kernel (wait4's ru_maxrss), so it counts the interpreter, the app and every batch.
Then the same rows split into two files (every other row) are imported into another new
database by two commands at once, for information: what an operator with a file too
large for one process's rate can do today (each process uses a core; rows of one key must
then be in one file, since a record repeated across the files is not caught).
Then, in another new database, an import of --resume-rows rows with --skip-bad-rows is
killed (SIGKILL) once it has committed a few batches and run again: it must say it
resumes and end with exactly the file's rows stored. Targets: under 200 MB resident,
at least 50,000 rows a second, the resume exact. The registry is measured by default;
--source vehicles measures the vehicles registry instead (one vehicle for each of as many
people, who are imported first and not timed), a source whose rows are checked against
another table and whose upsert also looks for vehicles changing owner. With the defaults
the run takes about ten minutes at the target rate; at the rates measured so far (5,000 to
14,000 rows a second on a busy machine) it takes 30 to 45 minutes: pass a smaller --rows
for a quick look. Exit status 1 if a run fails or misses a target.
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


def run_import(environment: dict, path: Path, *options: str, source: str = "registry"
               ) -> tuple[float, float, str]:
    """(seconds, peak resident MB, last line of output) of one import in a new process."""
    started = time.monotonic()
    process = subprocess.Popen([str(VENV_BIN / "absher"), "import", source, str(path),
                                *options], env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    if process.returncode:
        raise SystemExit(f"the import failed (exit {process.returncode}):\n{output[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, output.strip()


def stored(url: str, query: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text(query)) or 0
    finally:
        engine.dispose()


def resume_check(url: str, environment: dict, path: Path, rows: int, source: str
                 ) -> tuple[bool, str]:
    """Kills an import once a few batches are committed, runs it again: (exact, what)."""
    process = subprocess.Popen([str(VENV_BIN / "absher"), "import", source, str(path),
                                "--skip-bad-rows"], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while process.poll() is None and time.monotonic() < deadline:
        if stored(url, "SELECT max(line) FROM import_checkpoints") > rows // 4:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.5)
    process.wait()
    before = stored(url, f"SELECT count(*) FROM {TABLES[source]}")
    _, _, said = run_import(environment, path, "--skip-bad-rows", source=source)
    after = stored(url, f"SELECT count(*) FROM {TABLES[source]}")
    exact = 0 < before < rows and "Resuming" in said and after == rows
    return exact, (f"killed with {before:,} of {rows:,} stored; run again: {after:,} stored"
                   f"{'' if 'Resuming' in said else ' (it did not say it resumed)'}")


def split_in_two(path: Path) -> list[Path]:
    """The file's rows as two files of every other row, each with the header."""
    parts = [path.with_name(f"{path.stem}-{half}.csv") for half in (1, 2)]
    with path.open(encoding="utf-8") as stream:
        header = stream.readline()
        outputs = [part.open("w", encoding="utf-8") for part in parts]
        try:
            for output in outputs:
                output.write(header)
            for number, line in enumerate(stream):
                outputs[number % 2].write(line)
        finally:
            for output in outputs:
                output.close()
    return parts


def run_at_once(environment: dict, paths: list[Path], source: str) -> float:
    """Seconds for one import of each file, all started together."""
    started = time.monotonic()
    processes = [subprocess.Popen([str(VENV_BIN / "absher"), "import", source, str(path)],
                                  env=environment, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for path in paths]
    outputs = [process.communicate()[0] for process in processes]
    failed = [output for process, output in zip(processes, outputs, strict=True)
              if process.returncode]
    if failed:
        raise SystemExit(f"an import of a part failed:\n{failed[0][-2000:]}")
    return time.monotonic() - started


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
        run_import(environment, people)
        people.unlink()
    return environment


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--resume-rows", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--source", choices=sorted(WRITERS), default="registry")
    arguments = parser.parse_args()
    source, write = arguments.source, WRITERS[arguments.source]
    print(machine())
    engine = "SQLite" if arguments.sqlite else "PostgreSQL"
    missed = False
    with tempfile.TemporaryDirectory(prefix="absher-import-") as directory:
        workdir = Path(directory)
        path = workdir / f"{source}.csv"
        write(path, arguments.rows)
        print(f"{source}: {arguments.rows:,} rows, {path.stat().st_size / 2**20:.0f} MB of CSV, "
              f"{engine}")
        with database(arguments.sqlite, workdir, "absher.sqlite3") as url:
            environment = prepared(url, workdir, arguments.sqlite, source, arguments.rows)
            for run in ("first (all added)", "again (all unchanged)"):
                seconds, peak, said = run_import(environment, path, source=source)
                rate = arguments.rows / seconds
                missed |= peak >= TARGET_MB or rate < TARGET_RATE
                print(f"{run}: {seconds:.0f} s, {rate:,.0f} rows/s (target >= {TARGET_RATE:,}), "
                      f"peak resident {peak:.0f} MB (target < {TARGET_MB} MB)\n  "
                      f"{said.splitlines()[-1]}")
                measure = f"{source} {arguments.rows:,} rows, {engine}, {run}"
                record("import_memory", f"{measure}: rows/s", f"{rate:,.0f}",
                       f">= {TARGET_RATE:,}", rate >= TARGET_RATE)
                record("import_memory", f"{measure}: peak resident", f"{peak:.0f} MB",
                       f"< {TARGET_MB} MB", peak < TARGET_MB)
        if not arguments.sqlite:  # SQLite takes one writer at a time
            parts = split_in_two(path)
            with database(arguments.sqlite, workdir, "halves.sqlite3") as url:
                environment = prepared(url, workdir, arguments.sqlite, source, arguments.rows)
                seconds = run_at_once(environment, parts, source)
            for part in parts:
                part.unlink()
            rate = arguments.rows / seconds
            print(f"two files of every other row, imported at once: {seconds:.0f} s, "
                  f"{rate:,.0f} rows/s together")
            record("import_memory", f"{source} {arguments.rows:,} rows, {engine}, as two "
                   "files imported at once: rows/s together", f"{rate:,.0f}",
                   "information", None)
        path.unlink()
        path = workdir / "resume.csv"
        write(path, arguments.resume_rows)
        with database(arguments.sqlite, workdir, "resume.sqlite3") as url:
            environment = prepared(url, workdir, arguments.sqlite, source,
                                   arguments.resume_rows)
            exact, what = resume_check(url, environment, path, arguments.resume_rows, source)
        missed |= not exact
        print(f"resume after a kill ({arguments.resume_rows:,} rows): {what}")
        record("import_memory", f"{source} {arguments.resume_rows:,} rows, {engine}: "
               "killed mid-way, run again", what, "every row once", exact)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
