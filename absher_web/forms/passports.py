"""Absher Passports' forms: the passport's validity and how it reaches the holder (by post,
or at the Passports office of a city on the registry's list); then the same, as reviewed,
with the fee seen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SelectField

from absher_web.agencies.civil_registry import CITY_NAMES, city_name
from absher_web.forms.base import SiteForm
from absher_web.forms.fields import Required, rule
from absher_web.forms.messages import message

YEARS_CHOICES = (
    # TRANSLATORS: A choice of a passport's validity.
    SelectChoice("5", _l("5 years")),
    # TRANSLATORS: A choice of a passport's validity.
    SelectChoice("10", _l("10 years")),
)
DELIVERY_CHOICES = (
    # TRANSLATORS: A choice of how a new passport reaches the holder (Saudi Post).
    SelectChoice("post", _l("By post to the national address")),
    # TRANSLATORS: A choice of how a new passport reaches the holder.
    SelectChoice("office", _l("I will collect it at a Passports office")),
)


def _one_of(choices: tuple[SelectChoice, ...], key: str):  # noqa: ANN202 (a rule)
    values = {choice.value for choice in choices}
    return rule(lambda value: None if value in values else key)


def _city_rule(value: str) -> str | None:
    return None if not value or value in CITY_NAMES else "passport_office_required"


def city_choices() -> list[tuple[str, str]]:
    # TRANSLATORS: The first entry of the list of cities with a Passports office.
    return [("", str(_l("Choose a city")))] + [(city, str(city_name(city)))
                                                 for city in CITY_NAMES]


class PassportForm(SiteForm):
    # TRANSLATORS: The question above a passport's two validities (5 or 10 years).
    years = RadioField(_l("How many years is the passport valid?"), choices=YEARS_CHOICES,
                       validate_choice=False,
                       validators=[Required("passport_years_required"),
                                   _one_of(YEARS_CHOICES, "passport_years_required")])
    # TRANSLATORS: The question above the two ways a new passport may reach the holder.
    delivery = RadioField(_l("How do you want to receive the passport?"),
                          choices=DELIVERY_CHOICES, validate_choice=False,
                          validators=[Required("passport_delivery_required"),
                                      _one_of(DELIVERY_CHOICES, "passport_delivery_required")])
    # TRANSLATORS: A field label: the city of the Passports office where the passport is
    # collected.
    office_city = SelectField(_l("Passports office"), validate_choice=False,
                              validators=[rule(_city_rule)])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 (WTForms' own)
        super().__init__(*args, **kwargs)
        self.office_city.choices = city_choices()

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001 (WTForms' signature)
        valid = super().validate(extra_validators)
        if self.delivery.data == "office" and not self.office_city.data \
                and not self.office_city.errors:
            self.office_city.errors = [*self.office_city.errors,
                                       message("passport_office_required")]
            return False
        return valid


class PassportConfirmForm(PassportForm):
    """The review's Confirm button: the choices as reviewed, and the fee the holder saw
    (halalas), so a fee changed meanwhile is shown again first."""

    fee = HiddenField()

    def seen_fee(self) -> int:
        value = self.fee.data or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else -1
