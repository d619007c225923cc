"""The account area: home and My data. Signed-in people only."""

from __future__ import annotations

from flask import Blueprint, render_template, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web.extensions import db
from absher_web.forms.common import ConfirmForm
from absher_web.models import Account, utcnow
from absher_web.services import acting_for, activation, audit, vehicle_sales
from absher_web.services.eservices import counted_together, driving
from absher_web.web import (
    births,
    data_rights,
    decorum,
    device_labels,
    eservices,
    my_requests,
    passports,
    payments,
    premium_visas,
    tahseen,
)
from absher_web.web.guards import require_active_account, signed_in_only

bp = Blueprint("account", __name__, url_prefix="/<lang_code>/account")

# The account home shows (and removes) the notice stored under this key.
ACCOUNT_NOTICE_KEY = "account_notice"

# How each audit event reads in the owner's "recent security activity".
EVENT_LABELS = {
    # TRANSLATORS: An event in the account's list of recent security activity.
    "account_created": _l("Account created"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "signed_in": _l("Signed in"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "sign_in_failed": _l("Wrong password entered"),
    "account_locked": _l("Account locked after wrong passwords"),
    "account_needs_recovery": _l("Account locked until the password is recovered"),
    "signed_out_everywhere": _l("Signed out on all devices"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "password_changed": _l("Password changed"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "mobile_changed": _l("Mobile number changed"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "email_changed": _l("Email address changed"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "language_changed": _l("Preferred language changed"),
    # TRANSLATORS: An event in the account's list of recent security activity.
    "security_questions_set": _l("Security questions set"),
    "password_recovered": _l("Password reset with Forgot password"),
    # TRANSLATORS: An event in the account's list of recent security activity: the account became
    # active.
    "account_activated": _l("Account activated"),
    "activation_requested": _l("Activation requested at a bank ATM"),
    "staff_looked_up": _l("Your account was looked up at a Passports office"),
    "account_unlocked": _l("Account unlocked by Absher support"),
    "account_unlocked_at_office": _l("Account unlocked at a Passports office"),
    "mobile_changed_at_office": _l("Mobile number changed at a Passports office"),
    "mobile_changed_at_kiosk": _l("Mobile number changed at a self-service kiosk"),
    # TRANSLATORS: An event in the account's list of recent security activity: a parent, the
    # husband or the sponsor used a service for the holder.
    acting_for.ACTED_FOR_YOU: _l("A family member or your sponsor used a service for you"),
    **eservices.event_labels(),
    **payments.EVENT_LABELS,
    **my_requests.EVENT_LABELS,
    **births.EVENT_LABELS,
    **passports.EVENT_LABELS,
    **premium_visas.EVENT_LABELS,
    **tahseen.EVENT_LABELS,
    **data_rights.EVENT_LABELS,
    **decorum.EVENT_LABELS,
    **device_labels.EVENT_LABELS,
}


@bp.app_context_processor
def sign_out_button() -> dict:
    # Only signed-in pages show it, so anonymous pages set no session cookie for it.
    return {"sign_out_form": ConfirmForm(formdata=None)} if current_user.is_authenticated else {}


@bp.get("/")
@signed_in_only
def home() -> str:
    account = current_user.account
    events, previous_sign_in = audit.recent_and_previous_sign_in(db.session, account.id)
    return render_template(
        "account/home.html", account=account, person=account.person,
        pending_until=activation.pending_until(db.session, account),
        events=events, previous_sign_in=previous_sign_in,
        confirm_form=ConfirmForm(formdata=None), event_labels=EVENT_LABELS,
        notice=session.pop(ACCOUNT_NOTICE_KEY, None), eservices=eservices.REGISTRY,
        **(waiting_answers(account) if account.is_active else
           {"waiting_authorisations": 0, "waiting_offers": 0}),
    )


def waiting_answers(account: Account) -> dict[str, int]:
    """The driving authorisations and sale offers waiting for the holder's answer."""
    now = utcnow()
    return counted_together(db.session,
                            waiting_authorisations=driving.waiting_counted(account, now),
                            waiting_offers=vehicle_sales.waiting_counted(account, now))


@bp.get("/my-data")
@require_active_account(_l("My data"), _l(
    "Your data from the civil registry is shown here once your account is activated. "
    "Activate it in one of these ways:"))
def my_data() -> str:
    return render_template("account/my_data.html", person=current_user.account.person)
