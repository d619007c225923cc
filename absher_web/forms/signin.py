"""The sign-in form: username or ID with password (the SMS code is forms/common.CodeForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import Required, strip_spaces


class SignInForm(SiteForm):
    identifier = StringField(
        _l("Username or ID number"),
        filters=[strip_spaces],
        validators=[Required("identifier_required")],
    )
    password = PasswordField(_l("Password"), validators=[Required("password_required")])
