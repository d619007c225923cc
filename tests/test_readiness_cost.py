"""/readyz costs next to nothing however often it is asked: one pooled Redis connection per
process, and an answer kept for ABSHER_READINESS_CACHE_SECONDS."""

from __future__ import annotations

import math
import time
import uuid

import pytest
import redis
from sqlalchemy import event

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from tests.conftest import REDIS_URL

CALLS = 200


def app_with(database_url, tmp_path, **settings):
    return create_app(type("Probed", (TestConfig,), {
        "DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl"),
        "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, **settings}))


def database_checks(app) -> list[str]:
    """Every statement /readyz's database check sends, as it is sent."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def record(_conn, _cursor, statement, *_args):  # noqa: ANN001, ANN002
        if statement.strip().upper() == "SELECT 1":
            seen.append(statement)

    return seen


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="set ABSHER_TEST_REDIS_URL to count Redis connections")
def test_200_probes_open_no_new_redis_connection(database_url, tmp_path):
    # Every probe asks Redis here (no kept answer): the pool alone must hold the count.
    app = app_with(database_url, tmp_path, RATELIMIT_STORAGE_URI=REDIS_URL,
                   READINESS_CACHE_SECONDS=0)
    client = app.test_client()
    observer = redis.Redis.from_url(REDIS_URL)
    assert client.get("/readyz").get_json()["checks"]["redis"] == "ok"

    def ours() -> list[int]:  # the ids of the connections /readyz holds in this process
        return sorted(entry["id"] for entry in observer.client_list()
                      if entry["name"].startswith("absher-readyz-"))

    before_ids = ours()
    received = observer.info("stats")["total_connections_received"]
    for _ in range(CALLS):
        response = client.get("/readyz")
        assert response.status_code == 200 and response.get_json()["checks"]["redis"] == "ok"
    opened = observer.info("stats")["total_connections_received"] - received
    # The server counts every client's connections (other processes may use it too): far
    # fewer than one per probe, and the probe's own connection is the same one throughout.
    assert opened < CALLS // 4, opened
    assert before_ids and ours() == before_ids
    observer.close()


def test_a_burst_of_probes_asks_the_database_about_once_a_second(database_url, tmp_path):
    app = app_with(database_url, tmp_path, READINESS_CACHE_SECONDS=1)
    checks = database_checks(app)
    client = app.test_client()
    started = time.monotonic()
    for _ in range(CALLS):
        assert client.get("/readyz").status_code == 200
    elapsed = time.monotonic() - started
    assert 1 <= len(checks) <= math.ceil(elapsed) + 1, (len(checks), elapsed)

    # Once the kept answer is older than the setting, the next probe asks again.
    asked = len(checks)
    time.sleep(1.05)
    assert client.get("/readyz").status_code == 200
    assert len(checks) == asked + 1


def test_a_kept_answer_of_zero_seconds_asks_every_time(database_url, tmp_path):
    app = app_with(database_url, tmp_path, READINESS_CACHE_SECONDS=0)
    checks = database_checks(app)
    client = app.test_client()
    for _ in range(5):
        client.get("/readyz")
    assert len(checks) == 5
