"""Birth registration (تسجيل المواليد): a father registers the newborn a hospital notified.

The path: the father (a citizen: residents register at a Civil Affairs office) sees the
notifications that name him as the father; he chooses the first name in Arabic and its
English form (services/names.py checks the rules), sees the four-part name built from the
registry and how the documents reach him, confirms, and the request is submitted
(services/requests.py: one per notification, however many submits arrive at once).

- Delivery by post to the national address costs EServicePolicy.birth_delivery_fee; a birth
  registered more than birth_registration_days after it adds birth_late_fine. Anything to
  pay is one bill (services/bills.py, request_key the request's number); the request goes
  on once a bank pays it (``carry_on``, in the bill's transaction). Nothing to pay: at once.
- Going on: a birth registered in time with a first name on the accepted list is approved
  at once. A late one (LATE_REGISTRATION: the officer hears why it is late) or one whose
  name is not on the list (NAME_NOT_LISTED) waits for a Civil Affairs officer of the
  father's city, who approves or refuses it in the staff console.
- Approved (``on_approved``, in the approval's transaction): the child is created in the
  civil registry with a new national ID (services/births_registry.py) and the father is
  texted.
- Delivered: an operator marks the printed documents sent (`flask absher delivered`);
  the father is texted. A delivery fee paid for a request approved DELIVERY_REFUND_AFTER
  ago and still not delivered is refunded by run-due (``refund_due``). A paid request
  refused by an officer or withdrawn by the father before approval is refunded whole at
  once (services/requests.py ends its bill; ``refundable`` says it may be).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.agencies import family
from absher_web.models import (
    Account,
    Bill,
    BillStatus,
    BirthNotification,
    Person,
    PersonKind,
    RequestStatus,
    ServiceRequest,
)
from absher_web.services import (
    acting_for,
    audit,
    bills,
    births_registry,
    names,
    notices,
    requests,
)
from absher_web.services.acting_for import ActingRefused
from absher_web.services.acting_for import Refusal as ActingRefusal
from absher_web.services.eservices import fees, local_today
from absher_web.services.policies import EServicePolicy

SERVICE = "birth_registration"  # its requests, its bills and its acting_for key
NAME_NOT_LISTED = "name_not_listed"  # to an officer: the first name is not on the list
LATE_REGISTRATION = "late_registration"  # to an officer: past the registration days
NOT_ELIGIBLE = "not_eligible"  # an officer's refusal
# A paid delivery fee comes back if nothing was delivered this long after the approval.
DELIVERY_REFUND_AFTER = timedelta(days=30)
REFUND_DAYS = DELIVERY_REFUND_AFTER.days
# How far back run-due looks for approvals past DELIVERY_REFUND_AFTER (it runs daily).
_REFUND_WINDOW = timedelta(days=90)
# A notification's number, as hospitals write it (KFSH-2026-0001).
NOTIFICATION_NUMBER = re.compile(r"[A-Za-z0-9-]{1,20}")


class Delivery(enum.StrEnum):
    POST = "post"  # to the national address, for the delivery fee
    OFFICE = "office"  # collected at a Civil Affairs office


class NotNamed(LookupError):
    """The notification does not name the holder (or does not exist): 404."""


@dataclass(frozen=True)
class Notified:
    """A notification as the father's pages show it, with what became of it."""

    notification: BirthNotification
    request: ServiceRequest | None
    bill: Bill | None
    child: Person | None
    days: int  # since the birth, on today's Riyadh date
    late: bool  # past the registration days: the fine applies


@dataclass(frozen=True)
class Quote:
    """What confirming would ask for: nothing is saved."""

    notification: BirthNotification
    names: births_registry.FourPartName
    delivery: Delivery
    fee: int  # halalas
    fine: int  # halalas
    listed: bool  # the first name and its English form are on the list: no officer needed
    days: int  # since the birth
    # The Arabic name is on the list but not with this English form: the officer checks it.
    spelling_unlisted: bool = False

    @property
    def total(self) -> int:
        return self.fee + self.fine


@dataclass(frozen=True)
class Registered:
    request: ServiceRequest
    new: bool


@dataclass(frozen=True)
class Changed:
    """The amounts changed between the review and the confirmation (a day passed and the
    fine now applies, a setting changed): the review is shown again."""

    quote: Quote


def is_citizen(account: Account) -> bool:
    return account.person.kind is PersonKind.CITIZEN


