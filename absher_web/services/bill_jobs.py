"""The bills' due work, and what operators see of it.

``run`` is run-due's part for bills: unpaid bills past their expiry are expired, paid
requests whose carrying-on failed are tried again, and due refunds are sent to the banks
(services/refunds.py). Each is claimed item by item with a conditional update, so any
number of runners, on any number of machines, do each item once.

``waiting`` and ``stuck`` are what operators see: the work waiting now (the
absher_refunds_waiting and absher_carry_ons_waiting metrics) and the bills whose carrying-on
or refund keeps failing (`flask absher bills --stuck`). Both read along the partial states'
indexes (status, fulfil_next_at): a handful of rows, however many bills are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from absher_web import observability
from absher_web.extensions import db
from absher_web.models import ApiClient, ApiClientKind, utcnow
from absher_web.models.bills import Bill, BillStatus
from absher_web.services import audit, bills, refunds

log = logging.getLogger(__name__)


@dataclass
class BillJobsReport:
    expired: int = 0
    carried_on: int = 0
    carry_on_failed: int = 0
    refunded: int = 0
    refund_failed: int = 0
    refunds_deferred: int = 0  # their bank failed in this run: left for the next one
    service_work: int = 0  # done by the services' own due work (Fulfilment.due)


def run(begin: Callable[[], object], now: datetime, cipher, bank_timeout: float) -> BillJobsReport:
    report = BillJobsReport()
    report.expired = bills.expire_due(begin, now)
    report.carried_on, report.carry_on_failed = bills.carry_on_due(begin, now)
    for fulfilment in bills.SERVICES.values():  # the services' own due work, refunds first
        if fulfilment.due is not None:
            report.service_work += fulfilment.due(begin, now)
    sent = refunds.send_due(begin, now, cipher, bank_timeout)
    report.refunded, report.refund_failed = sent.refunded, sent.failed
    report.refunds_deferred = sent.deferred
    return report


# --- what operators see ------------------------------------------------------------------

def bank_takes_refunds():  # noqa: ANN201 (a SQL condition on a bill)
    """The bill's bank has a refund URL and is enabled."""
    return select(ApiClient.id).where(
        ApiClient.code == Bill.bank_code, ApiClient.refund_url.is_not(None),
        ApiClient.is_active.is_(True), ApiClient.kind == ApiClientKind.BANK).exists()


def waiting_carry_on():  # noqa: ANN201
    # fulfil_next_at is set with the payment and cleared once the request went on: the
    # index on it finds the few waiting among every paid bill.
    return and_(Bill.fulfil_next_at.is_not(None), Bill.status == BillStatus.PAID,
                Bill.fulfilled_at.is_(None))


@dataclass(frozen=True)
class Waiting:
    """Work waiting now, by why; every refund and carry-on counted once."""

    refunds: dict[str, int]  # queued, retrying, stuck, no_refund_url
    refunds_oldest: datetime | None  # when the oldest waiting refund was asked for
    carry_ons: dict[str, int]  # queued, retrying, stuck (waits for an operator)
    carry_ons_oldest: datetime | None  # when the oldest waiting request was paid


def waiting(session: Session) -> Waiting:
    refund_kind = case(
        (~bank_takes_refunds(), "no_refund_url"),
        (Bill.refund_attempts >= refunds.STUCK_AFTER, "stuck"),
        (Bill.refund_error.is_not(None), "retrying"), else_="queued")
    refund_rows = session.execute(
        select(refund_kind, func.count(), func.min(Bill.refund_requested_at))
        .where(Bill.status == BillStatus.REFUNDING).group_by(refund_kind)).all()
    carry_kind = case(
        (Bill.fulfil_attempts >= bills.MAX_CARRY_ON_ATTEMPTS, "stuck"),
        (Bill.fulfil_attempts > 0, "retrying"), else_="queued")
    carry_rows = session.execute(
        select(carry_kind, func.count(), func.min(Bill.paid_at))
        .where(waiting_carry_on()).group_by(carry_kind)).all()
    return Waiting(
        refunds={"queued": 0, "retrying": 0, "stuck": 0, "no_refund_url": 0,
                 **{kind: count for kind, count, _ in refund_rows}},
        refunds_oldest=min((oldest for *_, oldest in refund_rows if oldest), default=None),
        carry_ons={"queued": 0, "retrying": 0, "stuck": 0,
                   **{kind: count for kind, count, _ in carry_rows}},
        carry_ons_oldest=min((oldest for *_, oldest in carry_rows if oldest), default=None))


