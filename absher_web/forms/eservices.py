"""The forms of e-services that ask for something before they answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, SelectField, StringField, ValidationError

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import strip_spaces
from absher_web.nationalities import NATIONALITIES, SAUDI_ARABIA
from absher_web.services.vehicles_registry import foreign_plate_of


def foreign_countries() -> list[tuple[str, str]]:
    """Every country but Saudi Arabia, by its name in the page's language."""
    return sorted(((code, str(name)) for code, name in NATIONALITIES.items()
                   if code != SAUDI_ARABIA), key=lambda choice: choice[1])


def _country_known(_form: Form, field: Field) -> None:
    if field.data not in NATIONALITIES or field.data == SAUDI_ARABIA:
        raise ValidationError(str(_l("Choose the country that issued the plate")))


def _plate_readable(_form: Form, field: Field) -> None:
    if not field.data:
        raise ValidationError(str(_l("Enter the plate number")))
    if foreign_plate_of(field.data) is None:
        raise ValidationError(str(_l(
            "Enter the plate as it is written: up to 12 Latin letters and digits")))


class ForeignVehicleForm(SiteForm):
    country = SelectField(_l("Country that issued the plate"), validate_choice=False,
                          validators=[_country_known])
    # TRANSLATORS: A form field's label.
    plate = StringField(_l("Plate number"), filters=[strip_spaces], validators=[_plate_readable])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # TRANSLATORS: The first, empty option of the list of countries (a foreign plate's).
        self.country.choices = [("", str(_l("Choose a country"))), *foreign_countries()]
