"""Reusable validators that turn a rule's key into a translated message, and the fields
that several forms share."""

from __future__ import annotations

from collections.abc import Callable

from email_validator import EmailNotValidError, validate_email
from flask import current_app, request
from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    Field,
    Form,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    StringField,
    ValidationError,
)
from wtforms.validators import StopValidation

from absher_web.forms.base import SiteForm
from absher_web.forms.messages import message
from absher_web.identity import is_valid_national_id, normalise_digits, normalise_mobile
from absher_web.models import utcnow
from absher_web.passwords import password_problem, username_problem
from absher_web.services import uploads


def strip_spaces(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def digits_filter(value: str | None) -> str | None:
    return normalise_digits(value) if isinstance(value, str) else value


class Required:
    """Like DataRequired, with our own message and no stripping of passwords."""

    field_flags = {"required": True}

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, _form: Form, field: Field) -> None:
        if field.data is None or field.data is False or str(field.data).strip() == "":
            field.errors[:] = []
            raise ValidationError(message(self.key))


def rule(check: Callable[[str], str | None]) -> Callable[[Form, Field], None]:
    """A validator from a rule function that returns a message key or None."""

    def validate(_form: Form, field: Field) -> None:
        problem = check(field.data or "")
        if problem:
            raise ValidationError(message(problem))

    return validate


def national_id_rule(value: str) -> str | None:
    if not (len(value) == 10 and value.isascii() and value.isdigit() and value[0] in "12"):
        return "national_id_format"
    return None if is_valid_national_id(value) else "national_id_invalid"


def mobile_rule(value: str) -> str | None:
    return None if normalise_mobile(value) else "mobile_invalid"


def email_rule(value: str) -> str | None:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return "email_invalid"
    return None


def same_as(other_name: str, key: str) -> Callable[[Form, Field], None]:
    def validate(form: Form, field: Field) -> None:
        if field.data != form[other_name].data:
            raise ValidationError(message(key))

    return validate


def password_rule_for(username_field: str) -> Callable[[Form, Field], None]:
    def validate(form: Form, field: Field) -> None:
        problem = password_problem(field.data or "", form[username_field].data or "")
        if problem:
            raise ValidationError(message(problem))

    return validate


username_rule = rule(username_problem)


def language_rule(value: str) -> str | None:
    return None if value in ("ar", "en") else "language_required"


# Fields shared by several forms are made by functions, not mixins, so each form
# lists them where they appear on the page (WTForms orders fields by creation).
def preferred_language_field(label: str) -> RadioField:
    return RadioField(
        label,
        # Each language is named in itself, whatever the page's language.
        choices=[SelectChoice("ar", "العربية"), SelectChoice("en", "English")],
        validate_choice=False,
        validators=[Required("language_required"), rule(language_rule)],
    )


def visual_code_token_field() -> HiddenField:
    return HiddenField()


def visual_code_answer_field() -> StringField:
    """The digits the person read or heard from the visual code."""
    return StringField(
        # TRANSLATORS: A form field's label: the characters shown in the picture (the site's
        # captcha; Absher's term: الرمز المرئي).
        _l("Visual code"),
        filters=[strip_spaces, digits_filter],
        validators=[Required("captcha_required")],
    )


def sms_code_field() -> StringField:
    return StringField(
        # TRANSLATORS: A form field's label: the 6-digit code sent by SMS (Absher's term: رمز
        # التحقق).
        _l("Verification code"), filters=[strip_spaces, digits_filter],
        validators=[Required("code_required")],
    )


# --- files people send (services/uploads.py) ------------------------------------------------


class FilesForm(SiteForm):
    """A SiteForm whose page takes files: the posted files reach its AttachmentsFields (the
    view carries web/files.takes_files, and the page's form is multipart/form-data).

    Each AttachmentsField gets the files sent under its name and nothing else; every other
    field gets the text sent under its own (a file sent under a text field's name, or text
    under a files field's name, is left out)."""

    class Meta(SiteForm.Meta):
        def wrap_formdata(self, form, formdata):  # noqa: ANN001, ANN201 (WTForms' signature)
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            file_fields = {field.name for field in form if isinstance(field, AttachmentsField)}
            sent = MultiDict([(name, value) for name, value in request.form.items(multi=True)
                              if name not in file_fields])
            for name in file_fields:
                sent.setlist(name, request.files.getlist(name))
            return sent


class AttachmentsField(MultipleFileField):
    """One to ``max_files`` files for ``purpose`` (services/uploads.register_purpose).

    Checked when the form is: too few or too many files, then each file by
    services/uploads.accept, each refusal a message beside the field; ``uploads`` holds the
    accepted files (stored, not yet attached to a record) once every one of them passed.
    Text sent under the field's name (a hostile form) counts as no file.
    """

    # TRANSLATORS: Beside the field for sending files, when the form was sent without one.
    NO_FILE = _l("Choose a file to send.")

    @staticmethod
    def too_many(max_files: int) -> str:
        # TRANSLATORS: Beside the field for sending files, when more were sent than the form
        # takes; %(num)d is how many it takes.
        return ngettext("Send at most %(num)d file.", "Send at most %(num)d files.", max_files)

    def __init__(self, label: str | None = None, *, purpose: str, max_files: int = 1,
                 required: bool = True, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.purpose, self.max_files, self.required = purpose, max_files, required
        self.uploads: list = []
        self.flags.required = required

    def process_formdata(self, valuelist: list) -> None:
        self.data = [value for value in valuelist
                     if isinstance(value, FileStorage) and (value.filename or value.content_length)]

    def kinds(self) -> tuple[str, ...]:
        return uploads.PURPOSES[self.purpose].kinds

    def accept_attribute(self) -> str:
        """The <input accept> list (a hint to the browser only; the bytes decide)."""
        return ",".join(uploads.MEDIA_TYPES[kind] for kind in self.kinds())

    def hint(self) -> str:
        size = current_app.config["UPLOAD_MAX_FILE_BYTES"] / 1024 / 1024
        # TRANSLATORS: The hint under the field for sending files. %(kinds)s is a list such as
        # "a JPEG picture, a PNG picture or a PDF document"; %(size)s megabytes and %(num)d
        # files come from the settings and the form.
        return ngettext("Send %(kinds)s, up to %(size)s MB; at most %(num)d file.",
                        "Send %(kinds)s, up to %(size)s MB each; at most %(num)d files.",
                        self.max_files, kinds=uploads.kinds_sentence(self.kinds()),
                        size=format_decimal(size, format="#,##0.#"))

    def pre_validate(self, form: Form) -> None:
        files = self.data or []
        if not files and self.required:
            raise StopValidation(str(self.NO_FILE))
        if len(files) > self.max_files:
            raise StopValidation(self.too_many(self.max_files))

    def post_validate(self, form: Form, validation_stopped: bool) -> None:
        if validation_stopped or self.errors:
            return
        from absher_web.extensions import db

        accepted, now = [], utcnow()
        for file in self.data or []:
            try:
                accepted.append(uploads.accept(db.session, file, account=current_user.account,
                                               purpose=self.purpose, now=now))
            except uploads.Refused as refused:
                self.errors.append(refused.message)
        if self.errors:
            for upload in accepted:  # all or none: the person sends the set again
                db.session.delete(upload)
            db.session.flush()
        else:
            self.uploads = accepted
