"""الإقامة والتأشيرات: the residents the holder may act for, with their iqama and passport
validity and their visas; check an exit and re-entry visa (its fee and dates), confirm it
(its bill), extend or cancel an unused one, and print a visa
(services/residency.py)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web import dates, money
from absher_web.extensions import client_address, db
from absher_web.forms.eservices import ItemForm
from absher_web.forms.residency import (
    ConfirmExtendForm,
    ConfirmFinalExitForm,
    ConfirmRenewForm,
    ConfirmVisaForm,
    ExtendForm,
    PersonForm,
    RenewForm,
    VisaForm,
)
from absher_web.models import Bill, Person, Visa, VisaKind, utcnow
from absher_web.services import iqamas, issued_documents, residency
from absher_web.services.eservices import NotYours, local_today
from absher_web.services.policies import current_policies
from absher_web.web.eservices.base import Action, Done, EService, Refused, Show, own_record
from absher_web.web.guards import require_active_account

KINDS = {
    # TRANSLATORS: A visa's type, as the Residency and visas page and the printed visa name it.
    VisaKind.SINGLE: _l("Single exit and re-entry"),
    # TRANSLATORS: A visa's type, as the Residency and visas page and the printed visa name it.
    VisaKind.MULTIPLE: _l("Multiple exit and re-entry"),
    # TRANSLATORS: A visa's type, as the Residency and visas page and the printed visa name it.
    VisaKind.FINAL_EXIT: _l("Final exit"),
}
STATUSES = {
    # TRANSLATORS: A visa's state: issued and not used yet.
    "issued": _l("Issued, not used"),
    # TRANSLATORS: A visa's state: the traveller left (and, for exit and re-entry, came back)
    # with it.
    "used": _l("Used"),
    # TRANSLATORS: A visa's state: cancelled before it was used.
    "cancelled": _l("Cancelled"),
    # TRANSLATORS: A visa's state: its last day passed and it was not used.
    "expired": _l("Expired"),
}


def name_of(person: Person | None) -> str:
    if person is None:
        return ""
    return person.name_ar if str(get_locale()) == "ar" else person.name_en


def refusal_text(refused: residency.Refused) -> str:
    """Each refusal in words: the rule that failed and what to do, with the settings'
    numbers."""
    policy = current_policies().residency
    values = {"name": name_of(refused.person),
              "date": dates.both(refused.on) if refused.on else ""}
    texts = {
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name.
        residency.Refusal.CLOSED: lambda: _(
            "The residency of %(name)s is closed by a final exit visa. Nothing more can be "
            "issued for them unless that visa is cancelled.", **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(date)s is a date written in Gregorian and Hijri.
        residency.Refusal.IQAMA_EXPIRED: lambda: _(
            "The iqama of %(name)s expired on %(date)s. Renew the iqama first.", **values),
        residency.Refusal.IQAMA_SHORT: lambda: _iqama_short(policy.iqama_margin_days, values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name.
        residency.Refusal.NO_PASSPORT: lambda: _(
            "The Passports registry holds no passport of %(name)s. Have their passport "
            "recorded at a Passports office first.", **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(date)s is a date written in Gregorian and Hijri; %(num)s is a number of days from
        # the settings.
        residency.Refusal.PASSPORT_SHORT: lambda: ngettext(
            "The passport of %(name)s ends on %(date)s. It must stay valid %(num)s day after "
            "the visa's last day: renew the passport or choose a shorter visa.",
            "The passport of %(name)s ends on %(date)s. It must stay valid %(num)s days after "
            "the visa's last day: renew the passport or choose a shorter visa.",
            policy.passport_margin_days, **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(date)s is a date written in Gregorian and Hijri.
        residency.Refusal.OPEN_VISA: lambda: _(
            "%(name)s already has a visa valid until %(date)s. Extend it, or cancel it if it "
            "is not used, before asking for another.", **values),
        # TRANSLATORS: On the Residency and visas page. %(date)s is a date written in
        # Gregorian and Hijri.
        residency.Refusal.DATE_PAST: lambda: _(
            "The day to return before, %(date)s, must be after today. Choose a later day.",
            **values),
        # TRANSLATORS: On the Residency and visas page. %(num)s is a number of months from
        # the settings.
        residency.Refusal.TOO_LONG: lambda: ngettext(
            "An exit and re-entry visa lasts at most %(num)s month, extensions included. "
            "Choose fewer months or an earlier day.",
            "An exit and re-entry visa lasts at most %(num)s months, extensions included. "
            "Choose fewer months or an earlier day.", refused.amount or 0, **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name.
        residency.Refusal.NOT_OPEN: lambda: _(
            "This visa of %(name)s is no longer issued and unused, so it cannot be changed. "
            "Its state is shown on this page.", **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(date)s is a date written in Gregorian and Hijri.
        residency.Refusal.PASSPORT_EXPIRED: lambda: _(
            "The passport of %(name)s is not valid long enough: it ends on %(date)s. Renew "
            "the passport first.", **values),
        # TRANSLATORS: On the Residency and visas page. %(num)s is a number of years from the
        # settings.
        residency.Refusal.YEARS: lambda: ngettext(
            "An iqama is renewed for %(num)s year at most at once. Choose fewer years.",
            "An iqama is renewed for %(num)s years at most at once. Choose fewer years.",
            refused.amount or 0, **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(date)s is the first day a renewal may be asked for, Gregorian and Hijri; %(num)s
        # is a number of days from the settings.
        residency.Refusal.TOO_EARLY: lambda: ngettext(
            "The iqama of %(name)s can be renewed only in the last %(num)s day before it "
            "expires: from %(date)s.",
            "The iqama of %(name)s can be renewed only in the last %(num)s days before it "
            "expires: from %(date)s.", policy.iqama_renewal_window_days, **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name.
        residency.Refusal.NO_INSURANCE: lambda: _(
            "No health insurance is recorded for %(name)s. An iqama is renewed only with "
            "valid health insurance: have the insurer record it first.", **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(date)s is a date written in Gregorian and Hijri.
        residency.Refusal.INSURANCE_EXPIRED: lambda: _(
            "The health insurance of %(name)s ended on %(date)s. An iqama is renewed only with "
            "valid health insurance: renew the insurance first.", **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(amount)s is an amount with its currency.
        residency.Refusal.UNPAID_FINES: lambda: _(
            "%(name)s has unpaid traffic fines of %(amount)s. Pay them first, then try again.",
            amount=money.money(money.riyals(refused.amount or 0)), **values),
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name.
        residency.Refusal.CHANGED: lambda: _(
            "The records of %(name)s have changed since you checked. Check again.", **values),
    }
    return texts[refused.reason]()


def _iqama_short(margin_days: int, values: dict) -> str:
    if margin_days:
        # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
        # %(date)s is a date written in Gregorian and Hijri; %(num)s is a number of days from
        # the settings.
        return ngettext(
            "The iqama of %(name)s ends on %(date)s. It must stay valid %(num)s day after the "
            "visa's last day: renew the iqama first or choose a shorter visa.",
            "The iqama of %(name)s ends on %(date)s. It must stay valid %(num)s days after the "
            "visa's last day: renew the iqama first or choose a shorter visa.",
            margin_days, **values)
    # TRANSLATORS: On the Residency and visas page. %(name)s is the resident's full name;
    # %(date)s is a date written in Gregorian and Hijri.
    return _("The iqama of %(name)s ends on %(date)s. It must stay valid until the visa's "
             "last day: renew the iqama first or choose a shorter visa.", **values)


def _is_refused(result: object) -> bool:
    return isinstance(result, residency.Refused)


def check(form: VisaForm, account) -> Show | Refused:  # noqa: ANN001 (EService.enquire)
    result = residency.visa_quote(db.session, current_policies().residency, account,
                                  form.person.data, residency.VisaKind(form.kind.data),
                                  form.months_asked, form.until_asked, utcnow())
    if _is_refused(result):
        return Refused(refusal_text(result), "person")
    confirm = ConfirmVisaForm(formdata=None, person=result.person.national_id,
                              kind=result.kind.value, until=result.valid_until, fee=result.fee)
    return Show({"quote": result, "confirm_form": confirm})


def confirm(form: ConfirmVisaForm, account) -> Done | Refused:  # noqa: ANN001
    result = residency.bill_visa(db.session, current_policies().residency, account,
                                 form.person.data, VisaKind(form.kind.data), form.until.data,
                                 form.fee.data, utcnow(), client_address())
    if _is_refused(result):
        return Refused(refusal_text(result))
    return Done("billed", {"bill": result.id})


def extend(form: ExtendForm, account) -> Show | Refused:  # noqa: ANN001
    result = residency.extension_quote(db.session, current_policies().residency, account,
                                       form.item.data, form.months.data, utcnow())
    if _is_refused(result):
        return Refused(refusal_text(result))
    confirm = ConfirmExtendForm(formdata=None, item=result.visa.id, months=result.months,
                                until=result.valid_until)
    return Show({"extension": result, "extend_form": confirm})


def extend_confirm(form: ConfirmExtendForm, account) -> Done | Refused:  # noqa: ANN001
    result = residency.bill_extension(db.session, current_policies().residency, account,
                                      form.item.data, form.months.data, form.until.data,
                                      utcnow(), client_address())
    if _is_refused(result):
        return Refused(refusal_text(result))
    return Done("billed", {"bill": result.id})


def cancel(form: ItemForm, account) -> Done | Refused:  # noqa: ANN001
    result = residency.cancel(db.session, account, form.item.data, utcnow(), client_address())
    if _is_refused(result):
        return Refused(refusal_text(result))
    return Done("cancelled", {"visa": result.id})


def renew(form: RenewForm, account) -> Show | Refused:  # noqa: ANN001
    result = iqamas.renewal_quote(db.session, current_policies().residency, account,
                                     form.person.data, form.years.data, utcnow())
    if _is_refused(result):
        return Refused(refusal_text(result))
    confirm = ConfirmRenewForm(formdata=None, person=result.person.national_id,
                               years=result.years, until=result.new_expiry)
    return Show({"renewal": result, "renew_form": confirm})


def renew_confirm(form: ConfirmRenewForm, account) -> Done | Refused:  # noqa: ANN001
    result = iqamas.bill_renewal(db.session, current_policies().residency, account,
                                    form.person.data, form.years.data, form.until.data,
                                    utcnow(), client_address())
    if _is_refused(result):
        return Refused(refusal_text(result))
    return Done("billed", {"bill": result.id})


def final_exit(form: PersonForm, account) -> Show | Refused:  # noqa: ANN001
    result = iqamas.final_exit_quote(db.session, current_policies().residency, account,
                                        form.person.data, utcnow())
    if _is_refused(result):
        return Refused(refusal_text(result))
    return Show({"final_exit": result,
                 "final_exit_form": ConfirmFinalExitForm(formdata=None)})


def final_exit_confirm(form: ConfirmFinalExitForm, account) -> Done | Refused:  # noqa: ANN001
    result = iqamas.issue_final_exit(db.session, current_policies().residency, account,
                                        form.person.data, form.until.data, utcnow(),
                                        client_address())
    if _is_refused(result):
        return Refused(refusal_text(result))
    return Done("final_exit", {"visa": result.id})


def billed(account, bill: object) -> str | None:  # noqa: ANN001 (EService.notices)
    issued = own_record(Bill, bill, account)
    if issued is None or issued.service not in RESIDENCY_BILLS:
        return None
    name = name_of(db.session.get(Person, issued.beneficiary_id))
    if issued.service == iqamas.RENEWAL_BILLS:
        # TRANSLATORS: On the Residency and visas page, once an iqama renewal was confirmed;
        # the bill follows on the page. %(name)s is the resident's full name.
        return _("The bill for renewing the iqama of %(name)s is issued. The iqama is renewed "
                 "once it is paid.", name=name)
    # TRANSLATORS: On the Residency and visas page, once a visa or its extension was
    # confirmed; the bill, with its number and how to pay it, follows on the page. %(name)s
    # is the traveller's full name.
    return _("The bill for the visa of %(name)s is issued. The visa is issued or extended "
             "once it is paid.", name=name)


def _notice_visa(account, visa: object) -> Visa | None:  # noqa: ANN001
    """The visa a notice names, if the holder still acts for its traveller."""
    if not isinstance(visa, int) or isinstance(visa, bool):
        return None
    try:
        return residency.own_visa(db.session, account, visa, utcnow())
    except NotYours:
        return None


def final_exit_issued(account, visa: object) -> str | None:  # noqa: ANN001
    found = _notice_visa(account, visa)
    if found is None:
        return None
    # TRANSLATORS: On the Residency and visas page, once a final exit visa was issued.
    # %(name)s is the resident's full name; %(number)s is the visa's number; %(date)s the
    # last day to leave, Gregorian and Hijri.
    return _("Final exit visa %(number)s is issued for %(name)s, who must leave the Kingdom "
             "before %(date)s. Their residency is closed.", number=found.number,
             name=name_of(db.session.get(Person, found.person_id)),
             date=dates.both(found.valid_until))


def cancelled(account, visa: object) -> str | None:  # noqa: ANN001 (EService.notices)
    found = _notice_visa(account, visa)
    if found is None:
        return None
    # TRANSLATORS: On the Residency and visas page, once an unused visa was cancelled.
    # %(name)s is the traveller's full name; %(number)s is the visa's number.
    return _("Visa %(number)s of %(name)s is cancelled. Every fee paid for it is refunded to "
             "the bank account it came from, and we will text you.", number=found.number,
             name=name_of(db.session.get(Person, found.person_id)))


RESIDENCY_BILLS = (residency.VISA_BILLS, residency.EXTENSION_BILLS, iqamas.RENEWAL_BILLS)


def once_paid() -> str:
    # TRANSLATORS: On the Residency and visas page, under a bill waiting to be paid.
    return _("The visa or the iqama is issued, extended or renewed as soon as your bank's "
             "payment reaches us, and we will text you.")


def overview(account) -> dict:  # noqa: ANN001 (EService.overview)
    now = utcnow()
    session = db.session
    open_bills = [bill for service in RESIDENCY_BILLS
                  for bill in residency.fees.open_bills(session, account, service, now)]
    people = {bill.beneficiary_id: session.get(Person, bill.beneficiary_id)
              for bill in open_bills}
    return {"residents": residency.residents_of(session, account, local_today(now)),
            "policy": current_policies().residency, "today": local_today(now),
            "open_bills": open_bills, "bill_people": people, "now": now,
            "bill_until": {bill.id: date.fromisoformat(bill.details["valid_until"])
                           for bill in open_bills},
            "once_paid": once_paid(), "kinds": KINDS, "statuses": STATUSES}


SERVICE = EService(
    slug="residency-and-visas",
    title=_l("Residency and visas"),
    summary=_l("Issue, extend and cancel exit and re-entry visas, renew iqamas and issue final "
               "exit visas for the residents you sponsor or who depend on you, and see their "
               "iqama and passport validity and their visas."),
    explanation=_l("Once your account is activated, this service issues exit and re-entry "
                   "visas for the residents you sponsor or who depend on you. Activate it in "
                   "one of these ways:"),
    template="eservices/residency.html",
    enquire=check,
    form=VisaForm,
    overview=overview,
    # TRANSLATORS: Entries in the holder's security activity (Residency and visas).
    events={residency.VISA_BILLED: _l("Bill issued for a visa"),
            # TRANSLATORS: An entry in the holder's security activity.
            residency.VISA_ISSUED: _l("Exit and re-entry visa issued"),
            # TRANSLATORS: An entry in the holder's security activity.
            residency.VISA_EXTENDED: _l("Exit and re-entry visa extended"),
            # TRANSLATORS: An entry in the holder's security activity.
            residency.VISA_CANCELLED: _l("Visa cancelled"),
            # TRANSLATORS: An entry in the holder's security activity.
            iqamas.RENEWAL_BILLED: _l("Bill issued for an iqama renewal"),
            # TRANSLATORS: An entry in the holder's security activity.
            iqamas.IQAMA_RENEWED: _l("Iqama renewed"),
            # TRANSLATORS: An entry in the holder's security activity.
            iqamas.FINAL_EXIT_ISSUED: _l("Final exit visa issued")},
    notices={"billed": billed, "cancelled": cancelled, "final_exit": final_exit_issued},
    # TRANSLATORS: On the Residency and visas page, when the resident or visa sent is not
    # one the holder may act for.
    not_yours=_l("You may not act for this person. Choose one of the residents listed on "
                 "this page."),
    actions=(
        Action("confirm", ConfirmVisaForm, confirm),
        Action("extend", ExtendForm, extend),
        Action("extend-confirm", ConfirmExtendForm, extend_confirm),
        Action("cancel", ItemForm, cancel),
        Action("renew", RenewForm, renew),
        Action("renew-confirm", ConfirmRenewForm, renew_confirm),
        Action("final-exit", PersonForm, final_exit),
        Action("final-exit-confirm", ConfirmFinalExitForm, final_exit_confirm),
    ),
)


def add_document_page(bp: Blueprint) -> None:
    """The printable visa: /<lang>/account/services/residency-and-visas/visa/<id>."""

    @require_active_account(SERVICE.title, SERVICE.explanation)
    def residency_visa(visa_id: int):
        if not 1 <= visa_id <= 2**31 - 1:
            abort(404)
        try:
            visa = residency.own_visa(db.session, current_user.account, visa_id, utcnow())
        except NotYours:
            abort(403)
        return render_visa(visa, db.session.get(Person, visa.person_id),
                           document=issued_documents.latest_for(
                               db.session, issued_documents.Kind.VISA, visa.id))

    bp.add_url_rule(f"/{SERVICE.slug}/visa/<int:visa_id>", endpoint="residency_visa",
                    view_func=residency_visa)


def render_visa(visa: Visa, person: Person, status: int = 200,  # noqa: ANN201
                document=None):  # noqa: ANN001 (its IssuedDocument, when issued here)
    return render_template("eservices/residency_visa.html", visa=visa, person=person,
                           kinds=KINDS, statuses=STATUSES, service=SERVICE,
                           document=document), status
