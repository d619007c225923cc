"""run-due's bill jobs (expiry, carrying paid requests on, refunds), what operators see
of the waiting work (`flask absher bills`, /metrics), and how long bills are kept."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Bill, BillStatus, SmsMessage
from absher_web.services import bills, retention
from tests.payments.paid_bills import (  # noqa: F401 (bank_stand_in: the bank fixture)
    CARRIED,
    NOW,
    add_bank,
    bank_stand_in,
    issue,
    pay,
    refunding,
    stored,
)


def run_due(app, at):
    with time_machine.travel(at, tick=False):
        result = app.test_cli_runner().invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output
    return result.output


def test_run_due_expires_carries_on_and_refunds_and_says_how_many(app, make_account, bank):
    account = make_account()
    late = issue(app, account, "unpaid")  # expires three days after NOW
    failing = pay(app, issue(app, account, "failing", fail=True), "PAY-F")
    assert failing.fulfil_attempts == 1 and CARRIED == []
    with app.app_context(), db.transaction() as session:
        session.get(Bill, failing.id).details = {}  # the registry answers again
    refund = refunding(app, account, "called-off", "PAY-R")
    output = run_due(app, NOW + timedelta(days=3))
    assert ("Bills: 1 expired; 1 paid request(s) carried on, 0 failed and will be tried "
            "again; 1 refund(s) taken by the bank, 0 failed and 0 left for the next run"
            in output)
    # The refund's SMS went out in the same run, with the other notices.
    assert "sent 1 message(s)" in output
    assert stored(app, late.id).status is BillStatus.EXPIRED
    assert stored(app, failing.id).fulfilled_at is not None and CARRIED.count(failing.id) == 1
    assert stored(app, refund.id).status is BillStatus.REFUNDED
    again = run_due(app, NOW + timedelta(days=3, minutes=5))
    assert "Bills: 0 expired; 0 paid request(s) carried on" in again
    assert "0 refund(s) taken" in again and len(bank.calls) == 1


def metrics(client) -> dict:
    text = client.get("/metrics").get_data(as_text=True)
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_operators_see_the_waiting_work_in_metrics_and_bills(app, client, make_account, bank):
    account = make_account()
    add_bank(app, "NCBK")  # no refund URL
    stuck_bill = pay(app, issue(app, account, "stuck", fail=True), "PAY-S")
    with app.app_context(), db.transaction() as session:
        session.get(Bill, stuck_bill.id).fulfil_attempts = bills.MAX_CARRY_ON_ATTEMPTS
    retrying = pay(app, issue(app, account, "retrying", fail=True), "PAY-T")
    waiting_bill = pay(app, issue(app, account, "waiting"), "NC-1", bank="NCBK")
    with app.app_context(), db.transaction() as session:
        bills.cancel(session, session.get(Bill, waiting_bill.id), NOW)
    refunding(app, account, "queued", "PAY-Q")
    issue(app, account, "open")
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        seen = metrics(client)
    assert seen[("absher_refunds_waiting", (("state", "no_refund_url"),))] == 1
    assert seen[("absher_refunds_waiting", (("state", "queued"),))] == 1
    assert seen[("absher_carry_ons_waiting", (("state", "stuck"),))] == 1
    assert seen[("absher_carry_ons_waiting", (("state", "retrying"),))] == 1
    assert seen[("absher_refunds_oldest_seconds", ())] == 3600
    assert seen[("absher_carry_ons_oldest_seconds", ())] == 3600
    overview = app.test_cli_runner().invoke(args=["absher", "bills"])
    assert overview.exit_code == 0
    lines = overview.output.splitlines()
    assert lines[0].split() == ["STATUS", "BILLS"]
    assert "unpaid     1" in overview.output and "paid       2" in overview.output
    assert "refunding  2" in overview.output
    assert ("Refunds waiting: 2 (1 queued, 0 retrying, 0 stuck, 1 for banks without a refund "
            "URL), the oldest since 2026-12-04 09:00 UTC.") in overview.output
    assert "Paid requests waiting to go on: 2 (0 queued, 1 retrying, 1 waiting for an " \
        "operator)" in overview.output
    listed = app.test_cli_runner().invoke(args=["absher", "bills", "--stuck"])
    rows = {line.split()[0]: line for line in listed.output.splitlines()[3:] if line.strip()}
    assert set(rows) == {"BILL", stuck_bill.number, retrying.number, waiting_bill.number}
    assert "operator" in rows[stuck_bill.number] and "registry" in rows[retrying.number]
    assert "NCBK has no refund URL" in rows[waiting_bill.number]


def test_metrics_still_answer_when_the_database_does_not(tmp_path):
    from absher_web import create_app
    from absher_web.config import TestConfig

    settings = {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
                "SMS_FILE": str(tmp_path / "sms.jsonl")}
    broken = create_app(type("NoDatabase", (TestConfig,), settings))
    response = broken.test_client().get("/metrics")
    assert response.status_code == 200 and b"absher_http_requests_total" in response.data
    assert b"absher_refunds_waiting" not in response.data


def test_paid_bills_are_kept_ten_years_and_unpaid_ones_two(app, make_account):
    account = make_account()
    paid = pay(app, issue(app, account, "paid"), "PAY-1")
    refunded = refunding(app, account, "refunded", "PAY-2")
    with app.app_context(), db.transaction() as session:
        assert bills.move(session, session.get(Bill, refunded.id), BillStatus.REFUNDING,
                          BillStatus.REFUNDED, NOW)
    still_refunding = refunding(app, account, "refunding", "PAY-3")
    expired = issue(app, account, "expired")
    with app.app_context():
        bills.expire_due(db.transaction, NOW + timedelta(days=3))
    unpaid = issue(app, account, "unpaid")
    with app.app_context():
        policy = retention.RetentionPolicy.from_config(app.config)
    assert policy.paid_bills == timedelta(days=3653)
    assert policy.unpaid_bills == timedelta(days=730)

    def purge(at) -> dict:
        with app.app_context():
            return retention.purge(db.transaction, policy, at)

    # Two years and a week on: the expired bill goes; the unpaid one is kept.
    report = purge(NOW + timedelta(days=740))
    assert report["expired and cancelled bills"] == 1
    assert report["paid and refunded bills"] == 0
    ids = lambda: {bill_id for (bill_id,) in app_ids(app)}  # noqa: E731
    assert expired.id not in ids() and unpaid.id in ids()
    # Ten years less a day: every paid bill is still kept.
    assert purge(NOW + timedelta(days=3652))["paid and refunded bills"] == 0
    report = purge(NOW + timedelta(days=3654))
    assert report["paid and refunded bills"] == 2
    assert ids() == {still_refunding.id, unpaid.id}  # a refund on its way is never purged
    assert paid.id not in ids()


def app_ids(app):
    with app.app_context():
        return db.session.execute(select(Bill.id)).all()


def test_the_refund_sms_is_saved_with_the_refund_and_sent_by_the_outbox(app, make_account,
                                                                         bank):
    account = make_account()
    refunding(app, account)
    run_due(app, NOW)
    with app.app_context():
        [message] = db.session.scalars(select(SmsMessage).where(
            SmsMessage.purpose == "bill_refunded_notice")).all()
        assert message.status.value == "sent"


def test_an_operator_gives_a_stuck_carry_on_its_tries_back(app, make_account):
    account = make_account()
    stuck_bill = pay(app, issue(app, account, "stuck", fail=True), "PAY-S")
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, stuck_bill.id)
        found.fulfil_attempts = bills.MAX_CARRY_ON_ATTEMPTS
        found.details = {}  # the cause is fixed
    later = NOW + timedelta(days=1)
    with app.app_context():
        assert bills.carry_on_due(db.transaction, later) == (0, 0)  # no longer retried
    runner = app.test_cli_runner()
    with time_machine.travel(later, tick=False):
        retried = runner.invoke(args=["absher", "retry-bill", stuck_bill.number])
    assert retried.exit_code == 0, retried.output
    assert "carry on of bill" in retried.output
    with app.app_context():
        assert bills.carry_on_due(db.transaction, later) == (1, 0)
    assert stored(app, stuck_bill.id).fulfilled_at == later
    for wrong in (stuck_bill.number, "1234567890123", "x" * 5000):
        refused = runner.invoke(args=["absher", "retry-bill", wrong])
        assert refused.exit_code == 1 and "waits for a refund" in refused.output
