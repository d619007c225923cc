"""Absher Passports (أبشر جوازات): the holder's passport and their minors', what they may
do, the request (validity, delivery, the fee, the confirmation) and where it stands, its
bill. Someone the holder may not act for: 403. The rules are in services/passports.py;
withdrawing goes through My requests (web/my_requests.py)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web.extensions import client_address, db
from absher_web.forms.messages import message
from absher_web.forms.passports import DELIVERY_CHOICES, PassportConfirmForm, PassportForm
from absher_web.identity import is_valid_national_id
from absher_web.models import utcnow
from absher_web.services import passports
from absher_web.services.acting_for import ActingRefused, Refusal
from absher_web.services.passports import Delivery, Quote, Standing
from absher_web.services.policies import current_policies
from absher_web.web.flow import render_step
from absher_web.web.guards import require_active_account

bp = Blueprint("passports", __name__, url_prefix="/<lang_code>/account/passports")

TITLE = passports.TITLE
EXPLANATION = _l("Once your account is activated, you can issue or renew your passport and "
                 "your children's here. Activate it in one of these ways:")
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's list of recent security activity: the holder
    # requested a passport (their own or a child's).
    passports.AUDIT_KIND: _l("Passport requested"),
}
DELIVERY_NAMES = {choice.value: choice.label for choice in DELIVERY_CHOICES}


class Mode:
    """What a person's page shows."""

    FORM = "form"  # the validity and delivery
    REVIEW = "review"  # the fee before confirming
    STATE = "state"  # a refusal, or where the request stands


def _policy():
    return current_policies().eservices


def render_list(people: list[Standing], status: int = 200, **context):
    return render_template("account/passports.html", people=people, policy=_policy(),
                           title=TITLE, now=context.pop("now", None) or utcnow(),
                           delivery_names=DELIVERY_NAMES, **context), status


def render_person(found: Standing, mode: str, *, status: int = 200, form=None,  # noqa: ANN001
                  quote: Quote | None = None, changed: bool = False, now=None,  # noqa: ANN001
                  **context):
    """A person's page, whole or (for htmx) its step."""
    return render_step("account/passport.html", status, found=found, mode=mode,
                       form=form or PassportForm(formdata=None), quote=quote, changed=changed,
                       policy=_policy(), delivery_names=DELIVERY_NAMES, now=now or utcnow(),
                       title=TITLE, **context)


def _standing(person_id: str) -> Standing:
    if not is_valid_national_id(person_id or ""):
        raise ActingRefused(Refusal.NO_LINK)  # never sent to the database
    return passports.standing_of(db.session, _policy(), current_user.account, person_id,
                                 utcnow())


def _mode(found: Standing) -> str:
    return Mode.STATE if found.refusal is not None else Mode.FORM


@bp.get("")
@require_active_account(TITLE, EXPLANATION)
def page():
    return render_list(passports.people_of(db.session, _policy(), current_user.account,
                                           utcnow()))


def _quote(form: PassportForm, found: Standing) -> Quote:
    return passports.quote(_policy(), found, int(form.years.data), Delivery(form.delivery.data),
                           form.office_city.data or None)


def _too_young(form: PassportForm) -> None:
    form.years.errors = [*form.years.errors, message(
        "passport_ten_years_age", age=_policy().passport_ten_years_min_age)]


@bp.route("/<person_id>", methods=["GET", "POST"])
@require_active_account(TITLE, EXPLANATION)
def person(person_id: str):
    found = _standing(person_id)
    if request.method == "GET" or found.refusal is not None:
        return render_person(found, _mode(found))
    form = PassportForm()
    if not form.validate_on_submit():
        return render_person(found, Mode.FORM, status=422, form=form)
    try:
        return render_person(found, Mode.REVIEW, form=form, quote=_quote(form, found))
    except passports.TooYoung:
        _too_young(form)
        return render_person(found, Mode.FORM, status=422, form=form)


@bp.post("/<person_id>/confirm")
@require_active_account(TITLE, EXPLANATION)
def confirm(person_id: str):
    found = _standing(person_id)
    if found.refusal is not None:
        return redirect(url_for(".person", person_id=person_id), 303)
    form = PassportConfirmForm()
    if not form.validate_on_submit():
        return render_person(found, Mode.FORM, status=422, form=form)
    if "change" in request.form:
        return render_person(found, Mode.FORM, form=form)
    try:
        result = passports.request_passport(
            db.session, _policy(), current_user.account, person_id, int(form.years.data),
            Delivery(form.delivery.data), form.office_city.data or None, form.seen_fee(),
            utcnow(), client_address())
    except passports.TooYoung:
        _too_young(form)
        return render_person(found, Mode.FORM, status=422, form=form)
    except passports.Refused as refused:
        return render_person(refused.standing, Mode.STATE, status=409)
    if isinstance(result, passports.Changed):
        return render_person(found, Mode.REVIEW, form=form, quote=result.quote, changed=True)
    return redirect(url_for(".person", person_id=person_id), 303)
