"""Birth registration (تسجيل المواليد): the births hospitals notified naming the holder as
the father; for each, the first name and delivery, the review, the confirmation, then the
request (its bill, the officer, the child's ID). Residents are told to visit a Civil
Affairs office. A notification that does not name the holder: 404; naming them as the
mother: 403 (the father registers). The rules are in services/births.py."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web.extensions import client_address, db
from absher_web.forms.births import DELIVERY_CHOICES, BirthConfirmForm, BirthNameForm
from absher_web.forms.common import ConfirmForm
from absher_web.models import Person, utcnow
from absher_web.services import births, births_registry, requests
from absher_web.services.births import Delivery, Notified, Quote
from absher_web.services.policies import current_policies
from absher_web.web.flow import render_step
from absher_web.web.guards import require_active_account

bp = Blueprint("births", __name__, url_prefix="/<lang_code>/account/family/births")

TITLE = births.TITLE
EXPLANATION = _l("Once your account is activated, you can register your newborn here from "
                 "the hospital's birth notification. Activate it in one of these ways:")
# How birth registration's own events read in the holder's security activity.
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's list of recent security activity: the holder
    # registered their newborn's birth (the child got an ID number).
    births_registry.CHILD_AUDIT_KIND: _l("Newborn's birth registered"),
    # TRANSLATORS: An event in the account's list of recent security activity: a birth
    # registration's delivery fee (or its whole bill) is being refunded.
    "birth_fee_refunded": _l("Birth registration fee refunded"),
}
DELIVERY_NAMES = {choice.value: choice.label for choice in DELIVERY_CHOICES}


class Mode:
    """What the notification's page shows."""

    FORM = "form"  # the first name and delivery
    REVIEW = "review"  # the summary before confirming
    REQUEST = "request"  # where the request stands
    OFFICE = "office"  # a resident: register at an office


def _policy():
    return current_policies().eservices


def reason_text(code: str | None) -> str:
    return requests.KINDS[births.SERVICE].reason_text(code)


def render_list(notified: list[Notified], citizen: bool, status: int = 200, **context):
    return render_template("account/births.html", notified=notified, citizen=citizen,
                           policy=_policy(), title=TITLE, **context), status


def render_birth(notified: Notified, mode: str, *, father: Person, mother: Person | None,
                 status: int = 200, form=None, quote: Quote | None = None,  # noqa: ANN001
                 changed: bool = False, now=None, **context):  # noqa: ANN001
    """The notification's page, whole or (for htmx) its step."""
    rest = births_registry.four_part_name(db.session, father, "", "") \
        if mode == Mode.FORM and "rest" not in context else context.pop("rest", None)
    return render_step("account/birth.html", status, notified=notified, mode=mode,
                       form=form or BirthNameForm(formdata=None), quote=quote,
                       changed=changed, mother=mother, rest=rest, policy=_policy(),
                       delivery_names=DELIVERY_NAMES, reason_text=reason_text,
                       action_form=ConfirmForm(formdata=None), now=now or utcnow(), title=TITLE,
                       refund_days=births.REFUND_DAYS, **context)


def _notified(number: str) -> tuple[Notified, Person, Person | None]:
    account = current_user.account
    try:
        notification = births.notification_for(db.session, account, number)
    except births.NotNamed:
        abort(404)
    found = births.describe(db.session, _policy(), notification, utcnow())
    return found, account.person, db.session.get(Person, notification.mother_id)


def _show(number: str, status: int = 200, mode: str | None = None, **context):
    notified, father, mother = _notified(number)
    if not births.is_citizen(current_user.account):
        mode = Mode.OFFICE
    elif notified.request is not None or notified.child is not None:
        mode = Mode.REQUEST
    return render_birth(notified, mode or Mode.FORM, father=father, mother=mother,
                        status=status, **context)


@bp.get("")
@require_active_account(TITLE, EXPLANATION)
def page():
    account = current_user.account
    citizen = births.is_citizen(account)
    found = births.notifications_of(db.session, _policy(), account, utcnow()) if citizen \
        else []
    return render_list(found, citizen)


def _quote(form: BirthNameForm, notified: Notified) -> Quote:
    return births.quote(db.session, _policy(), current_user.account, notified.notification,
                        form.first_name_ar.data, form.first_name_en.data,
                        Delivery(form.delivery.data), utcnow())


@bp.route("/<number>", methods=["GET", "POST"])
@require_active_account(TITLE, EXPLANATION)
def notification(number: str):
    if request.method == "GET":
        return _show(number)
    notified, father, mother = _notified(number)
    if not births.is_citizen(current_user.account) or notified.request is not None:
        return _show(number)
    form = BirthNameForm()
    if not form.validate_on_submit():
        return render_birth(notified, Mode.FORM, father=father, mother=mother, status=422,
                            form=form)
    return render_birth(notified, Mode.REVIEW, father=father, mother=mother,
                        form=form, quote=_quote(form, notified))


@bp.post("/<number>/confirm")
@require_active_account(TITLE, EXPLANATION)
def confirm(number: str):
    notified, father, mother = _notified(number)
    if not births.is_citizen(current_user.account):
        return _show(number)
    if notified.request is not None:  # confirmed before (another tab, another device)
        return redirect(url_for("births.notification", number=number), 303)
    form = BirthConfirmForm()
    if not form.validate_on_submit():
        return render_birth(notified, Mode.FORM, father=father, mother=mother, status=422,
                            form=form)
    if "change" in request.form:
        return render_birth(notified, Mode.FORM, father=father, mother=mother, form=form)
    result = births.register(db.session, _policy(), current_user.account, number,
                             form.first_name_ar.data, form.first_name_en.data,
                             Delivery(form.delivery.data), form.seen_total(), utcnow(),
                             client_address())
    if isinstance(result, births.Changed):
        return render_birth(notified, Mode.REVIEW, father=father, mother=mother, form=form,
                            quote=result.quote, changed=True)
    return redirect(url_for("births.notification", number=number), 303)


@bp.post("/<number>/bill")
@require_active_account(TITLE, EXPLANATION)
def new_bill(number: str):
    _notified(number)
    if ConfirmForm().validate_on_submit() and births.is_citizen(current_user.account):
        births.new_bill(db.session, _policy(), current_user.account, number, utcnow())
    return redirect(url_for("births.notification", number=number), 303)
