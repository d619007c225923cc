"""`flask absher import family FILE`: marriages, parents, custody and birth notifications,
every bad row named by its line and column, nothing stored from a file with one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from absher_web.agencies import family_demo
from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.models import (
    BirthNotification,
    Custody,
    Marriage,
    MarriageEnd,
    ParentLink,
    ParentRole,
    Sex,
)

HERE = Path(__file__).parent
HEADER = ("record,person_id,other_id,relation,sex,date,ended_on,ended_by,notification_number,"
          "hospital")
FATHER, MOTHER, SON = "1900000017", "1900000025", "1900000033"
NOT_IN_REGISTRY = "1900000074"


def absher(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def count(session, model) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def errors(result) -> dict[int, str]:
    return {int(line.split(":")[0].removeprefix("row ")): line.split(": ", 1)[1]
            for line in result.stderr.splitlines() if line.startswith("row ")}


def write(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "family.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def load_people(app):
    result = absher(app, "import", "registry", str(HERE / "people.csv"))
    assert result.exit_code == 0, result.output


def test_the_test_family_imports_and_again_changes_nothing(app, session):
    load_people(app)
    result = absher(app, "import", "family", str(HERE / "family.csv"))
    assert result.exit_code == 0, result.output
    assert "Imported 8 family records" in result.output and "8 added" in result.output
    assert (count(session, Marriage), count(session, ParentLink), count(session, Custody),
            count(session, BirthNotification)) == (2, 4, 1, 1)
    divorce = session.scalars(select(Marriage).where(Marriage.husband_id == FATHER)).one()
    assert divorce.ended_by is MarriageEnd.DIVORCE and divorce.ended_on.isoformat() == "2020-05-01"
    son = session.scalars(select(ParentLink).where(ParentLink.child_id == SON,
                                                   ParentLink.relation == ParentRole.FATHER)).one()
    assert (son.parent_id, son.child_sex) == (FATHER, Sex.MALE)
    birth = session.scalars(select(BirthNotification)).one()
    assert (birth.number, birth.hospital) == ("TEST-BN-0001", "مستشفى الاختبار العام")

    again = absher(app, "import", "family", str(HERE / "family.csv"))
    assert "0 added, 0 updated, 8 unchanged" in again.output


def test_a_correction_updates_the_stored_record(app, session, tmp_path):
    load_people(app)
    absher(app, "import", "family", str(HERE / "family.csv"))
    result = absher(app, "import", "family", write(
        tmp_path, f"custody,{FATHER},{SON},,,2024-01-01,,,,"))
    assert "0 added, 1 updated" in result.output, result.output
    session.rollback()
    assert session.scalars(select(Custody)).one().custodian_id == FATHER


def test_every_bad_row_is_named_by_line_and_column_and_nothing_is_stored(app, session,
                                                                         tmp_path):
    load_people(app)
    result = absher(app, "import", "family", write(
        tmp_path,
        f"marriage,{FATHER},{MOTHER},,,2001-03-10,,,,",                    # 2: good
        f"wedding,{FATHER},{MOTHER},,,2001-03-10,,,,",                     # 3
        f"marriage,{FATHER},1900000018,,,2001-03-10,,,,",                  # 4
        f"marriage,{FATHER},{MOTHER},,,2001-03-10,2020-01-01,,,",          # 5
        f"parent,{FATHER},{SON},uncle,boy,,,,,",                           # 6
        f"parent,{FATHER},{FATHER},father,male,,,,,",                      # 7
        f"custody,{MOTHER},{SON},,,2099-01-01,,,,",                        # 8
        f"birth,{FATHER},{MOTHER},,female,2026-01-02,,,no spaces!,",       # 9
        f"parent,{SON},{FATHER},father,male,,,,,",                         # 10: son older?
        f"custody,{NOT_IN_REGISTRY},{SON},,,2020-01-01,,,,",               # 11
        f"marriage,{FATHER},{MOTHER},,,2001-03-10,,,,",                    # 12: repeats 2
        f"custody,{MOTHER},{SON},,,2020-01-01,,,,,extra",                  # 13
        f"parent,{FATHER},{SON},father,male,2020-01-01,,,,",               # 14
    ))
    assert result.exit_code == 1
    found = errors(result)
    assert sorted(found) == list(range(3, 15))
    assert "record 'wedding' is not one of: marriage, parent, custody, birth" in found[3]
    assert "other_id (the wife) '1900000018' is not a valid ID or iqama number" in found[4]
    assert "ended_on and ended_by go together" in found[5]
    assert "relation 'uncle' is not one of: father, mother" in found[6]
    assert "sex 'boy' is not one of: male, female" in found[6]
    assert "person_id and other_id are the same person" in found[7]
    assert "date 2099-01-01 is in the future" in found[8]
    assert "notification_number 'no spaces!' is not 4 to 20" in found[9]
    assert "hospital is empty" in found[9]
    assert "person_id (the parent) was not born before other_id (the child)" in found[10]
    assert f"person_id not in the civil registry: {NOT_IN_REGISTRY}" in found[11]
    assert f"the marriage of {FATHER} and {MOTHER} on 2001-03-10 already appears on row 2" \
        in found[12]
    assert "expected 10 fields, found 11" in found[13]
    assert "date is only for other records: leave it empty" in found[14]
    assert "nothing was imported" in result.stderr
    assert count(session, Marriage) == count(session, ParentLink) == 0


def test_hostile_files_are_refused_without_a_crash(app, session, tmp_path):
    load_people(app)
    long_name = "م" * 5000
    result = absher(app, "import", "family", write(
        tmp_path,
        f"birth,{FATHER},{MOTHER},,male,2026-01-02,,,BN-0001,{long_name}",
        f"birth,{FATHER},{MOTHER},,male,2026-01-02,,,BN-0002,=HYPERLINK(\"x\")\u202e",
        f"'; DROP TABLE marriages; --,{FATHER},{MOTHER},,,2001-03-10,,,,",
        f"marriage,{FATHER}\u0000,{MOTHER},,,2001-03-10,,,,",
        f"marriage,{FATHER},{MOTHER},,,١٠-٠٣-٢٠٠١,,,,",
        f"marriage,{FATHER},{MOTHER},,,2001-02-30,,,,",
        "\"unterminated,quote",
    ))
    assert result.exit_code == 1
    found = errors(result)
    assert "hospital is longer than 200 characters" in found[2]
    assert "hospital holds control or formatting characters" in found[3]
    assert "is not one of: marriage" in found[4]
    assert "person_id (the husband)" in found[5] and "is not a valid ID" in found[5]
    assert "is not a date in the form yyyy-mm-dd" in found[6]
    assert "'2001-02-30' is not a date" in found[7]
    assert "not valid CSV" in found[8]
    assert count(session, Marriage) == 0
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Marriage)) == 0  # still a table


def test_arabic_indic_digits_are_read(app, session, tmp_path):
    load_people(app)
    result = absher(app, "import", "family", write(
        tmp_path, "marriage,١٩٠٠٠٠٠٠١٧,١٩٠٠٠٠٠٠٢٥,,,٢٠٠١-٠٣-١٠,,,,"))
    assert result.exit_code == 0, result.output
    assert session.scalars(select(Marriage)).one().husband_id == FATHER


def test_seed_demo_gives_the_demo_holders_their_families(app, session):
    result = absher(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "29 family records" in result.output
    session.rollback()
    mohammed, noura, ahmed = DEMO_IDS
    assert session.scalars(select(Marriage).where(Marriage.husband_id == mohammed)).one(
    ).wife_id == noura
    assert {link.child_id for link in session.scalars(
        select(ParentLink).where(ParentLink.parent_id == ahmed))} == {
        family_demo.MAHMOUD, family_demo.LAILA, family_demo.SALMA}
    assert session.scalars(select(Custody).where(Custody.child_id == family_demo.SALMA)).one(
    ).custodian_id == family_demo.DINA
    # A divorced Saudi mother with her two children in her custody (her family record).
    assert {c.child_id for c in session.scalars(select(Custody).where(
        Custody.custodian_id == family_demo.HESSA))} == {family_demo.REEM, family_demo.KHALID}
    assert count(session, BirthNotification) == 2
    again = absher(app, "seed-demo")
    assert "0 family records" in again.output
