"""Birth registration's forms: the newborn's first name (Arabic and English) and how the
documents reach the father; then the same, as reviewed, with the amount seen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, StringField
from wtforms.validators import ValidationError

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import Required, rule
from absher_web.forms.messages import message
from absher_web.services import names

DELIVERY_CHOICES = (
    # TRANSLATORS: A choice of how a newborn's birth certificate reaches the holder.
    SelectChoice("post", _l("By post to my national address")),
    # TRANSLATORS: A choice of how a newborn's birth certificate reaches the holder.
    SelectChoice("office", _l("I will collect it at a Civil Affairs office")),
)


def name_rule(check):  # noqa: ANN001, ANN201 (a rule function; a WTForms validator)
    """A validator from a name rule: its message, with the longest name it allows."""

    def validate(_form, field) -> None:  # noqa: ANN001 (WTForms' signature)
        problem = check(field.data or "")
        if problem:
            raise ValidationError(message(problem, num=names.LONGEST))

    return validate


def _delivery_rule(value: str) -> str | None:
    return None if value in {c.value for c in DELIVERY_CHOICES} else "birth_delivery_required"


class BirthNameForm(SiteForm):
    # TRANSLATORS: A field label: the newborn's first name, in Arabic letters.
    first_name_ar = StringField(_l("First name in Arabic"),
                                validators=[name_rule(names.arabic_problem)])
    # TRANSLATORS: A field label: the newborn's first name, in English letters.
    first_name_en = StringField(_l("First name in English"),
                                validators=[name_rule(names.english_problem)])
    # TRANSLATORS: The question above the two ways a newborn's birth certificate may reach
    # the holder.
    delivery = RadioField(_l("How do you want to receive the birth certificate?"),
                          choices=DELIVERY_CHOICES, validate_choice=False,
                          validators=[Required("birth_delivery_required"),
                                      rule(_delivery_rule)])


class BirthConfirmForm(BirthNameForm):
    """The review's Confirm button: the names and delivery as reviewed, and the total the
    holder saw (halalas), so an amount that changed meanwhile is shown again first."""

    total = HiddenField()

    def seen_total(self) -> int:
        """The total as the review showed it; -1 (never a total) when it is not one."""
        value = self.total.data or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else -1
