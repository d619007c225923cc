"""What an operator sees: health and readiness, Prometheus metrics, request ids and logs."""

from __future__ import annotations

import json
import logging
import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.observability import JsonFormatter, RequestIdFilter
from tests.account.conftest import Citizen
from tests.conftest import PASSWORD
from tests.registration.conftest import Registrant


def samples(client, **headers) -> dict[tuple, float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(all_samples: dict, name: str, **labels) -> float:
    return all_samples.get((name, tuple(sorted(labels.items()))), 0.0)


class TestHealth:
    def test_healthz_answers_without_a_session_or_a_limit(self, app, client):
        app.config["RATELIMIT_DEFAULT"] = "3 per minute"
        for _ in range(10):
            response = client.get("/healthz", headers={"Host": "10.0.0.7"})
            assert response.status_code == 200
        assert response.get_json() == {"status": "ok"}
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")

    def test_readyz_names_the_database_and_redis(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.get_json()["checks"]["database"] == "ok"
        # The tests' limits are counted in memory: no Redis to be "ok".
        assert response.get_json()["checks"]["redis"] == "not configured"
        assert response.get_json()["checks"]["sms"] == "ok"
        assert response.get_json()["status"] == "ok"

    @pytest.mark.parametrize("broken", ["database", "redis"])
    def test_readyz_says_what_is_unavailable(self, database_url, tmp_path, broken, caplog):
        settings = {"DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl")}
        if broken == "database":
            settings["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:9/none"
        else:
            settings["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:9/0"
        app = create_app(type("Broken", (TestConfig,), settings))
        response = app.test_client().get("/readyz")
        body = response.get_json()
        assert body["checks"][broken] != "ok"
        # Without Redis the pages still work (limits in memory): degraded, not out of service.
        expected = (503, "unavailable") if broken == "database" else (200, "degraded")
        assert (response.status_code, body["status"]) == expected
        assert f"not ready: {broken} unavailable" in caplog.text


class TestMetrics:
    def test_only_the_configured_addresses_or_token_may_read(self, app, client):
        stranger = {"REMOTE_ADDR": "203.0.113.9"}
        assert client.get("/metrics", environ_base=stranger).status_code == 403
        app.config["METRICS_TOKEN"] = "scrape-secret"
        wrong = client.get("/metrics", environ_base=stranger,
                           headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        right = client.get("/metrics", environ_base=stranger,
                           headers={"Authorization": "Bearer scrape-secret"})
        assert right.status_code == 200
        app.config["METRICS_ALLOWED_ADDRESSES"] = ("203.0.113.0/24",)
        assert client.get("/metrics", environ_base=stranger).status_code == 200

    def test_a_registration_and_a_sign_in_are_counted(self, app, client, make_person,
                                                      sms_outbox):
        before = samples(client)
        registrant = Registrant(app, client, make_person())
        assert registrant.submit().status_code == 303
        assert registrant.enter_code(sms_outbox.last_code()).status_code == 303
        after = samples(client)

        def grew(name: str, **labels) -> float:
            return value(after, name, **labels) - value(before, name, **labels)

        assert grew("absher_events_total", kind="registration_started") == 1
        assert grew("absher_events_total", kind="account_created") == 1
        assert grew("absher_sms_total", purpose="registration_code", outcome="sent") == 1
        assert grew("absher_http_requests_total", endpoint="registration.form", method="POST",
                    status="303") == 1
        assert grew("absher_http_request_duration_seconds_count",
                    endpoint="registration.form") >= 2

    def test_made_up_methods_add_no_series(self, client):
        """Each label set is a series every worker keeps for good: a client inventing
        methods must not grow /metrics (they all count as one "other")."""
        import random
        import string

        client.open("/en/", method="MRLLU")
        client.open("/nowhere", method="MRLLU")
        samples(client)  # /metrics counts itself from its first answer
        before = samples(client)
        made_up = {"".join(random.choices(string.ascii_uppercase, k=8)) for _ in range(60)}
        for index, method in enumerate(sorted(made_up)):
            path = ("/en/", "/en/register", f"/no-such-page-{index}")[index % 3]
            assert client.open(path, method=method).status_code < 500
        after = samples(client)
        names = {name for name, _labels in after if name.startswith("absher_http_requests")}
        assert {key for key in after if key[0] in names} - set(before) == set()
        assert value(after, "absher_http_requests_total", endpoint="unmatched",
                     method="other", status="405") - value(
            before, "absher_http_requests_total", endpoint="unmatched", method="other",
            status="405") >= 20

    def test_refusals_and_lockouts_are_counted(self, app, client, make_account, sms_outbox):
        citizen = Citizen(client, make_account(), sms_outbox)
        before = samples(client)
        for _ in range(5):
            citizen.enter_password(password="Wrong-Passw0rd")
        app.config["RATELIMIT_SIGN_IN"] = "1 per minute"
        citizen.enter_password()
        citizen.enter_password()
        after = samples(client)
        assert value(after, "absher_events_total", kind="account_locked") - \
            value(before, "absher_events_total", kind="account_locked") == 1
        assert value(after, "absher_rate_limited_total", endpoint="auth.login") - \
            value(before, "absher_rate_limited_total", endpoint="auth.login") >= 1


class TestRequestIds:
    def test_the_proxys_id_is_echoed_and_a_bad_one_replaced(self, client):
        given = client.get("/en/", headers={"X-Request-ID": "req-1234abcd"})
        assert given.headers["X-Request-ID"] == "req-1234abcd"
        hostile = client.get("/en/", headers={"X-Request-ID": "x\u202e" + "a" * 300})
        assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["X-Request-ID"])

    def test_security_events_are_logged_once_with_the_request_id_and_no_personal_data(
            self, client, make_account, sms_outbox, caplog):
        caplog.set_level(logging.INFO, logger="absher_web")
        account = make_account()
        citizen = Citizen(client, account, sms_outbox)
        citizen.client.get("/en/individuals/login")
        page = client.get("/en/individuals/login")
        from tests.account.conftest import csrf_of

        response = client.post("/en/individuals/login", headers={"X-Request-ID": "signin-0001"},
                               data={"csrf_token": csrf_of(page), "identifier": account.username,
                                     "password": "Wrong-Passw0rd"})
        assert response.status_code == 422
        events = [record for record in caplog.records if getattr(record, "event", None)]
        assert [(record.event, record.request_id) for record in events] == \
            [("sign_in_failed", "signin-0001")]

        citizen.enter_password()
        citizen.enter_code()
        code = sms_outbox.last_code()
        everything = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
        for secret in (PASSWORD, "Wrong-Passw0rd", code, account.national_id, account.mobile):
            assert secret not in everything

    def test_json_lines_carry_the_request_id_and_the_traceback(self):
        record = logging.LogRecord("absher_web", logging.ERROR, __file__, 1, "failed %s",
                                   ("here",), None)
        try:
            raise ValueError("boom")
        except ValueError:
            import sys

            record.exc_info = sys.exc_info()
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
        assert line["message"] == "failed here" and line["level"] == "ERROR"
        assert line["request_id"] == "-" and "ValueError: boom" in line["traceback"]

    def test_an_unexpected_error_is_logged_once_with_its_traceback_and_request_id(
            self, app, caplog):
        @app.get("/<lang_code>/broken")
        def broken():
            raise RuntimeError("unexpected")

        app.config["PROPAGATE_EXCEPTIONS"] = False
        app.testing = False
        caplog.set_level(logging.ERROR)
        response = app.test_client().get("/en/broken", headers={"X-Request-ID": "broken-0001"})
        assert response.status_code == 500
        failures = [record for record in caplog.records if record.exc_info]
        assert len(failures) == 1
        assert failures[0].request_id == "broken-0001"


def test_an_api_refusal_is_one_line_without_the_body(client, caplog):
    caplog.set_level(logging.INFO, logger="absher_web")
    response = client.post("/api/v1/atm-activations", json={"national_id": "1012345672"},
                           headers={"X-Request-ID": "bank-call-0001"})
    assert response.status_code == 401
    [line] = [record for record in caplog.records if getattr(record, "event", None)
              == "api_refused"]
    assert (line.code, line.request_id) == ("missing_signature", "bank-call-0001")
    assert "1012345672" not in caplog.text
