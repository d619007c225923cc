"""The iqama: renewed by a number of years, or closed by a final exit visa, for a resident
the holder may act for (services/acting_for.py: renewal as for an ID, a final exit only by
the sponsor). The shared rules and records are services/residency.py's.

An iqama renewal goes quote → confirm → bill → renewed once paid: the civil registry's
expiry (the iqama's one source, agencies/residency.py) moved by one conditional UPDATE on
the expiry it was billed from, and the sponsorship registry's copy with it, in the same
transaction; a renewal paid after the iqama changed is refunded.

A final exit visa is free (the public rule), so it is issued at once, without a bill. The
residency is closed from its issue, not from its use: nothing more is issued or renewed
for the person while it is issued or used, and cancelling it unused reopens the residency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry, passports, residency, sponsorship, traffic
from absher_web.models import Account, Bill, Person, Visa, VisaKind
from absher_web.services import acting_for, bills, notices
from absher_web.services.eservices import fees, local_today
from absher_web.services.policies import ResidencyPolicy, current_policies
from absher_web.services.residency import (
    Refusal,
    Refused,
    add_months,
    lifetime,
    name_in,
    refundable,
    resident,
    still_allowed,
)

ACTING_RENEWAL = "id_renewal"
ACTING_FINAL_EXIT = "final_exit_visa"
RENEWAL_BILLS = "iqama_renewal"
RENEWAL_BILLED = "iqama_renewal_billed"
IQAMA_RENEWED = "iqama_renewed"
FINAL_EXIT_ISSUED = "final_exit_visa_issued"


@dataclass(frozen=True)
class RenewalQuote:
    person: Person
    years: int
    previous_expiry: date
    new_expiry: date
    fee: int


def renewal_rule(session: Session, policy: ResidencyPolicy, person: Person, years: int,
                 today: date) -> RenewalQuote | Refused:
    """The renewal asked for, or the first rule it fails: the residency open, the years
    allowed, in the renewal window, a valid passport, valid health insurance, no unpaid
    traffic fines."""
    if residency.residency_closed(session, person.national_id) is not None:
        return Refused(Refusal.CLOSED, person)
    if not 1 <= years <= policy.iqama_max_years:
        return Refused(Refusal.YEARS, person, amount=policy.iqama_max_years)
    opens = person.id_expiry - timedelta(days=policy.iqama_renewal_window_days)
    if today < opens:
        return Refused(Refusal.TOO_EARLY, person, opens)
    passport = passports.passport_of(session, person.national_id)
    if passport is None:
        return Refused(Refusal.NO_PASSPORT, person)
    if passport.expires_on <= today:
        return Refused(Refusal.PASSPORT_EXPIRED, person, passport.expires_on)
    insured = sponsorship.own_record(session, person.national_id)
    if insured is None or insured.health_insurance_expiry is None:
        return Refused(Refusal.NO_INSURANCE, person)
    if insured.health_insurance_expiry < today:
        return Refused(Refusal.INSURANCE_EXPIRED, person, insured.health_insurance_expiry)
    fines = traffic.unpaid_fines_of(session, person.national_id)
    if fines:
        return Refused(Refusal.UNPAID_FINES, person, amount=fines)
    new_expiry = add_months(max(today, person.id_expiry), 12 * years)
    return RenewalQuote(person, years, person.id_expiry, new_expiry,
                        years * policy.iqama_year_fee)


def renewal_quote(session: Session, policy: ResidencyPolicy, account: Account, person_id: str,
                  years: int, now: datetime) -> RenewalQuote | Refused:
    person = resident(session, account, person_id, ACTING_RENEWAL, now)
    return renewal_rule(session, policy, person, years, local_today(now))


def bill_renewal(session: Session, policy: ResidencyPolicy, account: Account, person_id: str,
                 years: int, seen_expiry: date, now: datetime,
                 client_address: str | None) -> Bill | Refused:
    allowed = renewal_quote(session, policy, account, person_id, years, now)
    if isinstance(allowed, Refused):
        return allowed
    if allowed.new_expiry != seen_expiry:
        return Refused(Refusal.CHANGED, allowed.person)
    person = allowed.person
    issued = fees.bill_for(
        session, service=RENEWAL_BILLS,
        request_key=f"{person.national_id}:{allowed.previous_expiry.isoformat()}:{years}",
        account=account, beneficiary_id=person.national_id, amount=allowed.fee, now=now,
        lifetime=lifetime(),
        details={"person_id": person.national_id, "years": years,
                 "previous_expiry": allowed.previous_expiry.isoformat(),
                 "valid_until": allowed.new_expiry.isoformat()})
    acting_for.record_acting(session, RENEWAL_BILLED, account, person.national_id, now,
                             client_address, bill=issued.number)
    session.commit()
    return issued


def carry_on_renewal(session: Session, paid: Bill, now: datetime) -> None:
    """Renew the iqama as billed, once: the civil registry's expiry moved by one conditional
    UPDATE on the expiry it was billed from, and the sponsorship's copy with it."""
    person = still_allowed(session, paid, ACTING_RENEWAL, now)
    previous = date.fromisoformat(paid.details["previous_expiry"])
    new_expiry = date.fromisoformat(paid.details["valid_until"])
    if person.id_expiry != previous:
        raise bills.Undeliverable("iqama_changed")
    allowed = renewal_rule(session, current_policies().residency, person,
                           paid.details["years"], local_today(now))
    if isinstance(allowed, Refused) and allowed.reason is not Refusal.TOO_EARLY:
        raise bills.Undeliverable(f"iqama_{allowed.reason.value}")
    if not civil_registry.renew_iqama(session, person.national_id, previous, new_expiry):
        raise bills.Undeliverable("iqama_changed")
    sponsorship.follow_iqama(session, person.national_id, new_expiry)
    acting_for.record_acting(session, IQAMA_RENEWED, paid.account, person.national_id, now,
                             None, until=new_expiry.isoformat(), bill=paid.number)
    notices.queue(session, notices.IQAMA_RENEWED, paid.account, now, at_once=False,
                  name=name_in(person, paid.account), until=new_expiry.isoformat(),
                  fee=fees.amount_in(paid.account.preferred_language, paid.amount))


