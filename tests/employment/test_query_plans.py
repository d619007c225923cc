"""The openings search and the recruiters' queue stay on an index: the database's own plan
says so (SQLite's EXPLAIN QUERY PLAN; on PostgreSQL, EXPLAIN over 20,000 openings and
20,000 applications, ANALYZEd)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from absher_web.extensions import db
from absher_web.models import JobOpening, JobRegion, JobSector, Qualification, utcnow
from absher_web.services import employment
from absher_web.services.employment import Search
from absher_web.services.eservices import local_today

ROWS = 20_000
TODAY = local_today(utcnow())
SEARCHES = [
    Search(),
    Search(include_closed=True, page=3),
    Search(sector=JobSector.PASSPORTS),
    Search(region=JobRegion.JAZAN, include_closed=True),
    Search(qualification=Qualification.DIPLOMA),
    Search(words="soldier", sector=JobSector.PUBLIC_SECURITY),
]


def compiled(statement) -> str:
    return str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))


def plan(statement) -> str:
    sql = compiled(statement)
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        return "\n".join(row[-1] for row in rows)
    return "\n".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))


def no_table_scan(found: str) -> None:
    for table in ("job_openings", "job_applications"):
        # SQLite: "SCAN job_openings" alone reads the table; "USING INDEX" walks an index.
        assert f"Seq Scan on {table}" not in found, found
        for line in found.splitlines():
            if line.strip().startswith(f"SCAN {table}"):
                assert "USING" in line and "INDEX" in line, found


def fill(app, make_account) -> None:
    account = make_account()
    if db.engine.dialect.name != "postgresql":
        return
    sectors = [s.value for s in JobSector]
    regions = [r.value for r in JobRegion]
    db.session.execute(text(
        "INSERT INTO job_openings (number, title_ar, title_en, sector, region, qualification,"
        " closing_on, saudi_only, conditions_ar, conditions_en, search_text)"
        " SELECT 'MOI-Q-' || n, 'وظيفة', 'Job ' || n,"
        " (CAST(:sectors AS text[]))[1 + n % :ns], (CAST(:regions AS text[]))[1 + n % :nr],"
        " (CAST(:qualifications AS text[]))[1 + n % :nq],"
        " CAST(:today AS date) + (n % 400 - 100), true, '', '', 'job ' || n"
        " FROM generate_series(1, :rows) AS n"),
        {"sectors": sectors, "regions": regions, "ns": len(sectors), "nr": len(regions),
         "qualifications": [q.value for q in Qualification], "nq": len(Qualification),
         "today": TODAY, "rows": ROWS})
    db.session.execute(text(
        "INSERT INTO service_requests (number, service, request_key, account_id,"
        " beneficiary_id, status, details, created_at, changed_at)"
        " SELECT 'Q' || n, 'job_application', 'K' || n, :account, '1000000000',"
        " CASE WHEN n % 5 = 0 THEN 'submitted' ELSE 'approved' END, '{}', now(), now()"
        " FROM generate_series(1, :rows) AS n"), {"account": account.id, "rows": ROWS})
    db.session.execute(text(
        "INSERT INTO job_applications (request_id, opening_id, account_id, qualification,"
        " created_at)"
        " SELECT r.id, o.id, :account, 'secondary', now() FROM service_requests r"
        " JOIN job_openings o ON o.number = 'MOI-Q-' || substr(r.number, 2)"
        " WHERE r.service = 'job_application'"), {"account": account.id})
    db.session.commit()
    db.session.execute(text("ANALYZE job_openings"))
    db.session.execute(text("ANALYZE job_applications"))
    db.session.execute(text("ANALYZE service_requests"))
    db.session.commit()


@pytest.fixture
def filled(app, make_account):
    with app.app_context():
        fill(app, make_account)
        yield


@pytest.mark.parametrize("wanted", SEARCHES, ids=lambda wanted: repr(wanted)[6:60])
def test_the_openings_search_reads_an_index(app, filled, wanted):
    no_table_scan(plan(employment.search_query(wanted, TODAY - timedelta(days=1))))


def test_the_recruiters_queue_reads_an_index(app, filled):
    opening = JobOpening(id=7, number="MOI-Q-7")
    found = plan(employment.queue_query(opening))
    no_table_scan(found)
    assert "job_applications" in found
