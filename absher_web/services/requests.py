"""Requests with a state: one table of moves, each move one conditional update.

A service that takes requests registers a ``Kind`` (its name and what it does when a
request is approved). Every move:
- is allowed only from the states declared in MOVES (anything else is a programming error);
- is an UPDATE on the state it leaves, so under any concurrency it happens once and the
  loser is told (``move`` returns False);
- is recorded in the applicant's security activity (and the officer's, when one decided);
- runs the service's ``on_approved`` in the same transaction, so an approval and what it
  creates (a child's ID, a family record) are saved together or not at all;
- ends the request's bill when it is refused or withdrawn (services.bills.cancel: an unpaid
  bill is cancelled, a paid one refunded), in the same transaction;
- gives up the request's key when it is withdrawn (``WITHDRAWN_KEY``), so the holder may
  ask again; the withdrawn request stays on My requests. A refusal keeps its key: the
  service's page shows the officer's reason and sends the holder to an office.
Telling the holder (SMS through the outbox) is queued in the same transaction
(``tell_after_commit``) and sent once it is committed (``commit_and_tell``).

A case the rules cannot decide goes UNDER_REVIEW with a reason code; the officers of its
Kind's role in the request's ``office_city`` see it in their queue (``awaiting_officer``)
and ``decide`` it; the holder may ``cancel`` it until then.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry
from absher_web.identity import luhn_check_digit
from absher_web.models import Account, SmsMessage, StaffUser
from absher_web.models.bills import Bill
from absher_web.models.requests import RequestStatus, ServiceRequest
from absher_web.services import audit, bills, notices, outbox
from absher_web.wording import REFUSAL_REASON_MAX

S = RequestStatus
# The moves a request may make: from each state, the states it may go to.
MOVES: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.APPROVED, S.REFUSED, S.CANCELLED}),
    S.UNDER_REVIEW: frozenset({S.APPROVED, S.REFUSED, S.CANCELLED}),
    # Approved: a paid passport request is printing; a Kind whose ``cancellable`` says so
    # may still be withdrawn (the paid fee refunded).
    S.APPROVED: frozenset({S.DELIVERED, S.PRINTED, S.CANCELLED}),
    S.PRINTED: frozenset({S.DELIVERED}),  # a document printed, then handed over or posted
    S.REFUSED: frozenset(),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}
OPEN = (S.SUBMITTED, S.UNDER_REVIEW)
ENDED = (S.REFUSED, S.CANCELLED)
# What a withdrawn request's key becomes: still readable, and the key is free again.
WITHDRAWN_KEY = "{key}~{id}"
NUMBER_DIGITS = 9  # then a check digit
NOTE_MAX = REFUSAL_REASON_MAX  # an officer's reason for a refusal (ServiceRequest.note)
_AFTER_COMMIT = "request_notices"  # session.info: the messages to send once committed


class NotAllowed(Exception):
    """The officer may not decide this request (not their role or city), or the holder may
    not withdraw it (not theirs): the pages answer 403."""


def _nothing(_session: Session, _request: ServiceRequest, _now: datetime) -> None:
    return None


@dataclass(frozen=True)
class Kind:
    """A service that takes requests.

    - ``title``: its name as the holder's requests list and the officer's queue show it;
    - ``role``: the staff role whose officers decide its cases (of the request's city);
    - ``reasons``: every reason code it sends to an officer or refuses with, worded;
    - ``endpoint``: its page (takes ``lang_code`` only), where the holder follows it;
    - ``on_approved(session, request, now)``: what an approval means (creates the child's
      record, the family record), in the approval's transaction;
    - ``detail_labels``: the request's ``details`` an officer sees, by key, each with its
      label (the chosen first name, the children whose custody is checked);
    - ``detail_values``: for a detail whose value is a code (a relation, a country), its
      words by code;
    - ``refused_reason``: the reason code an officer's refusal records (their own words go
      in ``note``); None keeps the reason the request went to them with;
    - ``approval_notice``: whether an officer's approval texts REQUEST_APPROVED (False when
      ``on_approved`` texts a notice of its own, saying more);
    - ``cancellable``: the states from which the holder may withdraw it (the open ones;
      a passport also while it is printing, its fee refunded).
    """

    service: str
    title: LazyString | str = ""
    role: str = "civil_affairs"
    reasons: Mapping[str, LazyString | str] = field(default_factory=dict)
    endpoint: str | None = None
    on_approved: Callable[[Session, ServiceRequest, datetime], None] = _nothing
    detail_labels: Mapping[str, LazyString | str] = field(default_factory=dict)
    detail_values: Mapping[str, Mapping[str, LazyString | str]] = field(default_factory=dict)
    refused_reason: str | None = None
    approval_notice: bool = True
    cancellable: tuple[RequestStatus, ...] = OPEN
    # What a refusal or a withdrawal means beyond the request (an objection's violation
    # payable again), in the same transaction.
    on_ended: Callable[[Session, ServiceRequest, datetime], None] = _nothing
    # How a state reads to the holder where the general word is wrong for this service (a
    # job application is shortlisted, an objection accepted); others read as My requests'.
    status_names: Mapping[RequestStatus, LazyString | str] = field(default_factory=dict)

    def reason_text(self, code: str | None) -> str:
        """The worded reason for ``code`` ('' for none; an unknown code is a bug, shown
        as the code so the holder still sees something to quote)."""
        if not code:
            return ""
        return str(self.reasons.get(code, code))


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.service] = kind
    return kind


def new_number() -> str:
    body = str(secrets.randbelow(9 * 10 ** (NUMBER_DIGITS - 1)) + 10 ** (NUMBER_DIGITS - 1))
    return body + luhn_check_digit(body)


def find(session: Session, service: str, request_key: str) -> ServiceRequest | None:
    return session.scalars(select(ServiceRequest).where(
        ServiceRequest.service == service, ServiceRequest.request_key == request_key)).first()


def submit(session: Session, *, service: str, request_key: str, account: Account,
           beneficiary_id: str, now: datetime, office_city: str | None = None,
           details: dict | None = None,
           client_address: str | None = None) -> tuple[ServiceRequest, bool]:
    """The request for ``request_key``: (a new one, True), or (the one it already has,
    False) when the same thing was asked before or is being asked at once elsewhere."""
    if service not in KINDS:
        raise ValueError(f"no service takes requests named {service!r}")
    existing = find(session, service, request_key)
    if existing is not None:
        return existing, False
    for _ in range(5):  # a number already taken is drawn again
        made = ServiceRequest(number=new_number(), service=service, request_key=request_key,
                              account_id=account.id, beneficiary_id=beneficiary_id,
                              status=S.SUBMITTED, details=details or {},
                              office_city=office_city and civil_registry.office_city(office_city),
                              created_at=now, changed_at=now)
        try:
            with session.begin_nested():
                session.add(made)
        except IntegrityError:
            raced = find(session, service, request_key)
            if raced is not None:
                return raced, False
            continue
        audit.record(session, "request_submitted", now, account.id, client_address,
                     service=service, request=made.number)
        return made, True
    raise RuntimeError("could not draw a free request number")


def move(session: Session, request: ServiceRequest, to: RequestStatus, now: datetime, *,
         staff_user_id: int | None = None, client_address: str | None = None,
         **values: object) -> bool:
    """Move ``request`` to ``to`` from the state it is in: True if this call made the move
    (False when another request or officer moved it first)."""
    leaving = request.status
    if to not in MOVES[leaving]:
        return False
    if to is S.CANCELLED:
        values = {"request_key": WITHDRAWN_KEY.format(key=request.request_key, id=request.id),
                  **values}
    changed = session.execute(
        update(ServiceRequest).where(ServiceRequest.id == request.id,
                                     ServiceRequest.status == leaving)
        .values(status=to, changed_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(request)
    if changed != 1:
        return False
    audit.record(session, f"request_{to.value}", now, request.account_id, client_address,
                 staff_user_id=staff_user_id, service=request.service, request=request.number)
    if to is S.APPROVED:
        KINDS[request.service].on_approved(session, request, now)
    elif to in ENDED:
        KINDS[request.service].on_ended(session, request, now)
    if to in ENDED and request.bill_id is not None:
        # Nothing will be delivered: its unpaid bill is cancelled, a paid one refunded.
        bill = session.get(Bill, request.bill_id)
        if bill is not None:
            bills.cancel(session, bill, now)
    return True


def withdraw_for_bill(session: Session, bill: Bill, now: datetime,
                      client_address: str | None = None) -> None:
    """The holder cancelled the unpaid bill of a request that waits for it: calling off the
    payment calls off the request (it would otherwise wait for a bill nobody can pay)."""
    waiting = session.scalars(select(ServiceRequest).where(
        ServiceRequest.bill_id == bill.id, ServiceRequest.status == S.SUBMITTED)).first()
    if waiting is not None:
        move(session, waiting, S.CANCELLED, now, client_address=client_address)


@dataclass(frozen=True)
class Waiting:
    """The requests one city's office has to decide for one role, as operators see them."""

    role: str
    office_city: str
    count: int
    oldest: datetime
    officers: int  # active officers of that role and city: none means nobody can decide


