"""مبايعة المركبات: the seller offers one of their vehicles to another holder, who accepts
(then pays three bills) or rejects it; the seller completes the sale once the vehicle is
handed over; either calls it off before (services/vehicle_sales.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from absher_web import money
from absher_web.extensions import client_address, db
from absher_web.forms.eservices import ItemForm, SaleOfferForm
from absher_web.models import SaleStatus, VehicleSale, utcnow
from absher_web.services import vehicle_sales
from absher_web.services.policies import current_policies
from absher_web.services.vehicle_sales import Condition
from absher_web.web.eservices.base import Action, Done, EService, Refused


def condition_text(condition: Condition) -> str:
    """Each condition a vehicle, a buyer or a price fails, and what to do, in words."""
    policy = current_policies().eservices
    return {
        # TRANSLATORS: On the vehicle sale e-service (مبايعة المركبات): why a vehicle cannot be
        # sold online, and what to do.
        Condition.NOT_PRIVATE: _("Only a private or private transport vehicle can be sold "
                                 "online. Sell this one at a traffic department office."),
        Condition.REGISTRATION: _("Its registration (istimara) has expired or is not "
                                  "recorded. Renew it first."),
        Condition.INSPECTION: _("Its periodic technical inspection has expired or is not "
                                "recorded. Have it inspected first."),
        Condition.INSURANCE: _("Its insurance has expired or is not recorded. Insure it "
                               "first."),
        Condition.IMPOUNDED: _("It is impounded. It can be sold once it is released."),
        Condition.REPORTED: _("It is reported missing or wanted. Visit a traffic department "
                              "office."),
        Condition.VIOLATIONS: _("It has unpaid traffic violations. Pay them in My vehicles "
                                "first."),
        Condition.OPEN_SALE: _("It is already offered for sale. Wait for that sale to end, "
                               "or call it off."),
        # TRANSLATORS: On the vehicle sale e-service. %(low)s and %(high)s are amounts with
        # their currency, from the settings.
        Condition.PRICE: _("The price must be from %(low)s to %(high)s.",
                           low=money.money(money.riyals(policy.sale_min_price)),
                           high=money.money(money.riyals(policy.sale_max_price))),
        Condition.YOURSELF: _("You cannot sell a vehicle to yourself: enter the buyer's ID "
                              "or iqama number."),
        # TRANSLATORS: On the vehicle sale e-service: the buyer's ID number and date of birth
        # do not match a holder of an active account. Never say which part is wrong.
        Condition.BUYER_UNMATCHED: _(
            "The ID or iqama number and the date of birth do not match a holder of an active "
            "Absher account. Check both with the buyer."),
        Condition.BUYER_VIOLATIONS: _("The buyer has unpaid traffic violations. They must pay "
                                      "them before buying a vehicle."),
        # TRANSLATORS: On the vehicle sale e-service. %(num)s is a number from the settings.
        Condition.RESIDENT_LIMIT: ngettext(
            "A resident may own at most %(num)s private car, and the buyer already does.",
            "A resident may own at most %(num)s private cars, and the buyer already does.",
            policy.sale_resident_cars),
        Condition.ENDED: _("This sale has moved on or ended since the page was opened: see "
                           "its state below. Nothing was changed."),
        Condition.VEHICLE_CHANGED: _("The vehicle is no longer registered in your name, so "
                                     "the sale cannot complete. Call it off: the buyer is "
                                     "refunded."),
    }[condition]


FIELD_OF = {Condition.PRICE: "price", Condition.YOURSELF: "buyer_id",
            Condition.BUYER_UNMATCHED: "buyer_id", Condition.BUYER_VIOLATIONS: "buyer_id",
            Condition.RESIDENT_LIMIT: "buyer_id"}


def _answer(result, done: str) -> Done | Refused:
    if isinstance(result, vehicle_sales.Refused):
        return Refused(" ".join(condition_text(c) for c in result.reasons),
                       FIELD_OF.get(result.reason))
    return Done(done, {"sale": result.id})


def offer(form, account) -> Done | Refused:  # noqa: ANN001 (EService.enquire)
    return _answer(vehicle_sales.offer(
        db.session, current_policies().eservices, account, form.vehicle.data,
        form.buyer_id.data, form.buyer_birth_date.data, form.price.data, form.iban.data,
        utcnow(), client_address()), "offered")


# The conditions only the vehicle's owner can settle.
VEHICLE_CONDITIONS = frozenset({Condition.NOT_PRIVATE, Condition.REGISTRATION,
                                Condition.INSPECTION, Condition.INSURANCE, Condition.IMPOUNDED,
                                Condition.REPORTED, Condition.VIOLATIONS})


def accept(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    result = vehicle_sales.accept(db.session, current_policies().eservices, account,
                                  form.item.data, utcnow(), client_address())
    if isinstance(result, vehicle_sales.Refused) and result.reason in VEHICLE_CONDITIONS:
        # TRANSLATORS: On the vehicle sale e-service, to the buyer accepting an offer.
        return Refused(_("The vehicle no longer meets the conditions of a sale (its "
                         "registration, inspection, insurance or unpaid violations, say). The "
                         "seller must settle that before you can accept the offer."))
    return _answer(result, "accepted")


def reject(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    return _answer(vehicle_sales.reject(db.session, account, form.item.data, utcnow(),
                                        client_address()), "rejected")


def cancel(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    return _answer(vehicle_sales.cancel(db.session, account, form.item.data, utcnow(),
                                        client_address()), "cancelled")


def complete(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    return _answer(vehicle_sales.complete(db.session, account, form.item.data, utcnow(),
                                          client_address()), "completed")


def _said(words):  # noqa: ANN001, ANN202
    """A notice naming the holder's own sale only (else nothing is said)."""
    def say(account, sale: object = None) -> str | None:  # noqa: ANN001
        found = db.session.get(VehicleSale, sale) if isinstance(sale, int) else None
        if found is None or account.id not in (found.seller_account_id, found.buyer_account_id):
            return None
        return words()
    return say


