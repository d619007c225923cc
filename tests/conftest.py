"""Shared fixtures: an app on a real database, a test client, small factories.

The suite runs on SQLite by default. With ABSHER_TEST_DATABASE_URL set to a
PostgreSQL server, it creates a throw-away database there, applies the
migrations to it and runs the same tests against it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jinja2
import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule
from werkzeug.serving import WSGIRequestHandler, make_server

from absher_web import create_app, outside
from absher_web.config import TestConfig
from absher_web.dates import RIYADH
from absher_web.extensions import db
from absher_web.migrate import upgrade_database
from absher_web.models import Base

POSTGRES_URL = os.environ.get("ABSHER_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("ABSHER_TEST_REDIS_URL")
MEMORY_DISK = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


class SharedTemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept for the whole test process.

    Every test builds its own app, and each app's Jinja environment would otherwise parse
    and compile every template it renders again (about a fifth of a second a test). Jinja
    checks each entry against its template's source, so an edited template compiles anew.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": SharedTemplateCode()}


def _shared_url_builders() -> None:
    """URL builders compiled once for the whole test process.

    Werkzeug compiles a Python function for each URL rule (to build its URLs), and the
    site has about 170 rules: two thirds of the time an app takes to build, which every
    test does. The function depends only on the rule's shape (its parts, defaults and
    converters' kinds; the rule itself is passed in when it is called), so the same shape
    is compiled once. A rule of another shape still compiles its own."""
    compile_builder = Rule._compile_builder
    compiled: dict[tuple, object] = {}

    def compiled_once(rule: Rule, append_unknown: bool = True):  # noqa: FBT001, FBT002
        shape = (rule.rule, append_unknown, tuple(rule._trace), repr(rule.defaults),
                 tuple((name, type(converter)) for name, converter in rule._converters.items()))
        builder = compiled.get(shape)
        if builder is None:
            builder = compiled[shape] = compile_builder(rule, append_unknown)
        return builder

    Rule._compile_builder = compiled_once


_shared_url_builders()

# Test modules take "today" when they are collected (tests/days.py), and the site takes it
# when each request comes, on the Riyadh clock. A run that crossed midnight there (21:00 UTC)
# would compare two different days (a passport issued "tomorrow", a child adult a day early),
# so a run that starts this close to midnight waits until it has passed. A full run on
# PostgreSQL or SQLite takes under twenty minutes on a two-core machine.
MIDNIGHT_MARGIN = timedelta(minutes=int(os.environ.get("ABSHER_TEST_MIDNIGHT_MARGIN", "30")))


def until_riyadh_midnight(now: datetime) -> timedelta:
    local = now.astimezone(RIYADH)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), RIYADH)
    return midnight - local


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the run that started it has waited already
    wait = until_riyadh_midnight(datetime.now(UTC))
    if wait < MIDNIGHT_MARGIN:
        print(f"\nIt is midnight in Riyadh in {int(wait.total_seconds())} s: the run waits for "
              "the new day, so that the tests and the site agree on the date "
              "(ABSHER_TEST_MIDNIGHT_MARGIN, in minutes, sets how close is too close).",
              file=sys.stderr, flush=True)
        time.sleep(wait.total_seconds() + 5)


# The fixtures through which a test reaches the suite's database.
DATABASE_FIXTURES = frozenset({"database_url", "empty_database"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the PostgreSQL run, the tests of a ``database_free`` module that ask for no
    database are left out: they would do exactly what they did in the SQLite run. A module
    that reaches PostgreSQL any other way (its own server, POSTGRES_URL) is not marked."""
    if not POSTGRES_URL:
        return
    once = [item for item in items if item.get_closest_marker("database_free")
            and not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    if once:
        config.hook.pytest_deselected(items=once)
        left_out = set(once)
        items[:] = [item for item in items if item not in left_out]


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A throw-away database on the suite's PostgreSQL server, named with the prefix, dropped
    afterwards; its URL (no schema yet)."""
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A throw-away database need not wait for the disk at each commit.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test session."""
    if POSTGRES_URL:
        with scratch_postgres("absher_test") as url:
            upgrade_database(url)
            yield url
    else:
        # In memory-backed storage where the machine has it: each commit of the suite's
        # thousands would otherwise wait for the disk.
        folder = Path(tempfile.mkdtemp(prefix="absher-test-", dir=MEMORY_DISK)) if MEMORY_DISK \
            else tmp_path_factory.mktemp("db")
        url = f"sqlite:///{folder / 'absher.sqlite3'}"
        upgrade_database(url)
        yield url
        if MEMORY_DISK:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def app(database_url: str, tmp_path):
    config = type(
        "SessionTestConfig",
        (TestConfig,),
        {"DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl")},
    )
    app = create_app(config)
    yield app
    empty_all_tables(app)


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """A database with no schema yet, for a migration's test: on the suite's PostgreSQL
    server when it runs there (a throw-away database of its own), else a SQLite file."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with scratch_postgres("absher_empty") as url:
        yield url


# Children before parents, so that no foreign key is in the way.
EMPTYING = tuple(f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables))


def empty_all_tables(app) -> None:
    """Leave the session's database empty for the next test, and close the app's pool.
    Every test does it: PostgreSQL takes all the statements in one round trip, SQLite
    straight from its driver."""
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("; ".join(EMPTYING))
            else:
                cursor = connection.connection.cursor()
                for statement in EMPTYING:
                    cursor.execute(statement)
                cursor.close()
        db.engine.dispose()


# --- the guard: no outside call while a transaction is open ------------------------------

def connection_from_the_app(event: str, args: tuple) -> None:
    """Python's audit hook (sys.addaudithook): any TCP connection the app's code opens is
    an outside call, whether or not it went through absher_web.outside.call. The database
    drivers connect from C; the limits' Redis client is the one store reached in Python."""
    if event != "socket.connect" or not outside.watched():
        return
    address = args[1]
    if not isinstance(address, tuple):
        return
    stack = traceback.extract_stack()
    if not any(frame.filename.startswith(outside.PACKAGE) for frame in stack):
        return  # a test calling a live server itself
    if any(f"{os.sep}redis{os.sep}" in frame.filename for frame in stack):
        return
    outside.starting(f"connection to {address[0]}:{address[1]}",
                     outside.call_site(also_not=(__file__,)))


