"""The public /verify form: a document's number (or its QR link), sent by GET (a lookup
that changes nothing, so no CSRF token and no session)."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf.form import _Auto
from wtforms import StringField
from wtforms.validators import ValidationError

from absher_web.forms.base import SiteForm
from absher_web.services.issued_documents import normalised


class VerifyForm(SiteForm):
    class Meta(SiteForm.Meta):
        csrf = False

        def wrap_formdata(self, form, formdata):  # noqa: ANN001, ANN201 (WTForms' signature)
            """The query string (the form is sent by GET); an empty one reads as unsent."""
            if formdata is _Auto:
                return request.args if request.args else None
            return formdata

    # TRANSLATORS: The label of the field on the public Verify a document page.
    number = StringField(_l("Document number"))

    def validate_number(self, field: StringField) -> None:
        if normalised(field.data) is None:
            # TRANSLATORS: On the Verify a document page, beside the number when it is not 16
            # digits. Arabic-Indic digits are accepted.
            raise ValidationError(_l("Type the document's 16-digit number as printed under "
                                     "its QR code. Spaces and dashes between the digits are "
                                     "fine."))

    def typed(self) -> str:
        return normalised(self.number.data) or ""
