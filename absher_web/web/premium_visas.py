"""Visas for Premium Residency holders (تأشيرات حاملي الإقامة المميزة): the holder's visit
visa requests and the form for a new one; its review with the fee; then the request's own
page (its bill, the officer's decision, the visa number). Someone without a valid Premium
Residency is told which rule stops them. Another holder's request number answers 404. The
rules are in services/premium_visas.py."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, url_for
from flask import request as http_request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from absher_web import dates
from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.forms.premium_visas import (
    PremiumVisaConfirmForm,
    PremiumVisaForm,
    passport_format_message,
)
from absher_web.models import ServiceRequest, utcnow
from absher_web.nationalities import nationality_name
from absher_web.services import premium_visas as rules
from absher_web.services import requests
from absher_web.services.policies import current_policies
from absher_web.services.premium_visas import Refusal, Refused
from absher_web.web import my_requests
from absher_web.web.flow import render_step
from absher_web.web.guards import require_active_account

bp = Blueprint("premium_visas", __name__,
               url_prefix="/<lang_code>/account/premium-residency/visas")

TITLE = rules.TITLE
EXPLANATION = _l("Once your account is activated, Premium Residency holders request visit "
                 "visas for their relatives here. Activate it in one of these ways:")
# How the service's own events read in the holder's security activity.
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's list of recent security activity: a Passports
    # officer issued the visit visa a Premium Residency holder asked for a relative.
    rules.ISSUED_AUDIT_KIND: _l("Visit visa issued for a relative"),
}
TEMPLATE = "account/premium_visas.html"
# Where each refusal is shown: next to its field, or (None) above the form.
REFUSAL_FIELDS = {Refusal.RELATION: "relation", Refusal.PASSPORT_FORMAT: "passport"}


class Mode:
    OFFICE = "office"  # not a holder, or the residency expired: no form
    FORM = "form"
    REVIEW = "review"
    REQUEST = "request"  # one request's page


def _policy():
    return current_policies().eservices


def refusal_text(refused: Refused) -> str:
    """Each refusal in words: the rule, and what to do."""
    residency = refused.residency
    if refused.reason is Refusal.NOT_HOLDER:
        # TRANSLATORS: On Visas for Premium Residency holders, for someone the Premium
        # Residency Center does not record as a holder.
        return _("This service is for Premium Residency holders, and the Premium Residency "
                 "Center has no valid Premium Residency in your name. Relatives of other "
                 "residents visit on a family visit visa the sponsor requests.")
    if refused.reason is Refusal.EXPIRED:
        # TRANSLATORS: On Visas for Premium Residency holders. %(date)s is the day the
        # holder's limited (yearly) Premium Residency expired, Gregorian and Hijri.
        return _("Your Premium Residency expired on %(date)s. Renew it with the Premium "
                 "Residency Center, then request the visa again.",
                 date=dates.both(residency.expires_on) if residency and residency.expires_on
                 else "")
    if refused.reason is Refusal.RELATION:
        # TRANSLATORS: On Visas for Premium Residency holders, beside the relation chosen.
        return _("A Premium Residency holder's visit visa is for a parent, husband or wife, "
                 "son, daughter, brother, sister or grandparent. Other relatives and friends "
                 "can apply for a tourist visa themselves.")
    if refused.reason is Refusal.PASSPORT_FORMAT:
        return passport_format_message()
    if refused.reason is Refusal.TOO_MANY_OPEN:
        limit = _policy().premium_visa_open_max
        # TRANSLATORS: On Visas for Premium Residency holders. %(num)s is how many requests
        # may wait for payment or a decision at once (a setting).
        return ngettext("You already have %(num)s visit visa request waiting for payment or "
                        "a decision, the most allowed at once. Wait for a decision, or "
                        "withdraw one under My requests.",
                        "You already have %(num)s visit visa requests waiting for payment or "
                        "a decision, the most allowed at once. Wait for a decision, or "
                        "withdraw one under My requests.", limit)
    if refused.reason is Refusal.ALREADY_OPEN:
        # TRANSLATORS: On Visas for Premium Residency holders. %(number)s is the number of the
        # request already open for the same passport.
        return _("A visit visa request for this passport is already open: request "
                 "%(number)s. Follow it under My requests, or withdraw it first.",
                 number=refused.request.number if refused.request else "")
    # TRANSLATORS: On the review of a visit visa request, when the fee changed since the
    # holder saw it.
    return _("The fee has changed since you checked it. Check the request again before you "
             "confirm.")


def reason_text(code: str | None) -> str:
    return requests.KINDS[rules.SERVICE].reason_text(code)


def render_page(mode: str, status: int = 200, *, form=None, quote=None,  # noqa: ANN001
                refused: Refused | None = None, asked: ServiceRequest | None = None,
                found: list | None = None, now=None, bill=None, **context):  # noqa: ANN001
    """The service's page, whole or (for htmx) its step."""
    problems = [] if refused is None or refused.reason in REFUSAL_FIELDS else [
        (None, refusal_text(refused))]
    return render_step(
        TEMPLATE, status, mode=mode, form=form or PremiumVisaForm(formdata=None), quote=quote,
        refused=refused, refusal_text=refusal_text, problems=problems, asked=asked,
        found=found or [], now=now or utcnow(), title=TITLE, policy=_policy(),
        relation_names=rules.RELATION_NAMES, purpose_names=rules.PURPOSE_NAMES,
        entry_names=rules.ENTRY_NAMES, nationality_name=nationality_name,
        reason_text=reason_text, action_form=ConfirmForm(formdata=None),
        status_names=my_requests.STATUS_NAMES, visa_issued_on=_issued_on(asked), bill=bill,
        **context)


