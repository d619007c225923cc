"""The e-services: each service's page as first opened, for an account not activated, and
with each of its answers (the fragment htmx swaps in, too), from fixture data.

A new e-service adds its answers to ESERVICE_ANSWERS, and if it changes things, what its
page holds to ESERVICE_OVERVIEWS (tests/test_states_gallery.py says when one is missing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from absher_web.agencies.sponsorship import KINDS
from absher_web.agencies.traffic import COLOURS, VIOLATION_KINDS
from absher_web.forms.common import ConfirmForm
from absher_web.models import BillStatus, SaleStatus
from absher_web.services.eservices import absence, driving, visa
from absher_web.services.eservices.absence import withdrawable_until
from absher_web.services.eservices.driving import is_live
from absher_web.services.eservices.sponsored import Sponsored
from absher_web.services.eservices.vehicles import MyVehicles
from absher_web.services.policies import EServicePolicy
from absher_web.services.vehicle_sales import Condition
from absher_web.web import eservices
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states import residency as residency_states
from absher_web.web.dev_states.common import BLANK, EMPTY, State, account_page, form_of, not_active
from absher_web.web.eservices.absence import refusal_text as absence_refusal
from absher_web.web.eservices.driving import SERVICE as DRIVING
from absher_web.web.eservices.driving import STATUSES
from absher_web.web.eservices.driving import refusal_text as driving_refusal
from absher_web.web.eservices.vehicle_sale import PARTS as SALE_PARTS
from absher_web.web.eservices.vehicle_sale import STATUSES as SALE_STATUSES
from absher_web.web.eservices.vehicle_sale import condition_text as sale_condition
from absher_web.web.eservices.vehicles import MY_VEHICLES
from absher_web.web.eservices.vehicles import billed_text as vehicles_billed_text
from absher_web.web.eservices.vehicles import once_paid as vehicles_once_paid
from absher_web.web.eservices.visa import billed_text as visa_billed_text
from absher_web.web.eservices.visa import once_paid as visa_once_paid
from absher_web.web.eservices.visa import refusal_text as visa_refusal

# TRANSLATORS: states gallery, a heading: the services on the holder's own records.
ESERVICES = _l("E-services")
# TRANSLATORS: states gallery, a state of an e-service page: its answer to an enquiry.
ANSWER = _l("Answer")
# TRANSLATORS: states gallery, a state of an e-service page: it answered that nothing is recorded.
NOTHING_FOUND = _l("Answer: nothing found")
# TRANSLATORS: states gallery, a state of an e-service page: a form (kept open too long, or
# altered) named another holder's vehicle; the page says so, with the status 403.
NOT_YOURS = _l("Sent for someone else's vehicle")


def _not_yours(words: LazyString | None) -> dict:
    """What the page says (403) when a form names a record that is not the holder's."""
    return {"refusal": str(words), "status": 403}


# Each e-service's answers to show: (name, label, what its enquiry returns, what was typed).
ESERVICE_ANSWERS: dict[str, tuple[tuple[str, LazyString, Callable[[], dict], dict], ...]] = {
    "fingerprint": (
        ("recorded", ANSWER, lambda: {"enrolment": fx.enrolment()}, {}),
        # TRANSLATORS: states gallery, a state of the fingerprint enquiry: the fingerprints
        # were read by a self-service kiosk.
        ("recorded-at-kiosk", _l("Answer: recorded at a kiosk"),
         lambda: {"enrolment": fx.enrolment_at_kiosk()}, {}),
        ("not-recorded", NOTHING_FOUND, lambda: {"enrolment": None}, {}),
    ),
    "vehicles": (
        ("answer", ANSWER, lambda: {"found": fx.my_vehicles(), "colours": COLOURS,
                                    "violation_kinds": VIOLATION_KINDS,
                                    "violation_bills": {}}, {}),
        ("none", NOTHING_FOUND, lambda: {"found": MyVehicles([]), "colours": COLOURS,
                                         "violation_kinds": VIOLATION_KINDS,
                                         "violation_bills": {}}, {}),
        # TRANSLATORS: states gallery, a state of a page with a fee: its bill was issued, and
        # the page shows it with how to pay it.
        ("billed", _l("Bill issued"), lambda: _vehicles_billed(BillStatus.UNPAID), {}),
        # TRANSLATORS: states gallery, a state of a page with a fee: a bank paid its bill.
        ("paid", _l("Bill paid"), lambda: _vehicles_billed(BillStatus.PAID), {}),
        ("not-yours", NOT_YOURS, lambda: _not_yours(next(
            action.not_yours for action in MY_VEHICLES.actions if action.name == "pay")), {}),
    ),
    "foreign-vehicle-violations": (
        ("answer", ANSWER, lambda: {"found": fx.foreign_vehicle(),
                                    "violation_kinds": VIOLATION_KINDS},
         {"country": "BHR", "plate": "12345"}),
        ("none", NOTHING_FOUND, lambda: {"found": None, "violation_kinds": VIOLATION_KINDS},
         {"country": "KWT", "plate": "A1"}),
    ),
    "workers-and-visitors": (
        ("answer", ANSWER, lambda: {"found": fx.workers_and_visitors(), "kinds": KINDS}, {}),
        ("none", NOTHING_FOUND,
         lambda: {"found": Sponsored([]), "kinds": KINDS}, {}),
    ),
    "health-insurance": (
        ("answer", ANSWER, lambda: {"found": fx.health_insurance(), "kinds": KINDS}, {}),
        ("resident", _l("Answer for a resident"),
         lambda: {"found": fx.health_insurance_of_resident(), "kinds": KINDS}, {}),
    ),
}


