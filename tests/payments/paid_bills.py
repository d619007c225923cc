"""Bills paid and called off for the refund, runner and reconciliation tests: a test-only
fee-bearing service, a bank with its key, and a bill taken to any state through the core's
own functions (services.bills)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import ApiClientKind, Bill
from absher_web.services import api_clients, bills
from tests.payments.bank import FakeBank

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh
SERVICE = "refund_test"
CARRIED: list[int] = []


def carry_on(session, bill, now) -> None:
    if bill.details.get("fail"):
        raise RuntimeError("the registry did not answer")
    CARRIED.append(bill.id)


bills.register(bills.Fulfilment(SERVICE, carry_on, refundable=lambda _session, _bill: True))


def add_bank(app, code: str = "RJHI", refund_url: str | None = None) -> str:
    """A bank in the client registry; its signing key."""
    with app.app_context(), db.transaction() as session:
        client, key = api_clients.add_client(
            session, api_clients.cipher_from_config(app.config), code, ApiClientKind.BANK,
            code, NOW)
        client.refund_url = refund_url
    return key


@pytest.fixture(name="bank")
def bank_stand_in(app):
    """A bank stand-in on 127.0.0.1, registered as RJHI with its refund URL."""
    CARRIED.clear()
    fake = FakeBank("RJHI", "")
    fake.key = add_bank(app, "RJHI", fake.url)
    yield fake
    fake.stop()


def issue(app, account, key: str, amount: int = 15000, now: datetime = NOW,
          **details) -> Bill:
    with app.app_context(), db.transaction() as session:
        bill = bills.issue(session, service=SERVICE, request_key=key, account=account,
                           beneficiary_id=account.national_id, amount=amount, now=now,
                           lifetime=timedelta(days=3), details=details)
        session.flush()
        session.expunge(bill)
    return bill


def pay(app, bill: Bill, reference: str, bank: str = "RJHI", at: datetime = NOW) -> Bill:
    with app.app_context(), db.transaction() as session:
        outcome, _ = bills.pay(session, bills.Payment(bill.number, bill.amount, bank,
                                                      reference, at), at)
    assert outcome is bills.Outcome.PAID
    with app.app_context():
        bills.carry_on(db.transaction, bill.id, at)
    return stored(app, bill.id)


def refunding(app, account, key: str = "request-1", reference: str = "PAY-1",
              amount: int = 15000) -> Bill:
    """A bill paid through RJHI and then called off: REFUNDING, due now."""
    bill = pay(app, issue(app, account, key, amount), reference)
    with app.app_context(), db.transaction() as session:
        assert bills.cancel(session, session.get(Bill, bill.id), NOW) \
            is bills.Cancelled.REFUNDING
    return stored(app, bill.id)


def stored(app, bill_id: int) -> Bill:
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, bill_id)
        session.expunge(found)
    return found