NOTICES = {
    "offered": _said(lambda: _("The offer is sent to the buyer. We have texted you both; the "
                               "buyer accepts or rejects it in their own account.")),
    "accepted": _said(lambda: _("You accepted the offer. Pay the three bills below from your "
                                "bank before the time shown.")),
    "rejected": _said(lambda: _("You rejected the offer. We have texted the seller.")),
    "cancelled": _said(lambda: _("The sale is called off. Anything paid is refunded to the "
                                 "bank it came from; we have texted you both.")),
    "completed": _said(lambda: _("The sale is complete: the vehicle is registered in the "
                                 "buyer's name, and the price is being transferred to your "
                                 "bank account.")),
}

STATUSES = {
    # TRANSLATORS: On the vehicle sale e-service; the state of a sale.
    SaleStatus.OFFERED: _l("Waiting for the buyer's answer"),
    # TRANSLATORS: On the vehicle sale e-service; the state of a sale.
    SaleStatus.ACCEPTED: _l("Accepted: waiting for the buyer's payment"),
    # TRANSLATORS: On the vehicle sale e-service; the state of a sale.
    SaleStatus.REJECTED: _l("Rejected by the buyer"),
    # TRANSLATORS: On the vehicle sale e-service; the state of a sale not answered or paid in
    # time.
    SaleStatus.LAPSED: _l("Lapsed: not answered or paid in time"),
    # TRANSLATORS: On the vehicle sale e-service; the state of a sale.
    SaleStatus.PAID: _l("Paid: hand the vehicle over, then the seller completes the sale"),
    # TRANSLATORS: On the vehicle sale e-service; the state of a sale.
    SaleStatus.COMPLETED: _l("Completed: the vehicle is the buyer's"),
    # TRANSLATORS: On the vehicle sale e-service; the state of a sale.
    SaleStatus.CANCELLED: _l("Called off: anything paid is refunded"),
}
# TRANSLATORS: On the vehicle sale e-service; the heading of one of the buyer's bills.
PARTS = {"price": _l("The price, held until the sale completes"),
         # TRANSLATORS: On the vehicle sale e-service; the heading of one of the buyer's bills.
         "government": _l("Government fee"),
         # TRANSLATORS: On the vehicle sale e-service; the heading of one of the buyer's bills.
         "platform": _l("Platform fee")}


def overview(account) -> dict:  # noqa: ANN001 (EService.overview)
    now = utcnow()
    selling, buying = vehicle_sales.sales_of(db.session, account)
    return {"sellable": vehicle_sales.sellable_vehicles(db.session, account, now),
            "selling": selling, "buying": buying, "statuses": STATUSES, "parts": PARTS,
            "bills_of": lambda sale: vehicle_sales.bills_of(db.session, sale),
            "condition_text": condition_text, "policy": current_policies().eservices,
            "now": now, "open_statuses": (SaleStatus.OFFERED, SaleStatus.ACCEPTED,
                                          SaleStatus.PAID),
            # TRANSLATORS: On the vehicle sale e-service, under a bill waiting to be paid.
            "once_paid": _("Once the price and both fees are paid, we text you both to meet "
                           "and hand the vehicle over.")}


# TRANSLATORS: On the vehicle sale e-service, when the sale acted on is not the holder's.
NOT_YOUR_SALE = _l("This sale is not yours to act on, so nothing was changed.")

SERVICE = EService(
    slug="vehicle-sale",
    # TRANSLATORS: The title of the vehicle sale e-service; the seed's Arabic name is مبايعة
    # المركبات.
    title=_l("Vehicle sale"),
    summary=_l("Sell one of your vehicles to another Absher holder, or answer an offer made "
               "to you: the price is held until the vehicle is handed over, then it moves to "
               "the buyer and the price to the seller."),
    explanation=_l("Once your account is activated, this service lets you sell your vehicles "
                   "and buy others'. Activate it in one of these ways:"),
    template="eservices/vehicle_sale.html",
    enquire=offer,
    events={
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.OFFERED: _l("Vehicle sale offered"),
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.ACCEPTED: _l("Vehicle sale accepted"),
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.REJECTED: _l("Vehicle sale rejected"),
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.LAPSED: _l("Vehicle sale lapsed"),
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.PAID: _l("Vehicle sale paid"),
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.COMPLETED: _l("Vehicle sale completed"),
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.CANCELLED: _l("Vehicle sale called off"),
        # TRANSLATORS: An entry in the holder's security activity (vehicle sale).
        vehicle_sales.PAID_OUT: _l("Vehicle sale price transferred to your bank")},
    form=SaleOfferForm,
    overview=overview,
    notices=NOTICES,
    rate_limit="RATELIMIT_VEHICLE_SALE",
    # TRANSLATORS: On the vehicle sale e-service, when the vehicle sent is not registered to
    # the holder (sold since the page was opened, say).
    not_yours=_l("This vehicle is not registered in your name, so you cannot sell it. Choose "
                 "one of the vehicles registered in your name."),
    actions=(Action("accept", ItemForm, accept, not_yours=NOT_YOUR_SALE),
             Action("reject", ItemForm, reject, not_yours=NOT_YOUR_SALE),
             Action("cancel", ItemForm, cancel, not_yours=NOT_YOUR_SALE),
             Action("complete", ItemForm, complete, not_yours=NOT_YOUR_SALE)),
)
