"""The sponsor's workers and visitors (الاستعلام عن العمالة الجديدة والزائرين) and
health insurance validity (التأمين الصحي وصلاحيته للمُقيمين): each person's visa or
iqama and health insurance, valid, expiring soon or expired; a resident also sees
their own health insurance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from absher_web.agencies import sponsorship
from absher_web.models import AbsenceReport, Account, SponsoredKind, Sponsorship
from absher_web.services.eservices import Validity, local_today, record_use, validity

WORKERS_AUDIT_KIND = "sponsored_enquiry"
HEALTH_AUDIT_KIND = "health_insurance_enquiry"


@dataclass(frozen=True)
class SponsoredView:
    record: Sponsorship
    permit: Validity
    health_insurance: Validity
    absence: AbsenceReport | None = None  # an open absence report (services/eservices/absence)


def view_of(record: Sponsorship, today: date,
            absence: AbsenceReport | None = None) -> SponsoredView:
    return SponsoredView(record, validity(record.permit_expiry, today),
                         validity(record.health_insurance_expiry, today), absence)


@dataclass(frozen=True)
class Sponsored:
    people: list[SponsoredView]

    def of_kind(self, kind: str) -> list[SponsoredView]:
        return [p for p in self.people if p.record.kind is SponsoredKind(kind)]


def workers_and_visitors(session: Session, account: Account, now: datetime,
                         client_address: str | None) -> Sponsored:
    from absher_web.services.eservices.absence import open_reports

    today = local_today(now)
    people = sponsorship.sponsored_by(session, account.national_id)
    reports = open_reports(session, [r.id for r in people])
    found = Sponsored([view_of(r, today, reports.get(r.id)) for r in people])
    record_use(session, WORKERS_AUDIT_KIND, account, now, client_address,
               people=len(found.people))
    return found


@dataclass(frozen=True)
class HealthInsurance:
    own: SponsoredView | None  # the holder's own, when they are a resident on record
    sponsored: list[SponsoredView]


def health_insurance(session: Session, account: Account, now: datetime,
                     client_address: str | None) -> HealthInsurance:
    today = local_today(now)
    own = sponsorship.own_record(session, account.national_id)
    found = HealthInsurance(
        view_of(own, today) if own else None,
        [view_of(r, today) for r in
         sponsorship.sponsored_by(session, account.national_id)
         if r.kind is not SponsoredKind.VISITOR])
    record_use(session, HEALTH_AUDIT_KIND, account, now, client_address,
               own=own is not None, sponsored=len(found.sponsored))
    return found
