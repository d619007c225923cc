"""The holder's own data: the password asked again before a copy of it is downloaded."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import Required


class DownloadDataForm(SiteForm):
    password = PasswordField(
        # TRANSLATORS: A form field's label, on Download my data: the holder's password,
        # asked again before the copy of their data is downloaded.
        _l("Your password"), validators=[Required("current_password_required")])
