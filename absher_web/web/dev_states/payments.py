"""The Payments page and receipts: no bills, every group of bills, one group a page at a
time, a cancellation asked, done and refused (the bill was paid meanwhile), and the receipts
of a paid and of a refunded bill, with the page for a bill that has none. Bills from
fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.forms.common import ConfirmForm
from absher_web.models.bills import Bill, BillStatus
from absher_web.services import payments
from absher_web.services.payments import Beneficiary, CancelOutcome, Group, Listed
from absher_web.web import payments as views
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import State

# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
PAYMENTS = _l("Payments")
VISITOR_ID = "3100000000"
NUMBERS = ("3063063350255", "4172839405617", "5281726354409", "6390817263548",
           "7409182736457", "8518273645366", "9627364554275")


def known() -> dict[str, Beneficiary]:
    citizen = fx.person()
    return {DEMO_IDS[0]: Beneficiary(DEMO_IDS[0], citizen.name_ar, citizen.name_en),
            VISITOR_ID: Beneficiary(VISITOR_ID, "سيتي نور", "Siti Nur")}


def signed_in() -> dict:
    return {"sign_out_form": ConfirmForm(formdata=None)}


def bill(n: int, status: BillStatus, service: str = "visa_extension", amount: int = 10000,
         vat: int = 0, beneficiary: str = VISITOR_ID, **values) -> Bill:
    """A bill made ``n`` days before the fixture's now, in ``status``."""
    made = fx.NOW - timedelta(days=n, hours=2)
    fields = dict(id=100 + n, number=NUMBERS[n % len(NUMBERS)], service=service,
                  request_key=f"FX-{n}", details={}, account_id=1, beneficiary_id=beneficiary,
                  amount=amount, vat=vat, status=status, created_at=made, changed_at=made,
                  expires_at=made + timedelta(days=3), fulfil_attempts=0, refund_attempts=0)
    if service == "visa_extension":
        fields["details"] = {"new_expiry": (fx.TODAY + timedelta(days=30)).isoformat()}
    if status in payments.WITH_RECEIPT:
        fields.update(paid_at=made + timedelta(hours=5), bank_code="RJHI",
                      bank_reference=f"RJ-2026-{77810 + n}")
    if status in (BillStatus.REFUNDING, BillStatus.REFUNDED):
        fields.update(refund_requested_at=made + timedelta(days=1), refund_reason="cancelled")
    if status is BillStatus.REFUNDED:
        fields.update(refunded_at=made + timedelta(days=2), refund_reference="RF-40917")
    fields.update(values)
    return Bill(**fields)


def unpaid() -> list[Bill]:
    return [bill(0, BillStatus.UNPAID, expires_at=fx.NOW + timedelta(days=2, hours=4)),
            bill(1, BillStatus.UNPAID, service="traffic_violation", amount=123450, vat=16102,
                 beneficiary=DEMO_IDS[0], request_key="TV-2026-5521",
                 expires_at=fx.NOW + timedelta(days=1))]


def every_group(with_unpaid: bool = True) -> list[Listed]:
    owed = unpaid() if with_unpaid else []
    return [Listed(Group.UNPAID, owed, len(owed)),
            Listed(Group.PAID, [bill(2, BillStatus.PAID)], 120),
            Listed(Group.REFUNDS, [bill(3, BillStatus.REFUNDING), bill(4, BillStatus.REFUNDED)],
                   2),
            Listed(Group.EXPIRED, [bill(5, BillStatus.EXPIRED)], 1),
            # A service the site has no name for yet: shown as a government fee.
            Listed(Group.CANCELLED, [bill(6, BillStatus.CANCELLED, service="exit_reentry")], 1)]


def listing(groups: list[Listed], status: int = 200, notice: str | None = None,
            refusal: str | None = None, single: bool = False):
    return views.render_list(groups, known(), status, notice=notice, refusal=refusal,
                             single=single, now=fx.NOW, **signed_in())


def no_bills():
    return listing([Listed(group, [], 0) for group in Group])


def one_group():
    paid = [bill(2 + n, BillStatus.PAID, id=200 + n) for n in range(3)]
    return listing([Listed(Group.PAID, paid, 120, page=2)], single=True)


def cancelled():
    return listing(every_group(), notice=views.cancelled_words(NUMBERS[5]))


def cancel_refused():
    groups = every_group()
    groups[0] = Listed(Group.UNPAID, unpaid()[1:], 1)
    return listing(groups, 409, refusal=views.refusal_text(NUMBERS[0], CancelOutcome.PAID))


def confirm_cancel():
    owed = unpaid()[1]
    return views.render_cancel(owed, known()[owed.beneficiary_id], **signed_in())


def receipt(status: BillStatus):
    made = bill(2 if status is BillStatus.PAID else 4, status, amount=11500, vat=1500)
    return views.render_receipt(payments.Receipt(made, known()[VISITOR_ID], "Al Rajhi Bank"),
                                **signed_in())


def no_receipt():
    return views.render_no_receipt(bill(5, BillStatus.EXPIRED), **signed_in())


# TRANSLATORS: The states gallery for testers (development only): a page's name.
RECEIPT = _l("Payment receipt")
STATES: list[State] = [
    # TRANSLATORS: states gallery, a state of the Payments page: the holder has no bills.
    State("payments-empty", PAYMENTS, PAYMENTS, _l("No bills"), no_bills),
    # TRANSLATORS: states gallery, a state of the Payments page: bills in every group.
    State("payments", PAYMENTS, PAYMENTS, _l("Bills in every group"), partial(
        listing, every_group())),
    # TRANSLATORS: states gallery, a state of the Payments page: nothing left to pay.
    State("payments-nothing-to-pay", PAYMENTS, PAYMENTS, _l("Nothing to pay"), partial(
        listing, every_group(with_unpaid=False))),
    # TRANSLATORS: states gallery, a state of the Payments page: one group of bills, a page
    # at a time.
    State("payments-group", PAYMENTS, PAYMENTS, _l("Paid bills, page 2 of 3"), one_group),
    # TRANSLATORS: states gallery, the page asking to confirm a bill's cancellation.
    State("payments-cancel", PAYMENTS, _l("Cancel the bill?"), _l("As first opened"),
          confirm_cancel),
    # TRANSLATORS: states gallery, a state of the Payments page: a bill was just cancelled.
    State("payments-cancelled", PAYMENTS, PAYMENTS, _l("Bill cancelled"), cancelled),
    # TRANSLATORS: states gallery, a state of the Payments page: cancelling was refused
    # because the bank paid the bill first.
    State("payments-cancel-refused", PAYMENTS, PAYMENTS, _l("Cancel refused: paid meanwhile "
                                                             "(409)"), cancel_refused),
    # TRANSLATORS: states gallery, a state of a receipt: the bill is paid.
    State("payments-receipt", PAYMENTS, RECEIPT, _l("Paid"), partial(receipt, BillStatus.PAID)),
    # TRANSLATORS: states gallery, a state of a receipt: the paid bill was refunded.
    State("payments-receipt-refunded", PAYMENTS, RECEIPT, _l("Refunded"),
          partial(receipt, BillStatus.REFUNDED)),
    # TRANSLATORS: states gallery, a state of a receipt: the refund is on its way.
    State("payments-receipt-refunding", PAYMENTS, RECEIPT, _l("Refund in progress"),
          partial(receipt, BillStatus.REFUNDING)),
    # TRANSLATORS: states gallery, a state of a receipt: the bill was never paid (404).
    State("payments-no-receipt", PAYMENTS, RECEIPT, _l("Bill not paid (404)"), no_receipt),
]
