"""`flask absher import <source> FILE`: every source, read in batches, all or nothing unless
bad rows are skipped; the old import-<source> names still work (tests/test_registry.py and
tests/eservices/test_agency_imports.py use them)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select

from absher_web.agencies import csv_source
from absher_web.agencies.sources import SOURCES
from absher_web.models import ImportCheckpoint, Person, TrafficViolation, Vehicle

REGISTRY = "national_id,name_ar,name_en,birth_date,nationality,id_expiry,city,district"
PERSON = "{id},سارة خالد الدوسري,Sarah Khalid Al-Dosari,1988-04-09,SAU,2031-01-01,الرياض,حي العليا"
VEHICLES = ("plate_country,plate_letters,plate_number,make,model,year,colour,owner_id,"
            "insurance_company,insurance_expiry,impounded_since,impound_place")
VIOLATIONS = ("reference,plate_country,plate_letters,plate_number,kind,amount,committed_on,"
              "place,status")
# Valid citizens' ID numbers (check digit included).
IDS = ["1000000008", "1000000016", "1000000024", "1000000032", "1000000040", "1000000057"]


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def absher(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def count(session, model) -> int:
    session.rollback()  # see what the command committed
    return session.scalar(select(func.count()).select_from(model))


def row_numbers(result) -> list[int]:
    return [int(line.split(":")[0].removeprefix("row "))
            for line in result.stderr.splitlines() if line.startswith("row ")]


def test_one_command_imports_every_source(app, session, tmp_path):
    # Click wraps the list of choices, even inside a word.
    help_text = "".join(absher(app, "import", "--help").output.split())
    for name in ("registry", "vehicles", "violations", "sponsorships", "family", "passports",
                 "visas", "premium-residencies"):
        assert name in help_text
    assert "--skip-bad-rows" in help_text
    assert set(SOURCES) == {"registry", "vehicles", "violations", "sponsorships", "family",
                            "passports", "travel-bans", "visas",
                            "premium-residencies",
                            "investors", "job-openings"}

    result = absher(app, "import", "registry", str(write(tmp_path, [REGISTRY, PERSON.format(
        id=IDS[0])])))
    assert result.exit_code == 0, result.output
    assert "Imported 1 people" in result.output and "1 added" in result.output
    result = absher(app, "import", "vehicles", str(write(tmp_path, [
        VEHICLES, f"SAU,ABJ,1234,Toyota,Camry,2021,white,{IDS[0]},,,,"])))
    assert result.exit_code == 0, result.output
    assert "Imported 1 vehicles" in result.output
    assert count(session, Vehicle) == 1

    unknown = absher(app, "import", "permits", str(tmp_path / "data.csv"))
    assert unknown.exit_code == 2 and "permits" in unknown.output


def test_skipping_bad_rows_stores_the_good_ones_and_names_the_bad(app, session, tmp_path):
    path = write(tmp_path, [REGISTRY, PERSON.format(id=IDS[0]), PERSON.format(id="1000000007"),
                            PERSON.format(id=IDS[1]), PERSON.format(id=IDS[0])])

    refused = absher(app, "import", "registry", str(path))
    assert refused.exit_code == 1
    assert row_numbers(refused) == [3, 5]
    assert "2 bad row(s)" in refused.stderr and "nothing was imported" in refused.stderr
    assert count(session, Person) == 0

    result = absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert result.exit_code == 0, result.output
    assert row_numbers(result) == [3, 5]
    assert "national_id 1000000008 already appears on row 2" in result.stderr
    assert "2 added, 0 updated, 0 unchanged. 2 bad row(s) skipped." in result.output
    assert count(session, Person) == 2


def test_a_byte_that_is_not_utf8_is_named_by_its_line_and_stores_nothing(app, session,
                                                                      tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("\n".join([REGISTRY, PERSON.format(id=IDS[0]), PERSON.format(id=IDS[1]),
                                ]).encode() + "\nعلي\n".encode("cp1256"))
    # Even when bad rows are skipped: what follows the bad byte could not be read.
    result = absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("row 4: not UTF-8 text")
    assert "nothing was imported" in result.stderr
    assert count(session, Person) == 0


def test_batches_find_repeats_and_unknown_records_anywhere_in_the_file(
        app, session, tmp_path, monkeypatch, make_person):
    # Batches of two rows, so each check below has to look across batches.
    monkeypatch.setattr(csv_source, "BATCH", 2)
    owner = make_person()
    session.commit()
    vehicles = [f"SAU,ABJ,{n},Kia,Rio,2020,black,{owner},,,," for n in range(1, 6)]
    result = absher(app, "import", "vehicles", str(write(tmp_path, [
        VEHICLES, *vehicles,
        "SAU,ABJ,2,Kia,Rio,2020,black,,,,,",  # 7: a Saudi plate without an owner
        f"SAU,ABJ,9,Kia,Rio,2020,black,{IDS[5]},,,,",  # 8: not in the civil registry
        vehicles[0]])))  # 9: plate of row 2
    assert result.exit_code == 1
    assert row_numbers(result) == [7, 8, 9]
    errors = result.stderr.splitlines()
    assert "owner_id is empty" in errors[0]
    assert f"owner_id not in the civil registry: {IDS[5]}" in errors[1]
    assert "plate SAU ABJ 1 already appears on row 2" in errors[2]
    assert count(session, Vehicle) == 0

    assert absher(app, "import", "vehicles", str(write(tmp_path, [VEHICLES, *vehicles]))
                  ).exit_code == 0
    result = absher(app, "import", "violations", str(write(tmp_path, [
        VIOLATIONS, *(f"R000{n},SAU,ABJ,{n},speeding,300,2025-05-01,الرياض,unpaid"
                      for n in range(1, 6)),
        "R0009,SAU,ABJ,7,speeding,300,2025-05-01,الرياض,unpaid"])))  # 7: no such vehicle
    assert row_numbers(result) == [7]
    assert "no vehicle with plate: SAU ABJ 7" in result.stderr
    result = absher(app, "import", "violations", "--skip-bad-rows", str(tmp_path / "data.csv"))
    assert result.exit_code == 0, result.output
    assert "Imported 5 violations" in result.output
    assert count(session, TrafficViolation) == 5
    again = absher(app, "import", "vehicles", str(write(tmp_path, [VEHICLES, *vehicles])))
    assert "0 added, 0 updated, 5 unchanged" in again.output


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_source_refuses_a_wrong_header_naming_the_right_one(app, session, tmp_path,
                                                                   name):
    result = absher(app, "import", name, str(write(tmp_path, ["a,b,c", "1,2,3"])))
    assert result.exit_code == 1
    assert result.stderr.startswith("row 1: the header must be exactly: "
                                    + ",".join(SOURCES[name].header))


def failing_after(monkeypatch, name: str, batches: int) -> None:
    """The source's store fails (like a database gone away) on the batch after ``batches``."""
    source = SOURCES[name]
    calls = []

    def store(session, records):
        calls.append(1)
        if len(calls) > batches:
            raise ConnectionError("the database went away")
        return source.store(session, records)

    monkeypatch.setitem(SOURCES, name, dataclasses.replace(source, store=store))


