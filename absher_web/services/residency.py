"""الإقامة والتأشيرات: a sponsor or head of household issues, extends and cancels exit/re-entry
visas for the residents they may act for (services/acting_for.py: SPONSOR, HEAD, PARENT,
CUSTODIAN); the rules and records renewals and final exits share (services/iqamas.py).

Each transaction with a fee goes quote → confirm → bill → carried on once paid:
``visa_quote``/``extension_quote`` say what it costs and to which day (nothing saved);
``bill_visa``/``bill_extension`` issue its bill (nothing else changes); once a bank pays
it, the Fulfilment registered below does it by itself in one conditional step, or raises
Undeliverable (the bill is refunded) when the rules no longer hold. An unused visa is
cancelled at once and every fee paid for it refunded through the refunds outbox. The rules
and their numbers are settings (policies.ResidencyPolicy); each refusal names its rule
(``Refusal``).

Where each record lives: agencies/residency.py (visas; the iqama's expiry is the civil
registry's, its sponsorship copy kept in step).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, family, passports, residency, sponsorship, traffic
from absher_web.models import (
    Account,
    Bill,
    BillStatus,
    Language,
    Passport,
    Person,
    PersonKind,
    SponsoredKind,
    Sponsorship,
    Visa,
    VisaKind,
    VisaStatus,
)
from absher_web.services import acting_for, bills, document_facts, notices
from absher_web.services.eservices import NotYours, fees, local_today
from absher_web.services.policies import ResidencyPolicy, current_policies

# The acting-for rule of each transaction (acting_for.SERVICES).
ACTING_VISA = "exit_reentry_visa"
ACTING_FINAL_EXIT = "final_exit_visa"  # own_visa: who may cancel a final exit visa
# The bills' services (services/bills.py).
VISA_BILLS = "exit_reentry_visa"
EXTENSION_BILLS = "exit_reentry_extension"
# Audit kinds.
VISA_BILLED = "exit_reentry_visa_billed"
VISA_ISSUED = "exit_reentry_visa_issued"
VISA_EXTENDED = "exit_reentry_visa_extended"
VISA_CANCELLED = "exit_reentry_visa_cancelled"

EXIT_REENTRY = (VisaKind.SINGLE, VisaKind.MULTIPLE)


class Refusal(enum.StrEnum):
    CLOSED = "closed"  # a final exit visa closed the residency
    IQAMA_EXPIRED = "iqama_expired"
    IQAMA_SHORT = "iqama_short"  # the iqama ends before the visa (and its margin)
    NO_PASSPORT = "no_passport"
    PASSPORT_SHORT = "passport_short"  # the passport ends before the visa (and its margin)
    OPEN_VISA = "open_visa"
    DATE_PAST = "date_past"  # a return-before day not after today
    TOO_LONG = "too_long"  # more months than the settings allow
    NOT_OPEN = "not_open"  # the visa is used, cancelled or expired
    TOO_EARLY = "too_early"  # an iqama renewed only in its last days
    NO_INSURANCE = "no_insurance"
    INSURANCE_EXPIRED = "insurance_expired"
    UNPAID_FINES = "unpaid_fines"
    PASSPORT_EXPIRED = "passport_expired"  # not valid long enough for a renewal or to leave
    YEARS = "years"  # more years than the settings allow
    CHANGED = "changed"  # the records changed between the quote and the confirmation


@dataclass(frozen=True)
class Refused:
    """Why not, with the day or number the sentence names."""

    reason: Refusal
    person: Person | None
    on: date | None = None
    amount: int | None = None  # riyals (unpaid fines) or months (too long)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_until(today: date, until: date) -> int:
    """How many months a visa valid until ``until`` is charged for (a month begun counts)."""
    months = max(1, (until.year - today.year) * 12 + until.month - today.month)
    while add_months(today, months) < until:
        months += 1
    while months > 1 and add_months(today, months - 1) >= until:
        months -= 1
    return months


def visa_fee(policy: ResidencyPolicy, kind: VisaKind, months: int) -> int:
    """The fee in halalas: the base for up to its months, then the month fee each."""
    if kind is VisaKind.SINGLE:
        base, covered, each = policy.single_fee, policy.single_months, policy.single_month_fee
    else:
        base, covered = policy.multiple_fee, policy.multiple_months
        each = policy.multiple_month_fee
    return base + max(0, months - covered) * each


def month_fee(policy: ResidencyPolicy, kind: VisaKind) -> int:
    return policy.single_month_fee if kind is VisaKind.SINGLE else policy.multiple_month_fee


# --- who the holder may act for ----------------------------------------------------------


@dataclass(frozen=True)
class Resident:
    """A resident the holder may act for, with the records the page shows."""

    person: Person
    relation: acting_for.Relation
    passport: Passport | None
    sponsored: Sponsorship | None
    visas: list[Visa]
    unpaid_fines: int  # riyals

    def open_visa(self, today: date) -> Visa | None:
        return next((v for v in self.visas
                     if v.status is VisaStatus.ISSUED and v.valid_until >= today), None)

    @property
    def closed(self) -> bool:
        return any(v.kind is VisaKind.FINAL_EXIT
                   and v.status in (VisaStatus.ISSUED, VisaStatus.USED) for v in self.visas)


def _candidates(session: Session, holder_id: str) -> list[str]:
    """Iqama numbers the holder is linked to: sponsored workers, wives, children."""
    found = [s.person_id for s in sponsorship.sponsored_by(session, holder_id)
             if s.kind is not SponsoredKind.VISITOR]
    relatives = family.relatives_of(session, holder_id)
    found += [*relatives.wives, *(child_id for child_id, _sex in relatives.children),
              *relatives.in_custody]
    return list(dict.fromkeys(p for p in found if p.startswith("2") and p != holder_id))


def residents_of(session: Session, account: Account, today: date) -> list[Resident]:
    """Every resident the holder may issue visas for, with their records."""
    people = civil_registry.stored_people(session, _candidates(session, account.national_id))
    listed = []
    residents = [p for p, person in people.items() if person.kind is PersonKind.RESIDENT]
    for person_id, (relations, refusal) in acting_for.links_to(session, account, residents,
                                                               today).items():
        person = people[person_id]
        decision = acting_for.decide(relations, refusal, ACTING_VISA)
        if decision.relation is None or decision.relation is acting_for.Relation.SELF:
            continue
        listed.append((person, decision.relation))
    ids = [person.national_id for person, _ in listed]
    held = passports.passports_of(session, ids)
    visas = residency.visas_of(session, ids)
    return [Resident(person, relation, held.get(person.national_id),
                     sponsorship.own_record(session, person.national_id),
                     [v for v in visas if v.person_id == person.national_id],
                     traffic.unpaid_fines_of(session, person.national_id))
            for person, relation in sorted(listed, key=lambda p: p[0].name_en)]


def resident(session: Session, account: Account, person_id: object, acting: str,
             now: datetime) -> Person:
    """The resident the holder may act for in this transaction, or NotYours (403)."""
    if not isinstance(person_id, str):
        raise NotYours
    person = session.get(Person, person_id)
    if person is None or person.kind is not PersonKind.RESIDENT \
            or person_id == account.national_id:
        raise NotYours
    acting_for.check_acting_for(session, account, person_id, acting, now)
    return person


def own_visa(session: Session, account: Account, visa_id: int, now: datetime) -> Visa:
    """An exit/re-entry visa of a resident the holder may act for, or NotYours."""
    visa = session.get(Visa, visa_id)
    if visa is None:
        raise NotYours
    acting = ACTING_FINAL_EXIT if visa.kind is VisaKind.FINAL_EXIT else ACTING_VISA
    resident(session, account, visa.person_id, acting, now)
    return visa


# --- the conditions every visa checks -------------------------------------------------------


def travel_conditions(session: Session, policy: ResidencyPolicy, person: Person,
                      valid_until: date, today: date,
                      ignore_open: Visa | None = None) -> Refused | None:
    """The first rule a visa valid until ``valid_until`` fails, or None."""
    if residency.residency_closed(session, person.national_id) is not None:
        return Refused(Refusal.CLOSED, person)
    if person.id_expiry < today:
        return Refused(Refusal.IQAMA_EXPIRED, person, person.id_expiry)
    held = residency.open_visa_of(session, person.national_id, today)
    if held is not None and held != ignore_open:
        return Refused(Refusal.OPEN_VISA, person, held.valid_until)
    if person.id_expiry < valid_until + timedelta(days=policy.iqama_margin_days):
        return Refused(Refusal.IQAMA_SHORT, person, person.id_expiry)
    passport = passports.passport_of(session, person.national_id)
    if passport is None:
        return Refused(Refusal.NO_PASSPORT, person)
    if passport.expires_on < valid_until + timedelta(days=policy.passport_margin_days):
        return Refused(Refusal.PASSPORT_SHORT, person, passport.expires_on)
    return None


# --- exit/re-entry visas -----------------------------------------------------------------------


@dataclass(frozen=True)
class VisaQuote:
    person: Person
    kind: VisaKind
    months: int
    valid_until: date
    fee: int  # halalas


def visa_rule(session: Session, policy: ResidencyPolicy, person: Person, kind: VisaKind,
              months: int | None, until: date | None, today: date) -> VisaQuote | Refused:
    """The visa asked for (by months, or by a return-before day), or the rule it fails."""
    if until is not None:
        if until <= today:
            return Refused(Refusal.DATE_PAST, person, until)
        months = months_until(today, until)
        valid_until = until
    else:
        months = months or 1
        valid_until = add_months(today, months)
    if months > policy.max_months:
        return Refused(Refusal.TOO_LONG, person, amount=policy.max_months)
    refused = travel_conditions(session, policy, person, valid_until, today)
    if refused is not None:
        return refused
    return VisaQuote(person, kind, months, valid_until, visa_fee(policy, kind, months))


def visa_quote(session: Session, policy: ResidencyPolicy, account: Account, person_id: str,
               kind: VisaKind, months: int | None, until: date | None,
               now: datetime) -> VisaQuote | Refused:
    person = resident(session, account, person_id, ACTING_VISA, now)
    return visa_rule(session, policy, person, kind, months, until, local_today(now))


def lifetime() -> timedelta:
    return current_policies().eservices.bill_lifetime


def bill_visa(session: Session, policy: ResidencyPolicy, account: Account, person_id: str,
              kind: VisaKind, seen_until: date, seen_fee: int, now: datetime,
              client_address: str | None) -> Bill | Refused:
    """The bill for the visa as quoted (CHANGED unless the rules still give that day and
    fee). Nothing is issued until it is paid; a repeated confirmation gets the same bill."""
    person = resident(session, account, person_id, ACTING_VISA, now)
    today = local_today(now)
    allowed = visa_rule(session, policy, person, kind, None, seen_until, today)
    if isinstance(allowed, Refused):
        return allowed
    if allowed.fee != seen_fee:
        return Refused(Refusal.CHANGED, person)
    issued = fees.bill_for(
        session, service=VISA_BILLS,
        request_key=f"{person.national_id}:{kind.value}:{seen_until.isoformat()}",
        account=account, beneficiary_id=person.national_id, amount=allowed.fee, now=now,
        lifetime=lifetime(),
        details={"person_id": person.national_id, "kind": kind.value,
                 "months": allowed.months, "valid_until": seen_until.isoformat()})
    acting_for.record_acting(session, VISA_BILLED, account, person.national_id, now,
                             client_address, bill=issued.number)
    session.commit()
    return issued


def name_in(person: Person, account: Account) -> str:
    return person.name_ar if account.preferred_language is Language.ARABIC else person.name_en


def still_allowed(session: Session, paid: Bill, acting: str, now: datetime) -> Person:
    person = session.get(Person, paid.details.get("person_id") or paid.beneficiary_id)
    if person is None:
        raise bills.Undeliverable("person_gone")
    if not acting_for.may_act_for(session, paid.account, person.national_id, acting, now):
        raise bills.Undeliverable("no_longer_acting")
    return person


def carry_on_visa(session: Session, paid: Bill, now: datetime) -> None:
    """Issue the paid visa if the rules still allow it, else Undeliverable (refunded)."""
    person = still_allowed(session, paid, ACTING_VISA, now)
    policy, today = current_policies().residency, local_today(now)
    valid_until = date.fromisoformat(paid.details["valid_until"])
    kind = VisaKind(paid.details["kind"])
    residency.expire_past(session, person.national_id, today, now)
    refused = travel_conditions(session, policy, person, valid_until, today)
    if refused is not None:
        raise bills.Undeliverable(f"visa_{refused.reason.value}")
    if valid_until <= today:
        raise bills.Undeliverable("visa_date_past")
    try:
        visa = residency.issue(session, person_id=person.national_id, kind=kind,
                               account_id=paid.account_id, today=today,
                               valid_until=valid_until, months=paid.details["months"],
                               fee=paid.amount, now=now)
    except residency.OpenVisa:
        raise bills.Undeliverable("visa_open_visa") from None
    # The issuing bill names the visa it paid for: a cancellation refunds it.
    paid.details = {**paid.details, "visa_id": visa.id}
    document_facts.visa_issued(session, visa, person, paid.account_id, valid_until, now)
    acting_for.record_acting(session, VISA_ISSUED, paid.account, person.national_id, now,
                             None, visa=visa.number, bill=paid.number)
    notices.queue(session, notices.EXIT_REENTRY_ISSUED, paid.account, now, at_once=False,
                  name=name_in(person, paid.account), number=visa.number,
                  until=valid_until.isoformat(),
                  fee=fees.amount_in(paid.account.preferred_language, paid.amount))


def refundable(_session: Session, paid: Bill) -> bool:
    """A paid bill is refunded by cancelling it only while nothing was done with it yet
    (a visa issued is cancelled through ``cancel``, which refunds its bills)."""
    return paid.fulfilled_at is None


# --- extending -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionQuote:
    visa: Visa
    person: Person
    months: int  # added
    valid_until: date  # the new last day
    fee: int


def extension_rule(session: Session, policy: ResidencyPolicy, visa: Visa, person: Person,
                   months: int, today: date) -> ExtensionQuote | Refused:
    if visa.kind not in EXIT_REENTRY or visa.status is not VisaStatus.ISSUED \
            or visa.valid_until < today:
        return Refused(Refusal.NOT_OPEN, person, visa.valid_until)
    if visa.months + months > policy.max_months:
        return Refused(Refusal.TOO_LONG, person, amount=policy.max_months)
    valid_until = add_months(visa.valid_until, months)
    refused = travel_conditions(session, policy, person, valid_until, today, ignore_open=visa)
    if refused is not None:
        return refused
    return ExtensionQuote(visa, person, months, valid_until,
                          months * month_fee(policy, visa.kind))


def extension_quote(session: Session, policy: ResidencyPolicy, account: Account, visa_id: int,
                    months: int, now: datetime) -> ExtensionQuote | Refused:
    visa = own_visa(session, account, visa_id, now)
    person = session.get(Person, visa.person_id)
    return extension_rule(session, policy, visa, person, months, local_today(now))


def bill_extension(session: Session, policy: ResidencyPolicy, account: Account, visa_id: int,
                   months: int, seen_until: date, now: datetime,
                   client_address: str | None) -> Bill | Refused:
    allowed = extension_quote(session, policy, account, visa_id, months, now)
    if isinstance(allowed, Refused):
        return allowed
    if allowed.valid_until != seen_until:
        return Refused(Refusal.CHANGED, allowed.person)
    visa = allowed.visa
    issued = fees.bill_for(
        session, service=EXTENSION_BILLS,
        request_key=f"{visa.id}:{allowed.valid_until.isoformat()}", account=account,
        beneficiary_id=visa.person_id, amount=allowed.fee, now=now, lifetime=lifetime(),
        details={"visa_id": visa.id, "person_id": visa.person_id, "months": months,
                 "previous_until": visa.valid_until.isoformat(),
                 "valid_until": allowed.valid_until.isoformat()})
    acting_for.record_acting(session, VISA_BILLED, account, visa.person_id, now,
                             client_address, visa=visa.number, bill=issued.number)
    session.commit()
    return issued


def carry_on_extension(session: Session, paid: Bill, now: datetime) -> None:
    person = still_allowed(session, paid, ACTING_VISA, now)
    visa = session.get(Visa, paid.details["visa_id"])
    if visa is None:
        raise bills.Undeliverable("visa_gone")
    previous = date.fromisoformat(paid.details["previous_until"])
    valid_until = date.fromisoformat(paid.details["valid_until"])
    if visa.valid_until != previous:
        raise bills.Undeliverable("visa_changed")
    allowed = extension_rule(session, current_policies().residency, visa, person,
                             paid.details["months"], local_today(now))
    if isinstance(allowed, Refused):
        raise bills.Undeliverable(f"visa_{allowed.reason.value}")
    if not residency.extend(session, visa.id, previous, valid_until, paid.details["months"],
                            paid.amount, now):
        raise bills.Undeliverable("visa_changed")
    document_facts.visa_issued(session, visa, person, paid.account_id, valid_until, now)
    acting_for.record_acting(session, VISA_EXTENDED, paid.account, person.national_id, now,
                             None, visa=visa.number, bill=paid.number)
    notices.queue(session, notices.EXIT_REENTRY_EXTENDED, paid.account, now, at_once=False,
                  name=name_in(person, paid.account), number=visa.number,
                  until=valid_until.isoformat(),
                  fee=fees.amount_in(paid.account.preferred_language, paid.amount))


# --- cancelling ---------------------------------------------------------------------------------


def paid_bills_of(session: Session, visa: Visa) -> list[Bill]:
    """The paid bills of a visa: the one that issued it and those of its extensions."""
    found = session.scalars(select(Bill).where(
        Bill.service.in_((VISA_BILLS, EXTENSION_BILLS)), Bill.status == BillStatus.PAID,
        Bill.beneficiary_id == visa.person_id, Bill.fulfilled_at.is_not(None)))
    return [bill for bill in found if bill.details.get("visa_id") == visa.id]


def cancel(session: Session, account: Account, visa_id: int, now: datetime,
           client_address: str | None) -> Visa | Refused:
    """Cancel an issued, unused visa and refund every fee paid for it: once, whatever
    runs at the same time (an extension's payment finds it cancelled and is refunded)."""
    visa = own_visa(session, account, visa_id, now)
    person = session.get(Person, visa.person_id)
    if not residency.cancel(session, visa.id, now):
        session.rollback()
        return Refused(Refusal.NOT_OPEN, person, visa.valid_until)
    for paid in paid_bills_of(session, visa):
        bills.refund_part(session, paid, paid.amount, "visa_cancelled", now)
    acting_for.record_acting(session, VISA_CANCELLED, account, visa.person_id, now,
                             client_address, visa=visa.number)
    session.commit()
    return visa


bills.register(bills.Fulfilment(VISA_BILLS, carry_on=carry_on_visa, refundable=refundable))
bills.register(bills.Fulfilment(EXTENSION_BILLS, carry_on=carry_on_extension,
                                refundable=refundable))
