"""Visas for Premium Residency holders: the relative and the visit; then the same, as
reviewed, with the fee seen. The rules of the request itself (the relation allowed, the
passport number's form, how many open) are the service's (services/premium_visas.py)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import ValidationError

from absher_web.forms.base import SiteForm
from absher_web.forms.eservices import foreign_countries
from absher_web.forms.fields import digits_filter, strip_spaces
from absher_web.identity import normalise_digits_only
from absher_web.services import premium_visas as rules
from absher_web.services.policies import current_policies

_ARABIC_NAME = re.compile(r"[\u0621-\u064A]+( [\u0621-\u064A]+)+")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z'-]*( [A-Za-z][A-Za-z'-]*)+")
PASSPORT_TYPED_MAX = 20  # longer is not a passport number: refused before the rules


def _one_space(value: str | None) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) else value


def _digits_only(value: str | None) -> str | None:
    return normalise_digits_only(value) if isinstance(value, str) else value


def _choice(keys, text: str):  # noqa: ANN001, ANN202 (a WTForms validator)
    def validate(_form: Form, field: Field) -> None:
        if field.data not in keys:
            raise ValidationError(str(text))
    return validate


def _arabic_name(_form: Form, field: Field) -> None:
    if not field.data:
        # TRANSLATORS: A message beside the visitor's name in Arabic letters.
        raise ValidationError(_("Enter the visitor's full name in Arabic letters"))
    if len(field.data) > rules.NAME_MAX or not _ARABIC_NAME.fullmatch(field.data):
        # TRANSLATORS: A message beside the visitor's name in Arabic letters. %(num)s is the
        # most letters it may have (100).
        raise ValidationError(_("Write the full name, at least two names, in Arabic letters "
                                "only, up to %(num)s characters", num=rules.NAME_MAX))


def _latin_name(_form: Form, field: Field) -> None:
    if not field.data:
        # TRANSLATORS: A message beside the visitor's name in Latin letters.
        raise ValidationError(_("Enter the visitor's full name in Latin letters, as in the "
                                "passport"))
    if len(field.data) > rules.NAME_MAX or not _LATIN_NAME.fullmatch(field.data):
        # TRANSLATORS: A message beside the visitor's name in Latin letters. %(num)s is the
        # most letters it may have (100).
        raise ValidationError(_("Write the full name as in the passport, at least two names, "
                                "in Latin letters, up to %(num)s characters",
                                num=rules.NAME_MAX))


def _passport(_form: Form, field: Field) -> None:
    if not field.data:
        # TRANSLATORS: A message beside the visitor's passport number.
        raise ValidationError(_("Enter the visitor's passport number"))
    if len(field.data) > PASSPORT_TYPED_MAX:
        raise ValidationError(passport_format_message())


def passport_format_message() -> str:
    # TRANSLATORS: A message beside the visitor's passport number when it is not written as
    # a passport number is (the rule of the Passports registry).
    return _("Enter the passport number as it is printed: 1 or 2 Latin letters and 6 to 9 "
             "digits, for example P1234567")


def _days(_form: Form, field: Field) -> None:
    longest = current_policies().eservices.visa_max_stay_days
    text = field.data or ""
    if not text:
        # TRANSLATORS: A message beside the number of days the visitor means to stay.
        raise ValidationError(_("Enter how many days the visitor will stay"))
    if not (text.isascii() and text.isdigit() and len(text) <= 4
            and 1 <= int(text) <= longest):
        # TRANSLATORS: A message beside the number of days the visitor means to stay. %(num)s
        # is the longest stay a visit visa allows (a setting, 180).
        raise ValidationError(_("Enter a whole number of days from 1 to %(num)s",
                                num=longest))


class PremiumVisaForm(SiteForm):
    # TRANSLATORS: A form label: how the visitor is related to the Premium Residency holder.
    relation = SelectField(_l("Relation to you"), validate_choice=False, validators=[
        # TRANSLATORS: A message beside the relation to the visitor.
        _choice(set(rules.RELATION_NAMES), _l("Choose how the visitor is related to you"))])
    # TRANSLATORS: A form label: the visitor's full name in Arabic letters.
    name_ar = StringField(_l("Full name in Arabic"), filters=[_one_space],
                          validators=[_arabic_name])
    # TRANSLATORS: A form label: the visitor's full name in Latin letters, as in the passport.
    name_en = StringField(_l("Full name in Latin letters"), filters=[_one_space],
                          validators=[_latin_name])
    nationality = SelectField(_l("Nationality"), validate_choice=False, validators=[
        # TRANSLATORS: A message beside the visitor's nationality.
        _choice(set(rules.nationality_choices()), _l("Choose the visitor's nationality"))])
    # TRANSLATORS: A form label: the visitor's passport number.
    passport = StringField(_l("Passport number"), filters=[strip_spaces, digits_filter],
                           validators=[_passport])
    # TRANSLATORS: A form label: the purpose of the visit.
    purpose = SelectField(_l("Purpose of the visit"), validate_choice=False, validators=[
        # TRANSLATORS: A message beside the purpose of the visit.
        _choice(set(rules.PURPOSE_NAMES), _l("Choose the purpose of the visit"))])
    # TRANSLATORS: The question above the choice of a single or multiple entry visit visa.
    entry = RadioField(_l("Entries"), validate_choice=False, validators=[
        # TRANSLATORS: A message beside the choice of a single or multiple entry visa.
        _choice(set(rules.ENTRY_NAMES), _l("Choose single or multiple entry"))])
    # TRANSLATORS: A form label: how many days the visitor means to stay.
    days = StringField(_l("Days of stay"), filters=[strip_spaces, _digits_only],
                       validators=[_days])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # TRANSLATORS: The first, empty option of a list to choose from.
        empty = ("", _("Choose"))
        self.relation.choices = [empty, *((key.value, str(name))
                                          for key, name in rules.RELATION_NAMES.items())]
        self.nationality.choices = [empty, *foreign_countries()]
        self.purpose.choices = [empty, *((key.value, str(name))
                                         for key, name in rules.PURPOSE_NAMES.items())]
        self.entry.choices = [(key.value, str(name)) for key, name in rules.ENTRY_NAMES.items()]

    def relative(self) -> rules.Relative:
        """What a valid form asked for."""
        return rules.Relative(
            relation=self.relation.data, name_ar=self.name_ar.data, name_en=self.name_en.data,
            nationality=self.nationality.data,
            passport=rules.passport_number(self.passport.data), purpose=self.purpose.data,
            entry=self.entry.data, days=int(self.days.data))


class PremiumVisaConfirmForm(PremiumVisaForm):
    """The review's Confirm button: the request as reviewed and the fee seen (halalas)."""

    fee = HiddenField()

    def seen_fee(self) -> int:
        value = self.fee.data or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else -1