@dataclass(frozen=True)
class Stuck:
    number: str
    service: str
    work: str  # "refund" or "carry on"
    attempts: int
    next_at: datetime | None
    error: str


def stuck(session: Session, limit: int = 200) -> list[Stuck]:
    """Bills whose refund or carrying-on failed at least once and still waits, and refunds
    waiting for a bank that takes none; most tries first."""
    rows = [Stuck(bill.number, bill.service, "refund", bill.refund_attempts,
                  bill.refund_next_at,
                  bill.refund_error or f"{bill.bank_code} has no refund URL or is disabled")
            for bill in session.scalars(
                select(Bill).where(Bill.status == BillStatus.REFUNDING,
                                   or_(Bill.refund_error.is_not(None), ~bank_takes_refunds()))
                .order_by(Bill.refund_attempts.desc(), Bill.id).limit(limit))]
    rows += [Stuck(bill.number, bill.service, "carry on", bill.fulfil_attempts,
                   None if bill.fulfil_attempts >= bills.MAX_CARRY_ON_ATTEMPTS
                   else bill.fulfil_next_at, bill.fulfil_error or "")
             for bill in session.scalars(
                 select(Bill).where(waiting_carry_on(), Bill.fulfil_attempts > 0)
                 .order_by(Bill.fulfil_attempts.desc(), Bill.id).limit(limit))]
    return sorted(rows, key=lambda row: -row.attempts)


def status_counts(session: Session) -> dict[str, int]:
    counted = dict(session.execute(select(Bill.status, func.count()).group_by(Bill.status))
                   .all())
    return {status.value: counted.get(status, 0) for status in BillStatus}



def retry_now(session: Session, number: str, now: datetime) -> str | None:
    """An operator's "try again now" for a bill whose carrying-on or refund waits (after
    the cause was fixed): what will be tried at the next run-due, or None when the bill
    waits for neither. A carry-on that stopped after MAX_CARRY_ON_ATTEMPTS gets its tries
    back. Conditional on the state read, so a run finishing meanwhile is not undone."""
    bill = bills.find(session, number) if bills.is_valid_number(number) else None
    if bill is None:
        return None
    if bill.status is BillStatus.REFUNDING:
        changed = session.execute(
            update(Bill).where(Bill.id == bill.id, Bill.status == BillStatus.REFUNDING)
            .values(refund_next_at=now).execution_options(synchronize_session=False))
        work = "refund"
    elif bill.status is BillStatus.PAID and bill.fulfilled_at is None:
        changed = session.execute(
            update(Bill).where(Bill.id == bill.id, Bill.status == BillStatus.PAID,
                               Bill.fulfilled_at.is_(None))
            .values(fulfil_next_at=now, fulfil_attempts=0)
            .execution_options(synchronize_session=False))
        work = "carry on"
    else:
        return None
    if changed.rowcount != 1:
        return None
    # An operator's act, kept with the others (not on the holder's activity page).
    audit.record(session, "bill_retried", now, by="operator", bill=bill.number, work=work)
    return work

# --- /metrics ------------------------------------------------------------------------------

class WaitingWork:
    """The waiting work as gauges, read from the database at each scrape of /metrics
    (observability.add_scraped): the same on every instance, unlike per-process counts."""

    def collect(self):  # noqa: ANN201 (prometheus_client's collector protocol)
        try:
            with db.transaction() as session:
                now, found = utcnow(), waiting(session)
        except Exception:  # noqa: BLE001 (the other metrics are still served)
            observability.count_dependency_error("database")
            log.warning("waiting bills work not counted: the database did not answer",
                        exc_info=True)
            return
        for name, help_text, counts, oldest in (
                ("absher_refunds_waiting", "Refunds not yet taken by their bank, by why: "
                 "queued, retrying (failed before), stuck (failing for hours, still tried "
                 "every two hours), no_refund_url (the bank takes none, or is disabled).",
                 found.refunds, found.refunds_oldest),
                ("absher_carry_ons_waiting", "Paid requests not yet carried on, by why: "
                 "queued, retrying (failed before), stuck (waits for an operator: flask "
                 "absher bills --stuck).", found.carry_ons, found.carry_ons_oldest)):
            family = GaugeMetricFamily(name, help_text, labels=["state"])
            for state, count in counts.items():
                family.add_metric([state], count)
            yield family
            yield GaugeMetricFamily(
                name.replace("_waiting", "_oldest_seconds"),
                f"Seconds since the oldest of {name} began waiting (0: none waits).",
                value=max((now - oldest).total_seconds(), 0) if oldest else 0)
