"""Shared fixtures: an app on a real database, a test client, small factories.

The suite runs on SQLite by default. With ABSHER_TEST_DATABASE_URL set to a
PostgreSQL server, it creates a throw-away database there, applies the
migrations to it and runs the same tests against it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.migrate import upgrade_database
from absher_web.models import Base

POSTGRES_URL = os.environ.get("ABSHER_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("ABSHER_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test session."""
    if POSTGRES_URL:
        server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
        name = f"absher_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade_database(url)
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'absher.sqlite3'}"
        upgrade_database(url)
        yield url


@pytest.fixture
def app(database_url: str, tmp_path):
    config = type(
        "SessionTestConfig",
        (TestConfig,),
        {"DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl")},
    )
    app = create_app(config)
    yield app
    empty_all_tables()
    db.engine.dispose()


def empty_all_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A database session for arranging and inspecting rows in a test."""
    with app.app_context():
        yield db.session
