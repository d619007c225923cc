"""Sign-in forms: username or ID with password, then the SMS code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import Required, strip_spaces
from absher_web.forms.registration import sms_code_field


class SignInForm(SiteForm):
    identifier = StringField(
        _l("Username or ID number"),
        filters=[strip_spaces],
        validators=[Required("identifier_required")],
    )
    password = PasswordField(_l("Password"), validators=[Required("password_required")])


class SignInCodeForm(SiteForm):
    code = sms_code_field()


class ConfirmForm(SiteForm):
    """A button that changes something (sign out, send again): only the CSRF token."""
