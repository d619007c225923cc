"""The e-services registry: every service on a person's own records, in the order the
account home lists them.

A new e-service is a module in services/eservices/ (its rules and data), a module here
(its EService: words, template, how it answers), a template in templates/eservices/
(its `step` block, which htmx swaps in place, built from eservices/_parts.html) and one
line in REGISTRY; the catalogue entries it serves name its slug
(content.Service.eservice), and its fixture answers go in
web/dev_states/eservices.ESERVICE_ANSWERS (the states gallery). docs/ARCHITECTURE.md
walks through one.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel.speaklater import LazyString

from absher_web.web.eservices import (
    absence,
    driving,
    fingerprint,
    residency,
    sponsored,
    vehicle_sale,
    vehicles,
    visa,
)
from absher_web.web.eservices.base import EService, add_page

bp = Blueprint("eservices", __name__, url_prefix="/<lang_code>/account/services")

REGISTRY: tuple[EService, ...] = (
    fingerprint.SERVICE,
    vehicles.MY_VEHICLES,
    vehicles.FOREIGN_VEHICLE,
    driving.SERVICE,
    vehicle_sale.SERVICE,
    sponsored.WORKERS_AND_VISITORS,
    sponsored.HEALTH_INSURANCE,
    visa.SERVICE,
    absence.SERVICE,
    residency.SERVICE,
)

for _service in REGISTRY:
    add_page(bp, _service)
residency.add_document_page(bp)


def by_slug() -> dict[str, EService]:
    return {service.slug: service for service in REGISTRY}


def event_labels() -> dict[str, LazyString]:
    """How each e-service's audit events read in the holder's security activity."""
    return {kind: label for service in REGISTRY for kind, label in service.events.items()}
