"""The civil registry: demo seeding and CSV import, through the operator's commands."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from absher_web.agencies.civil_registry import (
    CITY_NAMES,
    DEMO_IDS,
    RegistryEntry,
    find_person,
    import_people,
    parse_registry_csv,
)
from absher_web.agencies.civil_registry_demo import demo_people
from absher_web.agencies.family_demo import (
    KHALID,
    LAILA,
    LATIFA,
    MAHMOUD,
    REEM,
    SAAD,
    SALMA,
    YOUSEF,
)
from absher_web.identity import is_valid_national_id
from absher_web.models import Person, PersonKind
from tests.days import riyadh_today

HEADER = "national_id,name_ar,name_en,birth_date,nationality,id_expiry,city,district"
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
NEXT_YEAR = (riyadh_today() + timedelta(days=365)).isoformat()

# IDs worked out by hand. The third is also the first demo person (DEMO_IDS[0]).
GOOD_ROWS = [
    "1000000008,سارة خالد الدوسري,Sarah Khalid Al-Dosari,1988-04-09,SAU,2031-01-01,"
    "الرياض,حي العليا",
    "2000000006,راجيش كومار,Rajesh Kumar,1979-12-30,ind,2027-06-30,جدة,حي الصفا",
    # Arabic-Indic ID and dates, as a registry clerk's spreadsheet might hold them.
    "١٠١٢٣٤٥٦٧٢,محمد عبدالله سعد العتيبي,Mohammed Abdullah Saad Al-Otaibi,١٩٩٠-٠٣-١٥,SAU,"
    "2032-05-01,الرياض,حي النخيل",
]


def write_csv(tmp_path: Path, lines: list[str], name: str = "registry.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def stored_people(session) -> dict[str, Person]:
    # End the test session's snapshot so rows the command committed are visible.
    session.rollback()
    return {person.national_id: person for person in session.scalars(select(Person))}

FAMILY_IDS = {SAAD, LATIFA, MAHMOUD, LAILA, SALMA, REEM, KHALID, YOUSEF}


# --- seed-demo ----------------------------------------------------------------------


def test_seed_demo_fills_the_registry_with_valid_people(app, session) -> None:
    result = run(app, "seed-demo")

    assert result.exit_code == 0, result.output
    people = stored_people(session)
    assert len(people) >= 1000
    assert all(is_valid_national_id(national_id) for national_id in people)
    # Enough of each kind to try both an ID and an iqama beyond the demo three.
    citizens = sum(person.kind is PersonKind.CITIZEN for person in people.values())
    assert 0.2 < citizens / len(people) < 0.8
    for person in people.values():
        if person.national_id.startswith("1"):
            assert (person.kind, person.nationality) == (PersonKind.CITIZEN, "SAU")
        else:
            assert person.kind is PersonKind.RESIDENT and person.nationality != "SAU"
        assert ARABIC_LETTER.search(person.name_ar) and ARABIC_LETTER.search(person.city)
        assert person.name_en.isascii() and len(person.name_en.split()) >= 2
        # The demo families' children (agencies/family_demo.py) are younger.
        assert date(1950, 1, 1) <= person.birth_date <= date(2005, 12, 31) or (
            person.national_id in FAMILY_IDS)
        # Every city shown on an English page has an English name.
        assert person.city in CITY_NAMES
    in_date = sum(person.id_expiry > riyadh_today() for person in people.values())
    assert in_date / len(people) > 0.8


def test_seed_demo_names_three_demo_ids_that_exist(app, session) -> None:
    result = run(app, "seed-demo")

    people = stored_people(session)
    assert len(DEMO_IDS) == 3
    for national_id in DEMO_IDS:
        person = people[national_id]
        assert f"{national_id}  {person.kind.value:<8}  {person.name_en}" in result.output
        assert person.id_expiry > riyadh_today()  # usable for registration right away
    assert [people[i].kind for i in DEMO_IDS] == [
        PersonKind.CITIZEN,
        PersonKind.CITIZEN,
        PersonKind.RESIDENT,
    ]


def test_seed_demo_again_adds_nobody(app, session) -> None:
    first = run(app, "seed-demo")
    count = len(stored_people(session))
    second = run(app, "seed-demo")

    assert "Added 1200 demo people" in first.output
    assert second.exit_code == 0
    assert "Added 0 demo people" in second.output
    assert len(stored_people(session)) == count


def test_seed_demo_does_not_undo_an_import(app, session, tmp_path) -> None:
    run(app, "seed-demo")
    moved = GOOD_ROWS[2].replace("الرياض,حي النخيل", "جدة,حي الصفا")
    assert run(app, "import-registry", str(write_csv(tmp_path, [HEADER, moved]))).exit_code == 0

    run(app, "seed-demo")

    assert stored_people(session)[DEMO_IDS[0]].city == "جدة"


def test_demo_people_are_the_same_for_the_same_seed() -> None:
    today = date(2026, 1, 1)
    first = demo_people(300, seed=7, today=today)

    assert first == demo_people(300, seed=7, today=today)
    other = demo_people(300, seed=8, today=today)
    assert first[3:] != other[3:]
    # The documented demo people lead every run, whatever the seed.
    assert [p.national_id for p in other[:3]] == list(DEMO_IDS)
    assert len({p.national_id for p in first}) == 300


# --- import-registry ----------------------------------------------------------------


def test_import_adds_people_from_a_good_file(app, session, tmp_path) -> None:
    path = tmp_path / "registry.csv"
    # Excel's "CSV UTF-8" starts with a byte-order mark and ends lines with CRLF.
    path.write_bytes(("\ufeff" + "\r\n".join([HEADER, *GOOD_ROWS]) + "\r\n").encode())

    result = run(app, "import-registry", str(path))

    assert result.exit_code == 0, result.output
    assert "Imported 3 people" in result.output and "3 added" in result.output
    people = stored_people(session)
    assert set(people) == {"1000000008", "2000000006", "1012345672"}
    resident = people["2000000006"]
    assert resident.kind is PersonKind.RESIDENT
    assert resident.nationality == "IND"
    assert resident.name_en == "Rajesh Kumar"
    assert resident.id_expiry == date(2027, 6, 30)
    assert people["1012345672"].birth_date == date(1990, 3, 15)


def test_import_of_a_bad_file_lists_every_bad_row_and_imports_nothing(
    app, session, tmp_path
) -> None:
    lines = [
        HEADER,  # 1
        GOOD_ROWS[0],  # 2
        "1000000007,علي حسن,Ali Hassan,1980-01-01,SAU,2030-01-01,الرياض,حي الملز",  # 3
        "1087654321,نورة فهد,Noura Fahad,1995-07-02,EGY,2030-01-01,جدة,حي الروضة",  # 4
        "",  # 5: a blank line is not a row
        "2123456788,أحمد محمود,Ahmed Mahmoud,1985-11-20,SAU,2030-01-01,الدمام,حي النور",  # 6
        "1000000008,سارة خالد,Sarah Khalid,1988-04-09,SAU,2031-01-01,الرياض,حي العليا",  # 7
        "1020304059,خالد سعد,Khalid Saad,1990-02-30,SAU,2030-01-01,الرياض,حي الملز",  # 8
        f"1098765439,فهد ناصر,Fahad Nasser,{NEXT_YEAR},SAU,2040-01-01,الرياض,حي الملز",  # 9
        "2012345670,كريم طارق,,1980-01-01,XXX,2030-01-01,جدة,حي الصفا",  # 10
        "2345678904,ليلى سامر,Laila Samer,1980-01-01,JOR,2030-01-01,جدة",  # 11
        GOOD_ROWS[1],  # 12
        "1087654321,Noura Fahad,نورة فهد,1995-07-02,SAU,2030-01-01,جدة,حي الروضة",  # 13
    ]

    result = run(app, "import-registry", str(write_csv(tmp_path, lines)))

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("row ")]
    expected = {
        3: ["national_id '1000000007' is not a valid ID"],
        4: ["national ID (starting with 1) must have nationality SAU"],
        6: ["iqama number (starting with 2) must not have nationality SAU"],
        7: ["national_id 1000000008 already appears on row 2"],
        8: ["birth_date '1990-02-30' is not a date in the form yyyy-mm-dd"],
        9: [f"birth_date {NEXT_YEAR} is not in the past"],
        10: ["name_en is empty", "nationality 'XXX' is not a known ISO alpha-3 code"],
        11: ["expected 8 fields, found 7"],
        13: ["name_ar must be written in Arabic letters", "name_en must not contain Arabic"],
    }
    assert [int(line.split(":")[0].removeprefix("row ")) for line in errors] == list(expected)
    for line in errors:
        number = int(line.split(":")[0].removeprefix("row "))
        for reason in expected[number]:
            assert reason in line
    assert "nothing was imported" in result.stderr
    assert "Imported" not in result.output
    assert stored_people(session) == {}


def test_import_with_a_wrong_header_is_refused(app, session, tmp_path) -> None:
    header = HEADER.replace("birth_date,nationality", "nationality,birth_date")
    result = run(app, "import-registry", str(write_csv(tmp_path, [header, *GOOD_ROWS])))

    assert result.exit_code == 1
    assert result.stderr.startswith("row 1: the header must be exactly: " + HEADER)
    assert stored_people(session) == {}


def test_import_of_a_file_that_is_not_utf8_is_refused(app, session, tmp_path) -> None:
    path = tmp_path / "registry.csv"
    path.write_bytes("\n".join([HEADER, GOOD_ROWS[0]]).encode("cp1256"))

    result = run(app, "import-registry", str(path))

    assert result.exit_code == 1
    assert "not UTF-8 text" in result.stderr
    assert stored_people(session) == {}


def test_importing_the_same_file_again_changes_nothing(app, session, tmp_path) -> None:
    path = write_csv(tmp_path, [HEADER, *GOOD_ROWS])
    run(app, "import-registry", str(path))
    before = {nid: p.name_en for nid, p in stored_people(session).items()}

    again = run(app, "import-registry", str(path))

    assert again.exit_code == 0
    assert "0 added, 0 updated, 3 unchanged" in again.output
    assert {nid: p.name_en for nid, p in stored_people(session).items()} == before


def test_import_updates_people_already_in_the_registry(app, session, tmp_path) -> None:
    run(app, "seed-demo")
    count = len(stored_people(session))
    renewed = GOOD_ROWS[2].replace("2032-05-01", "2036-05-01")
    path = write_csv(tmp_path, [HEADER, renewed, GOOD_ROWS[0]])

    result = run(app, "import-registry", str(path))

    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated, 0 unchanged" in result.output
    people = stored_people(session)
    assert len(people) == count + 1
    assert people[DEMO_IDS[0]].id_expiry == date(2036, 5, 1)


# --- the adapter the rest of the app uses -------------------------------------------


def test_find_person_accepts_the_id_as_typed(app, session) -> None:
    entries, errors = parse_registry_csv([HEADER, GOOD_ROWS[0]])
    assert errors == []
    import_people(session, entries)
    session.commit()

    assert find_person(session, "١٠٠٠ ٠٠٠ ٠٠٨").name_en == "Sarah Khalid Al-Dosari"
    assert find_person(session, "1000000007") is None  # bad check digit
    assert find_person(session, "2000000006") is None  # valid but not registered


def test_import_people_refuses_a_bad_entry_and_writes_nothing(app, session) -> None:
    good, _ = parse_registry_csv([HEADER, GOOD_ROWS[0]])
    bad = RegistryEntry(
        "2000000006", "راجيش كومار", "Rajesh Kumar", date(1979, 12, 30), "SAU",
        date(2030, 1, 1), "جدة", "حي الصفا",
    )  # fmt: skip

    with pytest.raises(ValueError, match="must not have nationality SAU"):
        import_people(session, [*good, bad])
    session.rollback()

    assert session.scalar(select(func.count()).select_from(Person)) == 0
