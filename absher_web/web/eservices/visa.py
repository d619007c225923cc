"""إمداد تأشيرة الزيارة: check a visitor's extension (the fee and the new expiry), then
confirm it, which issues its bill; the visa is extended once a bank pays it
(services/eservices/visa.py)."""

from __future__ import annotations

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from absher_web import dates
from absher_web.extensions import client_address, db
from absher_web.forms.eservices import ConfirmExtensionForm, VisitorForm
from absher_web.models import Bill, utcnow
from absher_web.services.eservices import visa
from absher_web.services.policies import current_policies
from absher_web.web.eservices.base import Action, Done, EService, Refused, Show, own_record


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
    result = visa.bill(db.session, current_policies().eservices, account, form.item.data,
                       form.new_expiry.data, utcnow(), client_address())
    if isinstance(result, visa.Refused):
        return Refused(refusal_text(result))
    return Done("billed", {"bill": result.id})


def billed(account, bill: object) -> str | None:  # noqa: ANN001 (EService.notices)
    issued = own_record(Bill, bill, account)
    record = visa.visitor_of_bill(db.session, issued) \
        if issued is not None and issued.service == visa.SERVICE else None
    if record is None:
        return None
    return billed_text(record)


def billed_text(record) -> str:  # noqa: ANN001 (a Sponsorship)
    # TRANSLATORS: On the visit visa extension e-service, once the sponsor confirmed an
    # extension; the bill, with its number and how to pay it, follows on the page. %(name)s
    # is the sponsored person's full name.
    return _("The bill for extending the visit visa of %(name)s is issued. The visa is "
             "extended once it is paid.", name=name_in_page_language(record))


def once_paid() -> str:
    # TRANSLATORS: On the visit visa extension e-service, under a bill waiting to be paid.
    return _("The visa is extended as soon as your bank's payment reaches us, and we will "
             "text you.")


def overview(account) -> dict:  # noqa: ANN001 (EService.overview)
    policy, now = current_policies().eservices, utcnow()
    open_bills, settled = visa.bills_of(db.session, account, now)
    return {"visitors": visa.visitors_of(db.session, account),
            "extensions": visa.extensions_of(db.session, account), "policy": policy,
            "open_bills": open_bills, "settled_bills": settled, "now": now,
            "once_paid": once_paid()}


SERVICE = EService(
    slug="visit-visa-extension",
    title=_l("Visit visa extension"),
    summary=_l("Extend the visit visa of a visitor you sponsor: see the fee and the new "
               "expiry, confirm, and pay the bill from your bank."),
    explanation=_l("Once your account is activated, this service extends the visit visas of "
                   "visitors you sponsor. Activate it in one of these ways:"),
    template="eservices/visa.html",
    enquire=check,
    # TRANSLATORS: On the visit visa extension e-service (إمداد تأشيرة الزيارة); a heading, a
    # button or an entry in the holder's security activity.
    events={visa.AUDIT_KIND: _l("Visit visa extended"),
            # TRANSLATORS: An entry in the holder's security activity: they confirmed a visit
            # visa extension, and its bill was issued.
            visa.BILLED_AUDIT_KIND: _l("Bill issued for a visit visa extension")},
    form=VisitorForm,
    overview=overview,
    notices={"billed": billed},
    actions=(Action("confirm", ConfirmExtensionForm, confirm),),
)