def _days(notification: BirthNotification, now: datetime) -> int:
    return (local_today(now) - notification.birth_date).days


def _bill_of(session: Session, request: ServiceRequest | None) -> Bill | None:
    if request is None or request.bill_id is None:
        return None
    return session.get(Bill, request.bill_id)


def describe(session: Session, policy: EServicePolicy, notification: BirthNotification,
             now: datetime) -> Notified:
    request = requests.find(session, SERVICE, notification.number)
    days = _days(notification, now)
    child = session.get(Person, notification.child_id) if notification.child_id else None
    return Notified(notification, request, _bill_of(session, request), child, days,
                    days > policy.birth_registration_days)


def notifications_of(session: Session, policy: EServicePolicy, account: Account,
                     now: datetime) -> list[Notified]:
    """The births notified with the holder as the father, the newest first."""
    return [describe(session, policy, notification, now)
            for notification in family.birth_notifications_for(session, account.national_id)]


def notification_for(session: Session, account: Account, number: str) -> BirthNotification:
    """The notification of that number, if the acting-for rule lets the holder register
    it (acting_for.for_newborn: its father). NotNamed (404) when it does not exist or does
    not name them; ActingRefused (403) when it names them as the mother."""
    if not NOTIFICATION_NUMBER.fullmatch(number or ""):
        raise NotNamed(number)  # never sent to the database (PostgreSQL refuses NUL)
    found = session.scalars(select(BirthNotification).where(
        BirthNotification.number == number)).first()
    if found is None:
        raise NotNamed(number)
    decision = acting_for.for_newborn(found, account)
    if decision:
        return found
    if decision.refusal is ActingRefusal.NOT_FOR_SERVICE:
        raise ActingRefused(decision.refusal)
    raise NotNamed(number)


def quote(session: Session, policy: EServicePolicy, account: Account,
          notification: BirthNotification, first_ar: str, first_en: str,
          delivery: Delivery, now: datetime) -> Quote:
    """The four-part name and the amounts, from checked first names."""
    days = _days(notification, now)
    four_parts = births_registry.four_part_name(session, account.person, first_ar, first_en)
    listed = names.is_listed(first_ar, first_en)
    return Quote(notification, four_parts, delivery,
                 policy.birth_delivery_fee if delivery is Delivery.POST else 0,
                 policy.birth_late_fine if days > policy.birth_registration_days else 0,
                 listed, days, spelling_unlisted=not listed and names.is_listed(first_ar))


def register(session: Session, policy: EServicePolicy, account: Account, number: str,
             first_ar: str, first_en: str, delivery: Delivery, seen_total: int,
             now: datetime, client_address: str | None = None) -> Registered | Changed:
    """Submit the registration as reviewed (first names already checked by the form):
    the request, and its bill when there is anything to pay, else the request goes on at
    once. A repeated or simultaneous submit gets the request made first. Commits, then
    texts the holder when the child was registered."""
    notification = notification_for(session, account, number)
    found = requests.find(session, SERVICE, notification.number)
    if found is not None or notification.child_id is not None:
        return Registered(found, False)
    seen = quote(session, policy, account, notification, first_ar, first_en, delivery, now)
    if seen.total != seen_total:
        return Changed(seen)
    details = {"notification": notification.number, "first_name_ar": seen.names.first_ar,
               "first_name_en": seen.names.first_en, "name_ar": seen.names.full_ar,
               "name_en": seen.names.full_en, "delivery": delivery.value,
               "delivery_fee": seen.fee, "fine": seen.fine, "listed": seen.listed,
               "birth_date": notification.birth_date.isoformat(), "days": seen.days,
               "hospital": notification.hospital, "mother_id": notification.mother_id}
    made, new = requests.submit(session, service=SERVICE, request_key=notification.number,
                                account=account, beneficiary_id=account.national_id,
                                now=now, office_city=account.person.city, details=details,
                                client_address=client_address)
    if new and seen.total:
        _issue_bill(session, policy, account, made, now)
    elif new:
        go_on(session, made, now, client_address)
    requests.commit_and_tell(session, now)
    return Registered(made, new)


def _issue_bill(session: Session, policy: EServicePolicy, account: Account,
                request: ServiceRequest, now: datetime) -> Bill:
    fee, fine = request.details["delivery_fee"], request.details["fine"]
    issued = fees.bill_for(session, service=SERVICE, request_key=request.number,
                           account=account, beneficiary_id=account.national_id,
                           amount=fee + fine, now=now, lifetime=policy.bill_lifetime,
                           details={"request": request.number, "delivery_fee": fee,
                                    "fine": fine})
    request.bill_id = issued.id
    session.flush()
    return issued


