"""Every government source, on SQLite and on PostgreSQL (ABSHER_TEST_DATABASE_URL): an
import cut off by a failure resumes after the last batch stored with each row stored
once, and importing the same file again finds every row unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from absher_web.agencies import csv_source
from absher_web.agencies.sources import SOURCES
from absher_web.identity import national_id_check_digit
from absher_web.models import (
    BirthNotification,
    Custody,
    ImportCheckpoint,
    InvestorLicence,
    JobOpening,
    Marriage,
    ParentLink,
    Passport,
    Person,
    PremiumResidency,
    Sponsorship,
    TrafficViolation,
    TravelBan,
    Vehicle,
    Visa,
)
from tests.test_agency_sources import absher, failing_after

FAMILY = Path(__file__).parent / "family"
CITIZENS = ["1900000017", "1900000025", "1900000033", "1900000041", "1900000058"]
# Residents of their own, beyond tests/family/people.csv's two: one record a person.
RESIDENTS = [f"29100000{n}" + national_id_check_digit(f"29100000{n}") for n in range(1, 6)]
REGISTRY_HEADER = "national_id,name_ar,name_en,birth_date,nationality,id_expiry,city,district"
VEHICLES_HEADER = ("plate_country,plate_letters,plate_number,make,model,year,colour,owner_id,"
                   "insurance_company,insurance_expiry,impounded_since,impound_place")
VEHICLES = [VEHICLES_HEADER,
            *(f"SAU,ABJ,{n},Kia,Rio,2020,black,{CITIZENS[n - 1]},,,," for n in range(1, 6))]

# For each source: the file (header first) and the tables its rows go to.
CASES: dict[str, tuple[list[str], tuple[type, ...]]] = {
    "registry": ((FAMILY / "people.csv").read_text(encoding="utf-8").splitlines(), (Person,)),
    "vehicles": (VEHICLES, (Vehicle,)),
    "violations": (["reference,plate_country,plate_letters,plate_number,kind,amount,"
                    "committed_on,place,status",
                    *(f"R000{n},SAU,ABJ,{n},speeding,300,2025-05-01,الرياض,unpaid"
                      for n in range(1, 6))], (TrafficViolation,)),
    "sponsorships": (["sponsor_id,person_id,name_ar,name_en,kind,nationality,permit_expiry,"
                      "health_insurer,health_insurance_expiry",
                      *(f"{CITIZENS[n % 2]},310000000{n},سيتي نور,Siti Nur,visitor,IDN,"
                        "2027-01-01,Bupa Arabia,2027-01-01" for n in range(1, 6))],
                     (Sponsorship,)),
    "family": ((FAMILY / "family.csv").read_text(encoding="utf-8").splitlines(),
               (Marriage, ParentLink, Custody, BirthNotification)),
    "passports": (["person_id,passport_number,issued_on,expires_on,issuing_country",
                   *(f"{citizen},A1234567{n},2020-03-01,2030-02-28,SAU"
                     for n, citizen in enumerate(CITIZENS))], (Passport,)),
    "travel-bans": (["person_id,since,authority,lifted_on",
                     *(f"{citizen},2024-01-01,النيابة العامة," for citizen in CITIZENS)],
                    (TravelBan,)),
    "visas": (["number,person_id,kind,status,issued_on,valid_until",
               *(f"410000000{n},{resident},single,used,2025-01-10,2025-03-10"
                 for n, resident in enumerate(RESIDENTS, start=1))], (Visa,)),
    "premium-residencies": (["person_id,certificate_number,kind,issued_on,expires_on,status",
                             *(f"{resident},PR-2024-00010{n},permanent,2024-01-01,,active"
                               for n, resident in enumerate(RESIDENTS))], (PremiumResidency,)),
    "investors": (["licence_number,person_id,kind,activity,expires_on",
                   *(f"MISA-2024-00015{n},{resident},services,تقنية المعلومات,2027-03-01"
                     for n, resident in enumerate(RESIDENTS))], (InvestorLicence,)),
    "job-openings": ([",".join(SOURCES["job-openings"].header),
                      *(f"MOI-2026-050{n},جندي,Soldier,public_security,riyadh,secondary,"
                        "2030-01-31,18,30,yes,men,\"اللياقة الطبية\",\"Medically fit\""
                        for n in range(5))], (JobOpening,)),
}


def stored(session, models: tuple[type, ...]) -> int:
    session.rollback()  # see what the command committed
    return sum(session.scalar(select(func.count()).select_from(model)) for model in models)


def write(tmp_path: Path, name: str, lines: list[str]) -> str:
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def import_what_it_names(app, tmp_path: Path, name: str) -> None:
    """The people (and, for violations, the vehicles) the source's rows name."""
    residents = [REGISTRY_HEADER, *(f"{resident},راميش كومار,Ramesh Kumar,1990-08-08,IND,"
                                    "2027-02-01,الدمام,حي النور" for resident in RESIDENTS)]
    needed = [("registry", CASES["registry"][0]), ("registry", residents)]
    if name == "violations":
        needed.append(("vehicles", VEHICLES))
    for needed_name, lines in needed:
        result = absher(app, "import", needed_name,
                        write(tmp_path, f"needed-{needed_name}", lines))
        assert result.exit_code == 0, result.output


def test_every_source_is_covered():
    assert set(CASES) == set(SOURCES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_interrupted_import_resumes_and_a_second_one_changes_nothing(
        app, session, tmp_path, monkeypatch, name):
    lines, models = CASES[name]
    if name != "registry":
        import_what_it_names(app, tmp_path, name)
    before = stored(session, models)
    rows = len(lines) - 1
    path = write(tmp_path, name, lines)
    monkeypatch.setattr(csv_source, "BATCH", 2)  # rows stored two at a time

    with monkeypatch.context() as failing:
        failing_after(failing, name, 1)
        cut_off = absher(app, "import", name, "--skip-bad-rows", path)
    assert isinstance(cut_off.exception, ConnectionError)
    assert stored(session, models) == before + 2  # the first batch, committed
    resumed = absher(app, "import", name, "--skip-bad-rows", path)
    assert resumed.exit_code == 0, resumed.output
    assert "Resuming the import" in resumed.output and "after row 3" in resumed.output
    assert f"{rows} added, 0 updated, 0 unchanged" in resumed.output
    assert stored(session, models) == before + rows  # every row once
    assert stored(session, (ImportCheckpoint,)) == 0

    again = absher(app, "import", name, path)
    assert again.exit_code == 0, again.output
    assert f"0 added, 0 updated, {rows} unchanged" in again.output
    assert stored(session, models) == before + rows
