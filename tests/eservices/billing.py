"""Paying an e-service's bill as a bank's notice does (services.bills.pay, then carry_on
after the commit), and reading what the bills and the outbox hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Bill, SmsMessage, utcnow
from absher_web.services import bills


def bills_of(app, service: str) -> list[Bill]:
    with app.app_context():
        found = list(db.session.scalars(select(Bill).where(Bill.service == service)
                                        .order_by(Bill.id)))
        db.session.expunge_all()
    return found


def the_bill(app, service: str) -> Bill:
    found = bills_of(app, service)
    assert len(found) == 1, found
    return found[0]


def stored(app, bill_id: int) -> Bill:
    with app.app_context():
        found = db.session.get(Bill, bill_id)
        db.session.expunge(found)
    return found


def pay(app, bill: Bill, reference: str = "RJHI-0001", bank: str = "RJHI",
        amount: int | None = None, now: datetime | None = None) -> bills.Outcome:
    """One payment notice for ``bill``, applied and (when it paid) carried on."""
    now = now or utcnow()
    made = bills.Payment(bill.number, bill.amount if amount is None else amount, bank,
                         reference, now)
    with app.app_context(), db.transaction() as session:
        outcome, _ = bills.pay(session, made, now)
    if outcome is bills.Outcome.PAID:
        with app.app_context():
            bills.carry_on(db.transaction, bill.id, now)
    return outcome


def queued_notices(app, purpose: str) -> list[SmsMessage]:
    """The text messages saved with a change (sent at once or by run-due)."""
    with app.app_context():
        found = list(db.session.scalars(select(SmsMessage).where(SmsMessage.purpose == purpose)
                                        .order_by(SmsMessage.id)))
        db.session.expunge_all()
    return found


def run_due(app) -> None:
    result = app.test_cli_runner().invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output
