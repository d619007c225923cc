"""The registration form (its code step is forms/common.CodeForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import (
    Required,
    digits_filter,
    email_rule,
    mobile_rule,
    national_id_rule,
    password_rule_for,
    preferred_language_field,
    rule,
    same_as,
    strip_spaces,
    username_rule,
    visual_code_answer_field,
    visual_code_token_field,
)


class RegistrationForm(SiteForm):
    national_id = StringField(
        _l("ID or iqama number"),
        filters=[strip_spaces, digits_filter],
        validators=[Required("national_id_required"), rule(national_id_rule)],
    )
    mobile = StringField(
        _l("Mobile number"),
        filters=[strip_spaces],
        validators=[Required("mobile_required"), rule(mobile_rule)],
    )
    username = StringField(
        # TRANSLATORS: A form field's label: the username chosen at registration (English letters
        # and digits).
        _l("Username"),
        filters=[strip_spaces],
        validators=[Required("username_required"), username_rule],
    )
    password = PasswordField(
        # TRANSLATORS: A form field's label: the account's password.
        _l("Password"),
        validators=[Required("password_required"), password_rule_for("username")],
    )
    confirm_password = PasswordField(
        # TRANSLATORS: A form field's label.
        _l("Confirm password"),
        validators=[Required("confirm_password_required"),
                    same_as("password", "confirm_password_mismatch")],
    )
    email = EmailField(
        # TRANSLATORS: A form field's label.
        _l("Email address"),
        filters=[strip_spaces],
        validators=[Required("email_required"), rule(email_rule)],
    )
    confirm_email = EmailField(
        # TRANSLATORS: A form field's label.
        _l("Confirm email address"),
        filters=[strip_spaces],
        validators=[Required("confirm_email_required"),
                    same_as("email", "confirm_email_mismatch")],
    )
    preferred_language = preferred_language_field(_l("Preferred language"))
    captcha_token = visual_code_token_field()
    captcha_answer = visual_code_answer_field()
    accept_terms = BooleanField(
        _l("I confirm that I have read the terms of use and the privacy policy, and I accept them"),
        validators=[Required("terms_required")],
    )
