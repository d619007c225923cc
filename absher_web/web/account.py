"""The account area: home and My data. Signed-in people only."""

from __future__ import annotations

from flask import Blueprint, render_template, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from absher_web.extensions import db
from absher_web.forms.common import ConfirmForm
from absher_web.models import ActivationState
from absher_web.services import activation, audit
from absher_web.web.security_questions import ACCOUNT_NOTICE_KEY, require_security_questions

bp = Blueprint("account", __name__, url_prefix="/<lang_code>/account")

# How each audit event reads in the owner's "recent security activity".
EVENT_LABELS = {
    "account_created": _l("Account created"),
    "signed_in": _l("Signed in"),
    "sign_in_failed": _l("Wrong password entered"),
    "account_locked": _l("Account locked after wrong passwords"),
    "account_needs_recovery": _l("Account locked until the password is recovered"),
    "signed_out_everywhere": _l("Signed out on all devices"),
    "password_changed": _l("Password changed"),
    "mobile_changed": _l("Mobile number changed"),
    "email_changed": _l("Email address changed"),
    "language_changed": _l("Preferred language changed"),
    "security_questions_set": _l("Security questions set"),
    "password_recovered": _l("Password reset with Forgot password"),
    "account_activated": _l("Account activated"),
    "activation_requested": _l("Activation requested at a bank ATM"),
    "staff_looked_up": _l("Your account was looked up at a Passports office"),
}


@bp.before_request
@login_required
def signed_in_only():
    """Every page here needs a signed-in person who has set their security questions."""
    return require_security_questions()


@bp.app_context_processor
def sign_out_button() -> dict:
    # Only signed-in pages show it, so anonymous pages set no session cookie for it.
    return {"sign_out_form": ConfirmForm(formdata=None)} if current_user.is_authenticated else {}


@bp.get("/")
def home() -> str:
    account = current_user.account
    return render_template(
        "account/home.html", account=account, person=account.person,
        pending_until=activation.pending_until(db.session, account),
        events=audit.recent_for_account(db.session, account.id),
        previous_sign_in=audit.previous_sign_in(db.session, account.id),
        confirm_form=ConfirmForm(formdata=None), event_labels=EVENT_LABELS,
        notice=session.pop(ACCOUNT_NOTICE_KEY, None),
    )


@bp.get("/my-data")
def my_data() -> str:
    account = current_user.account
    return render_template("account/my_data.html", account=account, person=account.person,
                           active=account.activation_state is ActivationState.ACTIVE)
