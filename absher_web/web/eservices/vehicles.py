"""My vehicles (insurance, violations, impounded; an unpaid violation paid through its bill)
and a foreign vehicle's violations."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from absher_web.agencies.traffic import COLOURS, VIOLATION_KINDS
from absher_web.extensions import client_address, db
from absher_web.forms.eservices import ForeignVehicleForm, ItemForm
from absher_web.models import Bill, utcnow
from absher_web.services.eservices import fees, vehicles
from absher_web.services.policies import current_policies
from absher_web.web.eservices.base import Action, Done, EService, Refused, own_record


def my_vehicles(form, account) -> dict:  # noqa: ANN001 (EService.enquire)
    found = vehicles.my_vehicles(db.session, account, utcnow(), client_address())
    references = [violation.reference for view in found.vehicles for violation in view.violations]
    return {"found": found, "colours": COLOURS, "violation_kinds": VIOLATION_KINDS,
            "violation_bills": vehicles.bills_by_violation(db.session, account, references)}


def foreign_vehicle(form, account) -> dict:  # noqa: ANN001 (EService.enquire)
    return {"found": vehicles.foreign_vehicle(db.session, account, form.country.data,
                                              form.plate.data, utcnow(), client_address()),
            "violation_kinds": VIOLATION_KINDS}


def unpayable_text(reason: vehicles.Unpayable) -> str:
    if reason is vehicles.Unpayable.PAID:
        # TRANSLATORS: On the My vehicles e-service, when the holder asks to pay a traffic
        # violation that the traffic department records as paid.
        return _("This violation is already paid. Enquire again to see your violations as "
                 "they are now.")
    # TRANSLATORS: On the My vehicles e-service, when the holder asks to pay a traffic
    # violation whose bill a bank has paid a moment ago.
    return _("This violation's bill is paid. We are recording the payment and will text you "
             "once it is done.")


def pay(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    result = vehicles.bill(db.session, current_policies().eservices, account, form.item.data,
                           utcnow(), client_address())
    if isinstance(result, vehicles.Unpayable):
        return Refused(unpayable_text(result))
    return Done("billed", {"bill": result.id})


def billed(account, bill: object) -> str | None:  # noqa: ANN001 (EService.notices)
    issued = own_record(Bill, bill, account)
    if issued is None or issued.service != vehicles.SERVICE:
        return None
    return billed_text(issued)


def billed_text(issued: Bill) -> str:
    # TRANSLATORS: On the My vehicles e-service, once the holder asked to pay a traffic
    # violation; the bill, with its number and how to pay it, follows on the page.
    # %(reference)s is the violation's reference, e.g. TV-2026-000123.
    return _("The bill for traffic violation %(reference)s is issued. The violation is paid "
             "once the bill is.", reference=issued.request_key)


def once_paid() -> str:
    # TRANSLATORS: On the My vehicles e-service, under a traffic violation's bill waiting to
    # be paid.
    return _("The violation is recorded as paid as soon as your bank's payment reaches us, "
             "and we will text you.")


def overview(account) -> dict:  # noqa: ANN001 (EService.overview)
    now = utcnow()
    open_bills, settled_bills = fees.bills_of_service(db.session, account, vehicles.SERVICE,
                                                      now)
    return {"open_bills": open_bills, "settled_bills": settled_bills, "now": now,
            "once_paid": once_paid()}


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
    events={vehicles.VEHICLES_AUDIT_KIND: _l("My vehicles enquiry used"),
            # TRANSLATORS: An entry in the holder's security activity: they asked to pay a
            # traffic violation, and its bill was issued.
            vehicles.BILLED_AUDIT_KIND: _l("Bill issued for a traffic violation"),
            # TRANSLATORS: An entry in the holder's security activity: a traffic violation's
            # bill was paid, and the violation recorded as paid.
            vehicles.PAID_AUDIT_KIND: _l("Traffic violation paid")},
    overview=overview,
    notices={"billed": billed},
    actions=(Action("pay", ItemForm, pay, not_yours=_l(
        "This violation is not recorded against a vehicle registered in your name, so you "
        "cannot pay it here.")),),
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
