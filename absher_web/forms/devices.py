"""The Devices page's buttons, the security activity's filter, and "this wasn't me"."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import InputRequired, Length, Optional

from absher_web.forms.base import SiteForm
from absher_web.forms.messages import message
from absher_web.identity import normalise_digits_only
from absher_web.services.activity import CATEGORIES, Cursor, Filters


class DeviceForm(SiteForm):
    """"Sign out this device": the session's public id, from the page's own button."""

    device = HiddenField(validators=[InputRequired(), Length(max=40)])


class NotMeForm(SiteForm):
    """"This wasn't me": the event the holder did not recognise, if they came from one."""

    event = HiddenField(validators=[Optional(), Length(max=10)])

    def event_id(self) -> int | None:
        text = (self.event.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class OptionalDayField(DateField):
    """A day (yyyy-mm-dd, Arabic-Indic digits read too), or nothing."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = "".join(valuelist[:1]).strip()
        if not text:
            self.data = None
            return
        try:
            super().process_formdata([normalise_digits_only(text)[:20]])
            if self.data is not None and self.data.year < 2000:
                raise ValueError
        except (ValueError, OverflowError):
            self.data = None
            raise ValueError(message("activity_date_invalid")) from None


class ActivityFilterForm(SiteForm):
    """The filter above the security activity: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    # TRANSLATORS: The label of the security activity's filter: which kind of events to show.
    kind = SelectField(_l("Kind of activity"), default="all", validate_choice=False)
    # TRANSLATORS: The label of the security activity's filter: the first day to show.
    since = OptionalDayField(_l("From"))
    # TRANSLATORS: The label of the security activity's filter: the last day to show.
    until = OptionalDayField(_l("To"))
    after = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            # TRANSLATORS: A choice of the security activity's filter: every kind of event.
            ("all", str(_l("All activity"))),
            # TRANSLATORS: A choice of the security activity's filter.
            ("sign_ins", str(_l("Sign-ins and sign-outs"))),
            # TRANSLATORS: A choice of the security activity's filter: password, mobile, email...
            ("account", str(_l("Changes to your account"))),
            # TRANSLATORS: A choice of the security activity's filter: requests, payments...
            ("services", str(_l("Services you used"))),
        ]

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001 (WTForms' signature)
        valid = super().validate(extra_validators)
        if self.kind.data not in CATEGORIES:
            self.kind.errors = [*self.kind.errors, message("activity_kind_invalid")]
            valid = False
        if (isinstance(self.since.data, date) and isinstance(self.until.data, date)
                and self.since.data > self.until.data):
            self.until.errors = [*self.until.errors, message("activity_dates_reversed")]
            valid = False
        self.page_problem = None
        if self.after.data and self.cursor() is None:
            self.page_problem = message("activity_page_invalid")
            valid = False
        return valid

    def cursor(self) -> Cursor | None:
        return Cursor.read(self.after.data or "")

    def filters(self) -> Filters:
        return Filters(self.kind.data, self.since.data, self.until.data)
