"""What the tests of the banks' payment notices share: a fee-bearing service of their own,
bills issued for it and notices as a bank writes them (the bank is conftest.py's)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import Bill, utcnow
from absher_web.services import bills

PATH = "/api/v1/bill-payments"
SERVICE = "notice_test_service"
# (bill id, request key) for each time the service carried a paid request on.
CARRIED: list[tuple[int, str]] = []
_carried_lock = threading.Lock()


def carry_on_for_tests(_session, bill, _now) -> None:
    with _carried_lock:
        CARRIED.append((bill.id, bill.request_key))


# Not refundable: once paid, a cancellation cannot undo it (the race tests rely on it).
bills.register(bills.Fulfilment(SERVICE, carry_on_for_tests))


def issue(app, account, amount: int = 15000, key: str | None = None, age=timedelta(0),
          lifetime=timedelta(days=3)) -> Bill:
    """A new unpaid bill of ``amount`` halalas, issued ``age`` ago."""
    key = key or f"request-{utcnow().timestamp()}-{threading.get_ident()}"
    with app.app_context(), db.transaction() as session:
        bill = bills.issue(session, service=SERVICE, request_key=key, account=account,
                           beneficiary_id=account.national_id, amount=amount,
                           now=utcnow() - age, lifetime=lifetime)
        session.flush()
        session.expunge(bill)
    return bill


def notice(bill: Bill, **changes) -> dict:
    body = {"bill_number": bill.number, "amount": bill.amount, "bank_code": "RJHI",
            "reference": f"FT{bill.id:06d}", "paid_at": utcnow().isoformat(timespec="seconds")}
    body.update(changes)
    return body


def stored(app, bill: Bill) -> Bill:
    with app.app_context(), db.transaction() as session:
        found = session.get(Bill, bill.id)
        session.expunge(found)
    return found


def carried(bill: Bill) -> int:
    with _carried_lock:
        return sum(1 for bill_id, _key in CARRIED if bill_id == bill.id)


def paid_bills(app) -> list[Bill]:
    with app.app_context(), db.transaction() as session:
        found = list(session.scalars(select(Bill).where(Bill.paid_at.is_not(None))))
        session.expunge_all()
    return found


def error_code(response) -> str:
    return response.get_json()["error"]["code"]
