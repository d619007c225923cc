"""Public decorum violations: the officer's record of one (the person's ID, the item of the
schedule, the place, the day and time) and the holder's objection (a written reason). The
rules of the violation itself (the person in the registry, a repeat, the objection period)
are the service's (services/decorum.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from absher_web import dates
from absher_web.agencies import decorum as schedule
from absher_web.forms.base import SiteForm
from absher_web.forms.fields import (
    AttachmentsField,
    FilesForm,
    Required,
    digits_filter,
    strip_spaces,
)
from absher_web.forms.messages import message
from absher_web.forms.staff import holder_id_validators
from absher_web.identity import normalise_digits_only
from absher_web.services import decorum

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{1,2}:\d{2}")


def _one_space(value: str | None) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) else value


def _digits(value: str | None) -> str | None:
    return normalise_digits_only(value) if isinstance(value, str) else value


def _article(_form: Form, field: Field) -> None:
    if schedule.article(field.data or "") is None:
        raise ValidationError(message("decorum_article_required"))


def _place(_form: Form, field: Field) -> None:
    if len(field.data or "") > decorum.PLACE_MAX:
        raise ValidationError(message("decorum_place_too_long", place_max=decorum.PLACE_MAX))


def _day(_form: Form, field: Field) -> None:
    text = field.data or ""
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        datetime.strptime(text, "%Y-%m-%d")  # noqa: DTZ007 (a calendar day, no zone)
    except ValueError:
        raise ValidationError(message("decorum_day_format")) from None


def _time(_form: Form, field: Field) -> None:
    text = field.data or ""
    if not _TIME.fullmatch(text) or int(text[:-3]) > 23 or int(text[-2:]) > 59:
        raise ValidationError(message("decorum_time_format"))


class RecordViolationForm(SiteForm):
    """An officer records a violation they saw, in the city of their office."""

    # TRANSLATORS: In the officer console, the label of the ID or iqama number of the person
    # a public decorum violation is recorded against.
    national_id = StringField(_l("The person's ID or iqama number"),
                              filters=[strip_spaces, digits_filter],
                              validators=holder_id_validators())
    # TRANSLATORS: The label of the list of the Public Decorum Regulation's violations.
    article = SelectField(_l("Violation"), validate_choice=False,
                          validators=[Required("decorum_article_required"), _article])
    # TRANSLATORS: The label of the place where a public decorum violation happened (a
    # mall, a street, a park).
    place = StringField(_l("Place"), filters=[_one_space],
                        validators=[Required("decorum_place_required"), _place])
    # TRANSLATORS: The label of the day a public decorum violation happened.
    day = StringField(_l("Day"), filters=[strip_spaces, _digits],
                      validators=[Required("decorum_day_required"), _day])
    # TRANSLATORS: The label of the time of day a public decorum violation happened.
    time = StringField(_l("Time"), filters=[strip_spaces, _digits],
                       validators=[Required("decorum_time_required"), _time])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 (WTForms' signature)
        super().__init__(*args, **kwargs)
        # TRANSLATORS: The first, empty choice of the list of the Public Decorum
        # Regulation's violations in the officer's form.
        self.article.choices = [("", _l("Choose the violation"))] + [
            (item.code, f"{item.code}. {item.description}") for item in schedule.ARTICLES]

    def occurred_at(self) -> datetime:
        """The moment typed, read in Saudi time, in UTC."""
        day = datetime.strptime(self.day.data, "%Y-%m-%d").date()  # noqa: DTZ007
        hours, minutes = (int(part) for part in self.time.data.split(":"))
        local = datetime.combine(day, time(hours, minutes), tzinfo=dates.RIYADH)
        return local.astimezone(UTC)

    def when_problem(self, now: datetime) -> str | None:
        """A moment in the future, or further back than an officer records: a message key."""
        moment = self.occurred_at()
        if moment > now:
            return "decorum_time_future"
        if (now - moment).days >= decorum.RECORD_PAST_DAYS:
            return "decorum_time_too_old"
        return None


def _reason(_form: Form, field: Field) -> None:
    text = field.data or ""
    if len(text) > decorum.REASON_MAX:
        raise ValidationError(message("decorum_reason_too_long", reason_max=decorum.REASON_MAX))
    if len(text) < decorum.REASON_MIN:
        raise ValidationError(message("decorum_reason_too_short",
                                      reason_min=decorum.REASON_MIN))


class ObjectionForm(FilesForm):
    """The holder's objection to a violation: why, in their words, and up to three
    photographs or PDFs."""

    # TRANSLATORS: The label of the field where the holder writes why they object to a public
    # decorum violation; the objections committee reads it.
    reason = TextAreaField(_l("Why do you object?"),
                           filters=[lambda value: value.strip() if isinstance(value, str)
                                    else value],
                           validators=[Required("decorum_reason_required"), _reason])
    # TRANSLATORS: The label of the files sent with an objection (photographs or PDFs).
    attachments = AttachmentsField(_l("Supporting files (optional)"), purpose=decorum.OBJECTION,
                                   max_files=decorum.ATTACHMENTS_MAX, required=False)
