"""What follows a record when a registry gives it to someone else.

A vehicle changes owner (an import of the traffic department's registry now, a sale
later); a domestic worker changes sponsor (an import of the Passports registry now, a
transfer of sponsorship later). What the old owner or sponsor set up on that record is
theirs, not the new one's, and must not outlive the change: left alone it would bind the
new owner (who could neither see nor end it) and leave the old one acting on a record
that is no longer theirs.

- A driving authorisation, waiting or accepted, ends (status ``owner_changed``): the
  driver may no longer drive the vehicle on it, the old owner can no longer cancel it, and
  the new owner may authorise the same driver afresh. The driver and the old owner are
  texted, each in their own language.
- An open absence report by the old sponsor is closed (``closed_because``
  ``sponsor_changed``), not handed to the new sponsor: a report is the sponsor's own
  statement about their employment, which the new sponsor never made; and the Passports
  registry only moves a worker whose situation it has settled. The old sponsor is texted;
  the new one may report the worker absent if that ever happens under them.

Each end is a conditional update on the state it leaves, so a holder's cancel or
withdrawal at the same moment and the registry's change end a record once. Everything is
added to the caller's transaction (the import's): the notices go through the outbox, sent
by run-due once the import is committed, or not at all if it is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.agencies.traffic import plate_of
from absher_web.models import (
    AbsenceReport,
    Account,
    AuthorisationStatus,
    DrivingAuthorisation,
    Language,
    Sponsorship,
    Vehicle,
    open_absence_report,
    utcnow,
)
from absher_web.services import audit, notices
from absher_web.services.eservices import local_today

DRIVING_ENDED = "driving_authorisation_ended"
ABSENCE_CLOSED = "domestic_worker_absence_closed"
SPONSOR_CHANGED = "sponsor_changed"  # why an absence report was closed
LIVE = (AuthorisationStatus.PENDING, AuthorisationStatus.ACCEPTED)


def vehicle_owner_changed(session: Session, vehicle: Vehicle, now: datetime) -> int:
    """End the authorisations the old owner gave to drive ``vehicle`` (which has its new
    owner already); how many ended."""
    ended = 0
    live = session.scalars(select(DrivingAuthorisation).where(
        DrivingAuthorisation.vehicle_id == vehicle.id,
        DrivingAuthorisation.status.in_(LIVE),
        DrivingAuthorisation.ends_on >= local_today(now)).order_by(DrivingAuthorisation.id))
    for authorisation in list(live):
        changed = session.execute(
            update(DrivingAuthorisation).where(DrivingAuthorisation.id == authorisation.id,
                                               DrivingAuthorisation.status.in_(LIVE))
            .values(status=AuthorisationStatus.OWNER_CHANGED, changed_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            continue  # cancelled or declined a moment ago: already over
        session.refresh(authorisation)
        ended += 1
        driver, owner = authorisation.driver, authorisation.owner
        for account in (owner, driver):
            audit.record(session, DRIVING_ENDED, now, account.id, None,
                         authorisation=authorisation.id, reason="owner_changed")
        notices.queue(session, notices.DRIVING_ENDED_OWNER, owner, now, at_once=False,
                      plate=plate_of(vehicle, owner.preferred_language),
                      national_id=driver.national_id)
        notices.queue(session, notices.DRIVING_ENDED_DRIVER, driver, now, at_once=False,
                      plate=plate_of(vehicle, driver.preferred_language))
    return ended


def sponsor_changed(session: Session, sponsorship: Sponsorship, now: datetime) -> int:
    """Close the open absence report the old sponsor made of ``sponsorship``'s person (who
    has their new sponsor already); how many closed (0 or 1: a person has at most one open
    report)."""
    closed = 0
    reports = session.scalars(select(AbsenceReport).where(
        AbsenceReport.sponsorship_id == sponsorship.id, open_absence_report()))
    for report in list(reports):
        changed = session.execute(
            update(AbsenceReport).where(AbsenceReport.id == report.id, open_absence_report())
            .values(withdrawn_at=now, closed_because=SPONSOR_CHANGED)
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            continue  # withdrawn by its sponsor a moment ago
        closed += 1
        reporter = session.get(Account, report.account_id)
        if reporter is None:
            continue
        audit.record(session, ABSENCE_CLOSED, now, reporter.id, None,
                     worker=sponsorship.person_id, reason=SPONSOR_CHANGED)
        name = (sponsorship.name_ar if reporter.preferred_language is Language.ARABIC
                else sponsorship.name_en)
        notices.queue(session, notices.ABSENCE_CLOSED_SPONSOR_CHANGED, reporter, now,
                      at_once=False, name=name)
    return closed


def follow_new_holders(session: Session, moved: Iterable[Vehicle | Sponsorship],
                       now: datetime | None = None) -> int:
    """After an import gave these vehicles a new owner or these people a new sponsor
    (agencies.csv_source.import_csv's ``on_moved``): end what the old one set up. How many
    records ended."""
    now = now or utcnow()
    ended = 0
    for row in moved:
        if isinstance(row, Vehicle):
            ended += vehicle_owner_changed(session, row, now)
        elif isinstance(row, Sponsorship):
            ended += sponsor_changed(session, row, now)
    return ended
