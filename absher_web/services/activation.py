"""Account activation: by a bank ATM (after a delay), a kiosk or a Passports officer (at once).

States: not activated -> pending (ATM, effective after ATM_ACTIVATION_DELAY) -> active.
A kiosk and an officer both verify the person's fingerprints, so they activate at once.
CHANNELS says so, once: the API, the console, the runner and the pages read it.
`run_due` completes pending ATM activations whose time has come and sends failed
notices again; several runners at once are safe (row locks, SKIP LOCKED on PostgreSQL).
Every change of state is also a conditional UPDATE on the state it was decided on
(`move_state`), so two requests for one account act once on SQLite too.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from absher_web.models import (
    Account,
    Activation,
    ActivationChannel,
    ActivationRequestStatus,
    ActivationState,
    ApiClient,
    ApiClientKind,
    StaffUser,
)
from absher_web.services import audit, notices, outbox

log = logging.getLogger(__name__)


class Refusal(enum.StrEnum):
    """Why an activation was not made; each is its own API error code."""

    ACCOUNT_NOT_FOUND = "account_not_found"
    MOBILE_MISMATCH = "mobile_mismatch"
    ALREADY_ACTIVE = "already_active"
    ALREADY_PENDING = "activation_pending"


# An activation taking effect (at once, or once its delay has passed) is refused only by an
# account that is active already: fingerprints verified may replace a pending ATM activation.
TAKING_EFFECT_REFUSALS = {ActivationState.ACTIVE: Refusal.ALREADY_ACTIVE}


@dataclass(frozen=True)
class Channel:
    """A way to activate an account, and whether it takes effect at once."""

    name: ActivationChannel
    # Fingerprints verified (kiosk, officer): active at once. Else pending for the delay.
    at_once: bool
    reported_by: ApiClientKind | None  # the API client that reports it; None: an officer
    refusals: Mapping[ActivationState, Refusal]  # the states that refuse it, and with what


CHANNELS = {channel.name: channel for channel in (
    Channel(ActivationChannel.ATM, at_once=False, reported_by=ApiClientKind.BANK,
            refusals={ActivationState.ACTIVE: Refusal.ALREADY_ACTIVE,
                      ActivationState.PENDING: Refusal.ALREADY_PENDING}),
    Channel(ActivationChannel.KIOSK, at_once=True, reported_by=ApiClientKind.KIOSK,
            refusals=TAKING_EFFECT_REFUSALS),
    Channel(ActivationChannel.PASSPORTS, at_once=True, reported_by=None,
            refusals=TAKING_EFFECT_REFUSALS),
)}
DELAYED_CHANNELS = tuple(name for name, channel in CHANNELS.items() if not channel.at_once)


def channel_reported_by(kind: ApiClientKind) -> Channel:
    return next(channel for channel in CHANNELS.values() if channel.reported_by is kind)


@dataclass(frozen=True)
class Settings:
    atm_delay: timedelta
    sms_max_attempts: int

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        return cls(atm_delay=timedelta(seconds=config["ATM_ACTIVATION_DELAY_SECONDS"]),
                   sms_max_attempts=config["SMS_MAX_ATTEMPTS"])

    def delay(self, channel: Channel) -> timedelta:
        """How long after the request an activation this way takes effect."""
        return timedelta(0) if channel.at_once else self.atm_delay


@dataclass(frozen=True)
class RemoteRequest:
    """A bank's or kiosk's request, already checked for form (see web/api.py)."""

    national_id: str
    mobile: str  # E.164
    terminal_id: str
    reference: str
    requested_at: datetime


def account_by_national_id(session: Session, national_id: str,
                           lock: bool = False) -> Account | None:
    """The account registered to an ID or iqama number.

    ``lock`` holds the account's row until the transaction ends: every path that
    changes an activation state takes this lock first, so two of them (an officer's
    double click, a kiosk racing the runner) never both act on one account.
    """
    query = select(Account).where(Account.national_id == national_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def pending_until(session: Session, account: Account) -> datetime | None:
    """When the account's pending (ATM) activation takes effect, if it has one."""
    if account.activation_state is not ActivationState.PENDING:
        return None
    return session.scalar(
        select(Activation.effective_at)
        .where(Activation.account_id == account.id,
               Activation.status == ActivationRequestStatus.PENDING)
        .order_by(Activation.effective_at).limit(1)
    )


