"""The family record on marriage (سجل الأسرة عند الزواج) and the new family record for
mothers (سجل أسرة جديد للأمهات): each page lists its conditions, met or not (each unmet one
saying what to do), the Apply button once all are met, the request's state and the record
issued. A record's own page is for its head and its members only (404 for anyone else).
The rules are in services/family_records.py."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from flask_login import current_user

from absher_web.extensions import client_address, db
from absher_web.forms.common import ConfirmForm
from absher_web.models import FamilyRecordKind, utcnow
from absher_web.services import family_records, requests
from absher_web.services.acting_for import ADULT_AGE
from absher_web.services.family_records import Check, Condition, Refusal
from absher_web.web.family import RELATION_NAMES
from absher_web.web.flow import render_step
from absher_web.web.guards import require_active_account

bp = Blueprint("family_records", __name__, url_prefix="/<lang_code>/account/family/records")


@dataclass(frozen=True)
class Page:
    kind: FamilyRecordKind
    endpoint: str
    title: LazyString
    summary: LazyString
    explanation: LazyString


PAGES = {
    FamilyRecordKind.MARRIAGE: Page(
        FamilyRecordKind.MARRIAGE, "family_records.marriage",
        family_records.MARRIAGE_TITLE,
        _l("After your marriage is recorded in the civil registry, apply for your family "
           "record: it lists you as the head of the family, your wife and your children. "
           "A later marriage adds your new wife to the record you have."),
        _l("Once your account is activated, you can apply here for your family record "
           "after your marriage. Activate it in one of these ways:")),
    FamilyRecordKind.MOTHER: Page(
        FamilyRecordKind.MOTHER, "family_records.mother",
        family_records.MOTHER_TITLE,
        _l("A divorced or widowed Saudi mother applies here for a family record of her own, "
           "listing the children in her custody."),
        _l("Once your account is activated, you can apply here, as a mother, for a family "
           "record of your own. Activate it in one of these ways:")),
}
# TRANSLATORS: The heading of a family record's own page (سجل الأسرة).
RECORD_TITLE = _l("Family record")
RECORD_EXPLANATION = _l("Once your account is activated, your family record is shown here. "
                        "Activate it in one of these ways:")


def condition_text(kind: FamilyRecordKind, condition: str) -> str:
    """What a condition asks, as a line of the page's list."""
    if condition == Condition.CITIZEN:
        # TRANSLATORS: A condition of the family record services, met or not.
        return _("You are a Saudi citizen.")
    if condition == Condition.ADULT:
        # TRANSLATORS: A condition of the family record on marriage. %(num)s is the age of
        # adulthood in years (18).
        return ngettext("You are at least %(num)s year old.",
                        "You are at least %(num)s years old.", ADULT_AGE)
    if condition == Condition.MARRIED:
        # TRANSLATORS: A condition of the family record on marriage.
        return _("Your marriage is recorded in the civil registry.")
    if condition == Condition.MARRIAGE_ENDED:
        # TRANSLATORS: A condition of the new family record for mothers.
        return _("Your last marriage has ended, by divorce or by your husband's death.")
    if condition == Condition.CHILDREN:
        # TRANSLATORS: A condition of the new family record for mothers. %(num)s is the age
        # of adulthood in years (18).
        return ngettext("At least one of your children under %(num)s year old is in your "
                        "custody.", "At least one of your children under %(num)s years old "
                        "is in your custody.", ADULT_AGE)
    if kind is FamilyRecordKind.MARRIAGE:
        # TRANSLATORS: A condition of the family record on marriage.
        return _("Your wife is not on a family record of yours yet.")
    # TRANSLATORS: A condition of the new family record for mothers.
    return _("You do not have a family record of your own yet.")


