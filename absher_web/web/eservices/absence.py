"""الإبلاغ عن تغيب العمالة المنزلية: report a domestic worker's absence, and withdraw the
report in time (services/eservices/absence.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from absher_web import dates
from absher_web.extensions import client_address, db
from absher_web.forms.eservices import AbsenceReportForm, ItemForm
from absher_web.models import AbsenceReport, utcnow
from absher_web.services import ownership
from absher_web.services.eservices import absence
from absher_web.services.policies import current_policies
from absher_web.web.eservices.base import Action, Done, EService, Refused, own_record
from absher_web.web.eservices.visa import name_in_page_language


def refusal_text(refused: absence.Refused) -> str:
    values = {"name": name_in_page_language(refused.worker),
              "date": dates.both(refused.on) if refused.on else ""}
    texts = {
        absence.Refusal.LAST_SEEN_FUTURE: lambda: _(
            "The day the worker was last seen cannot be in the future."),
        # TRANSLATORS: On the e-service for reporting an absent domestic worker. %(name)s is
        # the sponsored person's full name; %(date)s is a date written in Gregorian and Hijri.
        absence.Refusal.BEFORE_ENTRY: lambda: _(
            "%(name)s entered the Kingdom on %(date)s: the day last seen cannot be before "
            "it.", **values),
        # TRANSLATORS: On the e-service for reporting an absent domestic worker. %(name)s is
        # the sponsored person's full name.
        absence.Refusal.ALREADY_REPORTED: lambda: _(
            "%(name)s is already reported absent. Withdraw that report first if it is "
            "wrong.", **values),
        absence.Refusal.ALREADY_WITHDRAWN: lambda: _(
            "This report has already been withdrawn.", **values),
        # TRANSLATORS: On the e-service for reporting an absent domestic worker. %(name)s is
        # the sponsored person's full name.
        absence.Refusal.SPONSOR_CHANGED: lambda: _(
            "%(name)s has moved to another sponsor, so this report was closed and there is "
            "nothing to withdraw.", **values),
        # TRANSLATORS: On the e-service for reporting an absent domestic worker. %(num)s is a
        # number of days (of authorisations, on the home page), from the settings; %(date)s is
        # a date written in Gregorian and Hijri.
        absence.Refusal.TOO_LATE: lambda: ngettext(
            "A report can be withdrawn only within %(num)s day of making it; this one "
            "could be withdrawn until %(date)s. Visit a Passports office.",
            "A report can be withdrawn only within %(num)s days of making it; this one "
            "could be withdrawn until %(date)s. Visit a Passports office.",
            current_policies().eservices.absence_withdrawal_days, **values),
    }
    return texts[refused.reason]()


FIELD_OF = {absence.Refusal.LAST_SEEN_FUTURE: "last_seen",
            absence.Refusal.BEFORE_ENTRY: "last_seen", absence.Refusal.ALREADY_REPORTED: "item"}


def report(form, account) -> Done | Refused:  # noqa: ANN001 (EService.enquire)
    result = absence.report(db.session, account, form.item.data, form.last_seen.data,
                            utcnow(), client_address())
    if isinstance(result, absence.Refused):
        return Refused(refusal_text(result), FIELD_OF.get(result.reason))
    return Done("reported", {"report": result.id})


def withdraw(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    result = absence.withdraw(db.session, current_policies().eservices, account,
                              form.item.data, utcnow(), client_address())
    if isinstance(result, absence.Refused):
        return Refused(refusal_text(result))
    return Done("withdrawn", {"report": result.id})


def reported(account, report: object) -> str | None:  # noqa: ANN001 (EService.notices)
    made = own_record(AbsenceReport, report, account)
    # TRANSLATORS: On the e-service for reporting an absent domestic worker. %(name)s is the
    # sponsored person's full name.
    return _("The absence of %(name)s is reported. It shows on the worker's record.",
             name=name_in_page_language(made.sponsorship)) if made else None


def withdrawn(account, report: object) -> str | None:  # noqa: ANN001 (EService.notices)
    made = own_record(AbsenceReport, report, account)
    # TRANSLATORS: On the e-service for reporting an absent domestic worker. %(name)s is the
    # sponsored person's full name.
    return _("The absence report of %(name)s is withdrawn.",
             name=name_in_page_language(made.sponsorship)) if made else None


def overview(account) -> dict:  # noqa: ANN001 (EService.overview)
    policy = current_policies().eservices
    workers = absence.domestic_workers(db.session, account)
    return {"workers": workers, "now": utcnow(), "policy": policy,
            "reports": absence.open_reports(db.session, [w.id for w in workers]),
            "withdrawable_until": lambda made: absence.withdrawable_until(made, policy)}


SERVICE = EService(
    slug="domestic-worker-absence",
    title=_l("Reporting an absent domestic worker"),
    summary=_l("Report that a domestic worker you sponsor is absent, with the day they were "
               "last seen, and withdraw the report if it was a mistake."),
    explanation=_l("Once your account is activated, this service reports the absence of a "
                   "domestic worker you sponsor. Activate it in one of these ways:"),
    template="eservices/absence.html",
    enquire=report,
    events={absence.REPORTED: _l("Domestic worker reported absent"),
            # TRANSLATORS: On the e-service for reporting an absent domestic worker; a heading,
            # a button or an entry in the holder's security activity.
            absence.WITHDRAWN: _l("Absence report withdrawn"),
            # TRANSLATORS: On the e-service for reporting an absent domestic worker; an entry
            # in the holder's security activity: the worker moved to another sponsor.
            ownership.ABSENCE_CLOSED: _l("Absence report closed: the worker moved to another "
                                         "sponsor")},
    form=AbsenceReportForm,
    overview=overview,
    notices={"reported": reported, "withdrawn": withdrawn},
    actions=(Action("withdraw", ItemForm, withdraw),),
)