def request_remote(session: Session, settings: Settings, client: ApiClient,
                   request: RemoteRequest, now: datetime) -> Activation | Refusal:
    """A bank ATM request makes a pending activation; a kiosk request activates at once.

    Adds rows without committing: the caller stores its answer in the same transaction.
    """
    account = account_by_national_id(session, request.national_id, lock=True)
    if account is None:
        return Refusal.ACCOUNT_NOT_FOUND
    if account.mobile != request.mobile:
        return Refusal.MOBILE_MISMATCH
    channel = channel_reported_by(client.kind)
    # A kiosk read the fingerprints: its activation, done at once, is recorded with which
    # kiosk and whose, as an officer's is with the office (fingerprint.enrolment reads them).
    activation = activate(session, account, channel, now, settings.delay(channel),
                          completion={"kiosk": request.terminal_id, "operator": client.code},
                          requested_at=request.requested_at, client_code=client.code,
                          terminal_id=request.terminal_id, reference=request.reference)
    if isinstance(activation, Refusal) or activation.status is ActivationRequestStatus.DONE:
        return activation
    audit.record(session, "activation_requested", now, account.id, channel=channel.name.value,
                 bank=client.code, effective_at=activation.effective_at.isoformat())
    return activation


def activate_in_person(session: Session, account: Account, officer: StaffUser, now: datetime,
                       client_address: str | None) -> Activation | Refusal:
    """An officer has verified the holder's fingerprints: the account is active at once."""
    session.refresh(account, with_for_update=True)  # the state as it is now, and held
    return activate(session, account, CHANNELS[ActivationChannel.PASSPORTS], now,
                    timedelta(0), requested_at=now, staff_user_id=officer.id,
                    completion={"staff_user_id": officer.id, "client_address": client_address,
                                "office": officer.office})


def activate(session: Session, account: Account, channel: Channel, now: datetime,
             delay: timedelta, completion: Mapping | None = None,
             **columns: object) -> Activation | Refusal:
    """Activate ``account`` by ``channel`` (its row held by the caller): active at once, or
    pending until ``delay`` has passed. ``completion`` goes to record_completion."""
    if channel.at_once:
        refusal = move_state(session, account, ActivationState.ACTIVE, channel.refusals,
                             activated_at=now)
    else:
        refusal = move_state(session, account, ActivationState.PENDING, channel.refusals)
    if refusal is not None:
        return refusal
    done = channel.at_once
    activation = Activation(
        account_id=account.id, channel=channel.name, effective_at=now + delay,
        status=ActivationRequestStatus.DONE if done else ActivationRequestStatus.PENDING,
        completed_at=now if done else None, **columns)
    session.add(activation)
    session.flush()
    if channel.at_once:
        record_completion(session, account, activation, now, **(completion or {}))
    return activation


