"""import-vehicles, import-violations and import-sponsorships: all or nothing, one
"row N: reason" line per bad row; seed-demo gives every demo ID something to see."""

from __future__ import annotations

from sqlalchemy import func, select

from absher_web.agencies import civil_registry, traffic
from absher_web.models import Sponsorship, TrafficViolation, Vehicle
from tests.days import riyadh_today

VEHICLES = ("plate_country,plate_letters,plate_number,make,model,year,colour,owner_id,"
            "insurance_company,insurance_expiry,impounded_since,impound_place")
VIOLATIONS = ("reference,plate_country,plate_letters,plate_number,kind,amount,committed_on,"
              "place,status")
SPONSORSHIPS = ("sponsor_id,person_id,name_ar,name_en,kind,nationality,permit_expiry,"
                "health_insurer,health_insurance_expiry")


def run(app, tmp_path, command: str, lines: list[str]):
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return app.test_cli_runner().invoke(args=["absher", command, str(path)])


def count(session, model) -> int:
    session.rollback()  # see what the command committed
    return session.scalar(select(func.count()).select_from(model))


def row_errors(result) -> dict[int, str]:
    return {int(line.split(":")[0].removeprefix("row ")): line
            for line in result.stderr.splitlines() if line.startswith("row ")}


def test_vehicles_and_their_violations_are_imported(app, session, tmp_path, make_person):
    owner = make_person()
    result = run(app, tmp_path, "import-vehicles", [
        VEHICLES,
        f"SAU,أ ب ح,١٢٣٤,Toyota,Camry,2021,White,{owner},Tawuniya,2027-01-31,,",
        "BHR,,AB-123,Nissan,Sunny,2019,red,,,,,",
    ])
    assert result.exit_code == 0, result.output
    assert "Imported 2 vehicles" in result.output
    session.rollback()
    camry = session.scalars(select(Vehicle).where(Vehicle.owner_id == owner)).one()
    assert (camry.plate_letters, camry.plate_number, camry.colour) == ("ABJ", "1234", "white")
    result = run(app, tmp_path, "import-violations", [
        VIOLATIONS,
        "R0001,SAU,ABJ,1234,speeding,300,2025-05-01,الرياض,unpaid",
        "R0002,BHR,,AB123,parking,150,2025-06-01,الدمام,paid",
    ])
    assert result.exit_code == 0, result.output
    assert count(session, TrafficViolation) == 2


def test_a_bad_vehicles_file_lists_every_bad_row_and_imports_nothing(
        app, session, tmp_path, make_person):
    owner = make_person()
    result = run(app, tmp_path, "import-vehicles", [
        VEHICLES,
        f"SAU,ABJ,1234,Toyota,Camry,2021,white,{owner},,,,",  # 2: good
        f"SAU,ABW,1234,Toyota,Camry,2021,white,{owner},,,,",  # 3: W is no plate letter
        f"SAU,ABJ,12345,Toyota,Camry,2021,pink,{owner},,,,",  # 4
        "SAU,ABJ,1,Toyota,Camry,1900,white,,Tawuniya,,,",  # 5
        f"SAU,ABJ,1234,Kia,Rio,2020,black,{owner},,,,",  # 6: plate of row 2 again
        "XXX,,1,Kia,Rio,2020,black,,,,,",  # 7
        "SAU,ABJ",  # 8
    ])
    assert result.exit_code == 1
    errors = row_errors(result)
    assert list(errors) == [3, 4, 5, 6, 7, 8]
    assert "plate_letters 'ABW'" in errors[3]
    assert "plate_number '12345' is not 1 to 4 digits" in errors[4]
    assert "colour 'pink'" in errors[4]
    assert "year '1900'" in errors[5] and "owner_id is empty" in errors[5]
    assert "insurance_company and insurance_expiry go together" in errors[5]
    assert "already appears on row 2" in errors[6]
    assert "plate_country 'XXX'" in errors[7]
    assert "expected 12 fields, found 2" in errors[8]
    assert "nothing was imported" in result.stderr
    assert count(session, Vehicle) == 0


def test_an_owner_outside_the_civil_registry_refuses_the_whole_file(app, session, tmp_path,
                                                                    make_person):
    result = run(app, tmp_path, "import-vehicles", [
        VEHICLES, f"SAU,ABJ,1,Kia,Rio,2020,black,{make_person()},,,,",
        "SAU,ABJ,2,Kia,Rio,2020,black,1000000008,,,,"])
    assert result.exit_code == 1
    assert "owner_id not in the civil registry: 1000000008" in result.stderr
    assert count(session, Vehicle) == 0


