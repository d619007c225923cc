"""Sponsored workers and visitors, and health insurance validity."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from absher_web.agencies.sponsorship import KINDS
from absher_web.extensions import client_address, db
from absher_web.models import utcnow
from absher_web.services.eservices import sponsored
from absher_web.web.eservices.base import EService


def workers_and_visitors(form, account) -> dict:  # noqa: ANN001 (EService.enquire)
    return {"found": sponsored.workers_and_visitors(db.session, account, utcnow(),
                                                    client_address()), "kinds": KINDS}


def health_insurance(form, account) -> dict:  # noqa: ANN001 (EService.enquire)
    return {"found": sponsored.health_insurance(db.session, account, utcnow(),
                                                client_address()), "kinds": KINDS}


WORKERS_AND_VISITORS = EService(
    slug="workers-and-visitors",
    title=_l("New workers and visitors enquiry"),
    summary=_l("The workers, domestic workers and visitors you sponsor, with their visa or "
               "iqama and their health insurance."),
    explanation=_l("Once your account is activated, this service shows the workers and "
                   "visitors you sponsor. Activate it in one of these ways:"),
    template="eservices/workers_and_visitors.html",
    enquire=workers_and_visitors,
    events={sponsored.WORKERS_AUDIT_KIND: _l("Workers and visitors enquiry used")},
)

HEALTH_INSURANCE = EService(
    slug="health-insurance",
    title=_l("Health insurance validity for residents"),
    summary=_l("Whether your health insurance as a resident, and that of the workers you "
               "sponsor, is valid."),
    explanation=_l("Once your account is activated, this service shows whether your health "
                   "insurance and that of the workers you sponsor is valid. Activate it in "
                   "one of these ways:"),
    template="eservices/health_insurance.html",
    enquire=health_insurance,
    events={sponsored.HEALTH_AUDIT_KIND: _l("Health insurance enquiry used")},
)
