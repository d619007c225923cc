"""The read replica: a real PostgreSQL primary and streaming standby on 127.0.0.1.

Shows that a view whose reads may lag reads from the standby, that a browser which just
wrote reads from the primary (replay paused: the standby holds the stale row), that a
standby too far behind or stopped sends reads back to the primary without a 500, and that
reads return to the standby once it is back, without a restart. Without the setting there
is one engine and nothing else.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import create_engine, text

from absher_web import create_app, replica
from absher_web.config import TestConfig
from absher_web.extensions import csrf, db
from absher_web.migrate import upgrade_database
from absher_web.models import ActivationState
from absher_web.settings_check import problems
from tests.conftest import empty_all_tables
from tests.eservices.test_driving import Driving, add_vehicle, main_text
from tests.pages import parse
from tests.staff.test_civil_affairs import decide, mother_applies, officer_console

BIN = Path(os.environ.get("ABSHER_TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
WAIT_SECONDS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    as_owner = ("runuser", "-u", "postgres", "--") if os.geteuid() == 0 else ()
    return subprocess.run([*as_owner, *command], check=check, capture_output=True, text=True,
                          timeout=60)


def until(condition, what: str, seconds: float = WAIT_SECONDS):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"waited {seconds} s for {what}")


class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.primary_port, self.standby_port = free_port(), free_port()
        self.primary_dir, self.standby_dir = folder / "primary", folder / "standby"

    def url(self, port: int) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def pg_ctl(self, folder: Path, action: str) -> None:
        run(str(BIN / "pg_ctl"), "-D", str(folder), "-l", str(folder) + ".log", "-w",
            "-t", "30", "-m", "fast", action)

    def start(self) -> None:
        run(str(BIN / "initdb"), "-D", str(self.primary_dir), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C")
        with open(self.primary_dir / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.folder}'\nwal_level = replica\n"
                       "max_wal_senders = 4\nfsync = off\nsynchronous_commit = off\n")
        self.pg_ctl(self.primary_dir, "start")
        run(str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
            "-U", "postgres", "-D", str(self.standby_dir), "-R", "-X", "stream")
        with open(self.standby_dir / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.standby_port}\n")
        self.pg_ctl(self.standby_dir, "start")

    def stop(self) -> None:
        for folder in (self.standby_dir, self.primary_dir):
            if (folder / "postmaster.pid").exists():
                self.pg_ctl(folder, "stop")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if not os.environ.get("ABSHER_TEST_DATABASE_URL"):
        pytest.skip("ABSHER_TEST_DATABASE_URL is unset: the replica test runs with PostgreSQL")
    if not (BIN / "initdb").exists() or not (BIN / "pg_basebackup").exists():
        pytest.skip(f"no PostgreSQL server binaries in {BIN} (set ABSHER_TEST_POSTGRES_BIN)")
    folder = Path(tempfile.mkdtemp(prefix="absher-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    found = Cluster(folder)
    try:
        found.start()
        upgrade_database(found.url(found.primary_port))
        with create_engine(found.url(found.primary_port)).begin() as connection:
            connection.execute(text("CREATE TABLE replica_marker (n integer)"))
        yield found
    finally:
        found.stop()
        shutil.rmtree(folder, ignore_errors=True)


def with_routes(flask_app):  # noqa: ANN001, ANN201
    """Two routes on the app under test: a read that may lag and a write."""
    bp = Blueprint("replica_probe", __name__)

    @bp.get("/probe/read")
    @replica.reads_may_lag
    def read() -> str:
        port = db.session.get_bind().url.port
        count = db.session.execute(text("SELECT count(*) FROM replica_marker")).scalar_one()
        return f"{port}:{count}"

    @bp.post("/probe/write")
    def write() -> str:
        db.session.execute(text("INSERT INTO replica_marker VALUES (1)"))
        db.session.commit()
        return "written"

    csrf.exempt(write)
    flask_app.register_blueprint(bp)
    return flask_app


def replica_app(cluster: Cluster, **settings):  # noqa: ANN003, ANN201
    values = {"DATABASE_URL": cluster.url(cluster.primary_port),
              "DATABASE_REPLICA_URL": cluster.url(cluster.standby_port),
              "READINESS_CACHE_SECONDS": 0, "REPLICA_CHECK_SECONDS": 0,
              "REPLICA_MAX_LAG_SECONDS": 300, "REPLICA_OWN_WRITES_SECONDS": 10, **settings}
    return with_routes(create_app(type("ReplicaConfig", (TestConfig,), values)))


def primary_count(cluster: Cluster) -> int:
    with create_engine(cluster.url(cluster.primary_port)).connect() as connection:
        return connection.execute(text("SELECT count(*) FROM replica_marker")).scalar_one()


def on_standby(cluster: Cluster, sql: str):  # noqa: ANN201
    engine = create_engine(cluster.url(cluster.standby_port), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        result = connection.execute(text(sql))
        return result.scalar() if result.returns_rows else None


def read(client) -> tuple[int, int]:  # noqa: ANN001
    answer = client.get("/probe/read")
    assert answer.status_code == 200
    port, count = answer.get_data(as_text=True).split(":")
    return int(port), int(count)


def caught_up(cluster: Cluster, client) -> bool:  # noqa: ANN001
    """The standby has replayed everything the primary wrote so far, and serves the read."""
    with create_engine(cluster.url(cluster.primary_port)).connect() as connection:
        written = connection.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
    with create_engine(cluster.url(cluster.standby_port)).connect() as connection:
        behind = connection.execute(text("SELECT pg_wal_lsn_diff(:written, "
                                         "pg_last_wal_replay_lsn())"),
                                    {"written": written}).scalar_one()
    return behind <= 0 and read(client) == (cluster.standby_port, primary_count(cluster))


@contextmanager
def replay_paused(cluster: Cluster, client) -> Iterator[None]:  # noqa: ANN001
    """The standby caught up, then replaying nothing until the block ends."""
    until(lambda: caught_up(cluster, client), "the standby to catch up")
    on_standby(cluster, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        on_standby(cluster, "SELECT pg_wal_replay_resume()")
    until(lambda: caught_up(cluster, client), "reads back on the standby")


def test_lag_tolerant_reads_come_from_the_replica(cluster: Cluster) -> None:
    app = replica_app(cluster)
    until(lambda: caught_up(cluster, app.test_client()), "the standby to serve the read")
    readiness = app.test_client().get("/readyz")
    assert readiness.status_code == 200 and readiness.json["checks"]["replica"] == "ok"
    # A visitor without a session is given none by the routing (the page stays cacheable).
    cookies = app.test_client().get("/en/services").headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith(app.config["SESSION_COOKIE_NAME"] + "=")]
    # A POST never reads from the replica, nor any view not marked.
    with app.test_request_context("/probe/read", method="POST"):
        assert replica.where_to_read() == (None, "writing")


def test_a_holder_never_reads_their_own_stale_change(cluster: Cluster) -> None:
    app = replica_app(cluster)
    holder, other = app.test_client(), app.test_client()
    with replay_paused(cluster, other):
        before = primary_count(cluster)
        assert holder.post("/probe/write").status_code == 200
        # The holder who wrote reads the primary: their change is there.
        assert read(holder) == (cluster.primary_port, before + 1)
        # Anyone else may still read the paused standby, which lacks it.
        assert read(other) == (cluster.standby_port, before)
        # Once the window is over, the holder's reads may lag again.
        with holder.session_transaction() as session:
            session[replica.OWN_WRITES_KEY] = int(time.time()) - 1
        assert read(holder) == (cluster.standby_port, before)


def test_a_replica_too_far_behind_sends_reads_to_the_primary(cluster: Cluster) -> None:
    app = replica_app(cluster, REPLICA_MAX_LAG_SECONDS=1)
    client = app.test_client()
    with replay_paused(cluster, client):
        with create_engine(cluster.url(cluster.primary_port)).begin() as connection:
            connection.execute(text("INSERT INTO replica_marker VALUES (2)"))
        until(lambda: read(client)[0] == cluster.primary_port, "reads back on the primary")
        assert read(client) == (cluster.primary_port, primary_count(cluster))
        readiness = client.get("/readyz")
        assert readiness.status_code == 200
        assert readiness.json["checks"]["replica"] == "behind"


@pytest.mark.parametrize("restarted", [False, True], ids=["running", "restarted"])
def test_a_standby_cut_off_from_the_primary_counts_as_behind(cluster: Cluster,
                                                             restarted: bool) -> None:
    """Its WAL receiver stopped (the primary unreachable from it), the standby has replayed
    all it received and answers at once: only the primary knows it is behind. Restarted
    meanwhile, it no longer knows when its last replayed change was made: still behind."""
    app = replica_app(cluster, REPLICA_MAX_LAG_SECONDS=1)
    client = app.test_client()
    if restarted:
        # A checkpoint the standby has replayed, so that it restarts from there, with no
        # transaction of the primary to replay after it.
        with create_engine(cluster.url(cluster.primary_port),
                           isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text("CHECKPOINT"))
    until(lambda: caught_up(cluster, client), "the standby to catch up")
    stream = on_standby(cluster, "SHOW primary_conninfo")
    on_standby(cluster, "ALTER SYSTEM SET primary_conninfo = ''")
    on_standby(cluster, "SELECT pg_reload_conf()")
    try:
        until(lambda: on_standby(cluster, "SELECT count(*) FROM pg_stat_wal_receiver") == 0,
              "the standby to stop receiving")
        with create_engine(cluster.url(cluster.primary_port)).begin() as connection:
            connection.execute(text("INSERT INTO replica_marker VALUES (3)"))
        if restarted:
            on_standby(cluster, "CHECKPOINT")
            cluster.pg_ctl(cluster.standby_dir, "restart")
            assert on_standby(cluster, "SELECT pg_last_xact_replay_timestamp()") is None
        until(lambda: read(client) == (cluster.primary_port, primary_count(cluster)),
              "reads back on the primary")
        assert client.get("/readyz").json["checks"]["replica"] == "behind"
    finally:
        quoted = stream.replace("'", "''")
        on_standby(cluster, f"ALTER SYSTEM SET primary_conninfo = '{quoted}'")
        on_standby(cluster, "SELECT pg_reload_conf()")
    until(lambda: caught_up(cluster, client), "reads back on the standby, streaming again")


def test_a_stopped_replica_sends_reads_to_the_primary_and_back(cluster: Cluster) -> None:
    app = replica_app(cluster, REPLICA_CHECK_SECONDS=60)
    client = app.test_client()
    until(lambda: caught_up(cluster, client), "the standby to catch up")
    cluster.pg_ctl(cluster.standby_dir, "stop")
    try:
        # The last check said "ok": the read fails on the standby and runs on the primary.
        assert read(client) == (cluster.primary_port, primary_count(cluster))
        watch = replica.replica_of(app).watch
        assert watch.state == replica.AWAY
        watch.every = 0
        started = time.monotonic()
        assert read(client)[0] == cluster.primary_port
        assert time.monotonic() - started < 5  # the connect wait is bounded
        readiness = client.get("/readyz")
        assert readiness.status_code == 200
        assert readiness.json["checks"]["replica"] == "away"
        assert client.get("/en/services").status_code == 200  # a marked page of the site
    finally:
        cluster.pg_ctl(cluster.standby_dir, "start")
    until(lambda: caught_up(cluster, client), "reads back on the restarted standby")


def test_without_the_setting_there_is_one_engine(app) -> None:  # noqa: ANN001
    with_routes(app)
    assert replica.replica_of(app) is None
    with app.test_request_context("/probe/read"):
        assert replica.where_to_read() == (None, "not configured")
    with app.app_context():
        db.session.execute(text("CREATE TABLE IF NOT EXISTS replica_marker (n integer)"))
        db.session.commit()
    try:
        answer = app.test_client().get("/probe/read")
        assert answer.status_code == 200
        client = app.test_client()
        client.post("/probe/write")
        with client.session_transaction() as session:
            assert replica.OWN_WRITES_KEY not in session  # no cookie change either
    finally:
        with app.app_context():
            db.session.execute(text("DROP TABLE replica_marker"))
            db.session.commit()


def test_the_views_whose_reads_may_lag(app) -> None:  # noqa: ANN001
    marked = {name for name, view in app.view_functions.items()
              if getattr(view, "reads_may_lag", False)}
    assert {"public.services", "public.civil_affairs", "public.passports_directorate",
            "staff_passports.queue"} <= marked
    assert any(name.startswith("staff_queues.") for name in marked)
    assert any(name.startswith("eservices.") for name in marked)
    # Nothing that writes: no sign-in, no form's own page, no decision.
    assert not any(name.startswith(("auth.", "staff.", "account.")) for name in marked)


def test_settings_ask_for_postgresql_on_both_sides() -> None:
    base = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    assert not [p for p in problems(base) if "REPLICA" in p]
    sqlite = {**base, "DATABASE_REPLICA_URL": "postgresql+psycopg://r/absher"}
    assert any("DATABASE_REPLICA_URL" in p for p in problems(sqlite))
    both = {**base, "DATABASE_URL": "postgresql+psycopg://p/absher",
            "DATABASE_REPLICA_URL": "sqlite:///replica"}
    assert any("DATABASE_REPLICA_URL" in p for p in problems(both))
    fine = {**both, "DATABASE_REPLICA_URL": "postgresql+psycopg://r/absher"}
    assert not [p for p in problems(fine) if "REPLICA" in p]


# --- the site's own pages ----------------------------------------------------------------------

OWN_WRITES = 4  # seconds a browser reads the primary after it changed something


def vehicle_options(response) -> set[int]:
    """The vehicles an owner may choose on the driving authorisations page."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    select = parse(response).find("select", id="vehicle")
    return {int(option["value"]) for option in select.find_all("option")} if select else set()


