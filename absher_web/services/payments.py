"""The holder's own bills, as their Payments page and receipts show them.

- ``overview`` and ``page_of`` list a holder's bills by group (unpaid, paid, refunds,
  expired, cancelled), newest first, a page at a time: a holder may have hundreds.
- ``own_bill`` finds a bill by its number for its holder only: anyone else's, or none,
  is ``NotYours`` (403, the same whether it exists or not).
- ``cancel_unpaid`` ends an unpaid bill its holder no longer wants: one conditional
  update on ``unpaid``, so a payment arriving at the same moment wins or loses whole,
  and a bill paid meanwhile is never turned into a refund from here.
- ``receipt`` gathers what a paid or refunded bill's receipt shows.

Service names are words, one per fee-bearing service key (``SERVICE_NAMES``), here so that
every page and message naming a bill's service reads them from one place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from absher_web.models import Account, Person, Sponsorship
from absher_web.models.bills import Bill, BillStatus
from absher_web.services import api_clients, audit, bills, requests
from absher_web.services.eservices import NotYours

# What each fee-bearing service (Bill.service, a key of services.bills.SERVICES) is called.
SERVICE_NAMES: dict[str, LazyString] = {
    # TRANSLATORS: The name of a fee-bearing service on a bill and its receipt (the e-service
    # إمداد تأشيرة الزيارة).
    "visa_extension": _l("Visit visa extension"),
    # TRANSLATORS: The name of a fee-bearing service on a bill and its receipt: paying the
    # fines of traffic violations.
    "traffic_violation": _l("Traffic violation payment"),
    # TRANSLATORS: The name of a fee-bearing service on a bill and its receipt (تسجيل
    # المواليد): the delivery fee of the birth certificate, and a late registration's fine.
    "birth_registration": _l("Birth registration"),
}
# TRANSLATORS: On a bill or receipt, the service's name when the site has no name for it.
UNKNOWN_SERVICE = _l("Government fee")


def service_name(service: str) -> LazyString:
    return SERVICE_NAMES.get(service, UNKNOWN_SERVICE)


class Group(enum.StrEnum):
    """The Payments page's sections, in its order; each a set of bill states."""

    UNPAID = "unpaid"
    PAID = "paid"
    REFUNDS = "refunds"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


STATES: dict[Group, tuple[BillStatus, ...]] = {
    Group.UNPAID: (BillStatus.UNPAID,),
    Group.PAID: (BillStatus.PAID,),
    Group.REFUNDS: (BillStatus.REFUNDING, BillStatus.REFUNDED),
    Group.EXPIRED: (BillStatus.EXPIRED,),
    Group.CANCELLED: (BillStatus.CANCELLED,),
}
GROUP_OF = {status: group for group, states in STATES.items() for status in states}
# Bills with a receipt: the money reached us (and may be on its way back).
WITH_RECEIPT = (BillStatus.PAID, BillStatus.REFUNDING, BillStatus.REFUNDED)
PER_PAGE = 50


@dataclass(frozen=True)
class Beneficiary:
    """Whose fee a bill is: the ID, and the names when the registry knows them."""

    id: str
    name_ar: str | None = None
    name_en: str | None = None


@dataclass(frozen=True)
class Listed:
    """One group's bills on a page: ``bills`` newest first, of ``total`` in all."""

    group: Group
    bills: list[Bill]
    total: int
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    @property
    def more(self) -> bool:
        return self.page < self.pages


def _of_group(account_id: int, group: Group):  # noqa: ANN202 (a select)
    return (select(Bill).where(Bill.account_id == account_id, Bill.status.in_(STATES[group]))
            .order_by(Bill.created_at.desc(), Bill.id.desc()))


def counts(session: Session, account_id: int) -> dict[Group, int]:
    found = {group: 0 for group in Group}
    for status, count in session.execute(
            select(Bill.status, func.count()).where(Bill.account_id == account_id)
            .group_by(Bill.status)):
        found[GROUP_OF[BillStatus(status)]] += count
    return found


