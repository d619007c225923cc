"""One answer for every request not signed by an active client's key.

"No such client" and "wrong signature" used to be different codes, so anyone could
try codes and learn which banks are real. Now the caller gets the same status, code
and bytes whatever the reason; the reason goes to the log (WARNING) for operators,
without any key material.
"""

from __future__ import annotations

import json
import logging
import time

from cryptography.fernet import Fernet
from sqlalchemy import select

from absher_web import signing
from absher_web.extensions import db
from absher_web.models import ApiClient, ApiClientKind
from tests.activation.conftest import ATM_PATH, add_caller
from tests.activation.test_hostile_requests import statements

API_LOG = "absher_web.web.api"


def answer(response) -> tuple:
    """What the caller can see of a refusal (the date and the request's own id aside)."""
    headers = tuple(sorted((n, v) for n, v in response.headers.items()
                           if n not in ("Date", "X-Request-ID")))
    return response.status_code, headers, response.data


def test_unknown_disabled_and_wrong_key_get_one_answer_and_the_log_says_which(
        app, bank, make_account, caplog):
    account = make_account()
    other_bank = add_caller(app, "SNB", ApiClientKind.BANK)
    disabled = add_caller(app, "NCB", ApiClientKind.BANK)
    with app.app_context():
        db.session.scalars(select(ApiClient).filter_by(code="NCB")).one().is_active = False
        db.session.commit()

    caplog.set_level(logging.WARNING, logger=API_LOG)
    sent = {
        "no client has this code": bank.send(bank.body(account, bank_code="NOPE"),
                                             code="NOPE"),
        "the signature does not match": bank.send(bank.body(account), key=other_bank.key),
        "the client is disabled": disabled.send(disabled.body(account)),
    }
    answers = {answer(response) for response in sent.values()}
    assert len(answers) == 1
    [(status, _headers, data)] = answers
    assert status == 401
    assert json.loads(data)["error"]["code"] == "bad_signature"

    records = [r for r in caplog.records if r.name == API_LOG]
    assert all(r.levelno == logging.WARNING for r in records)
    text = "\n".join(r.getMessage() for r in records)
    for reason, code in zip(sent, ("NOPE", "RJHI", "NCB"), strict=True):
        assert f"(client {code}): {reason}" in text
    for key in (bank.key, other_bank.key, disabled.key):
        assert key not in text


def test_a_key_that_cannot_be_decrypted_gets_the_same_answer(app, bank, make_account, caplog):
    refused = bank.send(bank.body(make_account(), bank_code="NOPE"), code="NOPE")
    app.config["API_KEY_ENCRYPTION_KEY"] = Fernet.generate_key().decode()  # keys now unusable
    caplog.set_level(logging.WARNING)
    undecryptable = bank.send(bank.body(make_account()))
    assert answer(undecryptable) == answer(refused)
    assert "the client's key cannot be decrypted" in caplog.text
    assert bank.key not in caplog.text


def test_an_unknown_code_is_looked_up_and_checked_like_a_real_one(app, bank, make_account,
                                                                  monkeypatch):
    # The same work for both (a lookup, one HMAC), so the time taken tells nothing either.
    checked = []
    real_check = signing.signature_matches
    monkeypatch.setattr(signing, "signature_matches",
                        lambda *args: checked.append(args[0]) or real_check(*args))
    with statements(app) as run:
        bank.send(bank.body(make_account(), bank_code="NOPE"), code="NOPE")
    assert any("api_clients" in statement for statement in run)
    assert len(checked) == 1 and checked[0] != bank.key


def test_the_signature_is_checked_once_per_request(app, bank, make_account, monkeypatch):
    # The rate limit's key function and the view share one verification (flask.g).
    checked = []
    real_check = signing.signature_matches
    monkeypatch.setattr(signing, "signature_matches",
                        lambda *args: checked.append(1) or real_check(*args))
    assert bank.send(bank.body(make_account())).status_code == 202
    assert len(checked) == 1
    assert bank.send(bank.body(make_account()), key="wrong").status_code == 401
    assert len(checked) == 2


def test_the_document_no_longer_names_unknown_client(app):
    served = app.test_client().get("/api/v1/openapi.json").get_json()
    codes = served["components"]["schemas"]["Error"]["properties"]["error"]["properties"][
        "code"]["enum"]
    assert "unknown_client" not in codes and "bad_signature" in codes
    refusal = served["paths"][ATM_PATH]["post"]["responses"]["401"]["description"]
    assert "unknown_client" not in refusal


def test_a_stale_request_is_refused_for_its_time_before_the_code_is_looked_up(bank,
                                                                             make_account):
    # The clock says nothing about which codes exist, so it can keep its own code.
    response = bank.send(bank.body(make_account(), bank_code="NOPE"), code="NOPE",
                         at=time.time() - 3600)
    assert response.get_json()["error"]["code"] == "stale_timestamp"