def waiting_by_office(session: Session) -> list[Waiting]:
    """Requests under review by role and city, the oldest first, each with how many active
    officers can decide them (`flask absher waiting-requests`)."""
    rows = session.execute(
        select(ServiceRequest.service, ServiceRequest.office_city, func.count(),
               func.min(ServiceRequest.changed_at))
        .where(ServiceRequest.status == S.UNDER_REVIEW)
        .group_by(ServiceRequest.service, ServiceRequest.office_city)).all()
    officers = list(session.scalars(select(StaffUser).where(StaffUser.is_active.is_(True))))
    by_office: dict[tuple[str, str], list] = {}
    for service, city, count, oldest in rows:
        role = KINDS[service].role if service in KINDS else "?"
        found = by_office.setdefault((role, city or ""), [0, oldest])
        found[0] += count
        found[1] = min(found[1], oldest)
    return sorted((Waiting(role, city, count, oldest,
                           sum(1 for o in officers if role in (o.roles or []) and o.city == city))
                   for (role, city), (count, oldest) in by_office.items()),
                  key=lambda waiting: waiting.oldest)


def of_holder(session: Session, account: Account, limit: int = 100) -> list[ServiceRequest]:
    return list(session.scalars(select(ServiceRequest).where(
        ServiceRequest.account_id == account.id)
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()).limit(limit)))


