"""Forms for changing the password, mobile number, email address and language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, ValidationError

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import (
    Required,
    email_rule,
    mobile_rule,
    preferred_language_field,
    rule,
    same_as,
    strip_spaces,
)
from absher_web.forms.messages import message
from absher_web.passwords import password_problem


class ChangePasswordForm(SiteForm):
    current_password = PasswordField(
        # TRANSLATORS: A form field's label.
        _l("Current password"), validators=[Required("current_password_required")],
    )
    new_password = PasswordField(
        # TRANSLATORS: A form field's label.
        _l("New password"), validators=[Required("new_password_required")],
    )
    confirm_new_password = PasswordField(
        # TRANSLATORS: A form field's label.
        _l("Confirm new password"),
        validators=[Required("confirm_password_required"),
                    same_as("new_password", "confirm_password_mismatch")],
    )

    def __init__(self, *args: object, username: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The username is not on the form, but the password rules need it.
        self.rules_username = username

    def validate_new_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self.rules_username)
        if problem:
            raise ValidationError(message(problem))


class ChangeMobileForm(SiteForm):
    mobile = StringField(
        # TRANSLATORS: A form field's label.
        _l("New mobile number"),
        filters=[strip_spaces],
        validators=[Required("new_mobile_required"), rule(mobile_rule)],
    )


class ChangeEmailForm(SiteForm):
    email = EmailField(
        # TRANSLATORS: A form field's label.
        _l("New email address"),
        filters=[strip_spaces],
        validators=[Required("new_email_required"), rule(email_rule)],
    )
    confirm_email = EmailField(
        _l("Confirm new email address"),
        filters=[strip_spaces],
        validators=[Required("confirm_email_required"),
                    same_as("email", "confirm_email_mismatch")],
    )


class ChangeLanguageForm(SiteForm):
    # TRANSLATORS: A form field's label.
    preferred_language = preferred_language_field(_l("Preferred language"))