def new_bill(session: Session, policy: EServicePolicy, account: Account, number: str,
             now: datetime) -> Bill | None:
    """A fresh bill for a submitted request whose bill expired unpaid; None when the
    request needs none now. The fine is added if the birth has become late meanwhile (the
    request then goes to an officer, as a late one does). Commits."""
    notification = notification_for(session, account, number)
    request = requests.find(session, SERVICE, notification.number)
    if request is None or request.status is not RequestStatus.SUBMITTED:
        return None
    if request.details.get("delivery_fee", 0) + request.details.get("fine", 0) <= 0:
        return None  # nothing to pay: it went on when it was submitted
    held = _bill_of(session, request)
    if held is not None and held.status is not BillStatus.EXPIRED and not (
            held.status is BillStatus.UNPAID and held.expires_at <= now):
        return None
    if _days(notification, now) > policy.birth_registration_days \
            and not request.details.get("fine"):
        request.details = {**request.details, "fine": policy.birth_late_fine}
    issued = _issue_bill(session, policy, account, request, now)
    session.commit()
    return issued


def go_on(session: Session, request: ServiceRequest, now: datetime,
          client_address: str | None = None) -> bool:
    """A submitted request, paid or free, approved (in time, its name on the list) or with
    an officer: True if this call moved it."""
    if request.details.get("fine"):
        reason = LATE_REGISTRATION
    elif not request.details.get("listed"):
        reason = NAME_NOT_LISTED
    else:
        return requests.move(session, request, RequestStatus.APPROVED, now,
                             client_address=client_address)
    return requests.move(session, request, RequestStatus.UNDER_REVIEW, now,
                         client_address=client_address, reason=reason)


# --- the bill, once paid -------------------------------------------------------------------


def carry_on(session: Session, paid: Bill, now: datetime) -> None:
    """The paid request goes on (approved, or to an officer), once; Undeliverable (the bill
    refunded) when it can no longer: cancelled, or the child registered meanwhile."""
    request = requests.by_number(session, paid.details.get("request", ""))
    if request is None or request.service != SERVICE:
        raise bills.Undeliverable("request_gone")
    notification = session.scalars(select(BirthNotification).where(
        BirthNotification.number == request.request_key)).first()
    if notification is None or notification.child_id is not None:
        raise bills.Undeliverable("already_registered")
    if request.status is not RequestStatus.SUBMITTED or not go_on(session, request, now):
        raise bills.Undeliverable("request_moved")
    # Texts go out with run-due: nothing leaves inside the bill's transaction.
    requests.leave_to_outbox(session)


def refundable(session: Session, paid: Bill) -> bool:
    """Until the child is registered: not yet gone on, or with an officer, refused or
    withdrawn (the delivery fee alone comes back later: ``refund_due``)."""
    request = requests.by_number(session, paid.details.get("request", ""))
    return paid.fulfilled_at is None or (
        request is not None and request.status not in (RequestStatus.APPROVED,
                                                         RequestStatus.DELIVERED))


def refund_due(begin, now: datetime) -> int:  # noqa: ANN001 (db.transaction)
    """run-due: the delivery fee of requests approved DELIVERY_REFUND_AFTER ago and still
    not delivered goes back (services/refunds.py sends it). How many refunds were started."""
    cutoff = now - DELIVERY_REFUND_AFTER
    with begin() as session:
        due = session.execute(
            select(ServiceRequest.id, Bill.id).join(Bill, Bill.id == ServiceRequest.bill_id)
            .where(ServiceRequest.service == SERVICE, Bill.status == BillStatus.PAID,
                   ServiceRequest.status == RequestStatus.APPROVED,
                   ServiceRequest.changed_at <= cutoff,
                   ServiceRequest.changed_at > cutoff - _REFUND_WINDOW)
            .limit(500)).all()
    started = 0
    for request_id, bill_id in due:
        with begin() as session:
            # Held until this transaction ends (an UPDATE that changes nothing: a row lock
            # on PostgreSQL, the write lock on SQLite), so `delivered` cannot slip in
            # between this check and the refund.
            still_approved = session.execute(
                update(ServiceRequest).where(ServiceRequest.id == request_id,
                                             ServiceRequest.status == RequestStatus.APPROVED)
                .values(changed_at=ServiceRequest.changed_at)
                .execution_options(synchronize_session=False)).rowcount
            if still_approved != 1:
                continue
            request = session.get(ServiceRequest, request_id)
            bill = session.get(Bill, bill_id)
            amount = int(bill.details.get("delivery_fee", 0))
            if amount <= 0:
                continue
            if bills.refund_part(session, bill, amount, "not_delivered", now):
                audit.record(session, "birth_fee_refunded", now, request.account_id, None,
                             request=request.number, bill=bill.number, amount=amount)
                started += 1
    return started