def queue_lists(console, number: str) -> bool:  # noqa: ANN001
    """Whether the officer's Civil Affairs queue links to the request (a notice about a
    decision may name it too)."""
    page = console.client.get("/en/staff/civil-affairs")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return parse(page).find("a", string=lambda words: words and number in words) is not None


class TestTheSitesPages:
    """The pages themselves: the driving authorisations e-service and the Civil Affairs queue
    read from the standby (proved by a row the paused standby lacks), a person's own change
    read from the primary meanwhile, and the standby stopped and started again under the
    same running app."""

    @pytest.fixture
    def app(self, cluster: Cluster, tmp_path: Path):  # noqa: ANN201
        site = replica_app(cluster, SMS_FILE=str(tmp_path / "sms.jsonl"),
                           REPLICA_OWN_WRITES_SECONDS=OWN_WRITES)
        yield site
        empty_all_tables(site)

    def test_an_eservice_page(self, app, cluster: Cluster, make_account,  # noqa: ANN001
                              sms_outbox) -> None:
        owner = Driving(app.test_client(), make_account(state=ActivationState.ACTIVE),
                        sms_outbox)
        driver = Driving(app.test_client(), make_account(state=ActivationState.ACTIVE),
                         sms_outbox)
        owner.sign_in()
        driver.sign_in()
        first = add_vehicle(app, owner.account.national_id)
        probe = app.test_client()
        with replay_paused(cluster, probe):
            # The traffic department's new record, not the owner's doing: once the owner's
            # sign-in is older than the window, the page is the standby's, without it.
            second = add_vehicle(app, owner.account.national_id)
            until(lambda: vehicle_options(owner.page()) == {first},
                  "the owner's page read from the paused standby")
            assert "No authorisations are waiting" in main_text(driver.page())

            # The owner authorises the driver: from then on the owner's pages come from the
            # primary, their authorisation (and the new vehicle) on them.
            assert owner.give(first, driver.account.national_id).status_code == 303
            page = owner.page()
            assert "Waiting for acceptance" in main_text(page)
            assert vehicle_options(page) == {first, second}
            # The driver did not change anything: their page may lag.
            assert "No authorisations are waiting" in main_text(driver.page())

        # The standby stops: every page answers from the primary, up to date.
        cluster.pg_ctl(cluster.standby_dir, "stop")
        try:
            third = add_vehicle(app, owner.account.national_id)
            time.sleep(OWN_WRITES)
            assert vehicle_options(owner.page()) == {first, second, third}
            assert "authorised you to drive" in main_text(driver.page())
            assert app.test_client().get("/readyz").json["checks"]["replica"] == "away"
        finally:
            cluster.pg_ctl(cluster.standby_dir, "start")

        # Started again, it serves the page again, with no restart of the app.
        with replay_paused(cluster, probe):
            fourth = add_vehicle(app, owner.account.national_id)
            assert fourth not in vehicle_options(owner.page())
            assert vehicle_options(owner.page()) == {first, second, third}

    def test_an_officers_queue(self, app, cluster: Cluster, make_account,  # noqa: ANN001
                               make_person, sms_outbox) -> None:
        deciding = officer_console(app, "h.alqahtani")
        colleague = officer_console(app, "s.alharbi")
        probe = app.test_client()
        with replay_paused(cluster, probe):
            _holder, made, _child = mother_applies(app, make_account, make_person, sms_outbox)
            until(lambda: not queue_lists(deciding, made.number),
                  "the queue read from the paused standby")
        until(lambda: queue_lists(deciding, made.number), "the request in the queue")

        with replay_paused(cluster, probe):
            assert decide(deciding, made.number).status_code == 303
            # The officer who decided reads the primary: the request has left their queue;
            # their colleague's list, from the paused standby, still shows it.
            assert not queue_lists(deciding, made.number)
            assert queue_lists(colleague, made.number)
        until(lambda: not queue_lists(colleague, made.number), "the decision on the standby")

        # The standby stops: the queue comes from the primary, with a request sent since.
        cluster.pg_ctl(cluster.standby_dir, "stop")
        try:
            _holder, later, _child = mother_applies(app, make_account, make_person, sms_outbox)
            assert queue_lists(colleague, later.number)
            assert queue_lists(deciding, later.number)
        finally:
            cluster.pg_ctl(cluster.standby_dir, "start")
        until(lambda: caught_up(cluster, probe), "reads back on the restarted standby")