def refusal_text(checked: Check, refusal: str) -> str:
    """Why a condition is not met, and what to do about it."""
    if refusal == Refusal.NOT_CITIZEN:
        # TRANSLATORS: A refusal of the family record services.
        return _("Family records are issued to Saudi citizens only. A resident's family is "
                 "recorded with the Passports department, through their iqamas.")
    if refusal == Refusal.MINOR:
        # TRANSLATORS: A refusal of the family record on marriage. %(num)s is the age of
        # adulthood in years (18).
        return ngettext("You must be at least %(num)s year old to head a family record. "
                        "Until then you are listed on your father's record.",
                        "You must be at least %(num)s years old to head a family record. "
                        "Until then you are listed on your father's record.", ADULT_AGE)
    if refusal == Refusal.NO_MARRIAGE:
        # TRANSLATORS: A refusal of the family record on marriage. The marriage registrar
        # is the ma'thoun (المأذون).
        return _("Your marriage is not in the civil registry. Ask the marriage registrar or "
                 "the court that wrote your marriage contract to register it with Civil "
                 "Affairs, then apply again.")
    if refusal == Refusal.ALREADY_ISSUED and checked.kind is FamilyRecordKind.MARRIAGE:
        # TRANSLATORS: A refusal of the family record on marriage. %(number)s is the
        # record's number.
        return _("Your family record %(number)s already lists every wife the civil registry "
                 "holds for you. A newborn joins it through birth registration; to correct "
                 "it, visit a Civil Affairs office.", number=checked.record.number
                 if checked.record else "")
    if refusal == Refusal.ALREADY_ISSUED:
        # TRANSLATORS: A refusal of the new family record for mothers. %(number)s is the
        # record's number.
        return _("You already have a family record of your own, number %(number)s. To "
                 "correct it, visit a Civil Affairs office.",
                 number=checked.record.number if checked.record else "")
    if refusal == Refusal.NEVER_MARRIED:
        # TRANSLATORS: A refusal of the new family record for mothers.
        return _("No marriage of yours is in the civil registry. If your marriage or its end "
                 "is missing, ask the court that recorded it to register it with Civil "
                 "Affairs, then apply again.")
    if refusal == Refusal.STILL_MARRIED:
        # TRANSLATORS: A refusal of the new family record for mothers.
        return _("The civil registry shows you as married, so you are listed on your "
                 "husband's family record. If your marriage has ended, ask the court that "
                 "recorded the divorce to register it with Civil Affairs (a death is "
                 "registered by Civil Affairs), then apply again.")
    # TRANSLATORS: A refusal of the new family record for mothers. %(num)s is the age of
    # adulthood in years (18).
    return ngettext("No child of yours under %(num)s year old is in your custody in the civil "
                    "registry. If a court gave you custody, ask it to send the custody deed "
                    "to Civil Affairs, then apply again.",
                    "No child of yours under %(num)s years old is in your custody in the "
                    "civil registry. If a court gave you custody, ask it to send the custody "
                    "deed to Civil Affairs, then apply again.", ADULT_AGE)


def reason_text(service: str, code: str | None) -> str:
    return requests.KINDS[service].reason_text(code)


def render_service(page: Page, checked: Check, status: int = 200, failed: bool = False,
                   record=None, **context):  # noqa: ANN001 (a RecordView)
    """The page of one service, whole or (for htmx) its step."""
    refusals = [refusal_text(checked, code) for code in checked.refusals]
    return render_step("account/family_record.html", status, page=page, checked=checked,
                       form=ConfirmForm(formdata=None), failed=failed,
                       summary=[(None, text) for text in refusals] if failed else [],
                       relation_names=RELATION_NAMES,
                       condition_text=condition_text, refusal_text=refusal_text,
                       reason_text=reason_text, service=family_records.SERVICES[page.kind],
                       view=record, **context)


def _service(kind: FamilyRecordKind):
    page, account, now = PAGES[kind], current_user.account, utcnow()
    if request.method == "POST":
        form = ConfirmForm()
        if form.validate_on_submit():
            result = family_records.apply(db.session, account, kind, now, client_address())
            if isinstance(result, family_records.Applied):
                return redirect(url_for(page.endpoint), 303)
            return _show(page, result, 422, failed=True)
    return _show(page, family_records.check(db.session, account, kind, now))


def _show(page: Page, checked: Check, status: int = 200, failed: bool = False):
    view = family_records.describe(db.session, checked.record) if checked.record else None
    return render_service(page, checked, status, failed, record=view)


@bp.route("/marriage", methods=["GET", "POST"])
@require_active_account(PAGES[FamilyRecordKind.MARRIAGE].title,
                        PAGES[FamilyRecordKind.MARRIAGE].explanation)
def marriage():
    return _service(FamilyRecordKind.MARRIAGE)


@bp.route("/mother", methods=["GET", "POST"])
@require_active_account(PAGES[FamilyRecordKind.MOTHER].title,
                        PAGES[FamilyRecordKind.MOTHER].explanation)
def mother():
    return _service(FamilyRecordKind.MOTHER)


def render_record(view, status: int = 200, **context):  # noqa: ANN001 (a RecordView)
    return render_step("account/family_record_view.html", status, view=view,
                       relation_names=RELATION_NAMES, **context)


@bp.get("/<number>")
@require_active_account(RECORD_TITLE, RECORD_EXPLANATION)
def record(number: str):
    found = family_records.record_for(db.session, number, current_user.account.national_id)
    if found is None:
        abort(404)
    return render_record(family_records.describe(db.session, found))
