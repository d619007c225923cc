"""The base of every form on the site."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from wtforms import Field, TextAreaField

from absher_web.forms.messages import message
from absher_web.text import has_control_characters

# In a text area, line breaks and tabs are what a person types (a Tahseen ticket, an answer).
_TYPED_IN_TEXT_AREAS = str.maketrans("", "", "\r\n\t")


def _unsafe(field: Field) -> bool:
    value = field.data
    if not isinstance(value, str):
        return False
    if isinstance(field, TextAreaField):
        value = value.translate(_TYPED_IN_TEXT_AREAS)
    return has_control_characters(value)


class SiteForm(FlaskForm):
    """A FlaskForm (CSRF included) that refuses control characters in every text field.

    NUL, other control characters, lone surrogates and bidi overrides are never part of
    what a person means to type; PostgreSQL refuses NUL outright. Refused here, once, with
    a message next to the field, before any rule or service sees the value.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):  # noqa: ANN001, ANN201 (WTForms' signature)
            """Only the form fields a browser posts: never uploaded files (a FileStorage is not
            text) nor a JSON body (numbers, objects, lone surrogates), which Flask-WTF would
            otherwise hand to the fields. Anything else reads as an empty form."""
            if formdata is _Auto:
                return request.form if _is_submitted() else None
            return formdata

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001 (WTForms' signature)
        unsafe = [field for field in self if _unsafe(field)]
        valid = super().validate(extra_validators)
        for field in unsafe:
            field.errors = [message("text_control_characters")]
        return valid and not unsafe

    def add_errors(self, errors: dict[str, str]) -> None:
        """Attach errors a service found (message keys by field name)."""
        for field_name, key in errors.items():
            self[field_name].errors = [*self[field_name].errors, message(key)]