QUEUE_SHOWN = 100  # an office's queue shows its oldest requests, decided first
# The queue's count stops here: above it the page says "more than" (like the inbox's "99+"),
# so the count reads at most this many index entries + 1 however many wait.
QUEUE_COUNTED_MAX = 999


def _awaiting(services: tuple[str, ...], office_city: str):  # noqa: ANN202 (a condition)
    return ((ServiceRequest.status == S.UNDER_REVIEW) & ServiceRequest.service.in_(services)
            & (ServiceRequest.office_city == office_city))


def _walks(services: tuple[str, ...], office_city: str, limit: int):  # noqa: ANN202
    """The oldest ``limit`` waiting requests of each service (one walk of the queue index
    each: an IN over the services would read them all), as one UNION ALL subquery."""
    return union_all(*[
        select(ServiceRequest.id, ServiceRequest.changed_at)
        .where(_awaiting((service,), office_city))
        .order_by(ServiceRequest.changed_at, ServiceRequest.id).limit(limit).subquery().select()
        for service in services]).subquery()


def awaiting_officer(session: Session, services: tuple[str, ...], office_city: str,
                     limit: int = QUEUE_SHOWN) -> list[ServiceRequest]:
    """The queue of one city's office for the given services, oldest first."""
    if not services:
        return []
    merged = _walks(services, office_city, limit)
    oldest = select(merged.c.id).order_by(merged.c.changed_at, merged.c.id).limit(limit)
    return list(session.scalars(select(ServiceRequest).where(ServiceRequest.id.in_(oldest))
                                .order_by(ServiceRequest.changed_at, ServiceRequest.id)))


def awaiting_count(session: Session, services: tuple[str, ...], office_city: str,
                   cap: int = QUEUE_COUNTED_MAX) -> int:
    """How many requests the office's queue holds, shown or not, counted up to ``cap`` + 1
    (shown as "more than ``cap``")."""
    if not services:
        return 0
    merged = _walks(services, office_city, cap + 1)
    counted = select(merged.c.id).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(counted)) or 0