def test_an_import_that_fails_resumes_after_the_last_batch_stored(app, session, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setattr(csv_source, "BATCH", 2)
    path = write(tmp_path, [REGISTRY, *(PERSON.format(id=id_) for id_ in IDS)])
    with monkeypatch.context() as failing:
        failing_after(failing, "registry", 2)
        result = absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert isinstance(result.exception, ConnectionError)
    assert count(session, Person) == 4  # two batches committed, the third lost
    assert session.scalar(select(ImportCheckpoint.line)) == 5

    result = absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert result.exit_code == 0, result.output
    assert "Resuming the import" in result.output and "after row 5" in result.output
    assert "Imported 6 people" in result.output and "6 added" in result.output
    assert count(session, Person) == 6
    assert count(session, ImportCheckpoint) == 0  # finished: nothing left to resume

    # A finished file imports afresh: every row found and updated or unchanged, none twice.
    path.write_text(path.read_text(encoding="utf-8").replace("Sarah", "Sara", 1),
                    encoding="utf-8")
    again = absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert "0 added, 1 updated, 5 unchanged" in again.output
    assert count(session, Person) == 6


def test_a_checkpoint_serves_only_its_own_file(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_source, "BATCH", 2)
    path = write(tmp_path, [REGISTRY, *(PERSON.format(id=id_) for id_ in IDS)])
    with monkeypatch.context() as failing:
        failing_after(failing, "registry", 1)
        absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert count(session, Person) == 2

    # Another file (here the same one corrected) starts from its first row.
    other = write(tmp_path, [REGISTRY, *(PERSON.format(id=id_).replace("Sarah", "Sara")
                                         for id_ in IDS)])
    result = absher(app, "import", "registry", "--skip-bad-rows", str(other))
    assert "Resuming" not in result.output
    assert "4 added, 2 updated, 0 unchanged" in result.output
    assert count(session, Person) == 6


def test_skipping_a_bad_row_in_a_resumed_import(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_source, "BATCH", 2)
    path = write(tmp_path, [REGISTRY, *(PERSON.format(id=id_) for id_ in IDS[:3]),
                            PERSON.format(id="1000000007"), *(PERSON.format(id=id_)
                                                               for id_ in IDS[3:])])
    with monkeypatch.context() as failing:
        failing_after(failing, "registry", 2)
        first = absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert row_numbers(first) == [5]
    result = absher(app, "import", "registry", "--skip-bad-rows", str(path))
    assert result.exit_code == 0, result.output
    assert "6 added, 0 updated, 0 unchanged. 1 bad row(s) skipped." in result.output
    assert count(session, Person) == 6