sys.addaudithook(connection_from_the_app)


class OutsideCallGuard:
    """Every outside call made inside a database transaction during one test."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self) -> None:
        if self.problems:
            found, self.problems = self.problems, []
            pytest.fail("An outside call started inside a database transaction:\n"
                        + "\n".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def outside_call_guard() -> Iterator[OutsideCallGuard]:
    """Fails the test if an outside call (SMS provider, any connection the app opens, or
    absher_web.outside.call) starts while a session of that thread holds a transaction,
    naming the call site. On for every test, on SQLite and PostgreSQL."""
    guard = OutsideCallGuard()
    with outside.watching(guard.problems.append):
        yield guard
    guard.check()


@pytest.fixture
def limiter_back_on_its_storage():
    """For tests whose Redis is unreachable on purpose: one Limiter serves every app in
    this process, so the next test must start on its storage, not on the memory fallback."""
    yield
    from absher_web.extensions import limiter

    limiter._storage_dead = False


class QuietHandler(WSGIRequestHandler):
    def log(self, *_args) -> None:
        pass


@pytest.fixture
def served(app) -> Iterator[str]:
    """The app on a real HTTP port of 127.0.0.1 (its base URL): requests arrive as a bank's
    systems or a command send them, decoded by a WSGI server, many at once on threads."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def states_gallery(database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """Every state of the gallery, rendered once per test process (tests/gallery.py). Not in
    the PostgreSQL run: the gallery reads no database."""
    from tests import gallery

    if POSTGRES_URL:
        pytest.skip("the states gallery reads no database: checked once, in the SQLite run")
    config = type("GalleryTestConfig", (TestConfig,), {
        "DATABASE_URL": database_url,
        "SMS_FILE": str(tmp_path_factory.mktemp("gallery") / "sms.jsonl")})
    return gallery.render_every_state(create_app(config))


# A statement that reads or writes rows; it may open with a parenthesis (a UNION of two
# lookups, each with its own LIMIT).
DATA_STATEMENT = re.compile(r"[\s(]*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.I)


@contextmanager
def statements_sent(app: Flask, data_only: bool = False,
                    with_parameters: bool = False) -> Iterator[list]:
    """Every SQL statement the app sends meanwhile; ``data_only``: only DATA_STATEMENTs;
    ``with_parameters``: each as (statement, its parameters)."""
    sent: list = []

    def record(_conn, _cursor, statement, parameters, _context, executemany):  # noqa: ANN001
        if not data_only or DATA_STATEMENT.match(statement):
            sent.append((statement, parameters[0] if executemany else parameters)
                        if with_parameters else statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def queries(app) -> Iterator[list[str]]:
    """Every data statement the app sends meanwhile (SELECT, INSERT, UPDATE, DELETE, WITH):
    what a page costs in round trips. Clear it before the request measured."""
    with statements_sent(app, data_only=True) as sent:
        yield sent


@pytest.fixture
def session(app):
    """A database session for arranging and inspecting rows in a test."""
    with app.app_context():
        yield db.session


# --- factories and helpers -------------------------------------------------

_id_counter = iter(range(10_000_000, 99_999_999))


def fresh_national_id(first_digit: str = "1") -> str:
    from absher_web.identity import national_id_check_digit

    first_nine = f"{first_digit}{next(_id_counter):08d}"
    return first_nine + national_id_check_digit(first_nine)


@pytest.fixture
def make_person(app):
    """Adds a person to the civil registry and returns their ID number."""
    from datetime import date

    from absher_web.models import Person, PersonKind

    def factory(first_digit: str = "1", **overrides) -> str:
        national_id = fresh_national_id(first_digit)
        values = dict(
            national_id=national_id,
            kind=PersonKind.CITIZEN if first_digit == "1" else PersonKind.RESIDENT,
            name_ar="سارة محمد العتيبي", name_en="Sarah Mohammed Alotaibi",
            birth_date=date(1992, 5, 17), nationality="SAU" if first_digit == "1" else "EGY",
            id_expiry=date(2031, 3, 1), city="الرياض", district="حي النخيل",
        )
        values.update(overrides)
        with app.app_context():
            with db.transaction() as session:
                session.add(Person(**values))
        return national_id

    return factory


@pytest.fixture
def provider():
    """An SMS provider on 127.0.0.1 (tests/sms_provider.py), stopped after the test."""
    from tests.sms_provider import FakeProvider

    fake = FakeProvider()
    yield fake
    fake.stop()


class SmsOutbox:
    """The messages the file SMS backend wrote, as a phone would receive them."""

    def __init__(self, path: str) -> None:
        self.path = path

    def messages(self) -> list[dict]:
        import json
        from pathlib import Path

        file = Path(self.path)
        if not file.exists():
            return []
        return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]

    def last_code(self, to: str | None = None) -> str:
        import re

        for sent in reversed(self.messages()):
            if to is None or sent["to"] == to:
                return re.search(r"#(\d{6})\s*$", sent["body"]).group(1)
        raise AssertionError(f"no code was sent to {to}")


@pytest.fixture
def sms_outbox(app) -> SmsOutbox:
    return SmsOutbox(app.config["SMS_FILE"])


PASSWORD = "Qm7rTz4wLp"
# The answers every account from make_account has, unless with_questions=False.
SECURITY_ANSWERS = {"first_school": "Al Amal School", "childhood_street": "King Fahd Road",
                    "first_car": "Toyota Camry"}


@pytest.fixture
def make_account(app, make_person):
    """Adds a registered account (not activated unless asked) and returns it."""
    import secrets

    from absher_web.models import Account, ActivationState, Language, SecurityAnswer
    from absher_web.passwords import hash_password
    from absher_web.services.security_questions import hash_answer

    counter = iter(range(1000, 9999))

    def factory(username: str | None = None, mobile: str | None = None, language: str = "en",
                state: ActivationState = ActivationState.NOT_ACTIVATED,
                with_questions: bool = True, **person) -> Account:
        number = next(counter)
        national_id = make_person(**person)
        account = Account(
            national_id=national_id, username=username or f"Citizen{number}",
            mobile=mobile or f"+96655{number:03d}{number % 1000:04d}"[:13],
            email=f"person{number}@example.com",
            password_hash=hash_password(PASSWORD, app.config["BCRYPT_ROUNDS"]),
            preferred_language=Language(language), activation_state=state,
            session_token=secrets.token_urlsafe(32),
            # Without them, every account page leads to setting the security questions.
            security_answers=[
                SecurityAnswer(question_key=key,
                               answer_hash=hash_answer(answer, app.config["BCRYPT_ROUNDS"]))
                for key, answer in SECURITY_ANSWERS.items()
            ] if with_questions else [],
        )
        with app.app_context():
            with db.transaction() as session:
                session.add(account)
        return account

    return factory
