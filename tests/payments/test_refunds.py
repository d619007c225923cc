"""Refunds reach the bank that took the payment: signed, once, retried with growing pauses
while the bank fails, never lost; one SMS to the holder once the bank took it."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Bill, BillStatus, SmsMessage
from absher_web.services import api_clients, bill_jobs, bills, refunds
from tests.payments.bank import FakeBank
from tests.payments.paid_bills import (  # noqa: F401 (bank_stand_in: the bank fixture)
    NOW,
    add_bank,
    bank_stand_in,
    issue,
    pay,
    refunding,
    stored,
)

TIMEOUT = 1.0


def send_due(app, now=NOW) -> refunds.RefundReport:
    with app.app_context():
        return refunds.send_due(db.transaction, now,
                                api_clients.cipher_from_config(app.config), TIMEOUT)


def refund_notices(app) -> list[SmsMessage]:
    with app.app_context(), db.transaction() as session:
        found = list(session.scalars(select(SmsMessage).where(
            SmsMessage.purpose == "bill_refunded_notice")))
        session.expunge_all()
    return found


def test_a_refund_is_sent_signed_once_and_the_holder_told_once(app, make_account, bank):
    account = make_account(language="ar")
    bill = refunding(app, account, reference="PAY-77", amount=15050)
    report = send_due(app)
    assert (report.refunded, report.failed) == (1, 0)
    assert bank.bad_signatures == 0
    assert bank.calls == [{"bill_number": bill.number, "amount": 15050,
                           "payment_reference": "PAY-77",
                           "refund_reference": f"absher-refund-{bill.id}"}]
    done = stored(app, bill.id)
    assert done.status is BillStatus.REFUNDED and done.refunded_at == NOW
    assert done.refund_reference == f"RF-{bill.id}" and done.refund_error is None
    # Again, and later: nothing more is sent, and the holder is told once, in Arabic.
    assert send_due(app, NOW + timedelta(days=1)).refunded == 0
    assert len(bank.calls) == 1
    [notice] = refund_notices(app)
    assert notice.to == account.mobile and bill.number in notice.body
    assert "ر.س" in notice.body and "أبشر" in notice.body
    assert len(notice.body) <= 70  # one SMS segment in Arabic


def test_the_notice_names_the_amount_in_english_for_an_english_holder(app, make_account,
                                                                      bank):
    bill = refunding(app, make_account(language="en"), amount=10000)
    send_due(app)
    [notice] = refund_notices(app)
    assert notice.body == f"Absher: 100.00 SAR of bill {bill.number} was refunded to your bank."


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/refunds"


@pytest.mark.parametrize("failure", ["error", "refuse", "hang", "down"])
def test_a_failing_bank_is_tried_again_with_growing_pauses_until_it_answers(
        app, make_account, bank, failure):
    bill = refunding(app, make_account())
    working_url = bank.url
    if failure == "down":
        with app.app_context(), db.transaction() as session:
            api_clients.find_client(session, "RJHI").refund_url = closed_port_url()
    else:
        bank.mode = failure
    now, pauses = NOW, []
    for attempt in (1, 2, 3):
        started = time.monotonic()
        report = send_due(app, now)
        assert time.monotonic() - started < TIMEOUT + 1.5  # a hanging bank is not waited for
        assert (report.refunded, report.failed) == (0, 1)
        kept = stored(app, bill.id)
        assert kept.status is BillStatus.REFUNDING and kept.refund_attempts == attempt
        assert kept.refund_error
        pauses.append(kept.refund_next_at - now)
        # Not due before its pause is over.
        assert send_due(app, kept.refund_next_at - timedelta(seconds=1)).failed == 0
        now = kept.refund_next_at
    assert pauses == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert refund_notices(app) == []
    bank.mode = "ok"
    with app.app_context(), db.transaction() as session:
        api_clients.find_client(session, "RJHI").refund_url = working_url
    assert send_due(app, now).refunded == 1
    done = stored(app, bill.id)
    assert done.status is BillStatus.REFUNDED and done.refund_attempts == 4
    assert list(bank.paid) == [f"absher-refund-{bill.id}"] and len(refund_notices(app)) == 1


def test_a_refund_is_never_given_up_and_shows_as_stuck(app, make_account, bank):
    bill = refunding(app, make_account())
    bank.mode = "error"
    now = NOW
    for _ in range(refunds.STUCK_AFTER + 2):
        assert send_due(app, now).failed == 1
        kept = stored(app, bill.id)
        assert kept.status is BillStatus.REFUNDING
        pause, now = kept.refund_next_at - now, kept.refund_next_at
    assert pause == timedelta(hours=2)  # the longest pause, tried for ever
    with app.app_context(), db.transaction() as session:
        waiting = bill_jobs.waiting(session)
        [row] = bill_jobs.stuck(session)
    assert waiting.refunds["stuck"] == 1 and waiting.refunds_oldest == NOW
    assert (row.number, row.work, row.attempts) == (bill.number, "refund",
                                                    refunds.STUCK_AFTER + 2)
    assert "500" in row.error
    stuck = app.test_cli_runner().invoke(args=["absher", "bills", "--stuck"])
    assert stuck.exit_code == 0 and bill.number in stuck.output and "500" in stuck.output
    assert "1 stuck" in stuck.output
    bank.mode = "ok"
    assert send_due(app, now).refunded == 1


def test_a_redirect_is_never_followed(app, make_account, bank):
    """The signed instruction goes to the URL an operator set, not where a bank (or whoever
    answers in its place) points."""
    elsewhere = FakeBank("RJHI", bank.key)
    try:
        bill = refunding(app, make_account())
        bank.mode, bank.redirect_to = "redirect", elsewhere.url
        report = send_due(app)
        assert (report.refunded, report.failed) == (0, 1)
        assert elsewhere.calls == [] and "307" in stored(app, bill.id).refund_error
    finally:
        elsewhere.stop()


def test_a_bank_failing_is_not_called_again_in_the_same_run(app, make_account, bank):
    account = make_account()
    first = refunding(app, account, key="request-1", reference="PAY-1")
    second = refunding(app, account, key="request-2", reference="PAY-2")
    bank.mode = "error"
    report = send_due(app)
    assert (report.failed, report.deferred, len(bank.calls)) == (1, 1, 1)
    # The one not tried lost nothing: it is still due, its tries not counted.
    untried = [stored(app, bill.id) for bill in (first, second)
               if stored(app, bill.id).refund_attempts == 0]
    assert len(untried) == 1 and untried[0].refund_next_at == NOW


@pytest.mark.parametrize("runners", [2, 4])
def test_runners_at_once_send_one_refund_call(app, make_account, bank, runners):
    bill = refunding(app, make_account())
    bank.delay = 0.5  # the first call is still out when the others look
    start = threading.Barrier(runners)
    reports: list[refunds.RefundReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            reports.append(send_due(app))
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(bank.calls) == 1 and sum(report.refunded for report in reports) == 1
    assert stored(app, bill.id).status is BillStatus.REFUNDED
    assert len(refund_notices(app)) == 1


def test_a_bank_without_a_refund_url_waits_until_it_has_one(app, make_account):
    key = add_bank(app, "NCBK")  # takes no refunds yet
    account = make_account()
    bill = pay(app, issue(app, account, "request-9"), "NC-1", bank="NCBK")
    with app.app_context(), db.transaction() as session:
        bills.cancel(session, session.get(Bill, bill.id), NOW)
    report = send_due(app, NOW + timedelta(days=2))
    assert (report.refunded, report.failed) == (0, 0)
    kept = stored(app, bill.id)
    assert kept.status is BillStatus.REFUNDING and kept.refund_attempts == 0
    with app.app_context(), db.transaction() as session:
        assert bill_jobs.waiting(session).refunds["no_refund_url"] == 1
        [row] = bill_jobs.stuck(session)
    assert row.number == bill.number and "NCBK has no refund URL" in row.error
    later = FakeBank("NCBK", key)
    try:
        result = app.test_cli_runner().invoke(args=["absher", "set-refund-url", "ncbk",
                                                    later.url])
        assert result.exit_code == 0, result.output
        assert send_due(app, NOW + timedelta(days=2)).refunded == 1
        assert later.bad_signatures == 0 and len(later.paid) == 1
    finally:
        later.stop()
    assert stored(app, bill.id).status is BillStatus.REFUNDED


def test_a_disabled_bank_is_not_sent_refunds(app, make_account, bank):
    bill = refunding(app, make_account())
    with app.app_context(), db.transaction() as session:
        api_clients.find_client(session, "RJHI").is_active = False
    assert send_due(app).refunded == 0 and bank.calls == []
    assert stored(app, bill.id).status is BillStatus.REFUNDING


@pytest.mark.parametrize(("url", "problem"), [
    ("http://bank.example/refunds", "https://"),
    ("ftp://bank.example/", "https://"),
    ("https://user:pw@bank.example/", "user name"),
    ("https://bank.example:99999/", "not a URL"),
    ("https://bänk.example/", "ASCII"),
    ("http://localhost:8000/", "https://"),
])
def test_set_refund_url_refuses_what_is_not_https(app, url, problem):
    add_bank(app, "RJHI")
    result = app.test_cli_runner().invoke(args=["absher", "set-refund-url", "RJHI", url])
    assert result.exit_code == 1 and problem in result.output


def test_set_refund_url_in_production_takes_https_only(app):
    add_bank(app, "RJHI")
    app.config["LOCAL_BANK_URLS"] = False
    runner = app.test_cli_runner()
    local = runner.invoke(args=["absher", "set-refund-url", "RJHI", "http://127.0.0.1:9/r"])
    assert local.exit_code == 1 and "never travel unencrypted" in local.output
    secure = runner.invoke(args=["absher", "set-refund-url", "RJHI", "https://bank.sa/r"])
    assert secure.exit_code == 0 and "https://bank.sa/r" in secure.output
    unknown = runner.invoke(args=["absher", "set-refund-url", "NOPE", "https://bank.sa/r"])
    assert unknown.exit_code == 1 and "No bank has the code 'NOPE'" in unknown.output
    removed = runner.invoke(args=["absher", "set-refund-url", "RJHI", "--remove"])
    assert removed.exit_code == 0 and "takes no refunds" in removed.output
