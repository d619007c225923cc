"""Reusable validators that turn a rule's key into a translated message, and the fields
that several forms share."""

from __future__ import annotations

from collections.abc import Callable

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, HiddenField, RadioField, SelectChoice, StringField, ValidationError

from absher_web.forms.messages import message
from absher_web.identity import is_valid_national_id, normalise_digits, normalise_mobile
from absher_web.passwords import password_problem, username_problem


def strip_spaces(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def digits_filter(value: str | None) -> str | None:
    return normalise_digits(value) if isinstance(value, str) else value


class Required:
    """Like DataRequired, with our own message and no stripping of passwords."""

    field_flags = {"required": True}

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, _form: Form, field: Field) -> None:
        if field.data is None or field.data is False or str(field.data).strip() == "":
            field.errors[:] = []
            raise ValidationError(message(self.key))


def rule(check: Callable[[str], str | None]) -> Callable[[Form, Field], None]:
    """A validator from a rule function that returns a message key or None."""

    def validate(_form: Form, field: Field) -> None:
        problem = check(field.data or "")
        if problem:
            raise ValidationError(message(problem))

    return validate


def national_id_rule(value: str) -> str | None:
    if not (len(value) == 10 and value.isascii() and value.isdigit() and value[0] in "12"):
        return "national_id_format"
    return None if is_valid_national_id(value) else "national_id_invalid"


def mobile_rule(value: str) -> str | None:
    return None if normalise_mobile(value) else "mobile_invalid"


def email_rule(value: str) -> str | None:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return "email_invalid"
    return None


def same_as(other_name: str, key: str) -> Callable[[Form, Field], None]:
    def validate(form: Form, field: Field) -> None:
        if field.data != form[other_name].data:
            raise ValidationError(message(key))

    return validate


def password_rule_for(username_field: str) -> Callable[[Form, Field], None]:
    def validate(form: Form, field: Field) -> None:
        problem = password_problem(field.data or "", form[username_field].data or "")
        if problem:
            raise ValidationError(message(problem))

    return validate


username_rule = rule(username_problem)


def language_rule(value: str) -> str | None:
    return None if value in ("ar", "en") else "language_required"


# Fields shared by several forms are made by functions, not mixins, so each form
# lists them where they appear on the page (WTForms orders fields by creation).
def preferred_language_field(label: str) -> RadioField:
    return RadioField(
        label,
        # Each language is named in itself, whatever the page's language.
        choices=[SelectChoice("ar", "العربية"), SelectChoice("en", "English")],
        validate_choice=False,
        validators=[Required("language_required"), rule(language_rule)],
    )


def visual_code_token_field() -> HiddenField:
    return HiddenField()


def visual_code_answer_field() -> StringField:
    """The digits the person read or heard from the visual code."""
    return StringField(
        # TRANSLATORS: A form field's label: the characters shown in the picture (the site's
        # captcha; Absher's term: الرمز المرئي).
        _l("Visual code"),
        filters=[strip_spaces, digits_filter],
        validators=[Required("captcha_required")],
    )


def sms_code_field() -> StringField:
    return StringField(
        # TRANSLATORS: A form field's label: the 6-digit code sent by SMS (Absher's term: رمز
        # التحقق).
        _l("Verification code"), filters=[strip_spaces, digits_filter],
        validators=[Required("code_required")],
    )
