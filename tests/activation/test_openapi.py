"""The OpenAPI document describes the API as it is: schemathesis checks every answer.

Schemathesis generates requests from the document (valid ones and, in the negative
phase, invalid ones); each is signed as a bank or kiosk would sign it, sent to the
app, and its answer checked against the document (status, content type, schema)
and for server errors.
"""

from __future__ import annotations

import json
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import positive_data_acceptance

from absher_web import signing
from absher_web.models import ApiClientKind
from absher_web.openapi import document
from tests.activation.conftest import add_caller

# The same document the app serves (test_the_document_is_served... checks that).
api = schemathesis.openapi.from_dict(document())


@pytest.fixture
def callers(app) -> dict:
    kiosk = add_caller(app, "KSK1", ApiClientKind.KIOSK)
    bank = add_caller(app, "RJHI", ApiClientKind.BANK)
    return {"/api/v1/atm-activations": bank, "/api/v1/bill-payments": bank,
            "/api/v1/kiosk-activations": kiosk, "/api/v1/kiosk-mobile-changes": kiosk,
            "/api/v1/kiosk-mobile-confirmations": kiosk}


def body_bytes(body) -> bytes:
    if isinstance(body, NotSet):
        return b""
    if isinstance(body, bytes):  # the negative phase may send raw bytes
        return body
    return body.encode() if isinstance(body, str) else json.dumps(body).encode()


@api.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_answer_matches_the_document(case, app, callers):
    caller = callers[case.path]
    if isinstance(case.body, dict):
        # A real client always names itself in the body, as it does in the header.
        for field in ("bank_code", "operator_code"):
            if isinstance(case.body.get(field), str):
                case.body[field] = caller.code
    raw = body_bytes(case.body)
    # A signature over the exact bytes sent, from a real client of the right kind.
    headers = {**(case.headers or {}),
               **signing.signed_headers(caller.code, caller.key, raw, time.time())}
    headers["Content-Type"] = case.media_type or "application/json"
    response = app.test_client().open(case.path, method=case.method, data=raw,
                                      headers=headers, query_string=case.query)
    # The ID's check digit cannot be said in JSON Schema, so a schema-valid body may
    # still get 422 (test_atm_api.py covers that rule); every other check applies.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


def test_real_successes_match_the_document(app, callers, make_account):
    # Generated bodies rarely carry a registered ID with a right check digit, so the
    # success answers are checked here, from real accounts.
    for path, status in (("/api/v1/atm-activations", 202), ("/api/v1/kiosk-activations", 201)):
        caller = callers[path]
        response = caller.send(caller.body(make_account()))
        assert response.status_code == status
        api[path]["POST"].validate_response(response)


def test_real_payment_answers_match_the_document(app, callers, make_account):
    # Nor a real bill's number: a bill is paid, then its payment refused, from real bills.
    from tests.payments.notices import issue, notice

    bank, path = callers["/api/v1/bill-payments"], "/api/v1/bill-payments"
    bill = issue(app, make_account())
    body = notice(bill)
    for changed, status in (({"amount": bill.amount + 1, "reference": "WRONG-AMOUNT"}, 422),
                            ({}, 200), ({}, 200),
                            ({"reference": "OTHER-PAYMENT"}, 409),
                            ({"bill_number": bill.number[:-1] + str(
                                (int(bill.number[-1]) + 1) % 10)}, 422)):
        response = bank.send({**body, **changed}, path=path)
        assert response.status_code == status, response.get_json()
        api[path]["POST"].validate_response(response)


def test_the_document_is_served_and_names_every_endpoint(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    served = response.get_json()
    assert served == document()
    assert served["openapi"].startswith("3.")
    assert set(served["paths"]) == {"/api/v1/atm-activations", "/api/v1/kiosk-activations",
                                    "/api/v1/kiosk-mobile-changes",
                                    "/api/v1/kiosk-mobile-confirmations",
                                    "/api/v1/bill-payments"}
    url_rules = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert url_rules - {"/api/v1/openapi.json"} == set(served["paths"])
