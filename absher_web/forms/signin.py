"""Sign-in forms: username or ID with password, then the SMS code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from absher_web.forms.fields import Required, strip_spaces
from absher_web.forms.registration import ServiceErrorsMixin, sms_code_field


class SignInForm(ServiceErrorsMixin, FlaskForm):
    identifier = StringField(
        _l("Username or ID number"),
        filters=[strip_spaces],
        validators=[Required("identifier_required")],
    )
    password = PasswordField(_l("Password"), validators=[Required("password_required")])


class SignInCodeForm(ServiceErrorsMixin, FlaskForm):
    code = sms_code_field()


class ConfirmForm(FlaskForm):
    """A button that changes something (sign out, send again): only the CSRF token."""
