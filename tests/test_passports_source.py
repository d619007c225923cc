"""`flask absher import passports FILE`: each person's current passport, every bad row named
by its line and column, a later import replacing a person's passport; the demo's passports;
migration 0018 up and down."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from absher_web.agencies import family_demo, passports
from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.dates import local_today
from absher_web.models import Passport
from absher_web.services.eservices import Validity, validity

HERE = Path(__file__).parent
HEADER = "person_id,passport_number,issued_on,expires_on,issuing_country"
# In tests/family/people.csv: three citizens and a resident from India (a passport of
# any country but Saudi Arabia).
FATHER, MOTHER, SON = "1900000017", "1900000025", "1900000033"
RESIDENT = "2900000015"
NOT_IN_REGISTRY = "1900000074"


def absher(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def count(session) -> int:
    session.rollback()  # see what the command committed
    return session.scalar(select(func.count()).select_from(Passport))


def errors(result) -> dict[int, str]:
    return {int(line.split(":")[0].removeprefix("row ")): line.split(": ", 1)[1]
            for line in result.stderr.splitlines() if line.startswith("row ")}


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> str:
    path = tmp_path / "passports.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def people(app):
    result = absher(app, "import", "registry", str(HERE / "family" / "people.csv"))
    assert result.exit_code == 0, result.output


def test_people_csv_holds_the_people_named_here(people, session):
    from absher_web.models import Person

    stored = {p.national_id: p.nationality for p in session.scalars(select(Person))}
    assert stored[FATHER] == stored[MOTHER] == stored[SON] == "SAU"
    assert stored[RESIDENT] == "IND" and NOT_IN_REGISTRY not in stored


def test_a_file_imports_and_again_changes_nothing(app, session, people, tmp_path):
    path = write(tmp_path, f"{FATHER},A12345678,2020-03-01,2030-02-28,SAU",
                 f"{MOTHER}, a 2345 6789 ,2019-01-10,2029-01-09,sau",
                 f"{RESIDENT},EG1234567,2022-06-01,2029-05-31,EGY")
    result = absher(app, "import", "passports", path)
    assert result.exit_code == 0, result.output
    assert "Imported 3 passports" in result.output and "3 added" in result.output
    assert count(session) == 3
    mother = passports.passport_of(session, MOTHER)
    assert (mother.number, mother.issuing_country) == ("A23456789", "SAU")
    assert (mother.issued_on, mother.expires_on) == (date(2019, 1, 10), date(2029, 1, 9))
    assert set(passports.passports_of(session, [FATHER, SON, RESIDENT])) == {FATHER, RESIDENT}
    assert passports.passport_of(session, SON) is None

    again = absher(app, "import", "passports", path)
    assert "0 added, 0 updated, 3 unchanged" in again.output


def test_a_later_import_replaces_the_persons_passport(app, session, people, tmp_path):
    absher(app, "import", "passports", write(
        tmp_path, f"{FATHER},A12345678,2015-03-01,2025-02-28,SAU"))
    result = absher(app, "import", "passports", write(
        tmp_path, f"{FATHER},B87654321,2025-02-20,2035-02-19,SAU"))
    assert result.exit_code == 0, result.output
    assert "0 added, 1 updated" in result.output
    assert count(session) == 1
    renewed = passports.passport_of(session, FATHER)
    assert (renewed.number, renewed.expires_on) == ("B87654321", date(2035, 2, 19))


def test_each_bad_row_is_named_by_its_line_and_column_and_nothing_is_stored(
        app, session, people, tmp_path):
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    result = absher(app, "import", "passports", write(
        tmp_path,
        f"{FATHER},A12345678,2020-03-01,2030-02-28,SAU",  # 2: good
        "1900000019,A12345679,2020-03-01,2030-02-28,SAU",  # 3: a wrong check digit
        f"{MOTHER},AB1234567,2020-03-01,2030-02-28,SAU",  # 4: not a Saudi number
        f"{SON},A11111111,2020-03-01,2020-03-01,SAU",  # 5: expires the day it was issued
        f"{RESIDENT},EG1234567,2022-06-01,2029-05-31,XYZ",  # 6: no such country
        f"{RESIDENT},E123,2022-06-01,2029-05-31,EGY",  # 7: too few digits
        f"{SON},A22222222,{tomorrow},2035-01-01,SAU",  # 8: issued tomorrow
        f"{SON},E12345678,2020-01-01,2030-01-01,EGY",  # 9: a citizen's foreign passport
        f"{RESIDENT},A12345670,2020-01-01,2030-01-01,SAU",  # 10: a resident's Saudi one
        f"{SON},A33333333,01/02/2020,2030-01-01,SAU",  # 11: not an ISO date
        f"{NOT_IN_REGISTRY},A44444444,2020-01-01,2030-01-01,SAU",  # 12
        f"{MOTHER},A12345678,2020-01-01,2030-01-01,SAU",  # 13: the father's number
        f"{FATHER},A55555555,2020-01-01,2030-01-01,SAU"))  # 14: the father again
    assert result.exit_code == 1
    bad = errors(result)
    assert sorted(bad) == list(range(3, 15))
    assert bad[3] == "person_id '1900000019' is not a valid ID or iqama number"
    assert bad[4].startswith("passport_number 'AB1234567' is not a Saudi passport number")
    assert bad[5] == "expires_on is not after issued_on"
    assert bad[6] == "issuing_country 'XYZ' is not a known ISO alpha-3 code"
    assert bad[7].startswith("passport_number 'E123' is not 1 or 2 Latin letters")
    assert bad[8] == f"issued_on {tomorrow} is in the future"
    assert bad[9].startswith("issuing_country must be SAU for a national ID")
    assert bad[10].startswith("issuing_country must not be SAU for an iqama number")
    assert bad[11].startswith("issued_on '01/02/2020' is not a date in the form yyyy-mm-dd")
    assert bad[12] == f"person_id not in the civil registry: {NOT_IN_REGISTRY}"
    assert bad[13] == f"passport_number A12345678 (SAU) is the passport of {FATHER}"
    assert bad[14] == f"person_id {FATHER} already appears on row 2"
    assert "nothing was imported" in result.stderr
    assert count(session) == 0


def test_a_number_moves_only_with_the_passport_it_was(app, session, people, tmp_path):
    absher(app, "import", "passports", write(
        tmp_path, f"{FATHER},A12345678,2020-03-01,2030-02-28,SAU"))
    # Recorded against the wrong person: corrected in one file, the number follows.
    result = absher(app, "import", "passports", write(
        tmp_path, f"{MOTHER},A12345678,2020-03-01,2030-02-28,SAU",
        f"{FATHER},A87654321,2021-03-01,2031-02-28,SAU"))
    assert result.exit_code == 0, result.output
    assert passports.passport_of(session, MOTHER).number == "A12345678"
    assert passports.passport_of(session, FATHER).number == "A87654321"
    # The same number from another country is another passport.
    result = absher(app, "import", "passports", write(
        tmp_path, f"{RESIDENT},A12345678,2022-06-01,2029-05-31,EGY"))
    assert result.exit_code == 0, result.output


def test_the_wrong_header_is_refused_naming_the_right_one(app, session, people, tmp_path):
    result = absher(app, "import", "passports", write(
        tmp_path, f"{FATHER},A12345678,2020-03-01,2030-02-28,SAU",
        header="person_id,number,issued_on,expires_on,issuing_country"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"row 1: the header must be exactly: {HEADER}")
    assert count(session) == 0


def test_seed_demo_gives_the_demo_families_passports_in_every_state(app, session):
    result = absher(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert f"{len(family_demo.PASSPORTS)} passports" in result.output
    session.rollback()
    today = local_today()
    mohammed, noura, _ = DEMO_IDS
    family = [noura, family_demo.SAAD, family_demo.LATIFA, family_demo.ABDULLAH,
              family_demo.MUNIRA]
    found = passports.passports_of(session, family)
    states = [validity(found[i].expires_on if i in found else None, today) for i in family]
    assert states == [Validity.VALID, Validity.EXPIRES_SOON, Validity.NONE, Validity.EXPIRED,
                      Validity.NONE]
    assert passports.passport_of(session, mohammed).issuing_country == "SAU"
    assert passports.passport_of(session, DEMO_IDS[2]).issuing_country == "EGY"
    again = absher(app, "seed-demo")
    assert "0 passports" in again.output


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection:sqlalchemy.exc.SAWarning")
def test_migration_0018_adds_the_passports_table_and_takes_it_away(empty_database):
    from alembic import command

    from absher_web.migrate import alembic_config

    config = alembic_config(empty_database)
    command.upgrade(config, "0017")
    engine = sa.create_engine(empty_database)
    with engine.connect() as connection:
        assert "passports" not in sa.inspect(connection).get_table_names()
    command.upgrade(config, "0018")
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        assert {c["name"] for c in inspector.get_columns("passports")} == {
            "id", "person_id", "number", "issuing_country", "issued_on", "expires_on"}
        assert [i["name"] for i in inspector.get_indexes("passports")
                if i["column_names"] == ["number"]] == ["ix_passports_number"]
    command.downgrade(config, "0017")
    with engine.connect() as connection:
        assert "passports" not in sa.inspect(connection).get_table_names()
    command.upgrade(config, "0018")
    engine.dispose()
