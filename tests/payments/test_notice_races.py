"""Payment notices arriving together, over real HTTP (a threaded server on 127.0.0.1):
50 identical notices pay once; a notice and a cancellation at once, exactly one wins; and,
on PostgreSQL, the database connections killed in the middle of a notice give the bank a
503 whose retry pays once."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine, event, text

from absher_web import signing
from absher_web.extensions import db
from absher_web.models import BillStatus, utcnow
from absher_web.services import bills
from tests.account.concurrency import at_once
from tests.conftest import POSTGRES_URL
from tests.payments.notices import PATH, carried, error_code, issue, notice, paid_bills, stored


@pytest.fixture(autouse=True)
def bank_systems_send_many(app) -> None:
    """A bank's systems send many notices at once: no rate limit in the way."""
    app.config["RATELIMIT_API"] = "10000 per minute"


def send(url: str, bank, body: dict) -> tuple[int, bytes]:
    raw = json.dumps(body).encode()
    request = urllib.request.Request(url + PATH, data=raw, method="POST",
                                     headers=signing.signed_headers(bank.code, bank.key, raw,
                                                                    time.time()))
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_fifty_identical_notices_at_once_pay_once(app, bank, make_account, served):
    bill = issue(app, make_account())
    body = notice(bill)
    answers = at_once([lambda: send(served, bank, body)] * 50)
    assert {status for status, _ in answers} == {200}
    assert len({data for _, data in answers}) == 1  # the same body, byte for byte
    assert json.loads(answers[0][1])["status"] == "paid"
    assert [found.id for found in paid_bills(app)] == [bill.id]
    assert stored(app, bill).bank_reference == body["reference"]
    assert carried(bill) == 1


def test_a_notice_and_a_cancellation_at_once_one_wins(app, bank, make_account, served):
    account = make_account()
    outcomes = set()
    for attempt in range(20):
        bill = issue(app, account)

        def cancel(number=bill.number, delay=(attempt % 10) * 0.003):
            time.sleep(delay)  # the notice's HTTP round trip gets a head start, or not
            with app.app_context(), db.transaction() as session:
                return bills.cancel(session, bills.find(session, number), utcnow())

        (status, data), cancelled = at_once([lambda bill=bill: send(served, bank, notice(bill)),
                                             cancel])
        ended = stored(app, bill)
        if status == 200 and cancelled is bills.Cancelled.REFUNDING:
            # The cancellation came between the payment's commit and the service going on:
            # paid, not carried on, refunded.
            assert ended.status is BillStatus.REFUNDING and ended.paid_at is not None
            assert carried(bill) == 0
        elif status == 200:  # the notice won: paid, carried on, the cancellation refused
            assert cancelled is bills.Cancelled.NOT_REFUNDABLE
            assert ended.status is BillStatus.PAID and carried(bill) == 1
        else:  # the cancellation won: the bank is told, nothing is carried on
            assert (status, json.loads(data)["error"]["code"]) == (409, "bill_cancelled")
            assert cancelled is bills.Cancelled.CANCELLED
            assert ended.status is BillStatus.CANCELLED and ended.paid_at is None
            assert carried(bill) == 0
        outcomes.add(ended.status)
    assert outcomes <= {BillStatus.PAID, BillStatus.CANCELLED, BillStatus.REFUNDING}


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs ABSHER_TEST_DATABASE_URL (PostgreSQL)")
def test_connections_killed_during_a_notice_give_503_and_the_retry_pays_once(
        app, bank, make_account, database_url):
    bill = issue(app, make_account())
    body = notice(bill)
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with app.app_context():
        engine = db.engine
    killed = []

    def kill_all_when_the_bill_changes(_conn, _cursor, statement, *_args) -> None:
        # The notice's UPDATE of the bill is on its way: every connection of the app goes,
        # as when PostgreSQL restarts. The UPDATE then runs on a dead connection.
        if statement.lstrip().upper().startswith("UPDATE BILLS") and not killed:
            with admin.connect() as connection:
                killed.append(connection.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar())

    event.listen(engine, "before_cursor_execute", kill_all_when_the_bill_changes)
    try:
        down = bank.send(body, path=PATH)
    finally:
        event.remove(engine, "before_cursor_execute", kill_all_when_the_bill_changes)
        admin.dispose()
    assert killed and killed[0] >= 1
    assert down.status_code == 503 and down.headers["Retry-After"] == "30"
    assert error_code(down) == "service_unavailable"
    assert stored(app, bill).status is BillStatus.UNPAID and carried(bill) == 0
    retry = bank.send(body, path=PATH)
    assert retry.status_code == 200 and retry.get_json()["status"] == "paid"
    assert bank.send(body, path=PATH).data == retry.data
    assert stored(app, bill).status is BillStatus.PAID and carried(bill) == 1