def overview(session: Session, account_id: int) -> list[Listed]:
    """Every group's newest PER_PAGE bills, with how many it has."""
    totals = counts(session, account_id)
    return [Listed(group, list(session.scalars(_of_group(account_id, group).limit(PER_PAGE)))
                   if totals[group] else [], totals[group]) for group in Group]


def page_of(session: Session, account_id: int, group: Group, page: int) -> Listed:
    """One page of a group (a page past the last shows the last)."""
    total = counts(session, account_id)[group]
    page = min(max(page, 1), max(1, -(-total // PER_PAGE)))
    shown = list(session.scalars(_of_group(account_id, group)
                                 .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return Listed(group, shown, total, page)


def own_bill(session: Session, account: Account, number: str) -> Bill:
    """The holder's bill with this number, or NotYours (another's, or none)."""
    bill = bills.find(session, number) if bills.is_valid_number(number) else None
    if bill is None or bill.account_id != account.id:
        raise NotYours
    return bill


def beneficiaries(session: Session, account: Account, ids: set[str]) -> dict[str, Beneficiary]:
    """Names for the beneficiaries' IDs: the civil registry's, else the holder's sponsored
    people's (a visitor's border number); an ID found in neither is shown alone."""
    found = {id_: Beneficiary(id_) for id_ in ids}
    if not ids:
        return found
    for person in session.scalars(select(Person).where(Person.national_id.in_(ids))):
        found[person.national_id] = Beneficiary(person.national_id, person.name_ar,
                                                person.name_en)
    rest = {id_ for id_, known in found.items() if known.name_en is None}
    if rest:
        for record in session.scalars(select(Sponsorship).where(
                Sponsorship.sponsor_id == account.national_id,
                Sponsorship.person_id.in_(rest))):
            found[record.person_id] = Beneficiary(record.person_id, record.name_ar,
                                                  record.name_en)
    return found


class CancelOutcome(enum.StrEnum):
    CANCELLED = "cancelled"
    PAID = "paid"  # paid meanwhile (or refunding, refunded): the payment stands
    EXPIRED = "expired"
    ALREADY_CANCELLED = "already_cancelled"


# An audit event in the holder's security activity.
AUDIT_CANCELLED = "bill_cancelled"


def cancel_unpaid(session: Session, account: Account, number: str, now: datetime,
                  client_address: str | None) -> CancelOutcome:
    """Cancel the holder's unpaid bill (NotYours for anyone else's), in the caller's
    transaction. Only from ``unpaid``: a bill paid meanwhile keeps its payment."""
    bill = own_bill(session, account, number)
    if bill.status is BillStatus.UNPAID and bill.expires_at <= now:
        bills.expire(session, bill, now)
    if bills.move(session, bill, BillStatus.UNPAID, BillStatus.CANCELLED, now):
        audit.record(session, AUDIT_CANCELLED, now, account.id, client_address,
                     bill=bill.number)
        requests.withdraw_for_bill(session, bill, now, client_address)
        return CancelOutcome.CANCELLED
    return cancel_refusal(bill)


def cancel_refusal(bill: Bill) -> CancelOutcome:
    """Why a bill that is not (or no longer) unpaid cannot be cancelled."""
    if bill.status in WITH_RECEIPT:
        return CancelOutcome.PAID
    if bill.status is BillStatus.CANCELLED:
        return CancelOutcome.ALREADY_CANCELLED
    return CancelOutcome.EXPIRED  # expired, or unpaid past its expiry


@dataclass(frozen=True)
class Receipt:
    bill: Bill
    beneficiary: Beneficiary
    bank_name: str  # the bank's name from the client registry, else its code


def receipt(session: Session, account: Account, bill: Bill) -> Receipt | None:
    """What the receipt of a paid (or refunding, refunded) bill shows; None for a bill
    never paid."""
    if bill.status not in WITH_RECEIPT:
        return None
    client = api_clients.find_client(session, bill.bank_code or "")
    return Receipt(bill, beneficiaries(session, account, {bill.beneficiary_id})[
        bill.beneficiary_id], client.name if client else (bill.bank_code or ""))