# --- telling the holder once the change is saved ----------------------------------------------


def tell_after_commit(session: Session, message: SmsMessage) -> None:
    """Send ``message`` (queued in this transaction) once ``commit_and_tell`` commits."""
    session.flush()
    session.info.setdefault(_AFTER_COMMIT, []).append(message.id)


def leave_to_outbox(session: Session) -> None:
    """Forget what this transaction would text once committed: its messages stay in the
    outbox, and run-due sends them (a bill's transaction, where nothing may call out)."""
    session.info.pop(_AFTER_COMMIT, None)


def commit_and_tell(session: Session, now: datetime) -> None:
    """Commit, then text what the transaction queued (no call out with it open; a message
    the provider refuses is sent again by run-due)."""
    waiting = session.info.pop(_AFTER_COMMIT, [])
    session.commit()
    for message_id in waiting:
        message = session.get(SmsMessage, message_id)
        if message is not None:
            outbox.deliver(session, message, now)


# --- an officer's decision, the holder's withdrawal ---------------------------------------------


def may_decide(officer: StaffUser, request: ServiceRequest) -> bool:
    """Whether ``officer`` decides requests like this one: their role, their city."""
    kind = KINDS.get(request.service)
    return (kind is not None and kind.role in (officer.roles or [])
            and officer.city is not None and request.office_city == officer.city)


def services_of_role(role: str) -> tuple[str, ...]:
    return tuple(sorted(name for name, kind in KINDS.items() if kind.role == role))


def decide(session: Session, request: ServiceRequest, approve: bool, officer: StaffUser,
           now: datetime, note: str | None = None,
           client_address: str | None = None) -> bool:
    """An officer approves or refuses a request waiting for one; True if this decision was
    the one made (False: it was decided or withdrawn first). NotAllowed when the request is
    not of the officer's role and city. The holder's notice is queued; the caller sends it
    with ``commit_and_tell``."""
    if not may_decide(officer, request):
        raise NotAllowed(request.number)
    if request.status is not S.UNDER_REVIEW:
        return False
    kind = KINDS[request.service]
    values: dict[str, object] = {"decided_by": officer.id}
    if not approve:
        values["note"] = (note or "").strip()[:NOTE_MAX] or None
        if kind.refused_reason:
            values["reason"] = kind.refused_reason
    if not move(session, request, S.APPROVED if approve else S.REFUSED, now,
                staff_user_id=officer.id, client_address=client_address, **values):
        return False
    if approve and not kind.approval_notice:
        return True
    notice = notices.REQUEST_APPROVED if approve else notices.REQUEST_REFUSED
    tell_after_commit(session, notices.queue(session, notice, request.account, now,
                                             service=kind.title, number=request.number))
    return True


def may_withdraw(request: ServiceRequest) -> bool:
    """Whether the request is in a state its holder may still withdraw it from."""
    kind = KINDS.get(request.service)
    return request.status in (kind.cancellable if kind else OPEN)


def cancel(session: Session, request: ServiceRequest, account: Account, now: datetime,
           client_address: str | None = None) -> bool:
    """The holder withdraws their open request; True if this call did (False: it was
    decided or withdrawn first). NotAllowed when the request is not the holder's."""
    if request.account_id != account.id:
        raise NotAllowed(request.number)
    if not may_withdraw(request):
        return False
    return move(session, request, S.CANCELLED, now, client_address=client_address)


def of_holder_by_number(session: Session, account: Account,
                        number: str) -> ServiceRequest | None:
    """The holder's request of that number; None for anyone else's (or none at all)."""
    if not number.isdigit() or len(number) != NUMBER_DIGITS + 1:
        return None
    return session.scalars(select(ServiceRequest).where(
        ServiceRequest.number == number, ServiceRequest.account_id == account.id)).first()


def by_number(session: Session, number: str) -> ServiceRequest | None:
    if not number.isdigit() or len(number) != NUMBER_DIGITS + 1:
        return None
    return session.scalars(select(ServiceRequest).where(ServiceRequest.number == number)).first()
