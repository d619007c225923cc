"""Passports office console forms: the officer's sign-in, the lookup and the activation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import Required, digits_filter, national_id_rule, rule, strip_spaces

# The officer types someone else's number: the same rule, worded for the holder's ID.
HOLDER_ID_PROBLEMS = {
    "national_id_format": "staff_national_id_format",
    "national_id_invalid": "staff_national_id_invalid",
}


def holder_id_rule(value: str) -> str | None:
    problem = national_id_rule(value)
    return HOLDER_ID_PROBLEMS[problem] if problem else None


def holder_id_validators() -> list:
    return [Required("staff_national_id_required"), rule(holder_id_rule)]


class StaffSignInForm(SiteForm):
    username = StringField(_l("Username"), filters=[strip_spaces],
                           validators=[Required("staff_username_required")])
    password = PasswordField(_l("Password"), validators=[Required("password_required")])


class LookUpForm(SiteForm):
    national_id = StringField(_l("ID or iqama number"), filters=[strip_spaces, digits_filter],
                              validators=holder_id_validators())


class ActivateForm(SiteForm):
    # Carried from the lookup result; checked again because a form can be altered.
    national_id = HiddenField(filters=[strip_spaces, digits_filter],
                              validators=holder_id_validators())
    fingerprints_verified = BooleanField(
        _l("I have verified the holder's fingerprints on the device"),
        validators=[Required("staff_fingerprints_required")],
    )
