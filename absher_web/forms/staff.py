"""Passports office console forms: the officer's sign-in, the lookup, and what an officer
does for the holder once their fingerprints are verified: activate the account, change its
mobile number, unlock it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    ValidationError,
)

from absher_web.forms.base import SiteForm
from absher_web.forms.fields import (
    Required,
    digits_filter,
    mobile_rule,
    national_id_rule,
    rule,
    strip_spaces,
)
from absher_web.forms.messages import message
from absher_web.services.staff_looks import NOTE_MAX
from absher_web.services.staff_looks import OTHER as LOOK_OTHER
from absher_web.services.staff_looks import REASONS as LOOK_REASONS
from absher_web.wording import REFUSAL_REASON_MAX

# The officer types someone else's number: the same rule, worded for the holder's ID.
HOLDER_ID_PROBLEMS = {
    "national_id_format": "staff_national_id_format",
    "national_id_invalid": "staff_national_id_invalid",
}


def holder_id_rule(value: str) -> str | None:
    problem = national_id_rule(value)
    return HOLDER_ID_PROBLEMS[problem] if problem else None


def holder_id_validators() -> list:
    return [Required("staff_national_id_required"), rule(holder_id_rule)]


# --- why an officer opens a holder's record (services/staff_looks.py) ----------------------
# Fields, not a mixin (as forms/fields.py): each form places them where they appear.


def look_reason_rule(value: str) -> str | None:
    return None if value in LOOK_REASONS else "staff_look_reason_required"


def look_note_rule(value: str) -> str | None:
    return "staff_look_note_too_long" if len(value) > NOTE_MAX else None


def note_for_other_reason(form, field) -> None:  # noqa: ANN001 (WTForms' signature)
    """The officer's own words are needed when the reason is "another reason"."""
    if form.look_reason.data == LOOK_OTHER and not (field.data or "").strip():
        raise ValidationError(message("staff_look_note_required"))


def look_reason_field() -> RadioField:
    return RadioField(
        # TRANSLATORS: The question an officer answers before a holder's record is shown;
        # the holder reads the answer on "Who looked at my data".
        _l("Why are you opening this holder's record?"),
        choices=[SelectChoice(key, label) for key, label in LOOK_REASONS.items()],
        validate_choice=False,
        validators=[Required("staff_look_reason_required"), rule(look_reason_rule)],
    )


def look_note_field() -> StringField:
    return StringField(
        # TRANSLATORS: An optional field under the reasons an officer chooses from: their
        # own words (needed for "another reason"); the holder reads them.
        _l("The reason in your own words"),
        filters=[strip_spaces],
        validators=[note_for_other_reason, rule(look_note_rule)],
    )


def carried_look_fields() -> tuple[HiddenField, HiddenField]:
    """The reason of the lookup, carried by each form on its result (as the ID number): the
    result shown again with a form's errors is a look for the same reason."""
    return (HiddenField(validators=[Required("staff_look_reason_required"),
                                    rule(look_reason_rule)]),
            HiddenField(filters=[strip_spaces],
                        validators=[note_for_other_reason, rule(look_note_rule)]))


class StaffSignInForm(SiteForm):
    username = StringField(_l("Username"), filters=[strip_spaces],
                           validators=[Required("staff_username_required")])
    password = PasswordField(_l("Password"), validators=[Required("password_required")])


class LookUpForm(SiteForm):
    national_id = StringField(_l("ID or iqama number"), filters=[strip_spaces, digits_filter],
                              validators=holder_id_validators())
    look_reason = look_reason_field()
    look_note = look_note_field()


def holder_id_field() -> HiddenField:
    # Carried from the lookup result; checked again because a form can be altered.
    return HiddenField(filters=[strip_spaces, digits_filter], validators=holder_id_validators())


def fingerprints_field(field_id: str) -> BooleanField:
    """The officer's word that the device matched the holder's fingerprints. Each form on
    the lookup result has its own, with its own id (several share the page)."""
    return BooleanField(_l("I have verified the holder's fingerprints on the device"),
                        validators=[Required("staff_fingerprints_required")], id=field_id)


class ActivateForm(SiteForm):
    national_id = holder_id_field()
    look_reason, look_note = carried_look_fields()
    fingerprints_verified = fingerprints_field("fingerprints_verified")


class ChangeMobileForm(SiteForm):
    national_id = holder_id_field()
    look_reason, look_note = carried_look_fields()
    mobile = StringField(_l("New mobile number"), filters=[strip_spaces],
                         validators=[Required("staff_new_mobile_required"), rule(mobile_rule)])
    fingerprints_verified = fingerprints_field("mobile_fingerprints_verified")


class UnlockForm(SiteForm):
    national_id = holder_id_field()
    look_reason, look_note = carried_look_fields()
    fingerprints_verified = fingerprints_field("unlock_fingerprints_verified")


class HolderCodeForm(SiteForm):
    """The code the holder reads out from the phone with the new number."""

    code = StringField(_l("Code from the holder's phone"), filters=[strip_spaces, digits_filter],
                       validators=[Required("staff_code_required")])




def refusal_reason_rule(value: str) -> str | None:
    return "staff_refusal_reason_too_long" if len(value) > REFUSAL_REASON_MAX else None


class RefuseRequestForm(SiteForm):
    """An officer refuses a request: their reason, which the holder reads on My requests."""

    reason = TextAreaField(
        # TRANSLATORS: In a Civil Affairs officer's queue, the label of the field where the
        # officer writes why they refuse a request; the holder reads it.
        _l("Reason for the refusal"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Required("staff_refusal_reason_required"), rule(refusal_reason_rule)])


class LookReasonForm(SiteForm):
    """The reason alone, asked before a request's holder and details are shown."""

    look_reason = look_reason_field()
    look_note = look_note_field()
