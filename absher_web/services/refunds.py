"""Refunds: the money of a paid bill goes back through the bank that took it.

A bill becomes REFUNDING when its holder cancels a paid request before it is delivered
(services.bills.cancel) or when the paid request can no longer be delivered
(services.bills.Undeliverable). ``send_due`` (run-due) then sends each due refund to its
bank, as an outbox does:

1. Claim: a short transaction pushes ``refund_next_at`` forward (CLAIM_HOLD) on the
   condition that it is still due, and counts the try. Only one runner wins a claim, on
   any number of machines; a runner that dies mid-call leaves a claim that falls due again.
2. Call, with no transaction open (absher_web.outside.call): an HTTP POST of the refund
   instruction to the bank's refund URL (ApiClient.refund_url, `flask absher
   set-refund-url`), signed with that bank's key exactly as banks sign to us
   (absher_web/signing.py), within ABSHER_BANK_TIMEOUT_SECONDS, by absher_web/bank_gateway.py.
   The instruction carries our refund reference, one per bill, so the bank pays a
   repeated instruction once.
3. Record: a 2xx answer moves the bill REFUNDING -> REFUNDED (a conditional update, so a
   repeat records nothing twice) with the bank's reference, and saves one SMS to the holder
   with it (sent by the outbox). Anything else keeps the bill REFUNDING with the error and
   a growing pause (services.outbox.pause_after: 1, 2, 4 ... minutes, at most two hours).
   A refund is never given up: after STUCK_AFTER tries it goes on at the longest pause and
   operators see it (`flask absher bills --stuck`, the absher_refunds_waiting metric).

A bank without a refund URL, or disabled, is not called: its refunds wait, counted as
"no_refund_url" in the metrics and listed by `bills --stuck`.

The instruction, as the bank receives it (POST, application/json, UTF-8):

    {"bill_number": "1234567890123", "amount": 10000, "payment_reference": "<the bank's
     reference of the payment>", "refund_reference": "absher-refund-<bill id>"}

("amount" is what goes back, in halalas: the bill's amount, or the part of it a partial
refund names, bills.refund_part) with the headers X-Absher-Client (the bank's code),
X-Absher-Timestamp and X-Absher-Signature. The bank answers 2xx when it has taken the
refund (or took it before), with JSON {"bank_reference": "<its reference of the refund>"}.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from absher_web import observability, outside
from absher_web.bank_gateway import RefundFailed, post_to_bank
from absher_web.models import Account, ApiClient, ApiClientKind
from absher_web.models.bills import Bill, BillStatus
from absher_web.money import money
from absher_web.services import api_clients, notices
from absher_web.services.outbox import pause_after

log = logging.getLogger(__name__)

# A claimed refund is not taken by another runner for this long (a call lasts at most
# ABSHER_BANK_TIMEOUT_SECONDS, a minute at the very most).
CLAIM_HOLD = timedelta(minutes=10)
# After this many failed tries (about four hours of failures) a refund is shown to
# operators as stuck; it goes on being tried every two hours.
STUCK_AFTER = 8

def refund_reference(bill_id: int) -> str:
    """Ours, one per bill: the bank pays a repeated instruction once."""
    return f"absher-refund-{bill_id}"


def instruction(bill: Bill) -> bytes:
    return json.dumps({"bill_number": bill.number, "amount": bill.refunded_amount,
                       "payment_reference": bill.bank_reference,
                       "refund_reference": refund_reference(bill.id)}).encode()


def due(now: datetime):  # noqa: ANN201 (a SQL condition)
    return (Bill.status == BillStatus.REFUNDING) & (Bill.refund_next_at <= now)


@dataclass
class RefundReport:
    refunded: int = 0
    failed: int = 0
    # Bills whose bank was failing in this run: left for the next one, not tried.
    deferred: int = 0
    banks_down: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Claimed:
    bill_id: int
    bank_code: str
    url: str
    key: str | None
    body: bytes


def claim(begin: Callable[[], object], now: datetime, cipher, skip: set[int],
          banks_down: set[str]) -> Claimed | None | bool:
    """Take the next due refund whose bank takes refunds: the claim (None when nothing is
    due, False when another runner took the one found first)."""
    with begin() as session:
        query = (select(Bill.id, Bill.bank_code, ApiClient)
                 .join(ApiClient, ApiClient.code == Bill.bank_code)
                 .where(due(now), ApiClient.refund_url.is_not(None),
                        ApiClient.is_active.is_(True), ApiClient.kind == ApiClientKind.BANK)
                 .order_by(Bill.refund_next_at, Bill.id).limit(1)
                 .with_for_update(skip_locked=True, of=Bill))
        if skip:
            query = query.where(Bill.id.not_in(skip))
        if banks_down:
            query = query.where(Bill.bank_code.not_in(banks_down))
        found = session.execute(query).first()
        if found is None:
            return None
        bill_id, bank_code, client = found
        skip.add(bill_id)
        taken = session.execute(
            update(Bill).where(Bill.id == bill_id, due(now))
            .values(refund_next_at=now + CLAIM_HOLD, refund_attempts=Bill.refund_attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        if taken != 1:
            return False
        bill = session.get(Bill, bill_id, populate_existing=True)
        return Claimed(bill_id, bank_code, client.refund_url,
                       api_clients.signing_key(cipher, client), instruction(bill))


def refunded(session: Session, bill_id: int, reference: str, now: datetime) -> bool:
    """Record the bank's yes: REFUNDING -> REFUNDED once, with one SMS to the holder."""
    bill = session.get(Bill, bill_id, populate_existing=True)
    changed = session.execute(
        update(Bill).where(Bill.id == bill_id, Bill.status == BillStatus.REFUNDING)
        .values(status=BillStatus.REFUNDED, changed_at=now, refunded_at=now,
                refund_reference=reference, refund_next_at=None, refund_error=None)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        return False  # recorded by another runner (the bank took it once: our reference)
    observability.count_bill(bill.service, "refunded")
    account = session.get(Account, bill.account_id)
    # The amount is written in the holder's language when the notice is (LazyString).
    notices.queue(session, notices.BILL_REFUNDED, account, now, at_once=False,
                  amount=LazyString(money, bill.refunded_amount), bill=bill.number)
    return True


def failed(session: Session, bill_id: int, error: str, now: datetime) -> None:
    """Keep the refund for another try, after a pause that grows with each failure."""
    attempts = session.scalar(select(Bill.refund_attempts).where(Bill.id == bill_id)) or 1
    session.execute(
        update(Bill).where(Bill.id == bill_id, Bill.status == BillStatus.REFUNDING)
        .values(refund_error=error[:200], refund_next_at=now + pause_after(attempts))
        .execution_options(synchronize_session=False))
    observability.count_bill("-", "refund_failed")
    level = logging.ERROR if attempts >= STUCK_AFTER else logging.WARNING
    log.log(level, "refund of bill %s failed (try %s), tried again at the latest in %s: %s",
            bill_id, attempts, pause_after(attempts), error)


def instruct(what: str, url: str, bank_code: str, key: str | None, body: bytes,
             timeout: float) -> tuple[str | None, RefundFailed | None]:
    """Send one signed instruction (a refund, a vehicle sale's payout) to a bank, with no
    transaction open: (the bank's reference, None) or (None, why it failed)."""
    if key is None:
        return None, RefundFailed("the bank's signing key cannot be decrypted",
                                  bank_fault=False)
    try:
        return outside.call(f"{what} to {bank_code}",
                            partial(post_to_bank, url, bank_code, key, body, timeout)), None
    except RefundFailed as error:
        return None, error


def send_one(begin: Callable[[], object], claimed: Claimed, now: datetime,
             timeout: float) -> tuple[bool, RefundFailed | None]:
    """Call the bank for a claimed refund (no transaction open), then record the answer."""
    reference, problem = instruct("refund instruction", claimed.url, claimed.bank_code,
                                  claimed.key, claimed.body, timeout)
    with begin() as session:
        if problem is None:
            refunded(session, claimed.bill_id, reference or refund_reference(claimed.bill_id),
                     now)
            return True, None
        failed(session, claimed.bill_id, str(problem), now)
    return False, problem


def send_due(begin: Callable[[], object], now: datetime, cipher,
             timeout: float) -> RefundReport:
    """Send every refund that is due (run-due). Each is claimed, sent and recorded on its
    own; a bank that fails (down, timing out, 5xx) is not called again in this run."""
    report = RefundReport()
    tried: set[int] = set()
    while True:
        claimed = claim(begin, now, cipher, tried, report.banks_down)
        if claimed is None:
            break
        if claimed is False:
            continue  # another runner took it between the read and the claim
        done, problem = send_one(begin, claimed, now, timeout)
        if done:
            report.refunded += 1
            continue
        report.failed += 1
        if problem is not None and problem.bank_fault:
            report.banks_down.add(claimed.bank_code)
    if report.banks_down:
        with begin() as session:
            report.deferred = session.scalar(
                select(func.count()).select_from(Bill)
                .where(due(now), Bill.bank_code.in_(report.banks_down)))
    return report
