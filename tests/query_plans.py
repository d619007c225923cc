"""What the query-plan tests share: a PostgreSQL database filled at scale, the statements a
path sends, and PostgreSQL's own verdict on each (tests/test_query_plans.py for the account
paths, tests/test_service_plans.py for the e-services, bills, family, inbox and queues).

A table filled with generate_series and ANALYZEd is "big" (at least BIG_ROWS rows): no
statement may read it sequentially, and none may touch more than a few dozen pages beyond a
handful per row it returns (a backwards walk along a date index, filtering row by row, is a
scan too). Each statement is explained again with EXPLAIN (ANALYZE, BUFFERS) inside a
transaction that is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import text

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.migrate import upgrade_database
from tests import conftest
from tests.conftest import scratch_postgres

BIG_ROWS = 10_000  # a table this size is read by index or the plan is wrong
# A lookup by key reads a handful of pages (index root, a leaf or two, the heap); inserts
# and updates touch each of the table's indexes. A scan of any filled table reads hundreds.
MAX_PAGES = 60
PAGES_PER_ROW = 5  # a row deleted or updated: its page and an entry in each index


@contextmanager
def filled_app(prefix: str, fill: Iterable[str], **settings) -> Iterator:
    """An app on a scratch PostgreSQL database, migrated, filled by the statements given
    (one transaction) and ANALYZEd.

    No app context is left pushed: a test client's requests inside one would share its ``g``
    (the database session, the CSRF token of another session: each POST a 400)."""
    with scratch_postgres(prefix) as url:
        upgrade_database(url)
        config = type("PlansConfig", (TestConfig,), {"DATABASE_URL": url,
                                                     "SMS_FILE": "/dev/null", **settings})
        app = create_app(config)
        with app.app_context():
            with db.engine.begin() as connection:
                # The fill makes its rows consistent itself: checking each row's foreign
                # keys one trigger call at a time would take most of its time. Only a
                # superuser may turn the checks off; for another role the fill takes longer.
                if connection.execute(text("SHOW is_superuser")).scalar() == "on":
                    connection.execute(text("SET LOCAL session_replication_role = replica"))
                for statement in fill:
                    connection.execute(text(statement))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
                app.extensions["big_tables"] = set(c.scalars(text(
                    "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= :rows"
                    " AND relnamespace = 'public'::regnamespace"), {"rows": BIG_ROWS}))
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


def serial_sequences_follow(*tables: str) -> list[str]:
    """Statements that carry each table's id sequence on after the filled ids."""
    return [f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))" for table in tables]


def statements_sent(app):  # noqa: ANN001, ANN201 (a context manager)
    """Every data statement the app sends meanwhile, with its parameters."""
    return conftest.statements_sent(app, data_only=True, with_parameters=True)


def plan_of(statement: str, parameters: dict) -> dict:
    """PostgreSQL's plan for the statement, run for real (ANALYZE) and rolled back.

    An INSERT is only planned: its row may be there already (a unique key would refuse it),
    and it reads nothing but the unique indexes it checks.
    """
    options = "FORMAT JSON" if statement.lstrip().upper().startswith("INSERT") else \
        "ANALYZE, BUFFERS, FORMAT JSON"
    with db.engine.connect() as connection:
        transaction = connection.begin()
        try:
            rows = connection.exec_driver_sql(f"EXPLAIN ({options}) {statement}",
                                              parameters or {})
            document = rows.scalar()
        finally:
            transaction.rollback()
    return (json.loads(document) if isinstance(document, str) else document)[0]


def nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def scans(plan: dict, big_tables: set[str], max_rows: int | None = None) -> list[str]:
    """What in the plan reads a big table sequentially or touches too many pages (or, with
    ``max_rows``, reads more rows than a page ever needs: an unbounded count)."""
    problems = [f"Seq Scan on {node['Relation Name']}" for node in nodes(plan["Plan"])
                if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in big_tables]
    top = plan["Plan"]
    pages = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    rows = max(node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
               for node in nodes(plan["Plan"]))
    if pages > MAX_PAGES + PAGES_PER_ROW * rows:
        problems.append(f"{pages} pages read for {rows} rows")
    if max_rows is not None and rows > max_rows:
        problems.append(f"{rows} rows read (at most {max_rows})")
    return problems


def assert_only_index_lookups(sent: list[tuple[str, dict]], app=None,  # noqa: ANN001
                              max_rows: int | None = None) -> None:
    """Each statement's plan is index lookups (in the app's context when one is given), each
    reading at most ``max_rows`` rows when given."""
    if app is not None:
        with app.app_context():
            assert_only_index_lookups(sent, max_rows=max_rows)
        return
    from flask import current_app

    assert sent, "the path sent no statement"
    db.session.rollback()  # its row locks would hold the explained statements back
    big_tables = current_app.extensions["big_tables"]
    problems = []
    for statement, parameters in sent:
        found = scans(plan_of(statement, parameters), big_tables, max_rows)
        if found:
            problems.append(f"{'; '.join(found)}:\n  {' '.join(statement.split())}")
    assert not problems, "\n".join(problems)