def _vehicles_billed(status: BillStatus) -> dict:
    """My vehicles once the first car's unpaid violation has a bill: waiting to be paid, or
    paid a moment ago (its violation not yet recorded as paid)."""
    found = fx.my_vehicles()
    issued = fx.violation_bill(61, "FX12340", 30000, status, fulfilled=False)
    shown = {"found": found, "colours": COLOURS, "violation_kinds": VIOLATION_KINDS,
             "violation_bills": {"FX12340": issued}}
    if status is BillStatus.UNPAID:
        return {**shown, "open_bills": [issued], "notice": vehicles_billed_text(issued)}
    return {**shown, "settled_bills": [issued]}


def _visa_quote() -> dict:
    from absher_web.forms.eservices import ConfirmExtensionForm
    from absher_web.services.eservices.visa import Quote

    quote = Quote(fx.visitor(), fx.TODAY + timedelta(days=20), fx.TODAY + timedelta(days=110),
                  100)
    return {"quote": quote, "confirm_form": ConfirmExtensionForm(formdata=None)}


# What the page of a service that changes things shows before anything is sent.
ESERVICE_OVERVIEWS: dict[str, Callable[[], dict]] = {
    "driving-authorisations": lambda: {"found": fx.driving_authorisations(),
                                       "is_live": is_live, "statuses": STATUSES,
                                       "max_days": 365},
    "visit-visa-extension": lambda: {
        "visitors": [fx.visitor(), fx.visitor(-3, id=22)], "extensions": fx.visa_extensions(),
        "policy": EServicePolicy(), "open_bills": [], "now": fx.NOW,
        "settled_bills": [fx.visa_bill(51, BillStatus.PAID),
                          fx.visa_bill(52, BillStatus.EXPIRED)],
        "once_paid": visa_once_paid()},
    "vehicles": lambda: {"open_bills": [], "settled_bills": [], "now": fx.NOW,
                         "once_paid": vehicles_once_paid()},
    "vehicle-sale": lambda: {
        **fx.vehicle_sales(), "statuses": SALE_STATUSES, "parts": SALE_PARTS,
        "condition_text": sale_condition, "policy": EServicePolicy(), "now": fx.NOW,
        "open_statuses": (SaleStatus.OFFERED, SaleStatus.ACCEPTED, SaleStatus.PAID),
        "once_paid": _("Once the price and both fees are paid, we text you both to meet and "
                       "hand the vehicle over.")},
    "residency-and-visas": residency_states.overview,
    "domestic-worker-absence": lambda: {
        "workers": fx.domestic_workers(), "reports": fx.absence_reports(), "now": fx.NOW,
        "policy": EServicePolicy(), "withdrawable_until": lambda made: withdrawable_until(
            made, EServicePolicy())},
}
# TRANSLATORS: states gallery, a state of an e-service page: a change was saved, and the page
# says so.
SAVED = _l("Change saved")
# TRANSLATORS: states gallery, a state of an e-service page: the change was refused, and the
# page says why.
REFUSED = _l("Change refused")
ESERVICE_ANSWERS.update({
    "residency-and-visas": residency_states.ANSWERS,
    "driving-authorisations": (
        ("saved", SAVED, lambda: {"notice": _("The authorisation is sent. It takes effect once "
                                              "the person accepts it; we have texted you both.")},
         None),
        ("refused", REFUSED, lambda: {"refusal": driving_refusal(
            driving.Refusal.NOT_AUTHORISABLE)}, None),
        ("not-yours", NOT_YOURS, lambda: _not_yours(DRIVING.not_yours), None),
    ),
    "visit-visa-extension": (
        # TRANSLATORS: states gallery, a state of the visa extension page: the fee and the new
        # expiry, with the button that confirms the extension.
        ("quote", _l("Fee and new expiry, to confirm"), _visa_quote, None),
        ("refused", REFUSED, lambda: {"refusal": visa_refusal(visa.Refused(
            visa.Refusal.TOO_EARLY, fx.visitor(60), fx.TODAY + timedelta(days=30)))}, None),
        ("billed", _l("Bill issued"), lambda: {
            "notice": visa_billed_text(fx.visitor()),
            "open_bills": [fx.visa_bill(53)]}, None),
        ("paid", _l("Bill paid"), lambda: {
            "settled_bills": [fx.visa_bill(53, BillStatus.PAID, fulfilled=False),
                              fx.visa_bill(52, BillStatus.REFUNDING, fulfilled=False)]},
         None),
    ),
    "vehicle-sale": (
        ("saved", SAVED, lambda: {"notice": _("The offer is sent to the buyer. We have texted "
                                              "you both; the buyer accepts or rejects it in "
                                              "their own account.")}, None),
        # TRANSLATORS: states gallery, a state of the vehicle sale page: the seller completed
        # the sale.
        ("completed", _l("Sale completed"), lambda: {"notice": _(
            "The sale is complete: the vehicle is registered in the buyer's name, and the "
            "price is being transferred to your bank account.")}, None),
        ("refused", REFUSED, lambda: {"refusal": sale_condition(
            Condition.BUYER_UNMATCHED)}, None),
    ),
    "domestic-worker-absence": (
        # TRANSLATORS: States gallery, a sample notice. %(name)s is the sponsored person's full
        # name.
        ("saved", SAVED, lambda: {"notice": _("The absence of %(name)s is reported. It shows "
                                              "on the worker's record.", name="Amina Hassan")},
         None),
        ("refused", REFUSED, lambda: {"refusal": absence_refusal(absence.Refused(
            absence.Refusal.TOO_LATE, fx.domestic_workers()[0], fx.TODAY))}, None),
    ),
})