# --- final exit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinalExitQuote:
    person: Person
    valid_until: date  # the last day to leave


def final_exit_rule(session: Session, policy: ResidencyPolicy, person: Person,
                    today: date) -> FinalExitQuote | Refused:
    """A final exit visa, or the first rule it fails: the residency open, no open visa
    (cancel an unused exit and re-entry visa first), no unpaid traffic fines, a passport
    valid until the last day to leave."""
    if residency.residency_closed(session, person.national_id) is not None:
        return Refused(Refusal.CLOSED, person)
    held = residency.open_visa_of(session, person.national_id, today)
    if held is not None:
        return Refused(Refusal.OPEN_VISA, person, held.valid_until)
    fines = traffic.unpaid_fines_of(session, person.national_id)
    if fines:
        return Refused(Refusal.UNPAID_FINES, person, amount=fines)
    valid_until = today + timedelta(days=policy.final_exit_days)
    passport = passports.passport_of(session, person.national_id)
    if passport is None:
        return Refused(Refusal.NO_PASSPORT, person)
    if passport.expires_on < valid_until:
        return Refused(Refusal.PASSPORT_EXPIRED, person, passport.expires_on)
    return FinalExitQuote(person, valid_until)


def final_exit_quote(session: Session, policy: ResidencyPolicy, account: Account,
                     person_id: str, now: datetime) -> FinalExitQuote | Refused:
    person = resident(session, account, person_id, ACTING_FINAL_EXIT, now)
    return final_exit_rule(session, policy, person, local_today(now))


def issue_final_exit(session: Session, policy: ResidencyPolicy, account: Account,
                     person_id: str, seen_until: date, now: datetime,
                     client_address: str | None) -> Visa | Refused:
    """Issue the final exit visa at once (it is free, the public rule): the residency is
    closed from this moment (``residency.residency_closed``) until the visa is cancelled
    unused. One open visa a person holds under races (agencies/residency.py)."""
    allowed = final_exit_quote(session, policy, account, person_id, now)
    if isinstance(allowed, Refused):
        return allowed
    if allowed.valid_until != seen_until:
        return Refused(Refusal.CHANGED, allowed.person)
    today = local_today(now)
    try:
        visa = residency.issue(session, person_id=allowed.person.national_id,
                               kind=VisaKind.FINAL_EXIT, account_id=account.id, today=today,
                               valid_until=allowed.valid_until, months=0, fee=0, now=now)
    except residency.OpenVisa:
        session.rollback()
        return Refused(Refusal.OPEN_VISA, allowed.person, allowed.valid_until)
    acting_for.record_acting(session, FINAL_EXIT_ISSUED, account, visa.person_id, now,
                             client_address, visa=visa.number)
    session.commit()
    return visa


bills.register(bills.Fulfilment(RENEWAL_BILLS, carry_on=carry_on_renewal,
                                refundable=refundable))
