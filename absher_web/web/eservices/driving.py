"""طلبات تفويض للقيادة and إلغاء مستخدم للمركبة: give, answer and cancel driving
authorisations (services/eservices/driving.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from absher_web.extensions import client_address, db
from absher_web.forms.eservices import DrivingAuthorisationForm, ItemForm
from absher_web.models import AuthorisationStatus, utcnow
from absher_web.services import ownership
from absher_web.services.eservices import driving
from absher_web.services.policies import current_policies
from absher_web.web.eservices.base import Action, Done, EService, Refused


def refusal_text(refusal: driving.Refusal) -> str:
    """Each refusal in words; the numbers a setting decides are named."""
    policy = current_policies().eservices
    return {
        # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة). %(max)s
        # is a number from the settings.
        driving.Refusal.NOT_AUTHORISABLE: _(
            "This ID or iqama number cannot be authorised. Only a holder of an active Absher "
            "account can be authorised, and each person may hold at most %(max)s driving "
            "authorisations at once. Check the number.",
            max=policy.max_driving_authorisations),
        driving.Refusal.YOURSELF: _("You cannot authorise yourself: enter the ID or iqama "
                                    "number of the person who will drive."),
        driving.Refusal.VEHICLE_IMPOUNDED: _("This vehicle is impounded: nobody can be "
                                             "authorised to drive it."),
        driving.Refusal.ALREADY_AUTHORISED: _(
            "This vehicle already has an authorisation for this ID or iqama number, waiting "
            "or accepted."),
        driving.Refusal.UNTIL_PAST: _("The last day of the authorisation must be today or "
                                      "later."),
        # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة). %(days)s
        # is a number of days, from the settings.
        driving.Refusal.UNTIL_TOO_FAR: _(
            "An authorisation can last at most %(days)s days from today.",
            days=policy.driving_authorisation_max_days),
        driving.Refusal.NOT_WAITING: _(
            "This authorisation is no longer waiting for your answer: it was cancelled, has "
            "ended or was already answered."),
        driving.Refusal.ENDED: _("This authorisation has already ended: it was cancelled, "
                                 "declined or is over."),
    }[refusal]


FIELD_OF = {driving.Refusal.UNTIL_PAST: "until", driving.Refusal.UNTIL_TOO_FAR: "until",
            driving.Refusal.YOURSELF: "national_id",
            driving.Refusal.NOT_AUTHORISABLE: "national_id",
            driving.Refusal.ALREADY_AUTHORISED: "national_id"}


def _answer(result, done: str) -> Done | Refused:
    if isinstance(result, driving.Refusal):
        return Refused(refusal_text(result), FIELD_OF.get(result))
    return Done(done)


def give(form, account) -> Done | Refused:  # noqa: ANN001 (EService.enquire)
    result = driving.give(db.session, current_policies().eservices, account,
                          form.vehicle.data, form.national_id.data, form.until.data, utcnow(),
                          client_address())
    return _answer(result, "given")


def accept(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    return _answer(driving.accept(db.session, account, form.item.data, utcnow(),
                                  client_address()), "accepted")


def decline(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    return _answer(driving.decline(db.session, account, form.item.data, utcnow(),
                                   client_address()), "declined")


def cancel(form, account) -> Done | Refused:  # noqa: ANN001 (Action.run)
    return _answer(driving.cancel(db.session, account, form.item.data, utcnow(),
                                  client_address()), "cancelled")


NOTICES = {
    "given": lambda _account: _("The authorisation is sent. It takes effect once the person "
                                "accepts it; we have texted you both."),
    "accepted": lambda _account: _("You accepted the authorisation. You may drive the "
                                   "vehicle until its last day."),
    "declined": lambda _account: _("You declined the authorisation."),
    "cancelled": lambda _account: _("The authorisation is cancelled. We have texted you "
                                    "both."),
}


def overview(account) -> dict:  # noqa: ANN001 (EService.overview)
    policy = current_policies().eservices
    return {"found": driving.overview(db.session, account, utcnow()),
            "is_live": driving.is_live, "statuses": STATUSES,
            "max_days": policy.driving_authorisation_max_days}


STATUSES = {
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); the status of
    # a driving authorisation.
    AuthorisationStatus.PENDING: _l("Waiting for acceptance"),
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); the status of
    # a driving authorisation.
    AuthorisationStatus.ACCEPTED: _l("Accepted"),
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); the status of
    # a driving authorisation.
    AuthorisationStatus.DECLINED: _l("Declined"),
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); the status of
    # a driving authorisation.
    AuthorisationStatus.CANCELLED: _l("Cancelled"),
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); the status of
    # a driving authorisation that ended because the vehicle was registered to someone else.
    AuthorisationStatus.OWNER_CHANGED: _l("Ended: the vehicle has a new owner"),
}

# TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة), when the
# authorisation the holder tried to accept or decline is not one given to them.
NOT_GIVEN_TO_YOU = _l("This authorisation was not given to you, so you cannot accept or "
                      "decline it. Nothing was changed.")
# TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة), when the
# authorisation the holder tried to cancel is not one they gave.
NOT_GIVEN_BY_YOU = _l("You did not give this authorisation, so you cannot cancel it. Nothing "
                      "was changed.")

SERVICE = EService(
    slug="driving-authorisations",
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); the title of
    # the e-service; the seed's Arabic name is طلبات تفويض للقيادة.
    title=_l("Driving authorisations"),
    summary=_l("Authorise another person to drive one of your vehicles, answer the "
               "authorisations given to you, and cancel those you gave."),
    explanation=_l("Once your account is activated, this service lets you authorise others to "
                   "drive your vehicles and answer authorisations given to you. Activate it "
                   "in one of these ways:"),
    template="eservices/driving.html",
    enquire=give,
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); a heading, a
    # button or an entry in the holder's security activity.
    events={driving.GIVEN: _l("Driving authorisation given"),
            # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); a
            # heading, a button or an entry in the holder's security activity.
            driving.ACCEPTED: _l("Driving authorisation accepted"),
            # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); a
            # heading, a button or an entry in the holder's security activity.
            driving.DECLINED: _l("Driving authorisation declined"),
            # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); a
            # heading, a button or an entry in the holder's security activity.
            driving.CANCELLED: _l("Driving authorisation cancelled"),
            # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة); an
            # entry in the holder's security activity: the vehicle changed owner.
            ownership.DRIVING_ENDED: _l("Driving authorisation ended: the vehicle changed "
                                        "owner")},
    form=DrivingAuthorisationForm,
    overview=overview,
    notices=NOTICES,
    rate_limit="RATELIMIT_DRIVING_AUTHORISATION",
    # A form sent after the vehicle changed hands, or altered: said the same whether the
    # vehicle exists or not.
    # TRANSLATORS: On the driving authorisations e-service (طلبات تفويض للقيادة), when the
    # vehicle sent is not registered to the holder (sold since the page was opened, say).
    not_yours=_l("This vehicle is not registered in your name, so you cannot authorise anyone "
                 "to drive it. Choose one of the vehicles registered in your name."),
    actions=(Action("accept", ItemForm, accept, not_yours=NOT_GIVEN_TO_YOU),
             Action("decline", ItemForm, decline, not_yours=NOT_GIVEN_TO_YOU),
             Action("cancel", ItemForm, cancel, not_yours=NOT_GIVEN_BY_YOU)),
)
