"""Redis gone: every page keeps working on per-process limits, and Redis is used again
when it comes back, without a restart."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

import pytest
from sqlalchemy.engine import make_url

from absher_web import create_app
from absher_web.config import TestConfig

REDIS_URL = os.environ.get("ABSHER_TEST_REDIS_URL")
# Pages rendered for the request (a query they read), so counted: pages from memory are not
# (web/page_cache.py). Not the pages test_rate_limits.py counts.
COUNTED = "/en/terms?expired=1"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


class Cable:
    """A TCP forwarder to Redis that a test can cut and reconnect, as a network would."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = closed_port()
        self.listener: socket.socket | None = None
        self.connections: list[socket.socket] = []
        self.connect()

    def connect(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


def app_with_limits(storage_uri: str, tmp_path):
    return create_app(type("RedisConfig", (TestConfig,), {
        "RATELIMIT_STORAGE_URI": storage_uri, "RATELIMIT_DEFAULT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, "SMS_FILE": str(tmp_path / "sms.jsonl"),
        "READINESS_CACHE_SECONDS": 0}))  # /readyz says at once what changed


pytestmark = pytest.mark.usefixtures("limiter_back_on_its_storage")


def test_unreachable_redis_falls_back_to_memory_limits(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = app_with_limits(f"redis://127.0.0.1:{closed_port()}/0", tmp_path)
    client = app.test_client()
    started = time.perf_counter()
    statuses = [client.get(COUNTED).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # the limits still hold, in this process
    assert time.perf_counter() - started < 5
    assert "falling back to in-memory storage" in caplog.text
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "degraded" and ready["checks"]["redis"] != "ok"


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="set ABSHER_TEST_REDIS_URL to test Redis outages")
def test_redis_stopped_mid_test_then_back(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    redis_url = make_url(REDIS_URL)
    cable = Cable(redis_url.host or "127.0.0.1", redis_url.port or 6379)
    app = app_with_limits(f"redis://127.0.0.1:{cable.port}/{redis_url.database or 0}",
                          tmp_path)
    client = app.test_client()
    try:
        assert client.get(COUNTED).status_code == 200
        assert client.get("/readyz").get_json()["status"] == "ok"

        cable.cut()
        assert client.get(COUNTED).status_code == 200  # on memory now
        assert client.get("/en/contact?expired=1").status_code == 200
        assert "falling back to in-memory storage" in caplog.text
        assert client.get("/readyz").get_json()["status"] == "degraded"

        cable.connect()
        deadline = time.monotonic() + 20
        while "Rate limit storage recovered" not in caplog.text:
            assert time.monotonic() < deadline, "the limits never went back to Redis"
            client.get(COUNTED)
            time.sleep(0.5)
        assert client.get("/readyz").get_json()["status"] == "ok"
    finally:
        cable.cut()
