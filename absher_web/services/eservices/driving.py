"""طلبات تفويض للقيادة and إلغاء مستخدم للمركبة: an owner authorises another holder to
drive one of their vehicles until a day; the other person accepts or declines it in their
own account; the owner cancels it at any time.

- Only a holder of an active account can be authorised, and a person holds at most
  EServicePolicy.max_driving_authorisations at once (waiting or accepted, not ended). An ID
  number that is unknown, not activated or at that limit gets one and the same refusal, so
  the service never tells whether someone has an account.
- Each change is one transaction with its two notices (both people, each in their own
  language): a new authorisation holds the driver's account row while it counts theirs;
  accepting, declining and cancelling are conditional UPDATEs on the status they change
  from, so a double submit or a race changes an authorisation once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ScalarSelect, func, select, update
from sqlalchemy.orm import Session, joinedload

from absher_web.agencies import traffic
from absher_web.models import (
    Account,
    AuthorisationStatus,
    DrivingAuthorisation,
    Language,
    Vehicle,
)
from absher_web.services import audit, notices
from absher_web.services.eservices import NotYours, local_today
from absher_web.services.policies import EServicePolicy

GIVEN = "driving_authorisation_given"
ACCEPTED = "driving_authorisation_accepted"
DECLINED = "driving_authorisation_declined"
CANCELLED = "driving_authorisation_cancelled"
LIVE = (AuthorisationStatus.PENDING, AuthorisationStatus.ACCEPTED)


class Refusal(enum.StrEnum):
    """Why an authorisation was not given or changed (the web layer words each)."""

    NOT_AUTHORISABLE = "not_authorisable"  # unknown, not active or at the limit: one reason
    YOURSELF = "yourself"
    VEHICLE_IMPOUNDED = "vehicle_impounded"
    ALREADY_AUTHORISED = "already_authorised"
    UNTIL_PAST = "until_past"
    UNTIL_TOO_FAR = "until_too_far"
    NOT_WAITING = "not_waiting"  # accept or decline: no longer waiting for an answer
    ENDED = "ended"  # cancel: already cancelled, declined or over


@dataclass(frozen=True)
class Authorisations:
    """What the holder sees: given by them, waiting for their answer, held by them."""

    given: list[DrivingAuthorisation]
    waiting: list[DrivingAuthorisation]
    held: list[DrivingAuthorisation]
    vehicles: list[Vehicle]
    today: date


def is_live(authorisation: DrivingAuthorisation, today: date) -> bool:
    return authorisation.status in LIVE and authorisation.ends_on >= today


def _query():
    return select(DrivingAuthorisation).options(
        joinedload(DrivingAuthorisation.vehicle),
        joinedload(DrivingAuthorisation.owner).joinedload(Account.person),
        joinedload(DrivingAuthorisation.driver)).order_by(
        DrivingAuthorisation.created_at.desc(), DrivingAuthorisation.id.desc())


def overview(session: Session, account: Account, now: datetime) -> Authorisations:
    today = local_today(now)
    given = list(session.scalars(_query().where(
        DrivingAuthorisation.owner_account_id == account.id)).unique())
    mine = list(session.scalars(_query().where(
        DrivingAuthorisation.driver_account_id == account.id)).unique())
    waiting = [a for a in mine if a.status is AuthorisationStatus.PENDING and a.ends_on >= today]
    held = [a for a in mine if a not in waiting]
    return Authorisations(given, waiting, held,
                          traffic.vehicles_of(session, account.national_id), today)


def waiting_counted(account: Account, now: datetime) -> ScalarSelect[int]:
    """How many authorisations wait for the holder's answer, as a subquery (the account
    home reads it with the sale offers')."""
    return select(func.count()).select_from(DrivingAuthorisation).where(
        DrivingAuthorisation.driver_account_id == account.id,
        DrivingAuthorisation.status == AuthorisationStatus.PENDING,
        DrivingAuthorisation.ends_on >= local_today(now)).scalar_subquery()


def _name_of(account: Account, language: Language) -> str:
    return account.person.name_ar if language is Language.ARABIC else account.person.name_en


def _notices(authorisation: DrivingAuthorisation, to_owner: notices.Notice,
             to_driver: notices.Notice) -> list[tuple[notices.Notice, Account, dict]]:
    owner, driver = authorisation.owner, authorisation.driver
    return [(notice, account, {
        "plate": traffic.plate_of(authorisation.vehicle, account.preferred_language),
        "until": authorisation.ends_on.isoformat(),
        "national_id": driver.national_id,
        "owner": _name_of(owner, account.preferred_language)})
        for notice, account in ((to_owner, owner), (to_driver, driver))]