def move_state(session: Session, account: Account, new_state: ActivationState,
               refusals: Mapping[ActivationState, Refusal], **values: object) -> Refusal | None:
    """Move the account to ``new_state`` unless its state refuses it; None when moved.

    Every change of an activation state goes through here, as one conditional UPDATE:
    ``... WHERE id = :id AND activation_state = <the state the decision was made on>``.
    On PostgreSQL the account's row lock already keeps a second request waiting; on
    SQLite, where FOR UPDATE locks nothing, the condition is what stops an ATM and a
    kiosk request (or two kiosks, or a kiosk and the runner) from both acting: the one
    that comes second changes no row, reads the state the first left, and decides again.
    States only move forward (not activated -> pending -> active), so this ends.
    """
    for _attempt in range(len(ActivationState)):
        refusal = refusals.get(account.activation_state)
        if refusal is not None:
            return refusal
        seen = account.activation_state
        changed = session.execute(
            update(Account)
            .where(Account.id == account.id, Account.activation_state == seen)
            .values(activation_state=new_state, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed == 1:
            for name, value in {"activation_state": new_state, **values}.items():
                set_committed_value(account, name, value)
            return None
        session.refresh(account)  # someone else got there first: as they left it
    raise RuntimeError(f"the activation state of account {account.id} keeps changing")


def record_completion(session: Session, account: Account, activation: Activation,
                      now: datetime, staff_user_id: int | None = None,
                      client_address: str | None = None, **detail: object) -> None:
    """The account has just become active (move_state): mark the activation done; any
    other pending request is no longer needed."""
    activation.status, activation.completed_at = ActivationRequestStatus.DONE, now
    session.execute(
        update(Activation)
        .where(Activation.account_id == account.id, Activation.id != activation.id,
               Activation.status == ActivationRequestStatus.PENDING)
        .values(status=ActivationRequestStatus.CANCELLED, completed_at=now)
    )
    audit.record(session, "account_activated", now, account.id, client_address,
                 staff_user_id=staff_user_id, channel=activation.channel.value, **detail)


def save_and_notify(session: Session, account: Account, now: datetime) -> bool:
    """Commit an activation made at once with its notice, then text the holder; True if
    the SMS went now (if not, run-due sends it: the account is active either way)."""
    return notices.send(session, notices.ACCOUNT_ACTIVATED, account, now)


# --- the due-jobs runner ----------------------------------------------------------

@dataclass
class RunReport:
    activated: int = 0
    notices_sent: int = 0
    notices_failed: int = 0


def run_due(begin: Callable[[], object], settings: Settings, now: datetime) -> RunReport:
    """Complete every ATM activation whose time has come, then send failed notices again.

    ``begin`` opens a transaction (``db.transaction``). Each item is locked, done and
    committed on its own, so a crash loses at most the item in hand. On PostgreSQL any
    number of runners can work at once: FOR UPDATE SKIP LOCKED hands each row to one of
    them. SQLite has one writer at a time: a second runner fails rather than repeat work.
    """
    report = RunReport()
    while _activate_next_due(begin, now, report):
        pass
    report.notices_sent, report.notices_failed = outbox.send_due(begin, now,
                                                                 settings.sms_max_attempts)
    return report


def _activate_next_due(begin: Callable[[], object], now: datetime, report: RunReport) -> bool:
    with begin() as session:
        # The account's row is the lock, as on every path that changes its state;
        # SKIP LOCKED hands each account to one runner and passes over those in use.
        due = (Activation.status == ActivationRequestStatus.PENDING,
               Activation.channel.in_(DELAYED_CHANNELS), Activation.effective_at <= now)
        account = session.scalars(
            select(Account)
            .join(Activation, Activation.account_id == Account.id)
            .where(*due)
            .order_by(Activation.effective_at, Activation.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=Account)
        ).first()
        if account is None:
            return False
        # Read again now the account is held: another runner may have just finished it.
        activation = session.scalars(
            select(Activation)
            .where(Activation.account_id == account.id, *due)
            .order_by(Activation.effective_at, Activation.id).limit(1)
            .execution_options(populate_existing=True)
        ).first()
        if activation is None:
            return True  # completed by another runner between the two reads
        if move_state(session, account, ActivationState.ACTIVE, TAKING_EFFECT_REFUSALS,
                      activated_at=now) is not None:
            # Activated another way. Conditional too: on SQLite another runner may have
            # just completed this very activation, and its "done" must stand.
            session.execute(
                update(Activation)
                .where(Activation.id == activation.id,
                       Activation.status == ActivationRequestStatus.PENDING)
                .values(status=ActivationRequestStatus.CANCELLED, completed_at=now)
                .execution_options(synchronize_session=False)
            )
            return True
        record_completion(session, account, activation, now, bank=activation.client_code)
        report.activated += 1
        # Saved with the activation; sent below with every other notice that is due.
        notices.queue(session, notices.ACCOUNT_ACTIVATED, account, now, at_once=False)
    return True
