"""Foreign investor services (خدمات المستثمر الأجنبي): what Absher offers someone the
Ministry of Investment records as an investor, and whether that is this holder.

The answer comes from the Ministry's licences (agencies/investors.py): no licence in the
holder's name (NONE), a licence still valid (VALID: the one that lasts longest), or only
licences past their expiry (EXPIRED: the latest to end). The services it leads to are the
catalogue's working ones that serve an investor and their household (SERVICE_ENDPOINTS),
named as the catalogue names them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from absher_web import content
from absher_web.agencies import investors
from absher_web.models import Account, InvestorLicence, InvestorLicenceKind

# The catalogue's services an investor uses, in the order the page lists them: their own
# iqama and travel, their relatives' visits, their family, their workers, their vehicles.
SERVICE_ENDPOINTS = (
    "eservices.residency_and_visas",
    "premium_visas.page",
    "eservices.visit_visa_extension",
    "family.page",
    "eservices.workers_and_visitors",
    "eservices.vehicles",
    "eservices.vehicle_sale",
)

K = InvestorLicenceKind
KIND_NAMES = {
    # TRANSLATORS: A kind of investment licence of the Ministry of Investment.
    K.SERVICES: _l("Services"),
    # TRANSLATORS: A kind of investment licence of the Ministry of Investment.
    K.INDUSTRIAL: _l("Industrial"),
    # TRANSLATORS: A kind of investment licence of the Ministry of Investment.
    K.TRADING: _l("Trading"),
    # TRANSLATORS: A kind of investment licence of the Ministry of Investment.
    K.AGRICULTURAL: _l("Agricultural"),
    # TRANSLATORS: A kind of investment licence of the Ministry of Investment.
    K.REAL_ESTATE: _l("Real estate"),
    # TRANSLATORS: A kind of investment licence of the Ministry of Investment.
    K.ENTREPRENEUR: _l("Entrepreneur"),
    # TRANSLATORS: A kind of investment licence of the Ministry of Investment.
    K.PROFESSIONAL: _l("Professional"),
}


class Standing(enum.StrEnum):
    NONE = "none"  # no licence in the holder's name
    VALID = "valid"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Eligibility:
    standing: Standing
    licence: InvestorLicence | None = None  # the one the answer is about


def eligibility(session: Session, account: Account, today: date) -> Eligibility:
    """This holder's answer: their longest-lasting licence, valid or not, or none."""
    found = investors.licences_of(session, account.national_id)
    if not found:
        return Eligibility(Standing.NONE)
    best = found[0]
    valid = investors.is_valid(best, today)
    return Eligibility(Standing.VALID if valid else Standing.EXPIRED, best)


def services() -> list[content.Service]:
    """The catalogue's entries for SERVICE_ENDPOINTS, once each, in that order."""
    by_endpoint: dict[str, content.Service] = {}
    for service in content.SERVICES:
        if service.endpoint in SERVICE_ENDPOINTS:
            by_endpoint.setdefault(service.endpoint, service)
    return [by_endpoint[endpoint] for endpoint in SERVICE_ENDPOINTS if endpoint in by_endpoint]


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's investment licences as JSON-safe values (the export of their data)."""
    return [{"section": "investor_licences", "licence_number": licence.licence_number,
             "kind": licence.kind.value,
             "kind_name": str(KIND_NAMES.get(licence.kind, licence.kind.value)),
             "activity": licence.activity, "expires_on": licence.expires_on.isoformat()}
            for licence in investors.licences_of(session, account.national_id)]
