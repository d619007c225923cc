"""The registration form and its code step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
)

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import (
    Required,
    digits_filter,
    email_rule,
    mobile_rule,
    national_id_rule,
    password_rule_for,
    rule,
    same_as,
    strip_spaces,
    username_rule,
)
from absher_web.forms.messages import message


# Fields shared by several forms are made by functions, not mixins, so each form
# lists them where they appear on the page (WTForms orders fields by creation).
def visual_code_token_field() -> HiddenField:
    return HiddenField()


def visual_code_answer_field() -> StringField:
    """The digits the person read or heard from the visual code."""
    return StringField(
        _l("Visual code"),
        filters=[strip_spaces, digits_filter],
        validators=[Required("captcha_required")],
    )


def sms_code_field() -> StringField:
    return StringField(
        _l("Verification code"), filters=[strip_spaces, digits_filter],
        validators=[Required("code_required")],
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
        _l("Username"),
        filters=[strip_spaces],
        validators=[Required("username_required"), username_rule],
    )
    password = PasswordField(
        _l("Password"),
        validators=[Required("password_required"), password_rule_for("username")],
    )
    confirm_password = PasswordField(
        _l("Confirm password"),
        validators=[Required("confirm_password_required"),
                    same_as("password", "confirm_password_mismatch")],
    )
    email = EmailField(
        _l("Email address"),
        filters=[strip_spaces],
        validators=[Required("email_required"), rule(email_rule)],
    )
    confirm_email = EmailField(
        _l("Confirm email address"),
        filters=[strip_spaces],
        validators=[Required("confirm_email_required"),
                    same_as("email", "confirm_email_mismatch")],
    )
    preferred_language = RadioField(
        _l("Preferred language"),
        # Each language is named in itself, whatever the page's language.
        choices=[SelectChoice("ar", "العربية"), SelectChoice("en", "English")],
        validate_choice=False,
        validators=[Required("language_required")],
    )
    captcha_token = visual_code_token_field()
    captcha_answer = visual_code_answer_field()
    accept_terms = BooleanField(
        _l("I confirm that I have read the terms of use and the privacy policy, and I accept them"),
        validators=[Required("terms_required")],
    )

    def validate_preferred_language(self, field: RadioField) -> None:
        if field.data not in ("ar", "en"):
            from wtforms import ValidationError

            raise ValidationError(message("language_required"))



class RegistrationCodeForm(SiteForm):
    code = sms_code_field()


class VisualCodeForm(SiteForm):
    """Only the visual code: renders a new one in place of the old."""

    captcha_token = visual_code_token_field()
    captcha_answer = visual_code_answer_field()