def _issued_on(asked: ServiceRequest | None) -> date | None:
    text = (asked.details or {}).get("visa_issued_on") if asked is not None else None
    return date.fromisoformat(text) if isinstance(text, str) else None


def with_refusal(form: PremiumVisaForm, refused: Refused) -> PremiumVisaForm:
    """The form with the refusal beside its field (when it has one)."""
    field = REFUSAL_FIELDS.get(refused.reason)
    if field:
        form[field].errors = [*form[field].errors, refusal_text(refused)]
    return form


def _refused_form(form: PremiumVisaForm, refused: Refused):
    return render_page(Mode.FORM, 422, form=with_refusal(form, refused), refused=refused,
                       found=rules.requests_of(db.session, current_user.account))


@bp.get("")
@require_active_account(TITLE, EXPLANATION)
def page():
    account = current_user.account
    refused = rules.holder_refusal(db.session, account, utcnow())
    found = rules.requests_of(db.session, account)
    if refused is not None:
        return render_page(Mode.OFFICE, refused=refused, found=found)
    return render_page(Mode.FORM, found=found)


@bp.post("")
@require_active_account(TITLE, EXPLANATION)
def check():
    account = current_user.account
    form = PremiumVisaForm()
    if not form.validate_on_submit():
        return render_page(Mode.FORM, 422, form=form,
                           found=rules.requests_of(db.session, account))
    result = rules.quote(db.session, _policy(), account, form.relative(), utcnow())
    if isinstance(result, Refused):
        if result.reason in (Refusal.NOT_HOLDER, Refusal.EXPIRED):
            return render_page(Mode.OFFICE, 403, refused=result)
        return _refused_form(form, result)
    return render_page(Mode.REVIEW, form=form, quote=result)


@bp.post("/confirm")
@require_active_account(TITLE, EXPLANATION)
def confirm():
    account = current_user.account
    form = PremiumVisaConfirmForm()
    if not form.validate_on_submit():
        return render_page(Mode.FORM, 422, form=form,
                           found=rules.requests_of(db.session, account))
    if "change" in http_request.form:
        return render_page(Mode.FORM, form=form, found=rules.requests_of(db.session, account))
    now = utcnow()
    result = rules.submit(db.session, _policy(), account, form.relative(), form.seen_fee(),
                          now, client_address())
    if isinstance(result, Refused):
        if result.reason is Refusal.CHANGED:
            again = rules.quote(db.session, _policy(), account, form.relative(), now)
            if not isinstance(again, Refused):
                return render_page(Mode.REVIEW, 409, form=form, quote=again, refused=result)
            result = again
        if result.reason in (Refusal.NOT_HOLDER, Refusal.EXPIRED):
            return render_page(Mode.OFFICE, 403, refused=result)
        return _refused_form(form, result)
    return redirect(url_for("premium_visas.request_page", number=result.request.number), 303)


def _own(number: str) -> ServiceRequest:
    found = requests.of_holder_by_number(db.session, current_user.account, number)
    if found is None or found.service != rules.SERVICE:
        abort(404)
    return found


@bp.get("/<number>")
@require_active_account(TITLE, EXPLANATION)
def request_page(number: str):
    asked = _own(number)
    return render_page(Mode.REQUEST, asked=asked, bill=rules.bill_of(db.session, asked))


@bp.post("/<number>/bill")
@require_active_account(TITLE, EXPLANATION)
def new_bill(number: str):
    asked = _own(number)
    if ConfirmForm().validate_on_submit():
        rules.new_bill(db.session, _policy(), current_user.account, asked, utcnow())
    return redirect(url_for("premium_visas.request_page", number=number), 303)