def eservice_page(slug: str, answer: Callable[[], dict] | None = None, typed=None,
                  active=True):
    service = eservices.by_slug()[slug]
    if not active:
        return not_active(service.title, service.explanation)
    form = form_of(service.form, typed)
    shown: dict = {}
    if service.overview:  # a service that changes things: what it holds, its buttons
        shown = {"forms": {action.name: action.form(formdata=None)
                           for action in service.actions},
                 "refusal": None, "notice": None, **ESERVICE_OVERVIEWS[slug]()}
    if answer is not None:
        shown.update(answer())
        # A refusal shows the page again without an answer (base._respond), 422 unless the
        # state names its status.
        refused = bool(shown.get("refusal"))
        status = shown.pop("status", 422 if refused else 200)
        return account_page(service.template, status, service=service, form=form,
                            enquired=not refused, **shown)
    return account_page(service.template, 422 if form.errors else 200, service=service,
                        form=form, enquired=False, **shown)


def eservice_states() -> list[State]:
    """Each service's page as first opened, then what a post to it gets, listed also as
    the fragment htmx swaps in: for an account not activated, the form's errors, each
    answer (after a change: the page again with its notice)."""
    states = []
    for service in eservices.REGISTRY:
        slug, title = service.slug, service.title
        states += [
            State(f"eservice-{slug}", ESERVICES, title, BLANK, partial(eservice_page, slug)),
            State(f"eservice-{slug}-not-active", ESERVICES, title,
                  # TRANSLATORS: states gallery, a state of a page: the account is not activated,
                  # so the page says how to activate it.
                  _l("Account not activated"), partial(eservice_page, slug, active=False),
                  htmx=True),
        ]
        if service.form is not ConfirmForm:  # it asks for something
            states.append(State(f"eservice-{slug}-empty", ESERVICES, title, EMPTY,
                                partial(eservice_page, slug, typed={}), htmx=True))
        states += [State(f"eservice-{slug}-{name}", ESERVICES, title, label,
                         partial(eservice_page, slug, answer, typed), htmx=True)
                   for name, label, answer, typed in ESERVICE_ANSWERS.get(slug, ())]
    return states


STATES = eservice_states() + residency_states.STATES
