"""The forms of e-services that ask for something before they answer."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from hijridate import Hijri
from wtforms import (
    DateField,
    Field,
    Form,
    IntegerField,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import InputRequired, StopValidation
from wtforms.widgets import HiddenInput

from absher_web.agencies.traffic import foreign_plate_of
from absher_web.forms.base import SiteForm
from absher_web.forms.fields import digits_filter, strip_spaces
from absher_web.forms.staff import holder_id_validators
from absher_web.identity import normalise_digits_only
from absher_web.nationalities import NATIONALITIES, SAUDI_ARABIA


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


class DayField(DateField):
    """A day (a date input: yyyy-mm-dd, Arabic-Indic digits read too), with our message."""

    def __init__(self, label: str, required_message: str, **kwargs) -> None:
        self.required_message = required_message
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            raise ValueError(str(self.required_message))
        try:
            super().process_formdata([normalise_digits_only(v.strip()) for v in valuelist])
        except ValueError:
            raise ValueError(str(_l("Enter a real date, for example 2026-12-31"))) from None

    def pre_validate(self, form: Form) -> None:
        if self.data is None and not self.process_errors:
            raise StopValidation(str(self.required_message))


class RecordIdField(IntegerField):
    """A record's id as a form posts it: a whole number a database key can hold (1 to
    2**31 - 1); anything else (huge, negative, not digits) is an error, never a value."""

    def __init__(self, label: str | None = None, message: str | None = None,
                 **kwargs) -> None:
        self.message = message or _l("Use one of the buttons on the page")
        super().__init__(label, validators=[InputRequired(message=self.message)], **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 10
                and 1 <= int(text) <= 2**31 - 1):
            self.data = None
            raise ValueError(str(self.message))
        self.data = int(text)


class ItemForm(SiteForm):
    """A button that acts on one record of the holder's (an authorisation, a report)."""

    item = RecordIdField(widget=HiddenInput())


class DrivingAuthorisationForm(SiteForm):
    # TRANSLATORS: A form label on an e-service page; the label of the list of the holder's
    # vehicles.
    vehicle = RecordIdField(_l("Vehicle"), _l("Choose one of your vehicles"))
    national_id = StringField(_l("ID or iqama number of the person to authorise"),
                              filters=[strip_spaces, digits_filter],
                              validators=holder_id_validators())
    # TRANSLATORS: A form label on an e-service page; the label of the date field: the last day
    # of the authorisation.
    until = DayField(_l("Authorised until"), _l("Enter the last day of the authorisation"))


class VisitorForm(SiteForm):
    """Which visitor's visa to extend."""

    item = RecordIdField(_l("Visitor"), _l("Choose the visitor whose visa you want to extend"))


class ConfirmExtensionForm(ItemForm):
    # TRANSLATORS: A form label on an e-service page; the new expiry date of a visit visa.
    new_expiry = DayField(_l("New expiry"), _l("Check the visa again"), widget=HiddenInput())


class AbsenceReportForm(SiteForm):
    item = RecordIdField(_l("Domestic worker"), _l("Choose the domestic worker who is absent"))
    last_seen = DayField(_l("Date the worker was last seen"),
                         _l("Enter the date the worker was last seen"))


# --- vehicle sale -----------------------------------------------------------------------------

_DECIMAL_MARKS = str.maketrans({"٫": ".", "٬": None, ",": None, "،": None})
_PRICE = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
_DAY = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
# A year below this is a Hijri year (1350 AH is 1931); from it, a Gregorian one.
FIRST_GREGORIAN_YEAR = 1600


def price_in_halalas(typed: str) -> int | None:
    """A price as people type it (Arabic-Indic digits, thousands separators, up to two
    decimals) in halalas, or None."""
    compact = "".join(normalise_digits_only(typed).translate(_DECIMAL_MARKS).split())
    if not _PRICE.fullmatch(compact):
        return None
    riyals, _dot, halalas = compact.partition(".")
    return int(riyals) * 100 + int((halalas + "00")[:2])


def gregorian_day(typed: str) -> date | None:
    """A day written yyyy-mm-dd, in the Gregorian or the Hijri (Umm al-Qura) calendar (the
    year tells which), as a Gregorian date; None when it is no real day."""
    found = _DAY.fullmatch(normalise_digits_only(typed.strip()))
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    try:
        if year < FIRST_GREGORIAN_YEAR:
            return Hijri(year, month, day).to_gregorian()
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


class PriceField(StringField):
    """The price in riyals as typed; ``data`` in halalas (None when unreadable)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            raise ValueError(str(_l("Enter the agreed price in riyals")))
        self.data = price_in_halalas(self.raw)
        if self.data is None:
            raise ValueError(str(_l("Enter the price in riyals as digits, for example 45000")))

    def _value(self) -> str:
        return getattr(self, "raw", "") or ""


class BirthDayField(StringField):
    """A date of birth, Gregorian or Hijri; ``data`` the Gregorian date."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            raise ValueError(str(_l("Enter the buyer's date of birth")))
        self.data = gregorian_day(self.raw[:40])
        if self.data is None:
            raise ValueError(str(_l(
                "Enter a real date as year-month-day, for example 1990-05-17 or, in Hijri, "
                "1410-10-22")))

    def _value(self) -> str:
        return getattr(self, "raw", "") or ""


def iban_of(typed: str) -> str | None:
    """A Saudi IBAN (SA, 2 check digits, 20 more) without spaces, or None when it is not one
    or its check digits are wrong (ISO 13616, mod 97)."""
    compact = "".join(normalise_digits_only(typed).upper().split())
    if not re.fullmatch(r"SA[0-9]{2}[0-9A-Z]{20}", compact):
        return None
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return compact if int(number) % 97 == 1 else None


class IbanField(StringField):
    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            raise ValueError(str(_l("Enter the IBAN of your bank account")))
        self.data = iban_of(self.raw[:60])
        if self.data is None:
            raise ValueError(str(_l(
                "Enter your IBAN as it is written on your bank statement: SA and 22 digits")))

    def _value(self) -> str:
        return getattr(self, "raw", "") or ""


class SaleOfferForm(SiteForm):
    # TRANSLATORS: A form label on the vehicle sale e-service; the list of the seller's
    # vehicles that may be sold.
    vehicle = RecordIdField(_l("Vehicle to sell"), _l("Choose one of your vehicles"))
    buyer_id = StringField(_l("Buyer's ID or iqama number"),
                           filters=[strip_spaces, digits_filter],
                           validators=holder_id_validators())
    # TRANSLATORS: A form label on the vehicle sale e-service.
    buyer_birth_date = BirthDayField(_l("Buyer's date of birth"))
    # TRANSLATORS: A form label on the vehicle sale e-service: the price agreed with the buyer.
    price = PriceField(_l("Agreed price (riyals)"))
    # TRANSLATORS: A form label on the vehicle sale e-service: the seller's bank account number
    # (IBAN, الآيبان) the price is paid into.
    iban = IbanField(_l("IBAN of your bank account"))
