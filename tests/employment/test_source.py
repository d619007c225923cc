"""`flask absher import job-openings FILE`: openings added and updated by number, every bad
row named by its line and column, nothing stored from a file with a bad row, bounded
memory on a large file; the demo's openings; the data a holder's export shows and the
purge of old applications."""

from __future__ import annotations

import tracemalloc
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from absher_web.agencies import job_openings
from absher_web.dates import local_today
from absher_web.extensions import db
from absher_web.models import (
    JobApplication,
    JobGender,
    JobOpening,
    JobRegion,
    Qualification,
    ServiceRequest,
    utcnow,
)
from absher_web.services import employment, retention
from tests.employment.conftest import OPEN, the_application

HEADER = ",".join(job_openings.HEADER)
GOOD = ("MOI-2026-0500,جندي,Soldier,public_security,riyadh,secondary,2030-01-31,18,30,yes,men,"
        "\"اللياقة الطبية\",\"Medically fit, no conviction\"")


def absher(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def write(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "openings.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def stored(session) -> dict[str, JobOpening]:
    session.rollback()
    return {o.number: o for o in session.scalars(select(JobOpening))}


def test_openings_are_imported_and_a_later_row_replaces_one(app, session, tmp_path):
    result = absher(app, "import", "job-openings", write(
        tmp_path, GOOD,
        "moi-2026-0501,طبيب,Physician,headquarters,eastern,doctorate,2030-02-01,,,no,,,"))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    found = stored(session)
    assert found["MOI-2026-0500"].gender is JobGender.MEN
    assert found["MOI-2026-0500"].conditions_en == "Medically fit, no conviction"
    assert found["MOI-2026-0501"].saudi_only is False and found["MOI-2026-0501"].min_age is None
    assert found["MOI-2026-0501"].region is JobRegion.EASTERN
    result = absher(app, "import-job-openings", write(
        tmp_path, GOOD.replace("2030-01-31", "2030-03-31")))
    assert result.exit_code == 0 and "1 updated" in result.output, result.output
    assert stored(session)["MOI-2026-0500"].closing_on.isoformat() == "2030-03-31"


def test_every_bad_row_is_named_and_nothing_is_imported(app, session, tmp_path):
    result = absher(app, "import", "job-openings", write(
        tmp_path, GOOD,
        "MOI 1,,Soldier,army,mars,phd,31/01/2030,12,99,maybe,both,,",
        "MOI-2026-0502,جندي,Soldier\u202e,prisons,riyadh,diploma,2030-01-31,30,20,yes,,,",
        "MOI-2026-0503,too,few",
        GOOD))
    assert result.exit_code == 1
    out = result.output
    assert "row 3: number 'MOI 1' is not 4 to 20 Latin letters" in out
    for column in ("title_ar is empty", "sector 'army'", "region 'mars'",
                   "qualification 'phd'", "closing_on '31/01/2030'", "min_age '12'",
                   "max_age '99'", "saudi_only 'maybe'", "gender 'both'"):
        assert column in out, column
    assert "row 4: title_en holds control or formatting characters; max_age is below min_age" \
        in out
    assert "row 5: expected 13 fields, found 3" in out
    assert "row 6: number MOI-2026-0500 already appears on row 2" in out
    assert "nothing was imported" in out
    assert stored(session) == {}


def test_a_large_file_is_read_in_bounded_memory(app, session, tmp_path):
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for index in range(5000):
            out.write(GOOD.replace("MOI-2026-0500", f"MOI-M-{index:06d}") + "\n")
    tracemalloc.start()
    result = absher(app, "import", "job-openings", str(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert "5000 added" in result.output
    assert peak < 60 * 1024 * 1024, peak
    session.rollback()
    assert session.scalar(select(func.count()).select_from(JobOpening)) == 5000


def test_the_demo_openings_are_made_once(app):
    with app.app_context(), db.transaction() as session:
        made = job_openings.seed_demo(session, local_today())
        assert made == len(job_openings.demo_entries(local_today())) and made >= 5
        assert job_openings.seed_demo(session, local_today()) == 0


def test_the_export_and_the_purge_of_applications(app, applicant):
    applicant.apply()
    made = the_application(app)
    with app.app_context():
        exported = employment.for_export(db.session, db.session.get(
            type(applicant.account), applicant.account.id))
        assert [row["number"] for row in exported] == [made.number]
        assert exported[0]["opening"] == OPEN and exported[0]["status"] == "submitted"
        assert exported[0]["qualification"] == Qualification.BACHELOR.value
        assert all(isinstance(value, (str, int, bool, type(None)))
                   for row in exported for value in row.values())
    policy = retention.RetentionPolicy.from_config(app.config)
    with app.app_context():
        report = retention.purge(db.transaction, policy, utcnow())
        assert report["job applications"] == 0
        later = utcnow() + policy.eservice_records + timedelta(days=1)
        report = retention.purge(db.transaction, policy, later)
        assert report["job applications"] == 1
        assert db.session.scalar(select(func.count()).select_from(JobApplication)) == 0
        assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0
