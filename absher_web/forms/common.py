"""Forms that several journeys share: the SMS code, a confirming button, the visual code."""

from __future__ import annotations

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import (
    sms_code_field,
    visual_code_answer_field,
    visual_code_token_field,
)


class CodeForm(SiteForm):
    """The SMS code step of every journey."""

    code = sms_code_field()


class ConfirmForm(SiteForm):
    """A button that changes something (sign out, send again): only the CSRF token."""


class VisualCodeForm(SiteForm):
    """Only the visual code: renders a new one in place of the old."""

    captcha_token = visual_code_token_field()
    captcha_answer = visual_code_answer_field()
