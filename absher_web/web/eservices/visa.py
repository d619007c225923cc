"""إمداد تأشيرة الزيارة: check a visitor's extension (the fee and the new expiry), then
confirm it (services/eservices/visa.py)."""

from __future__ import annotations

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from absher_web import dates
from absher_web.extensions import client_address, db
from absher_web.forms.eservices import ConfirmExtensionForm, VisitorForm
from absher_web.models import utcnow
from absher_web.services.eservices import visa
from absher_web.services.policies import current_policies
from absher_web.web.eservices.base import Action, Done, EService, Refused, Show


def name_in_page_language(record) -> str:  # noqa: ANN001 (a Sponsorship)
    return record.name_ar if str(get_locale()) == "ar" else record.name_en


def refusal_text(refused: visa.Refused) -> str:
    """Each refusal in words, naming the visitor, the dates and the settings' numbers."""
    policy = current_policies().eservices
    values = {"name": name_in_page_language(refused.visitor),
              "date": dates.both(refused.on) if refused.on else ""}
    record = refused.visitor
    texts = {
        # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s
        # is the sponsored person's full name; %(date)s is a date written in Gregorian and
        # Hijri.
        visa.Refusal.EXPIRED: lambda: _(
            "The visit visa of %(name)s expired on %(date)s. An expired visa cannot be "
            "extended online: visit a Passports office.", **values),
        # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s
        # is the sponsored person's full name; %(num)s is how many days before expiry an
        # extension may be asked for (a setting); %(date)s is the first such day, written in
        # Gregorian and Hijri.
        visa.Refusal.TOO_EARLY: lambda: ngettext(
            "The visit visa of %(name)s can be extended only in the last %(num)s day before "
            "it expires: from %(date)s.",
            "The visit visa of %(name)s can be extended only in the last %(num)s days before "
            "it expires: from %(date)s.", policy.visa_extension_window_days, **values),
        # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s
        # is the sponsored person's full name.
        visa.Refusal.ENTRY_UNKNOWN: lambda: _(
            "The day %(name)s entered the Kingdom is not recorded, so the stay cannot be "
            "counted. Visit a Passports office to extend the visa.", **values),
        # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s
        # is the sponsored person's full name; %(num)s is the longest stay on a visit visa, in
        # days (a setting); %(date)s is the day they entered, written in Gregorian and Hijri.
        visa.Refusal.MAX_STAY: lambda: ngettext(
            "%(name)s already has the longest stay a visit visa allows: %(num)s day from "
            "entry on %(date)s.",
            "%(name)s already has the longest stay a visit visa allows: %(num)s days from "
            "entry on %(date)s.", policy.visa_max_stay_days, **values),
        # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s
        # is the sponsored person's full name; %(date)s is a date written in Gregorian and
        # Hijri.
        visa.Refusal.NO_INSURANCE: lambda: _(
            "No health insurance is recorded for %(name)s. It must be valid until %(date)s, "
            "the new expiry of the visa.", **values),
        # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s
        # is the sponsored person's full name; %(ends)s is a date written in Gregorian and
        # Hijri; %(date)s is a date written in Gregorian and Hijri.
        visa.Refusal.INSURANCE_SHORT: lambda: _(
            "The health insurance of %(name)s ends on %(ends)s. It must be valid until "
            "%(date)s, the new expiry of the visa.",
            ends=dates.both(record.health_insurance_expiry), **values),
        # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s
        # is the sponsored person's full name.
        visa.Refusal.CHANGED: lambda: _(
            "The visa of %(name)s has changed since you checked it. Check the extension "
            "again.", **values),
    }
    return texts[refused.reason]()


def check(form, account) -> Show | Refused:  # noqa: ANN001 (EService.enquire)
    result = visa.quote(db.session, current_policies().eservices, account, form.item.data,
                        utcnow())
    if isinstance(result, visa.Refused):
        return Refused(refusal_text(result), "item")
    confirm = ConfirmExtensionForm(formdata=None, item=result.visitor.id,
                                   new_expiry=result.new_expiry)
    return Show({"quote": result, "confirm_form": confirm})


def confirm(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    result = visa.extend(db.session, current_policies().eservices, account, form.item.data,
                         form.new_expiry.data, utcnow(), client_address())
    if isinstance(result, visa.Refused):
        return Refused(refusal_text(result))
    record = result.sponsorship
    # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة). %(name)s is
    # the sponsored person's full name; %(date)s is a date written in Gregorian and Hijri.
    return Done(_("The visit visa of %(name)s is extended until %(date)s. We have sent you "
                  "a text message.", name=name_in_page_language(record),
                  date=dates.both(result.new_expiry)))


def overview(account) -> dict:  # noqa: ANN001 (EService.overview)
    policy = current_policies().eservices
    return {"visitors": visa.visitors_of(db.session, account),
            "extensions": visa.extensions_of(db.session, account), "policy": policy}


SERVICE = EService(
    slug="visit-visa-extension",
    title=_l("Visit visa extension"),
    summary=_l("Extend the visit visa of a visitor you sponsor: see the fee and the new "
               "expiry before you confirm."),
    explanation=_l("Once your account is activated, this service extends the visit visas of "
                   "visitors you sponsor. Activate it in one of these ways:"),
    template="eservices/visa.html",
    enquire=check,
    # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة); a heading, a
    # button or an entry in the holder's security activity.
    events={visa.AUDIT_KIND: _l("Visit visa extended")},
    form=VisitorForm,
    overview=overview,
    actions=(Action("confirm", ConfirmExtensionForm, confirm),),
)
