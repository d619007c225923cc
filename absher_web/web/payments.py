"""The Payments page: the holder's bills by group, cancelling an unpaid one, and the receipt
of each paid or refunded bill (services/payments.py). Signed-in holders only; a bill that
is not theirs is 403, the same whether it exists or not."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_babel import get_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web import dates
from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.models import utcnow
from absher_web.models.bills import Bill, BillStatus
from absher_web.services import issued_documents, payments
from absher_web.services.eservices import NotYours
from absher_web.services.payments import Beneficiary, CancelOutcome, Group
from absher_web.web import inbox
from absher_web.web.flow import render_step
from absher_web.web.guards import signed_in_only

bp = Blueprint("payments", __name__, url_prefix="/<lang_code>/account/payments")

# The Payments page shows (and removes) the number of the bill just cancelled, kept here.
NOTICE_KEY = "payments_cancelled"

# How the holder's acts here read in their security activity (account.EVENT_LABELS).
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's list of recent security activity: the holder
    # cancelled one of their unpaid bills.
    payments.AUDIT_CANCELLED: _l("Unpaid bill cancelled"),
}

GROUP_HEADINGS = {
    # TRANSLATORS: A section heading on the Payments page: bills waiting to be paid.
    Group.UNPAID: _l("Unpaid bills"),
    # TRANSLATORS: A section heading on the Payments page.
    Group.PAID: _l("Paid bills"),
    # TRANSLATORS: A section heading on the Payments page: paid bills whose money is being,
    # or has been, given back.
    Group.REFUNDS: _l("Refunds"),
    # TRANSLATORS: A section heading on the Payments page: bills not paid in time.
    Group.EXPIRED: _l("Expired bills"),
    # TRANSLATORS: A section heading on the Payments page.
    Group.CANCELLED: _l("Cancelled bills"),
}

STATUS_WORDS = {
    # TRANSLATORS: A bill's state, on the Payments page and a receipt.
    BillStatus.UNPAID: lazy_pgettext("bill state", "Unpaid"),
    # TRANSLATORS: A bill's state, on the Payments page and a receipt.
    BillStatus.PAID: lazy_pgettext("bill state", "Paid"),
    # TRANSLATORS: A bill's state: paid, and the money is on its way back to the payer.
    BillStatus.REFUNDING: lazy_pgettext("bill state", "Refund in progress"),
    # TRANSLATORS: A bill's state: paid, and the money was given back to the payer.
    BillStatus.REFUNDED: lazy_pgettext("bill state", "Refunded"),
    # TRANSLATORS: A bill's state: not paid before its expiry.
    BillStatus.EXPIRED: lazy_pgettext("bill state", "Expired"),
    # TRANSLATORS: A bill's state, on the Payments page and a receipt.
    BillStatus.CANCELLED: lazy_pgettext("bill state", "Cancelled"),
}

CANCEL_REFUSALS = {
    # TRANSLATORS: On the Payments page, when the holder tried to cancel a bill that a bank
    # payment reached first. %(number)s is the bill number.
    CancelOutcome.PAID: _l("Bill %(number)s was not cancelled: it has been paid. "
                           "Its receipt is under Paid bills."),
    # TRANSLATORS: On the Payments page, when the holder tried to cancel a bill that expired
    # first. %(number)s is the bill number.
    CancelOutcome.EXPIRED: _l("Bill %(number)s was not cancelled: it has already expired, "
                              "so it can no longer be paid."),
    # TRANSLATORS: On the Payments page, when the holder tried to cancel a bill cancelled
    # before. %(number)s is the bill number.
    CancelOutcome.ALREADY_CANCELLED: _l("Bill %(number)s is already cancelled."),
}


def name_of(beneficiary: Beneficiary) -> str | None:
    return beneficiary.name_ar if str(get_locale()) == "ar" else beneficiary.name_en


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def purpose(bill: Bill, beneficiary: Beneficiary) -> str | None:
    """What the bill pays for, in a sentence; None when its service name says it all."""
    who = name_of(beneficiary) or beneficiary.id
    if bill.service == "visa_extension":
        until = _iso_date((bill.details or {}).get("new_expiry"))
        if until:
            # TRANSLATORS: What a bill pays for. %(name)s is the visitor's name (or border
            # number); %(date)s is a date, Gregorian and Hijri.
            return _("Extending the visit visa of %(name)s until %(date)s.", name=who,
                     date=dates.both(until))
        # TRANSLATORS: What a bill pays for. %(name)s is the visitor's name (or number).
        return _("Extending the visit visa of %(name)s.", name=who)
    if bill.service == "traffic_violation":
        reference = str((bill.details or {}).get("reference") or bill.request_key)[:60]
        # TRANSLATORS: What a bill pays for. %(reference)s is the violation's number.
        return _("The fine of traffic violation %(reference)s.", reference=reference)
    if bill.service == "birth_registration":
        details = bill.details or {}
        number = str(details.get("request") or bill.request_key)[:12]
        if details.get("fine") and details.get("delivery_fee"):
            # TRANSLATORS: What a bill pays for. %(number)s is the birth registration
            # request's 10-digit number.
            return _("The delivery of the birth certificate and the late registration fine "
                     "of request %(number)s.", number=number)
        if details.get("fine"):
            # TRANSLATORS: What a bill pays for. %(number)s is the birth registration
            # request's 10-digit number.
            return _("The late registration fine of birth registration request "
                     "%(number)s.", number=number)
        # TRANSLATORS: What a bill pays for. %(number)s is the birth registration request's
        # 10-digit number.
        return _("The delivery of the birth certificate of request %(number)s to your "
                 "national address.", number=number)
    return None


def described(listed: list[Bill], known: dict[str, Beneficiary]
              ) -> dict[int, tuple[Beneficiary, str | None]]:
    """Each bill's beneficiary and what it pays for, by bill id."""
    return {bill.id: (known.get(bill.beneficiary_id, Beneficiary(bill.beneficiary_id)),
                      purpose(bill, known.get(bill.beneficiary_id,
                                              Beneficiary(bill.beneficiary_id))))
            for bill in listed}


