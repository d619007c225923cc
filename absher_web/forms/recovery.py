"""Forgot-password forms, one per step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField, StringField

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import (
    Required,
    digits_filter,
    mobile_rule,
    national_id_rule,
    rule,
    same_as,
    strip_spaces,
    visual_code_answer_field,
    visual_code_token_field,
)


class RecoveryStartForm(SiteForm):
    national_id = StringField(
        _l("ID or iqama number"), filters=[strip_spaces, digits_filter],
        validators=[Required("national_id_required"), rule(national_id_rule)],
    )
    mobile = StringField(
        # TRANSLATORS: A form field's label: the mobile number registered with the account.
        _l("Mobile number"), filters=[strip_spaces],
        validators=[Required("mobile_required"), rule(mobile_rule)],
    )
    captcha_token = visual_code_token_field()
    captcha_answer = visual_code_answer_field()


class RecoveryStartWithoutVisualCodeForm(SiteForm):
    """The alternative for people who cannot use the visual code (WCAG 2.2, 3.3.8)."""

    national_id = RecoveryStartForm.national_id
    mobile = RecoveryStartForm.mobile
    without_visual_code = HiddenField(default="1")


class SecurityQuestionForm(SiteForm):
    question = RadioField(_l("Choose a question"), validate_choice=False,
                          validators=[Required("question_required")])
    # TRANSLATORS: A form field's label in password recovery: the answer to the security question
    # shown above it.
    answer = StringField(_l("Your answer"), validators=[Required("answer_required")])


class NewPasswordForm(SiteForm):
    # The password rules need the account's username: the service checks them.
    password = PasswordField(_l("New password"), validators=[Required("password_required")])
    confirm_password = PasswordField(
        _l("Confirm new password"),
        validators=[Required("confirm_password_required"),
                    same_as("password", "confirm_password_mismatch")],
    )
