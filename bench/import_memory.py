"""Memory of a large import: `absher import registry FILE` of 10^6 people, peak resident size.

    .venv/bin/python bench/import_memory.py [--rows 1000000] [--postgresql]

Writes a registry CSV of valid, distinct people (a few seconds), then runs the operator's
command on it twice in a process of its own, against a new SQLite file (or, with
--postgresql, a new PostgreSQL database: bench/support.py): the first run adds everyone,
the second finds everyone stored and unchanged (every row looked up). The process's peak
resident set size comes from the kernel (wait4's ru_maxrss), so it counts the interpreter,
the app and every batch. Target (imports stream in bounded memory): under 200 MB for 10^6
rows on both runs. Exit status 1 if a run fails or misses it.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import VENV_BIN, app_environment, machine, national_id, scratch_database  # noqa: E402

TARGET_MB = 200
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


def run_import(environment: dict, path: Path) -> tuple[float, float, str]:
    """(seconds, peak resident MB, last line of output) of one import in a new process."""
    started = time.monotonic()
    process = subprocess.Popen([str(VENV_BIN / "absher"), "import", "registry", str(path)],
                               env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    if process.returncode:
        raise SystemExit(f"the import failed (exit {process.returncode}):\n{output[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, output.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgresql", action="store_true")
    arguments = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="absher-import-") as directory:
        workdir = Path(directory)
        path = workdir / "registry.csv"
        write_registry(path, arguments.rows)
        print(f"{arguments.rows:,} rows, {path.stat().st_size / 2**20:.0f} MB of CSV")
        database = scratch_database() if arguments.postgresql else nullcontext(
            f"sqlite:///{workdir / 'absher.sqlite3'}")
        with database as url:
            environment = app_environment(url, workdir)
            if not arguments.postgresql:
                subprocess.run([str(VENV_BIN / "absher"), "migrate"], env=environment,
                               check=True, capture_output=True)
            missed = False
            for run in ("first (all added)", "again (all unchanged)"):
                seconds, peak, said = run_import(environment, path)
                missed |= peak >= TARGET_MB
                print(f"{run}: {seconds:.0f} s, peak resident {peak:.0f} MB "
                      f"(target < {TARGET_MB} MB)\n  {said}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
