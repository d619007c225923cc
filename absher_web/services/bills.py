"""Government fees as bills: issued by a service, paid by a bank's notice, and the request
they pay for carried on by itself, exactly once.

- A fee-bearing service registers itself once (``register``): its name, what to do once
  its bill is paid (``Fulfilment.carry_on``) and whether a cancelled request is refunded.
- ``issue`` creates the bill, or gives back the unpaid one the request already has (a
  partial unique index holds one unpaid bill per request under any number of submits).
- ``pay`` applies a bank's payment notice: one conditional UPDATE on an unpaid, unexpired
  bill, so 50 identical notices at once make one payment and the rest read what it did.
- ``carry_on`` runs the service's step in its own transaction, claimed by a conditional
  UPDATE of ``fulfilled_at``: it happens once, on any number of instances; a failure is
  recorded on the bill and run-due tries again (``carry_on_due``).
- ``cancel`` ends an unpaid bill, or turns a paid one whose service allows it into a refund
  (the refund itself is services/refunds.py's, through the outbox).
- ``expire_due`` ends unpaid bills past their expiry (run-due).

Every state change is a conditional update on the state it leaves, so a notice and a
cancellation arriving together cannot both win.
"""

from __future__ import annotations

import enum
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web import observability
from absher_web.dates import local_today
from absher_web.identity import luhn_check_digit
from absher_web.models import Account
from absher_web.models.bills import Bill, BillStatus
from absher_web.services import document_facts
from absher_web.services.outbox import pause_after

log = logging.getLogger(__name__)

# Digits of a bill number before its check digit; the first is never 0 (typed at ATMs,
# where a leading zero is easily dropped).
NUMBER_DIGITS = 12
# A request whose carrying-on keeps failing is retried with growing pauses; after this many
# tries it waits for an operator (`flask absher bills --stuck`), and the bill stays paid.
MAX_CARRY_ON_ATTEMPTS = 12


# --- bill numbers -----------------------------------------------------------------------

def is_valid_number(text: str) -> bool:
    return (len(text) == NUMBER_DIGITS + 1 and text.isascii() and text.isdigit()
            and text[0] != "0" and luhn_check_digit(text[:-1]) == text[-1])


def new_number() -> str:
    body = str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 1)) + 10 ** (NUMBER_DIGITS - 1))
    return body + luhn_check_digit(body)


# --- the services that charge fees ----------------------------------------------------------

