"""The forms of Residency and visas (web/eservices/residency.py)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    ValidationError,
)
from wtforms.validators import StopValidation
from wtforms.widgets import HiddenInput

from absher_web.forms.base import SiteForm
from absher_web.forms.eservices import DayField, ItemForm, RecordIdField
from absher_web.forms.fields import digits_filter, strip_spaces
from absher_web.identity import normalise_digits_only
from absher_web.models import VisaKind

# The longest number a months or years field reads (the settings bound the real limit).
MAX_COUNT = 120


def _iqama_number(_form: Form, field: Field) -> None:
    value = field.data or ""
    if not (len(value) == 10 and value.isascii() and value.isdigit() and value[0] == "2"):
        raise StopValidation(str(_l("Choose one of the residents listed on this page")))


def _ascii_digits(value: str | None) -> str | None:
    return normalise_digits_only(value) if isinstance(value, str) else value


class CountField(IntegerField):
    """A whole number of months or years, 1 to MAX_COUNT (Arabic-Indic digits read too);
    anything else is the field's own message, never a value."""

    def __init__(self, label: str, message: str, **kwargs) -> None:
        self.message = message
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = digits_filter(valuelist[0]).strip() if valuelist else ""
        if not (text.isascii() and text.isdigit() and len(text) <= 3
                and 1 <= int(text) <= MAX_COUNT):
            self.data = None
            raise ValueError(str(self.message))
        self.data = int(text)

    def pre_validate(self, form: Form) -> None:
        if self.data is None and not self.process_errors:
            raise StopValidation(str(self.message))


class VisaForm(SiteForm):
    """An exit and re-entry visa to check: for whom, which kind, until when."""

    # TRANSLATORS: A form label on the Residency and visas page: the resident the visa is for.
    person = StringField(_l("Traveller"), filters=[strip_spaces, digits_filter],
                         validators=[_iqama_number])
    # TRANSLATORS: A form label on the Residency and visas page: single or multiple trips.
    kind = RadioField(_l("Visa type"), choices=[
        # TRANSLATORS: An exit and re-entry visa for one trip.
        SelectChoice(VisaKind.SINGLE.value, _l("Single exit and re-entry")),
        # TRANSLATORS: An exit and re-entry visa for any number of trips while it is valid.
        SelectChoice(VisaKind.MULTIPLE.value, _l("Multiple exit and re-entry"))],
        default=VisaKind.SINGLE.value)
    # TRANSLATORS: A form label on the Residency and visas page: how the visa's length is
    # given.
    by = RadioField(_l("Length of the visa"), choices=[
        # TRANSLATORS: The visa's length is given as a number of months.
        SelectChoice("months", _l("A number of months")),
        # TRANSLATORS: The visa's length is given as the last day to return.
        SelectChoice("date", _l("A day to return before"))], default="months")
    # TRANSLATORS: A form label on the Residency and visas page.
    months = StringField(_l("Months"), filters=[strip_spaces, digits_filter])
    # TRANSLATORS: A form label on the Residency and visas page: the last day to return.
    until = StringField(_l("Return before"), filters=[strip_spaces, _ascii_digits])

    def validate_months(self, field: Field) -> None:
        if self.by.data != "months":
            return
        text = field.data or ""
        if not (text.isascii() and text.isdigit() and len(text) <= 3
                and 1 <= int(text) <= MAX_COUNT):
            raise ValidationError(str(_l("Enter the number of months, for example 3")))

    @property
    def months_asked(self) -> int | None:
        return int(self.months.data) if self.by.data == "months" else None

    @property
    def until_asked(self) -> date | None:
        return date.fromisoformat(self.until.data) if self.by.data == "date" else None

    def validate_until(self, field: Field) -> None:
        if self.by.data != "date":
            return
        try:
            date.fromisoformat(field.data or "")
        except ValueError:
            raise ValidationError(str(_l("Enter a real date, for example 2026-12-31"))) \
                from None
        if len(field.data) != 10:
            raise ValidationError(str(_l("Enter a real date, for example 2026-12-31")))


class ConfirmVisaForm(SiteForm):
    person = StringField(widget=HiddenInput(), filters=[strip_spaces],
                         validators=[_iqama_number])
    kind = RadioField(choices=[SelectChoice(k.value, k.value)
                               for k in (VisaKind.SINGLE, VisaKind.MULTIPLE)])
    until = DayField(_l("Return before"), _l("Check the visa again"), widget=HiddenInput())
    fee = RecordIdField(message=_l("Check the visa again"), widget=HiddenInput())


class ExtendForm(ItemForm):
    # TRANSLATORS: A form label on the Residency and visas page: months an extension adds.
    months = CountField(_l("Months to add"), _l("Enter the number of months to add, for "
                                                "example 1"))


class ConfirmExtendForm(ExtendForm):
    until = DayField(_l("Return before"), _l("Check the extension again"), widget=HiddenInput())


class PersonForm(SiteForm):
    """A button acting for one resident (their iqama number, hidden)."""

    person = StringField(widget=HiddenInput(), filters=[strip_spaces],
                         validators=[_iqama_number])


class RenewForm(PersonForm):
    # TRANSLATORS: A form label on the Residency and visas page: how many years to renew an
    # iqama for.
    years = CountField(_l("Years"), _l("Enter the number of years, for example 1"))


class ConfirmRenewForm(RenewForm):
    until = DayField(_l("New expiry"), _l("Check the renewal again"), widget=HiddenInput())


class ConfirmFinalExitForm(PersonForm):
    until = DayField(_l("Leave before"), _l("Check the final exit visa again"),
                     widget=HiddenInput())
