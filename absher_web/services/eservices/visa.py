"""إمداد تأشيرة الزيارة: a sponsor extends the visit visa of a visitor they sponsor.

The rules, in the order they are checked (each refusal says exactly which one failed):
the visa has not expired; it expires within EServicePolicy.visa_extension_window_days;
the visitor's date of entry is known; the stay from entry, extension included, stays
within visa_max_stay_days (an extension that would pass it is shortened to it); the
health insurance is valid until the new expiry. The sponsor first sees the fee and the
new expiry (``quote``), then confirms (``bill``), which issues the fee's bill and
extends nothing. Once a bank pays it, ``carry_on`` extends the visa: one conditional UPDATE
on the expiry it was billed from, so a repeated notice or a race extends once, and a visa
that changed meanwhile is not extended but refunded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web import money
from absher_web.models import (
    Account,
    Bill,
    Language,
    SponsoredKind,
    Sponsorship,
    VisaExtension,
)
from absher_web.services import audit, bills, notices
from absher_web.services.eservices import RIYADH, NotYours, fees, local_today
from absher_web.services.policies import EServicePolicy, current_policies

AUDIT_KIND = "visit_visa_extended"
BILLED_AUDIT_KIND = "visit_visa_extension_billed"
SERVICE = "visa_extension"  # its bills' service (services/bills.py)


class Refusal(enum.StrEnum):
    EXPIRED = "expired"
    TOO_EARLY = "too_early"
    ENTRY_UNKNOWN = "entry_unknown"
    MAX_STAY = "max_stay"
    NO_INSURANCE = "no_insurance"
    INSURANCE_SHORT = "insurance_short"
    CHANGED = "changed"  # the visa changed between the quote and the confirmation


@dataclass(frozen=True)
class Refused:
    """Why, with the dates and numbers the sentence names."""

    reason: Refusal
    visitor: Sponsorship
    on: date | None = None  # the day the sentence names (expiry, opening, entry, cover)


@dataclass(frozen=True)
class Quote:
    visitor: Sponsorship
    previous_expiry: date
    new_expiry: date
    fee: int  # halalas

    @property
    def days(self) -> int:
        return (self.new_expiry - self.previous_expiry).days


def visitors_of(session: Session, account: Account) -> list[Sponsorship]:
    return list(session.scalars(select(Sponsorship).where(
        Sponsorship.sponsor_id == account.national_id,
        Sponsorship.kind == SponsoredKind.VISITOR).order_by(Sponsorship.permit_expiry,
                                                            Sponsorship.id)))


def extensions_of(session: Session, account: Account) -> list[VisaExtension]:
    return list(session.scalars(select(VisaExtension).where(
        VisaExtension.account_id == account.id).order_by(VisaExtension.created_at.desc(),
                                                         VisaExtension.id.desc())))


def visitor(session: Session, account: Account, sponsorship_id: int) -> Sponsorship:
    """The holder's own visitor, or NotYours (whether or not the id exists)."""
    found = session.get(Sponsorship, sponsorship_id)
    if (found is None or found.sponsor_id != account.national_id
            or found.kind is not SponsoredKind.VISITOR):
        raise NotYours
    return found


def rule(policy: EServicePolicy, record: Sponsorship, today: date) -> Quote | Refused:
    """The extension the rules allow today, or the first rule it fails."""
    expiry = record.permit_expiry
    if expiry < today:
        return Refused(Refusal.EXPIRED, record, expiry)
    opens = expiry - timedelta(days=policy.visa_extension_window_days)
    if today < opens:
        return Refused(Refusal.TOO_EARLY, record, opens)
    if record.entry_date is None:
        return Refused(Refusal.ENTRY_UNKNOWN, record)
    longest = record.entry_date + timedelta(days=policy.visa_max_stay_days)
    new_expiry = min(expiry + timedelta(days=policy.visa_extension_days), longest)
    if new_expiry <= expiry:
        return Refused(Refusal.MAX_STAY, record, record.entry_date)
    if record.health_insurance_expiry is None:
        return Refused(Refusal.NO_INSURANCE, record, new_expiry)
    if record.health_insurance_expiry < new_expiry:
        return Refused(Refusal.INSURANCE_SHORT, record, new_expiry)
    return Quote(record, expiry, new_expiry, money.riyals(policy.visa_extension_fee))


def quote(session: Session, policy: EServicePolicy, account: Account, sponsorship_id: int,
          now: datetime) -> Quote | Refused:
    """What extending this visitor's visa would do (nothing is saved)."""
    return rule(policy, visitor(session, account, sponsorship_id), local_today(now))


