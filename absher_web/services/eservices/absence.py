"""الإبلاغ عن تغيب العمالة المنزلية: a sponsor reports that a domestic worker is absent,
with the day the worker was last seen (not in the future, not before the worker entered
the Kingdom when that is known); the report stands on the worker's record until it is
withdrawn, which the sponsor may do within EServicePolicy.absence_withdrawal_days.

A worker has at most one open report (a partial unique index: two reports at once make
one); withdrawing is a conditional UPDATE on "not withdrawn yet and still in time".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.models import (
    AbsenceReport,
    Account,
    SponsoredKind,
    Sponsorship,
    open_absence_report,
)
from absher_web.services import audit
from absher_web.services.eservices import NotYours, local_today
from absher_web.services.policies import EServicePolicy

REPORTED = "domestic_worker_absence_reported"
WITHDRAWN = "domestic_worker_absence_withdrawn"


class Refusal(enum.StrEnum):
    LAST_SEEN_FUTURE = "last_seen_future"
    BEFORE_ENTRY = "before_entry"
    ALREADY_REPORTED = "already_reported"
    ALREADY_WITHDRAWN = "already_withdrawn"
    TOO_LATE = "too_late"  # the withdrawal window has passed
    SPONSOR_CHANGED = "sponsor_changed"  # closed when the worker moved (services/ownership)


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    worker: Sponsorship
    on: date | None = None  # the entry day, or the last day a withdrawal was possible


def withdrawable_until(report: AbsenceReport, policy: EServicePolicy) -> datetime:
    return report.reported_at + timedelta(days=policy.absence_withdrawal_days)


def open_reports(session: Session, person_ids: list[int]) -> dict[int, AbsenceReport]:
    """The open report of each of these sponsored people, by sponsorship id."""
    if not person_ids:
        return {}
    return {report.sponsorship_id: report for report in session.scalars(
        select(AbsenceReport).where(AbsenceReport.sponsorship_id.in_(person_ids),
                                    open_absence_report()))}


def domestic_workers(session: Session, account: Account) -> list[Sponsorship]:
    return list(session.scalars(select(Sponsorship).where(
        Sponsorship.sponsor_id == account.national_id,
        Sponsorship.kind == SponsoredKind.DOMESTIC_WORKER).order_by(Sponsorship.id)))


def worker_of(session: Session, account: Account, sponsorship_id: int) -> Sponsorship:
    found = session.get(Sponsorship, sponsorship_id)
    if (found is None or found.sponsor_id != account.national_id
            or found.kind is not SponsoredKind.DOMESTIC_WORKER):
        raise NotYours
    return found


def report(session: Session, account: Account, sponsorship_id: int, last_seen: date,
           now: datetime, client_address: str | None) -> AbsenceReport | Refused:
    worker = worker_of(session, account, sponsorship_id)
    if last_seen > local_today(now):
        return Refused(Refusal.LAST_SEEN_FUTURE, worker)
    if worker.entry_date is not None and last_seen < worker.entry_date:
        return Refused(Refusal.BEFORE_ENTRY, worker, worker.entry_date)
    if open_reports(session, [worker.id]):
        return Refused(Refusal.ALREADY_REPORTED, worker)
    made = AbsenceReport(sponsorship_id=worker.id, account_id=account.id,
                         last_seen_on=last_seen, reported_at=now)
    session.add(made)
    try:
        session.flush()
    except IntegrityError:  # another request reported the worker a moment ago
        session.rollback()
        return Refused(Refusal.ALREADY_REPORTED, worker)
    audit.record(session, REPORTED, now, account.id, client_address, worker=worker.person_id,
                 last_seen=last_seen.isoformat())
    session.commit()
    return made


def withdraw(session: Session, policy: EServicePolicy, account: Account, report_id: int,
             now: datetime, client_address: str | None) -> AbsenceReport | Refused:
    made = session.get(AbsenceReport, report_id)
    if made is None or made.account_id != account.id:
        raise NotYours
    worker = made.sponsorship
    if made.withdrawn_at is not None:
        return Refused(Refusal.SPONSOR_CHANGED if made.closed_because is not None
                       else Refusal.ALREADY_WITHDRAWN, worker)
    deadline = withdrawable_until(made, policy)
    changed = session.execute(
        update(AbsenceReport).where(AbsenceReport.id == made.id, open_absence_report(),
                                    AbsenceReport.reported_at
                                    >= now - timedelta(days=policy.absence_withdrawal_days))
        .values(withdrawn_at=now).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        session.rollback()
        if now > deadline:
            return Refused(Refusal.TOO_LATE, worker, local_today(deadline))
        return Refused(Refusal.ALREADY_WITHDRAWN, worker)
    audit.record(session, WITHDRAWN, now, account.id, client_address, worker=worker.person_id)
    session.commit()
    session.refresh(made)
    return made