def known_beneficiaries(groups: list[payments.Listed]) -> dict[str, Beneficiary]:
    ids = {bill.beneficiary_id for listed in groups for bill in listed.bills}
    return payments.beneficiaries(db.session, current_user.account, ids)


def render_list(groups: list[payments.Listed], known: dict[str, Beneficiary],
                status: int = 200, notice: str | None = None, refusal: str | None = None,
                single: bool = False, now: datetime | None = None, **extra):
    """The Payments page, or one group of it (``single``): what the gallery renders too
    (with ``extra``: the sign-out form a signed-in page gets from account.sign_out_button)."""
    # TRANSLATORS: The heading and title of the Payments page (the holder's bills).
    title = GROUP_HEADINGS[groups[0].group] if single else _("Payments")
    return render_step("payments/list.html", status, groups=groups, notice=notice,
                       page_title=title, refusal=refusal, single=single,
                       headings=GROUP_HEADINGS, status_words=STATUS_WORDS,
                       described=described([b for g in groups for b in g.bills], known),
                       service_name=payments.service_name, now=now or utcnow(), **extra)


def render_cancel(bill: Bill, beneficiary: Beneficiary, **extra):
    return render_step("payments/cancel.html", 200, bill=bill, form=ConfirmForm(formdata=None),
                       beneficiary=beneficiary, purpose=purpose(bill, beneficiary),
                       service_name=payments.service_name, **extra)


def render_receipt(made: payments.Receipt, **extra):
    return render_step("payments/receipt.html", 200, receipt=made, bill=made.bill,
                       purpose=purpose(made.bill, made.beneficiary), status_words=STATUS_WORDS,
                       service_name=payments.service_name, name_of=name_of, **extra)


def render_no_receipt(bill: Bill, **extra):
    return render_step("payments/no_receipt.html", 404, bill=bill, status_words=STATUS_WORDS,
                       service_name=payments.service_name, **extra)


def cancelled_notice() -> str | None:
    number = session.pop(NOTICE_KEY, None)
    if not isinstance(number, str) or not number.isascii():
        return None
    return cancelled_words(number[:20])


def cancelled_words(number: str) -> str:
    # TRANSLATORS: On the Payments page after the holder cancelled a bill. %(number)s is the
    # bill number.
    return _("Bill %(number)s is cancelled. It can no longer be paid.", number=number)


@bp.get("")
@signed_in_only
def index():
    listed = payments.overview(db.session, current_user.account.id)
    return render_list(listed, known_beneficiaries(listed), notice=cancelled_notice())


@bp.get("/<any(unpaid, paid, refunds, expired, cancelled):group>")
@signed_in_only
def group_page(group: str):
    page = request.args.get("page", 1, type=int)
    listed = [payments.page_of(db.session, current_user.account.id, Group(group), page or 1)]
    return render_list(listed, known_beneficiaries(listed), single=True)


def _own(number: str) -> Bill:
    """The holder's bill, else 403 (another's, or none); 404 for what is no bill number."""
    if len(number) > 40 or not number.isascii() or not number.isdigit():
        abort(404)
    try:
        return payments.own_bill(db.session, current_user.account, number)
    except NotYours:
        abort(403)


def _refused(bill: Bill, outcome: CancelOutcome):
    """The Payments page again (409), saying why the bill was not cancelled."""
    listed = payments.overview(db.session, current_user.account.id)
    return render_list(listed, known_beneficiaries(listed), 409,
                       refusal=refusal_text(bill.number, outcome))


def refusal_text(number: str, outcome: CancelOutcome) -> str:
    return str(CANCEL_REFUSALS[outcome]) % {"number": number}


@bp.route("/<number>/cancel", methods=["GET", "POST"])
@signed_in_only
def cancel(number: str):
    """GET asks to confirm; POST (its CSRF token checked by CSRFProtect) cancels."""
    bill = _own(number)
    if request.method == "POST":
        outcome = payments.cancel_unpaid(db.session, current_user.account, bill.number,
                                         utcnow(), client_address())
        if outcome is CancelOutcome.CANCELLED:
            inbox.keep_shown(cancelled_words(bill.number), "payments.index")
        db.session.commit()
        if outcome is not CancelOutcome.CANCELLED:
            return _refused(bill, outcome)
        session[NOTICE_KEY] = bill.number
        return redirect(url_for(".index"), 303)
    if bill.status is not BillStatus.UNPAID or bill.expires_at <= utcnow():
        return _refused(bill, payments.cancel_refusal(bill))
    return render_cancel(bill, payments.beneficiaries(
        db.session, current_user.account, {bill.beneficiary_id})[bill.beneficiary_id])


@bp.get("/<number>/receipt")
@signed_in_only
def receipt(number: str):
    bill = _own(number)
    made = payments.receipt(db.session, current_user.account, bill)
    if made is None:
        return render_no_receipt(bill)
    return render_receipt(made, document=issued_documents.latest_for(
        db.session, issued_documents.Kind.PAYMENT, bill.id))