def bill(session: Session, policy: EServicePolicy, account: Account, sponsorship_id: int,
         seen_new_expiry: date, now: datetime, client_address: str | None) -> Bill | Refused:
    """The bill for the extension as quoted: refused (CHANGED) unless the rules still give
    ``seen_new_expiry``. Nothing is extended until the bill is paid (``carry_on``); a
    second confirmation while the bill is unpaid gets the same bill."""
    record = visitor(session, account, sponsorship_id)
    allowed = rule(policy, record, local_today(now))
    if isinstance(allowed, Refused):
        return allowed
    if allowed.new_expiry != seen_new_expiry:
        return Refused(Refusal.CHANGED, record)
    # Payable until the end of the visa's last day at the latest: a visa that has expired
    # cannot be extended, so a later payment could only be refunded.
    last_moment = datetime.combine(allowed.previous_expiry + timedelta(days=1), time(),
                                   RIYADH)
    issued = fees.bill_for(
        session, service=SERVICE, request_key=f"{record.id}:{allowed.new_expiry.isoformat()}",
        account=account, beneficiary_id=record.person_id, amount=allowed.fee, now=now,
        lifetime=min(policy.bill_lifetime, last_moment - now),
        details={"sponsorship_id": record.id,
                 "previous_expiry": allowed.previous_expiry.isoformat(),
                 "new_expiry": allowed.new_expiry.isoformat()})
    audit.record(session, BILLED_AUDIT_KIND, now, account.id, client_address,
                 visitor=record.person_id, new_expiry=allowed.new_expiry.isoformat(),
                 bill=issued.number)
    session.commit()
    return issued


def visitor_of_bill(session: Session, bill: Bill) -> Sponsorship | None:
    return session.get(Sponsorship, bill.details.get("sponsorship_id"))


@dataclass(frozen=True)
class Billed:
    """An extension's bill with the visitor it is for (None once their record is gone)."""

    bill: Bill
    visitor: Sponsorship | None

    @property
    def new_expiry(self) -> date:
        return date.fromisoformat(self.bill.details["new_expiry"])


def bills_of(session: Session, account: Account,
             now: datetime) -> tuple[list[Billed], list[Billed]]:
    """The holder's extension bills: those waiting to be paid, and the latest others."""
    return tuple([Billed(found, visitor_of_bill(session, found)) for found in listed]
                 for listed in fees.bills_of_service(session, account, SERVICE, now))


def carry_on(session: Session, paid: Bill, now: datetime) -> None:
    """The extension a paid bill was issued for, if the visa can still be extended so
    (else Undeliverable: the bill is refunded): one conditional UPDATE on the expiry it was
    billed from, the extension recorded and audited, and the sponsor texted."""
    record = visitor_of_bill(session, paid)
    account = paid.account
    if record is None or record.kind is not SponsoredKind.VISITOR:
        raise bills.Undeliverable("visitor_gone")
    if record.sponsor_id != account.national_id:
        raise bills.Undeliverable("sponsor_changed")
    previous = date.fromisoformat(paid.details["previous_expiry"])
    new_expiry = date.fromisoformat(paid.details["new_expiry"])
    if record.permit_expiry != previous:
        raise bills.Undeliverable("visa_changed")
    allowed = rule(current_policies().eservices, record, local_today(now))
    if isinstance(allowed, Refused):
        raise bills.Undeliverable(f"visa_{allowed.reason.value}")
    if allowed.new_expiry != new_expiry:
        raise bills.Undeliverable("visa_changed")
    changed = session.execute(
        update(Sponsorship).where(Sponsorship.id == record.id,
                                  Sponsorship.permit_expiry == previous)
        .values(permit_expiry=new_expiry)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise bills.Undeliverable("visa_changed")
    session.add(VisaExtension(sponsorship_id=record.id, account_id=account.id,
                              previous_expiry=previous, new_expiry=new_expiry,
                              fee=paid.amount, created_at=now))
    audit.record(session, AUDIT_KIND, now, account.id, None, visitor=record.person_id,
                 new_expiry=new_expiry.isoformat(), bill=paid.number)
    name = record.name_ar if account.preferred_language is Language.ARABIC else record.name_en
    # Sent by run-due: no outside call inside the transaction that carries the bill on.
    notices.queue(session, notices.VISA_EXTENDED, account, now, at_once=False, name=name,
                  until=new_expiry.isoformat(),
                  fee=fees.amount_in(account.preferred_language, paid.amount))


def refundable(_session: Session, paid: Bill) -> bool:
    """A paid extension bill is refunded only while the visa is not yet extended."""
    return paid.fulfilled_at is None


bills.register(bills.Fulfilment(SERVICE, carry_on=carry_on, refundable=refundable))