def test_violations_of_an_unknown_plate_are_refused(app, session, tmp_path):
    result = run(app, tmp_path, "import-violations", [
        VIOLATIONS, "R0001,SAU,ABJ,1234,speeding,300,2025-05-01,الرياض,unpaid",
        "R0001,SAU,ABJ,1234,speeding,0,2025-05-01,الرياض,late"])
    assert result.exit_code == 1
    errors = row_errors(result)
    assert "amount '0'" in errors[3] and "status 'late'" in errors[3]
    result = run(app, tmp_path, "import-violations", [
        VIOLATIONS, "R0001,SAU,ABJ,1234,speeding,300,2025-05-01,الرياض,unpaid"])
    assert result.exit_code == 1
    assert "no vehicle with plate: SAU ABJ 1234" in result.stderr


def test_sponsorships_are_imported_all_or_nothing(app, session, tmp_path, make_person):
    sponsor = make_person()
    good = f"{sponsor},2123456788,أحمد,Ahmed,worker,EGY,2027-01-01,Bupa Arabia,2026-12-31"
    result = run(app, tmp_path, "import-sponsorships", [
        SPONSORSHIPS, good,
        f"{sponsor},2123456788,أحمد,Ahmed,worker,EGY,2027-01-01,,",  # 3: person again
        f"{sponsor},1012345672,x,X,worker,SAU,2027-01-01,,",  # 4
        f"{sponsor},2123456788,x,X,visitor,PHL,2027-01-01,Bupa,",  # 5
        f"{sponsor},3100000000,x,X,cousin,PHL,2027-13-01,,",  # 6
    ])
    assert result.exit_code == 1
    errors = row_errors(result)
    assert list(errors) == [3, 4, 5, 6]
    assert "already appears on row 2" in errors[3]
    assert "not a valid iqama number" in errors[4] and "nationality 'SAU'" in errors[4]
    assert "border number" in errors[5] and "go together" in errors[5]
    assert "kind 'cousin'" in errors[6] and "permit_expiry '2027-13-01'" in errors[6]
    assert count(session, Sponsorship) == 0

    result = run(app, tmp_path, "import-sponsorships", [SPONSORSHIPS, good])
    assert result.exit_code == 0, result.output
    assert count(session, Sponsorship) == 1


def test_seed_demo_gives_every_demo_id_vehicles_workers_and_visitors(app, session):
    result = app.test_cli_runner().invoke(args=["absher", "seed-demo"])
    assert result.exit_code == 0, result.output
    session.rollback()
    for national_id in civil_registry.DEMO_IDS:
        assert traffic.vehicles_of(session, national_id), national_id
        kinds = set(session.scalars(select(Sponsorship.kind).where(
            Sponsorship.sponsor_id == national_id)))
        assert len(kinds) == 3, national_id
    # The demo resident is someone's worker: he sees his own health insurance.
    assert session.scalars(select(Sponsorship).where(
        Sponsorship.person_id == civil_registry.DEMO_IDS[2])).one()
    assert traffic.find_foreign_vehicle(session, "BHR", "12345").violations
    # Each demo ID's visitor can be extended, and has a domestic worker to report absent.

    from absher_web.models import SponsoredKind
    from absher_web.services.eservices import visa
    from absher_web.services.policies import EServicePolicy
    for national_id in civil_registry.DEMO_IDS:
        visitor = session.scalars(select(Sponsorship).where(
            Sponsorship.sponsor_id == national_id,
            Sponsorship.kind == SponsoredKind.VISITOR)).one()
        assert isinstance(visa.rule(EServicePolicy(), visitor, riyadh_today()), visa.Quote)
        assert session.scalars(select(Sponsorship).where(
            Sponsorship.sponsor_id == national_id,
            Sponsorship.kind == SponsoredKind.DOMESTIC_WORKER)).one().entry_date
    again = app.test_cli_runner().invoke(args=["absher", "seed-demo"])
    assert "0 vehicles and 0 sponsored" in again.output


def test_sponsorships_may_give_the_day_of_entry(app, session, tmp_path, make_person):
    sponsor = make_person()
    result = run(app, tmp_path, "import-sponsorships", [
        SPONSORSHIPS + ",entry_date",
        f"{sponsor},3100000007,سيتي,Siti,visitor,IDN,2027-01-01,Bupa,2027-06-01,2026-10-01",
        f"{sponsor},3100000015,سيتي,Siti,visitor,IDN,2027-01-01,,,2027-02-01",  # 3
        f"{sponsor},3100000023,سيتي,Siti,visitor,IDN,2027-01-01,,,2026-13-01",  # 4
    ])
    assert result.exit_code == 1
    errors = row_errors(result)
    assert list(errors) == [3, 4]
    assert "entry_date is after permit_expiry" in errors[3]
    assert "entry_date '2026-13-01'" in errors[4]
    result = run(app, tmp_path, "import-sponsorships", [
        SPONSORSHIPS + ",entry_date",
        f"{sponsor},3100000007,سيتي,Siti,visitor,IDN,2027-01-01,Bupa,2027-06-01,2026-10-01"])
    assert result.exit_code == 0, result.output
    session.rollback()
    from datetime import date
    assert session.scalars(select(Sponsorship)).one().entry_date == date(2026, 10, 1)