class Undeliverable(Exception):
    """Raised by a service's ``carry_on`` when the paid request can no longer be delivered
    (the visitor's visa changed, the violation was cancelled at its source): the bill is
    refunded instead. ``reason`` is a short code kept on the bill."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fulfilment:
    """What a fee-bearing service does with its bills.

    ``carry_on(session, bill, now)`` takes the request on once the bill is paid (issues the
    visa, marks the violation paid), in the transaction that marks the bill done; raising
    leaves it for another try. ``refundable(session, bill)`` says whether a paid bill may
    still be refunded (its service not yet delivered).
    """

    service: str
    carry_on: Callable[[Session, Bill, datetime], None]
    refundable: Callable[[Session, Bill], bool] = lambda _session, _bill: False
    # run-due's part for the service's own bills (the birth registration's delivery fee
    # refunded when nothing was delivered in time): ``due(begin, now)`` -> how many.
    due: Callable[[Callable[[], object], datetime], int] | None = None


SERVICES: dict[str, Fulfilment] = {}


def register(fulfilment: Fulfilment) -> Fulfilment:
    SERVICES[fulfilment.service] = fulfilment
    return fulfilment


# --- issuing ---------------------------------------------------------------------------------

def open_bill_for(session: Session, service: str, request_key: str) -> Bill | None:
    return session.scalars(select(Bill).where(
        Bill.service == service, Bill.request_key == request_key,
        Bill.status == BillStatus.UNPAID)).first()


def issue(session: Session, *, service: str, request_key: str, account: Account,
          beneficiary_id: str, amount: int, now: datetime, lifetime: timedelta,
          vat: int = 0, details: dict | None = None) -> Bill:
    """The request's unpaid bill: a new one, or the one it already has (a repeated submit).

    ``amount`` is in halalas, VAT included. An unpaid bill past its expiry is expired here
    first, so the request gets a fresh bill rather than one the banks would refuse.
    """
    if service not in SERVICES:
        raise ValueError(f"no fee-bearing service named {service!r}")
    if amount <= 0 or not 0 <= vat < amount:
        raise ValueError("a bill's amount is positive halalas, its VAT a part of it")
    existing = open_bill_for(session, service, request_key)
    if existing is not None:
        if existing.expires_at > now:
            return existing
        expire(session, existing, now)
    for _ in range(5):  # a number already taken (1 in 10^11 per bill) is drawn again
        bill = Bill(number=new_number(), service=service, request_key=request_key,
                    details=details or {}, account_id=account.id,
                    beneficiary_id=beneficiary_id, amount=amount, vat=vat,
                    status=BillStatus.UNPAID, created_at=now, changed_at=now,
                    expires_at=now + lifetime)
        try:
            with session.begin_nested():
                session.add(bill)
        except IntegrityError:
            raced = open_bill_for(session, service, request_key)
            if raced is not None:  # another submit of the same request made it first
                return raced
            continue
        observability.count_bill(service, "created")
        return bill
    raise RuntimeError("could not draw a free bill number")


def expire(session: Session, bill: Bill, now: datetime) -> bool:
    return move(session, bill, BillStatus.UNPAID, BillStatus.EXPIRED, now)


def move(session: Session, bill: Bill, leaving: BillStatus, to: BillStatus, now: datetime,
         **values: object) -> bool:
    """One change of state, only from ``leaving``: True if this call made it."""
    changed = session.execute(
        update(Bill).where(Bill.id == bill.id, Bill.status == leaving)
        .values(status=to, changed_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(bill)
    if changed == 1:
        observability.count_bill(bill.service, to.value)
    return changed == 1


# --- payment notices ---------------------------------------------------------------------------

class Outcome(enum.StrEnum):
    """What a payment notice did; every refusal is a code the bank can act on."""

    PAID = "paid"
    REPEATED = "repeated"  # this very payment (bank and reference) was applied before
    UNKNOWN = "bill_unknown"
    EXPIRED = "bill_expired"
    CANCELLED = "bill_cancelled"
    ALREADY_PAID = "bill_already_paid"  # paid before, by another payment
    AMOUNT_WRONG = "amount_wrong"


@dataclass(frozen=True)
class Payment:
    number: str
    amount: int  # halalas
    bank_code: str
    reference: str
    paid_at: datetime


def find(session: Session, number: str) -> Bill | None:
    return session.scalars(select(Bill).where(Bill.number == number)).first()


def pay(session: Session, payment: Payment, now: datetime) -> tuple[Outcome, Bill | None]:
    """Apply a payment notice in the caller's transaction; the caller commits, then calls
    ``carry_on`` for a PAID outcome (after the commit, so the bank's answer never waits on
    the service's step)."""
    bill = find(session, payment.number)
    if bill is None:
        return Outcome.UNKNOWN, None
    if bill.status is BillStatus.UNPAID:
        if payment.amount != bill.amount:
            return Outcome.AMOUNT_WRONG, bill
        if bill.expires_at <= now:
            return Outcome.EXPIRED, bill
        if move(session, bill, BillStatus.UNPAID, BillStatus.PAID, now,
                paid_at=payment.paid_at, bank_code=payment.bank_code,
                bank_reference=payment.reference, fulfil_next_at=now):
            document_facts.payment_received(session, bill, local_today(bill.paid_at or now),
                                              now)
            return Outcome.PAID, bill
        # Another notice or a cancellation changed it between the read and the update.
    return _settled(bill, payment), bill


def _settled(bill: Bill, payment: Payment) -> Outcome:
    if bill.status in (BillStatus.PAID, BillStatus.REFUNDING, BillStatus.REFUNDED):
        if (bill.bank_code, bill.bank_reference) == (payment.bank_code, payment.reference):
            return Outcome.REPEATED
        return Outcome.ALREADY_PAID
    if bill.status is BillStatus.CANCELLED:
        return Outcome.CANCELLED
    if bill.status is BillStatus.EXPIRED:
        return Outcome.EXPIRED
    return Outcome.AMOUNT_WRONG if payment.amount != bill.amount else Outcome.EXPIRED


# --- carrying the request on --------------------------------------------------------------------

def carry_on(begin: Callable[[], object], bill_id: int, now: datetime) -> bool:
    """Take a paid bill's request on, once. True when done here or before; False when the
    service's step failed (recorded on the bill; run-due tries again)."""
    try:
        with begin() as session:
            claimed = session.execute(
                update(Bill).where(Bill.id == bill_id, Bill.fulfilled_at.is_(None),
                                   Bill.status == BillStatus.PAID)
                .values(fulfilled_at=now, fulfil_next_at=None, fulfil_error=None)
                .execution_options(synchronize_session=False)).rowcount
            if claimed != 1:
                return True  # done before, by another instance or notice, or cancelled
            bill = session.get(Bill, bill_id, populate_existing=True)
            try:
                with session.begin_nested():
                    SERVICES[bill.service].carry_on(session, bill, now)
            except Undeliverable as refused:
                # Paid for something that can no longer happen: the money goes back.
                move(session, bill, BillStatus.PAID, BillStatus.REFUNDING, now,
                     fulfilled_at=None, refund_requested_at=now, refund_next_at=now,
                     refund_attempts=0, refund_reason=refused.reason[:40])
        return True
    except Exception as error:  # noqa: BLE001 (any failure is kept for the next try)
        log.exception("bill %s: carrying its request on failed", bill_id)
        observability.count_bill("-", "carry_on_failed")
        with begin() as session:
            attempts = (session.scalar(select(Bill.fulfil_attempts).where(Bill.id == bill_id))
                        or 0) + 1
            session.execute(
                update(Bill).where(Bill.id == bill_id, Bill.fulfilled_at.is_(None))
                .values(fulfil_attempts=attempts,
                        fulfil_error=(str(error) or type(error).__name__)[:200],
                        fulfil_next_at=now + pause_after(attempts))
                .execution_options(synchronize_session=False))
        return False


def carry_on_due(begin: Callable[[], object], now: datetime) -> tuple[int, int]:
    """Paid bills whose request has not gone on yet and whose time has come: (done, failed)."""
    with begin() as session:
        due = list(session.scalars(select(Bill.id).where(
            Bill.status == BillStatus.PAID, Bill.fulfilled_at.is_(None),
            Bill.fulfil_next_at <= now, Bill.fulfil_attempts < MAX_CARRY_ON_ATTEMPTS)
            .order_by(Bill.fulfil_next_at).limit(500)))
    done = failed = 0
    for bill_id in due:
        if carry_on(begin, bill_id, now):
            done += 1
        else:
            failed += 1
    return done, failed


# --- cancelling and expiring ----------------------------------------------------------------------

class Cancelled(enum.StrEnum):
    CANCELLED = "cancelled"  # unpaid: nothing to give back
    REFUNDING = "refunding"  # paid: the refund goes to the bank
    NOT_REFUNDABLE = "not_refundable"  # paid and its service delivered
    ENDED = "ended"  # expired, cancelled or refunded already


def cancel(session: Session, bill: Bill, now: datetime) -> Cancelled:
    """End the bill of a request its holder called off, in the caller's transaction."""
    if move(session, bill, BillStatus.UNPAID, BillStatus.CANCELLED, now):
        return Cancelled.CANCELLED
    if bill.status is BillStatus.PAID:
        # Held while deciding: carry_on's claim updates this row, so the request cannot be
        # delivered between "still refundable" and the refund (on SQLite the one writer
        # does the same).
        session.execute(select(Bill.id).where(Bill.id == bill.id).with_for_update())
        session.refresh(bill)
        if bill.status is not BillStatus.PAID:
            return Cancelled.ENDED
        if not SERVICES[bill.service].refundable(session, bill):
            return Cancelled.NOT_REFUNDABLE
        if move(session, bill, BillStatus.PAID, BillStatus.REFUNDING, now,
                refund_requested_at=now, refund_next_at=now, refund_attempts=0,
                refund_reason="cancelled"):
            return Cancelled.REFUNDING
    return Cancelled.ENDED


def refund_part(session: Session, bill: Bill, amount: int, reason: str,
                now: datetime) -> bool:
    """Give back ``amount`` halalas (all or part) of a paid bill whose request went on,
    in the caller's transaction: True if this call started the refund (once, however many
    runners try; a bill refunded or refunding already is left as it is)."""
    if not 0 < amount <= bill.amount:
        raise ValueError("a refund gives back a positive part of the amount paid")
    return move(session, bill, BillStatus.PAID, BillStatus.REFUNDING, now,
                refund_requested_at=now, refund_next_at=now, refund_attempts=0,
                refund_reason=reason[:40],
                refund_amount=None if amount == bill.amount else amount)


def expire_due(begin: Callable[[], object], now: datetime, batch: int = 500) -> int:
    """Unpaid bills past their expiry become expired, in batches: how many."""
    total = 0
    while True:
        with begin() as session:
            due = session.execute(select(Bill.id, Bill.service).where(
                Bill.status == BillStatus.UNPAID, Bill.expires_at <= now).limit(batch)).all()
            if not due:
                return total
            for bill_id, service in due:  # one by one: another runner may take some
                if session.execute(
                        update(Bill).where(Bill.id == bill_id, Bill.status == BillStatus.UNPAID)
                        .values(status=BillStatus.EXPIRED, changed_at=now)
                        .execution_options(synchronize_session=False)).rowcount:
                    total += 1
                    observability.count_bill(service, "expired")
