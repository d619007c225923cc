"""Many requests for one account at once act once, on SQLite as on PostgreSQL.

SELECT ... FOR UPDATE locks nothing on SQLite, so an ATM and a kiosk request racing
for one account both used to succeed. Every change of an activation state is now a
conditional UPDATE on the state it was decided on (services/activation.move_state):
the request that comes second changes no row and decides again on what it finds.
These run on whichever database the suite runs on (test_races.py: PostgreSQL only).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from absher_web import signing
from absher_web.extensions import db
from absher_web.models import (
    Account,
    Activation,
    ActivationRequestStatus,
    ActivationState,
    AuditEvent,
    utcnow,
)
from absher_web.services import activation
from tests.account.concurrency import at_once

THREADS = 24


def through_the_test_client(app, caller, account):
    def send():
        caller_copy = type(caller)(caller.code, caller.key, caller.kind, app.test_client())
        response = caller_copy.send(caller_copy.body(account))
        return response.status_code, response.get_json()
    return send


def through_a_real_server(base_url, caller, account):
    def send():
        raw = json.dumps(caller.body(account)).encode()
        request = urllib.request.Request(
            f"{base_url}{caller.path}", data=raw, method="POST",
            headers=signing.signed_headers(caller.code, caller.key, raw, time.time()))
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
    return send


@pytest.fixture(params=["test client", "real server"])
def sender(request, app):
    if request.param == "test client":
        return lambda caller, account: through_the_test_client(app, caller, account)
    base_url = request.getfixturevalue("served")
    return lambda caller, account: through_a_real_server(base_url, caller, account)


def activations_of(app, account) -> list[Activation]:
    with app.app_context():
        return list(db.session.scalars(select(Activation).filter_by(account_id=account.id)))


def state_of(app, account) -> ActivationState:
    with app.app_context():
        return db.session.get(Account, account.id).activation_state


def activated_events(app, account) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditEvent).filter_by(
            account_id=account.id, kind="account_activated")).all())


def texts_to(sms_outbox, account) -> int:
    return sum(1 for message in sms_outbox.messages() if message["to"] == account.mobile)


def codes(results) -> Counter:
    return Counter(body["error"]["code"] if "error" in body else status
                   for status, body in results)


def test_atm_and_kiosk_requests_racing_for_one_account_activate_it_once(
        app, bank, kiosk, make_account, sms_outbox, sender):
    account = make_account()
    jobs = [sender(bank if n % 2 else kiosk, account) for n in range(THREADS)]
    results = at_once(jobs)

    answered = codes(results)
    assert answered[201] == 1  # one kiosk activated it
    assert answered[202] <= 1  # an ATM may have got there first: then replaced by the kiosk
    assert sum(answered.values()) == THREADS
    assert set(answered) <= {201, 202, "already_active", "activation_pending"}
    assert state_of(app, account) is ActivationState.ACTIVE
    made = Counter(a.status for a in activations_of(app, account))
    assert made == Counter({ActivationRequestStatus.DONE: 1,
                            ActivationRequestStatus.CANCELLED: answered[202]})
    assert activated_events(app, account) == 1
    assert texts_to(sms_outbox, account) == 1


def test_many_atm_requests_at_once_make_one_pending_activation(app, bank, make_account,
                                                               sender):
    account = make_account()
    results = at_once([sender(bank, account) for _ in range(THREADS)])

    assert codes(results) == Counter({202: 1, "activation_pending": THREADS - 1})
    assert state_of(app, account) is ActivationState.PENDING
    [made] = activations_of(app, account)
    assert made.status is ActivationRequestStatus.PENDING


def test_many_kiosk_requests_at_once_activate_once_and_text_once(app, kiosk, make_account,
                                                                 sms_outbox, sender):
    account = make_account()
    results = at_once([sender(kiosk, account) for _ in range(THREADS)])

    assert codes(results) == Counter({201: 1, "already_active": THREADS - 1})
    assert [a.status for a in activations_of(app, account)] == [ActivationRequestStatus.DONE]
    assert activated_events(app, account) == 1
    assert texts_to(sms_outbox, account) == 1


def test_kiosks_racing_the_runners_activate_once(app, bank, kiosk, make_account, sms_outbox):
    account = make_account()
    assert bank.send(bank.body(account)).status_code == 202
    later = utcnow() + timedelta(days=3)

    def runner():
        with app.app_context():
            return activation.run_due(db.transaction,
                                      activation.Settings.from_config(app.config), later)

    kiosks = [through_the_test_client(app, kiosk, account) for _ in range(THREADS - 4)]
    results = at_once([runner] * 4 + kiosks)

    activated_by_runners = sum(report.activated for report in results[:4])
    kiosk_codes = codes(results[4:])
    assert activated_by_runners + kiosk_codes[201] == 1
    assert state_of(app, account) is ActivationState.ACTIVE
    assert [a.status for a in activations_of(app, account)].count(
        ActivationRequestStatus.DONE) == 1
    assert activated_events(app, account) == 1
    assert texts_to(sms_outbox, account) == 1
