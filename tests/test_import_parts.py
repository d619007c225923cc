"""`flask absher import <source> FILE --skip-bad-rows --part K/N`: a national file imported
by N commands at once, on SQLite and on PostgreSQL (ABSHER_TEST_DATABASE_URL). The parts
together store every good row once and name every bad row once, a row repeated in the
file is still caught, each part resumes alone, and sources whose rows cannot be split
are refused with the ones that can."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from absher_web.agencies import csv_source
from absher_web.agencies.sources import SOURCES
from absher_web.identity import national_id_check_digit
from absher_web.models import ImportCheckpoint, Person, Vehicle
from tests.test_agency_sources import REGISTRY, absher, failing_after, row_numbers
from tests.test_source_resume import CASES, import_what_it_names, stored, write

ROOT = Path(__file__).resolve().parent.parent
PERSON = "{id},نورة سعد القحطاني,Noura Saad Al-Qahtani,1990-05-17,SAU,2031-01-01,جدة,حي الروضة"
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def citizen(n: int) -> str:
    prefix = f"1{n:08d}"
    return prefix + national_id_check_digit(prefix)


def registry_file(tmp_path: Path) -> tuple[str, int, list[int]]:
    """(path, good rows, the lines of the bad rows) of a registry file with every kind of
    bad row: a bad date, a wrong number of fields, a bad ID, and an ID repeated (once
    written in Arabic-Indic digits with spaces, the same key for the importer)."""
    lines = [REGISTRY]
    bad: list[int] = []
    for n in range(1, 41):
        lines.append(PERSON.format(id=citizen(n)))
    lines.append(PERSON.format(id=citizen(7)).replace("1990-05-17", "1990-13-40"))
    bad.append(len(lines))
    lines.append("1000000008,too,few,fields")
    bad.append(len(lines))
    lines.append(PERSON.format(id="1234567890"))
    bad.append(len(lines))
    spaced = citizen(12)
    lines.append(PERSON.format(id=f"{spaced[:4]} {spaced[4:]}".translate(ARABIC_DIGITS)))
    bad.append(len(lines))
    lines.append(PERSON.format(id=citizen(3)))
    bad.append(len(lines))
    return write(tmp_path, "registry-parts", lines), 40, bad


def parts(app, path: str, count: int, *extra: str) -> list:
    return [absher(app, "import", "registry", "--skip-bad-rows", "--part", f"{k}/{count}",
                   *extra, path) for k in range(1, count + 1)]


@pytest.mark.parametrize("text", ["1/2", " 2/2 ", "64/64", "1/1"])
def test_a_part_is_k_of_n(text):
    part = csv_source.Part.parse(text)
    assert str(part) == text.strip()


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/65", "1/0", "1", "1/", "/2", "a/b", "1/2/3",
                                  "١/٢", "-1/2", "1.0/2", "", "1\x00/2"])
def test_anything_else_is_refused_by_name(text):
    with pytest.raises(ValueError, match="is not K/N"):
        csv_source.Part.parse(text)


def test_every_key_falls_in_exactly_one_part():
    keys = [citizen(n) for n in range(500)]
    for count in (1, 2, 3, 7, 64):
        held = [sum(csv_source.Part(k, count).holds(key) for k in range(1, count + 1))
                for key in keys]
        assert held == [1] * len(keys)
    # Spread evenly enough that N parts take about N times less time each.
    halves = sum(csv_source.Part(1, 2).holds(key) for key in keys)
    assert 200 < halves < 300


SPLITTABLE = sorted(name for name, source in SOURCES.items() if source.raw_key is not None)


def test_the_sources_whose_rows_stand_alone_can_be_split():
    # Family records span several people; a visa is also unique by its open holder.
    assert set(SOURCES) - set(SPLITTABLE) == {"family", "visas"}


@pytest.mark.parametrize("name", SPLITTABLE)
def test_the_key_read_from_the_text_is_the_key_of_the_record(name):
    source = SOURCES[name]
    lines = CASES[name][0]
    header = lines[0].split(",")
    # Each row as written, then with its digits Arabic-Indic and the key padded with
    # spaces: the parser reads both as the same record.
    for values in csv.reader(io.StringIO("\n".join(lines[1:]))):
        raw = dict(zip(header, values, strict=True))
        for variant in (raw, {column: f" {value.translate(ARABIC_DIGITS)} "
                              if column in ("national_id", "person_id", "reference",
                                            "plate_number", "licence_number", "number")
                              else value
                              for column, value in raw.items()}):
            record, problems = source.parse(dict.fromkeys(source.optional, "") | variant)
            assert not problems, problems
            assert source.raw_key(variant) == source.key(record)


def test_the_parts_store_each_row_once_and_name_each_bad_row_once(app, session, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setattr(csv_source, "BATCH", 4)
    path, good, bad = registry_file(tmp_path)
    results = parts(app, path, 3)
    named = sorted(line for result in results for line in row_numbers(result))
    assert named == bad  # the duplicates included: the same key, the same part
    assert all(result.exit_code == 0 for result in results)
    assert [f"(part {k}/3)" in result.output for k, result in enumerate(results, 1)] == [True] * 3
    assert session.scalar(select(func.count()).select_from(Person)) == good
    assert stored(session, (ImportCheckpoint,)) == 0  # each part finished

    # The whole file again, in other parts: every row found unchanged.
    again = parts(app, path, 2)
    unchanged = [int(result.output.split(" unchanged")[0].rsplit(" ", 1)[1])
                 for result in again]
    assert sum(unchanged) == good
    assert stored(session, (Person,)) == good


def test_a_part_cut_off_resumes_alone(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_source, "BATCH", 2)
    path, good, _ = registry_file(tmp_path)
    with monkeypatch.context() as failing:
        failing_after(failing, "registry", 2)
        cut_off = absher(app, "import", "registry", "--skip-bad-rows", "--part", "1/2", path)
    assert isinstance(cut_off.exception, ConnectionError)
    assert stored(session, (ImportCheckpoint,)) == 1
    second = absher(app, "import", "registry", "--skip-bad-rows", "--part", "2/2", path)
    assert second.exit_code == 0, second.output
    assert "Resuming" not in second.output  # the other part's checkpoint is not its own
    resumed = absher(app, "import", "registry", "--skip-bad-rows", "--part", "1/2", path)
    assert "Resuming the import of" in resumed.output and "(part 1/2)" in resumed.output
    assert stored(session, (Person,)) == good
    assert stored(session, (ImportCheckpoint,)) == 0


def test_four_parts_at_once_in_four_processes(app, session, database_url, tmp_path):
    # As an operator runs them: four commands started together, one a core.
    path, good, bad = registry_file(tmp_path)
    environment = {**os.environ, "ABSHER_DATABASE_URL": database_url,
                   "ABSHER_SMS_FILE": str(tmp_path / "sms.jsonl"), "FLASK_APP": "wsgi.py"}
    commands = [subprocess.Popen(
        [sys.executable, "-m", "flask", "absher", "import", "registry", "--skip-bad-rows",
         "--part", f"{k}/4", path], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for k in range(1, 5)]
    finished = [(command.wait(timeout=120), *command.communicate()) for command in commands]
    assert [code for code, _, _ in finished] == [0] * 4, finished
    named = sorted(int(line.split(":")[0].removeprefix("row "))
                   for _, _, errors in finished for line in errors.splitlines()
                   if line.startswith("row "))
    assert named == bad
    assert stored(session, (Person,)) == good


def test_vehicles_in_parts(app, session, tmp_path):
    import_what_it_names(app, tmp_path, "vehicles")
    path = write(tmp_path, "vehicles", CASES["vehicles"][0])
    for k in (1, 2):
        result = absher(app, "import-vehicles", "--skip-bad-rows", "--part", f"{k}/2", path)
        assert result.exit_code == 0, result.output
    assert stored(session, (Vehicle,)) == len(CASES["vehicles"][0]) - 1


def test_a_source_whose_rows_cannot_be_split_is_refused(app, session, tmp_path):
    path = write(tmp_path, "family", CASES["family"][0])
    result = absher(app, "import", "family", "--skip-bad-rows", "--part", "1/2", path)
    assert result.exit_code == 2
    assert "family files are imported whole" in result.output
    assert all(name in result.output for name in SPLITTABLE)


def test_a_part_needs_bad_rows_skipped(app, session, tmp_path):
    path, _, _ = registry_file(tmp_path)
    result = absher(app, "import", "registry", "--part", "1/2", path)
    assert result.exit_code == 2 and "--part needs --skip-bad-rows" in result.output
    assert stored(session, (Person,)) == 0


@pytest.mark.parametrize("value", ["3/2", "x", "1/2\u202e"])
def test_a_wrong_part_is_named(app, session, tmp_path, value):
    path, _, _ = registry_file(tmp_path)
    result = absher(app, "import", "registry", "--skip-bad-rows", "--part", value, path)
    assert result.exit_code == 2 and "is not K/N" in result.output
    assert stored(session, (Person,)) == 0
