"""إمداد تأشيرة الزيارة: a sponsor extends the visit visa of a visitor they sponsor.

The rules, in the order they are checked (each refusal says exactly which one failed):
the visa has not expired; it expires within EServicePolicy.visa_extension_window_days;
the visitor's date of entry is known; the stay from entry, extension included, stays
within visa_max_stay_days (an extension that would pass it is shortened to it); the
health insurance is valid until the new expiry. The sponsor first sees the fee and the
new expiry (``quote``), then confirms (``extend``): one conditional UPDATE on the expiry
they saw, so a double submit or a race extends once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from absher_web.models import Account, Language, SponsoredKind, Sponsorship, VisaExtension
from absher_web.services import audit, notices
from absher_web.services.eservices import NotYours, local_today
from absher_web.services.policies import EServicePolicy

AUDIT_KIND = "visit_visa_extended"


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
    fee: int

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
    return Quote(record, expiry, new_expiry, policy.visa_extension_fee)


def quote(session: Session, policy: EServicePolicy, account: Account, sponsorship_id: int,
          now: datetime) -> Quote | Refused:
    """What extending this visitor's visa would do (nothing is saved)."""
    return rule(policy, visitor(session, account, sponsorship_id), local_today(now))


def extend(session: Session, policy: EServicePolicy, account: Account, sponsorship_id: int,
           seen_new_expiry: date, now: datetime,
           client_address: str | None) -> VisaExtension | Refused:
    """Extend as quoted: refused (CHANGED) unless the rules still give ``seen_new_expiry``."""
    record = visitor(session, account, sponsorship_id)
    allowed = rule(policy, record, local_today(now))
    if isinstance(allowed, Refused):
        return allowed
    if allowed.new_expiry != seen_new_expiry:
        return Refused(Refusal.CHANGED, record)
    changed = session.execute(
        update(Sponsorship).where(Sponsorship.id == record.id,
                                  Sponsorship.permit_expiry == allowed.previous_expiry)
        .values(permit_expiry=allowed.new_expiry)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        session.rollback()
        return Refused(Refusal.CHANGED, record)
    extension = VisaExtension(sponsorship_id=record.id, account_id=account.id,
                              previous_expiry=allowed.previous_expiry,
                              new_expiry=allowed.new_expiry, fee=allowed.fee, created_at=now)
    session.add(extension)
    audit.record(session, AUDIT_KIND, now, account.id, client_address,
                 visitor=record.person_id, new_expiry=allowed.new_expiry.isoformat())
    name = record.name_ar if account.preferred_language is Language.ARABIC else record.name_en
    notices.send_each(session, [(notices.VISA_EXTENDED, account, {
        "name": name, "until": allowed.new_expiry.isoformat(), "fee": allowed.fee})], now)
    session.refresh(record)
    return extension
