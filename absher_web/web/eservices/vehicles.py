"""My vehicles (insurance, violations, impounded) and a foreign vehicle's violations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from absher_web.extensions import client_address, db
from absher_web.forms.eservices import ForeignVehicleForm
from absher_web.models import utcnow
from absher_web.services.eservices import vehicles
from absher_web.services.vehicles_registry import COLOURS, VIOLATION_KINDS
from absher_web.web.eservices.base import EService


def my_vehicles(form, account) -> dict:  # noqa: ANN001 (EService.enquire)
    return {"found": vehicles.my_vehicles(db.session, account, utcnow(), client_address()),
            "colours": COLOURS, "violation_kinds": VIOLATION_KINDS}


def foreign_vehicle(form, account) -> dict:  # noqa: ANN001 (EService.enquire)
    return {"found": vehicles.foreign_vehicle(db.session, account, form.country.data,
                                              form.plate.data, utcnow(), client_address()),
            "violation_kinds": VIOLATION_KINDS}


MY_VEHICLES = EService(
    slug="vehicles",
    # TRANSLATORS: The name of the e-service listing the vehicles registered to the holder: its
    # page title and heading.
    title=_l("My vehicles"),
    summary=_l("The vehicles registered in your name: their insurance, traffic violations and "
               "whether any is impounded."),
    explanation=_l("Once your account is activated, this service shows the vehicles registered "
                   "in your name, their insurance, violations and impounding. Activate it in "
                   "one of these ways:"),
    template="eservices/vehicles.html",
    enquire=my_vehicles,
    events={vehicles.VEHICLES_AUDIT_KIND: _l("My vehicles enquiry used")},
)

FOREIGN_VEHICLE = EService(
    slug="foreign-vehicle-violations",
    title=_l("Foreign vehicle violations enquiry"),
    summary=_l("Check the traffic violations recorded against a vehicle with foreign plates."),
    explanation=_l("Once your account is activated, this service shows the violations of a "
                   "vehicle with foreign plates. Activate it in one of these ways:"),
    template="eservices/foreign_vehicle.html",
    enquire=foreign_vehicle,
    events={vehicles.FOREIGN_AUDIT_KIND: _l("Foreign vehicle violations enquiry used")},
    form=ForeignVehicleForm,
)