def give(session: Session, policy: EServicePolicy, owner: Account, vehicle_id: int,
         driver_national_id: str, until: date, now: datetime,
         client_address: str | None) -> DrivingAuthorisation | Refusal:
    """Authorise the holder of ``driver_national_id`` to drive the owner's vehicle through
    ``until``; NotYours when the vehicle is not the owner's."""
    today = local_today(now)
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None or vehicle.owner_id != owner.national_id:
        raise NotYours
    if until < today:
        return Refusal.UNTIL_PAST
    if until > today + timedelta(days=policy.driving_authorisation_max_days):
        return Refusal.UNTIL_TOO_FAR
    if driver_national_id == owner.national_id:
        return Refusal.YOURSELF
    if vehicle.impounded_since is not None:
        return Refusal.VEHICLE_IMPOUNDED
    # Two owners authorising the same person at once must count in turn. An UPDATE that
    # changes nothing holds the driver's row until the commit on PostgreSQL, and SQLite's one
    # write lock on SQLite (which ignores FOR UPDATE), so the count below is the latest.
    session.execute(update(Account).where(Account.national_id == driver_national_id)
                    .values(id=Account.id).execution_options(synchronize_session=False))
    driver = session.scalars(select(Account).where(Account.national_id == driver_national_id)
                             .execution_options(populate_existing=True)).first()
    if driver is None or not driver.is_active:
        session.rollback()
        return Refusal.NOT_AUTHORISABLE
    live = list(session.scalars(select(DrivingAuthorisation).where(
        DrivingAuthorisation.driver_account_id == driver.id,
        DrivingAuthorisation.status.in_(LIVE), DrivingAuthorisation.ends_on >= today)))
    if any(a.vehicle_id == vehicle.id for a in live):
        session.rollback()
        return Refusal.ALREADY_AUTHORISED
    if len(live) >= policy.max_driving_authorisations:
        session.rollback()
        return Refusal.NOT_AUTHORISABLE
    authorisation = DrivingAuthorisation(
        vehicle=vehicle, owner=owner, driver=driver, starts_on=today, ends_on=until,
        status=AuthorisationStatus.PENDING, created_at=now)
    session.add(authorisation)
    session.flush()
    audit.record(session, GIVEN, now, owner.id, client_address, authorisation=authorisation.id)
    audit.record(session, GIVEN, now, driver.id, None, authorisation=authorisation.id)
    notices.send_each(session, _notices(authorisation, notices.DRIVING_GIVEN_OWNER,
                                        notices.DRIVING_GIVEN_DRIVER), now)
    return authorisation


def _change(session: Session, account: Account, authorisation_id: int, side: str,
            allowed_from: tuple[AuthorisationStatus, ...], to: AuthorisationStatus,
            kind: str, to_owner: notices.Notice, to_driver: notices.Notice, now: datetime,
            client_address: str | None, refusal: Refusal, live_only: bool
            ) -> DrivingAuthorisation | Refusal:
    authorisation = session.get(DrivingAuthorisation, authorisation_id)
    if authorisation is None or getattr(authorisation, f"{side}_account_id") != account.id:
        raise NotYours
    conditions = [DrivingAuthorisation.id == authorisation_id,
                  DrivingAuthorisation.status.in_(allowed_from)]
    if live_only:
        conditions.append(DrivingAuthorisation.ends_on >= local_today(now))
    changed = session.execute(update(DrivingAuthorisation).where(*conditions)
                              .values(status=to, changed_at=now)
                              .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        session.rollback()
        return refusal
    session.refresh(authorisation)
    other = authorisation.driver if side == "owner" else authorisation.owner
    audit.record(session, kind, now, account.id, client_address, authorisation=authorisation.id)
    audit.record(session, kind, now, other.id, None, authorisation=authorisation.id)
    notices.send_each(session, _notices(authorisation, to_owner, to_driver), now)
    return authorisation


def accept(session: Session, driver: Account, authorisation_id: int, now: datetime,
           client_address: str | None) -> DrivingAuthorisation | Refusal:
    return _change(session, driver, authorisation_id, "driver",
                   (AuthorisationStatus.PENDING,), AuthorisationStatus.ACCEPTED, ACCEPTED,
                   notices.DRIVING_ACCEPTED_OWNER, notices.DRIVING_ACCEPTED_DRIVER, now,
                   client_address, Refusal.NOT_WAITING, live_only=True)


def decline(session: Session, driver: Account, authorisation_id: int, now: datetime,
            client_address: str | None) -> DrivingAuthorisation | Refusal:
    return _change(session, driver, authorisation_id, "driver",
                   (AuthorisationStatus.PENDING,), AuthorisationStatus.DECLINED, DECLINED,
                   notices.DRIVING_DECLINED_OWNER, notices.DRIVING_DECLINED_DRIVER, now,
                   client_address, Refusal.NOT_WAITING, live_only=True)


def cancel(session: Session, owner: Account, authorisation_id: int, now: datetime,
           client_address: str | None) -> DrivingAuthorisation | Refusal:
    """The owner ends an authorisation, waiting or accepted, at any time before its end."""
    return _change(session, owner, authorisation_id, "owner", LIVE,
                   AuthorisationStatus.CANCELLED, CANCELLED, notices.DRIVING_CANCELLED_OWNER,
                   notices.DRIVING_CANCELLED_DRIVER, now, client_address, Refusal.ENDED,
                   live_only=True)