# --- delivery ------------------------------------------------------------------------------


class Delivered(enum.StrEnum):
    DONE = "done"
    UNKNOWN = "unknown"  # no birth registration of that number
    NOT_APPROVED = "not_approved"  # submitted, with an officer, refused or cancelled
    ALREADY = "already"  # delivered before


def mark_delivered(session: Session, number: str, now: datetime) -> Delivered:
    """An operator's word that the documents were printed and sent (or are waiting at the
    office): the request is delivered, once, and the holder texted. Commits."""
    request = requests.by_number(session, number)
    if request is None or request.service != SERVICE:
        return Delivered.UNKNOWN
    if request.status is RequestStatus.DELIVERED:
        return Delivered.ALREADY
    if not requests.move(session, request, RequestStatus.DELIVERED, now):
        session.rollback()
        return (Delivered.ALREADY if request.status is RequestStatus.DELIVERED
                else Delivered.NOT_APPROVED)
    by_post = request.details.get("delivery") == Delivery.POST.value
    notices.send(session, notices.BIRTH_SENT if by_post else notices.BIRTH_READY,
                 request.account, now, request=request.number)
    return Delivered.DONE


# --- the request kind and the bill's service ------------------------------------------------

# TRANSLATORS: The name of the service (تسجيل المواليد), in the holder's requests and the
# officers' queue.
TITLE = _l("Birth registration")
requests.register(requests.Kind(
    SERVICE, title=TITLE, role="civil_affairs",
    # TRANSLATORS: Why a birth registration waits for a Civil Affairs officer: the first
    # name chosen is not on the list of names accepted at once.
    reasons={NAME_NOT_LISTED: _l("The first name you chose, or its English spelling, is not "
                                 "on the list of names registered at once: a Civil Affairs "
                                 "officer checks it."),
             # TRANSLATORS: Why a birth registration waits for a Civil Affairs officer: the
             # father applied after the days the law allows (the fine was paid); the
             # birth is not registered yet.
             LATE_REGISTRATION: _l("The registration was made after the time allowed: a "
                                   "Civil Affairs officer reviews it."),
             # TRANSLATORS: Why a Civil Affairs officer refused a birth registration.
             NOT_ELIGIBLE: _l("Civil Affairs could not register the birth with this name. "
                              "Visit a Civil Affairs office with the hospital's birth "
                              "notification.")},
    endpoint="births.page", on_approved=births_registry.create_child,
    detail_labels={
        # TRANSLATORS: A label in a Civil Affairs officer's queue: the number of the
        # hospital's birth notification follows.
        "notification": _l("Birth notification number"),
        # TRANSLATORS: A label in a Civil Affairs officer's queue: the newborn's four-part
        # name in Arabic follows.
        "name_ar": _l("Child's name in Arabic"),
        # TRANSLATORS: A label in a Civil Affairs officer's queue: the newborn's four-part
        # name in English follows.
        "name_en": _l("Child's name in English"),
        "birth_date": _l("Date of birth"),
        # TRANSLATORS: A label in a Civil Affairs officer's queue: the hospital that
        # notified the birth follows.
        "hospital": _l("Hospital"),
        # TRANSLATORS: A label in a Civil Affairs officer's queue: the newborn's mother's ID
        # or iqama number follows.
        "mother_id": _l("Mother's ID number"),
        # TRANSLATORS: A label in a Civil Affairs officer's queue: a number of days follows
        # (from the birth to the day the father registered it).
        "days": _l("Days from the birth to the registration")},
    # The child's registration is texted by its own notice (births_registry.create_child).
    refused_reason=NOT_ELIGIBLE, approval_notice=False))
bills.register(bills.Fulfilment(SERVICE, carry_on=carry_on, refundable=refundable,
                                due=refund_due))
