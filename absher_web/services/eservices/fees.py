"""What the e-services that charge a fee share: issuing the holder's bill for a request, the
bills a service's page lists, and a fee written for a text message in its reader's
language. The bills themselves (numbers, payment, carrying on, refunds) are
services/bills.py's; each fee-bearing service registers its ``Fulfilment`` there from its
own module (visa.py, vehicles.py), which absher_web.create_app imports.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from absher_web import money
from absher_web.models import Account, Bill, BillStatus, Language
from absher_web.services import bills

# How many of a service's settled bills (paid, expired, cancelled, refunded) its page lists.
HISTORY_LENGTH = 10


def bill_for(session: Session, *, service: str, request_key: str, account: Account,
             beneficiary_id: str, amount: int, details: dict, now: datetime,
             lifetime: timedelta) -> Bill:
    """The holder's unpaid bill for this request: the one they have, or a new one.

    An unpaid bill another account holds for the same request (a vehicle or a visitor that
    has since passed to this holder) is cancelled first: the request is this holder's now,
    and that bill, paid later, could only be refunded. Amounts in halalas, no VAT (the
    government fees charged here carry none).
    """
    held = bills.open_bill_for(session, service, request_key)
    if held is not None and held.account_id != account.id:
        bills.cancel(session, held, now)
    return bills.issue(session, service=service, request_key=request_key, account=account,
                       beneficiary_id=beneficiary_id, amount=amount, now=now,
                       lifetime=lifetime, vat=0, details=details)


def _payable(now: datetime) -> ColumnElement[bool]:
    return and_(Bill.status == BillStatus.UNPAID, Bill.expires_at > now)


def _settled(now: datetime) -> ColumnElement[bool]:
    # Paid, cancelled, refunded or expired (also one past its expiry that run-due has not
    # yet marked so).
    return or_(Bill.status != BillStatus.UNPAID, Bill.expires_at <= now)


def _newest_first(query: Select) -> Select:
    return query.order_by(Bill.created_at.desc(), Bill.id.desc())


def open_bills(session: Session, account: Account, service: str,
               now: datetime) -> list[Bill]:
    """The holder's bills of one service that can still be paid, the newest first."""
    return list(session.scalars(_newest_first(select(Bill).where(
        Bill.account_id == account.id, Bill.service == service, _payable(now)))))


def bills_of_service(session: Session, account: Account, service: str, now: datetime,
                     limit: int = HISTORY_LENGTH) -> tuple[list[Bill], list[Bill]]:
    """A service's page's bills, in one query: ``open_bills``, and the ``limit`` latest
    that can no longer be paid, the newest first."""
    mine = (Bill.account_id == account.id, Bill.service == service)
    settled = _newest_first(select(Bill.id).where(*mine, _settled(now))).limit(limit)
    rows = session.execute(_newest_first(
        select(Bill, _payable(now).label("payable"))
        .where(*mine, or_(_payable(now), Bill.id.in_(select(settled.subquery())))))).all()
    return ([bill for bill, payable in rows if payable],
            [bill for bill, payable in rows if not payable])


def amount_in(language: Language, halalas: int) -> str:
    """An amount as a text message in ``language`` writes it ("100.00 SAR", "100.00 ر.س"):
    the notice's values are filled before its sentence is translated."""
    with force_locale(language.value):
        return money.money(halalas)
