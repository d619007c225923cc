"""Registration: the form, its code step, and how it ends."""

from __future__ import annotations

from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.registration import RegistrationForm
from absher_web.web import registration
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, BROKEN, EMPTY, State, code_states, form_of
from absher_web.web.flow import render_step

# TRANSLATORS: states gallery, a heading: the pages of creating an account.
REGISTRATION = _l("Registration")
CREATE = _l("Create an Absher account")
BAD_REGISTRATION = {"national_id": "12345", "mobile": "0212345678", "username": "ahmed",
                    "password": "password", "confirm_password": "Password1",
                    "email": "ahmed@", "confirm_email": "ahmed@example.com",
                    "preferred_language": "ar", "captcha_answer": "12"}


def registration_form(typed=None, errors=None, expired=False):
    form = form_of(RegistrationForm, typed, errors)
    status = 422 if form.errors or expired else 200
    return render_step("registration/form.html", status, form=form, expired=expired)


def registration_done():
    return render_step("registration/done.html", 200, username=fx.account().username)


def registration_conflict():
    return render_step("registration/conflict.html", 409,
                       reason="registration_conflict_username")


STATES: list[State] = [
    State("registration", REGISTRATION, CREATE, BLANK, registration_form),
    State("registration-empty", REGISTRATION, CREATE, EMPTY,
          partial(registration_form, {}), htmx=True),
    State("registration-broken", REGISTRATION, CREATE, BROKEN,
          partial(registration_form, BAD_REGISTRATION), htmx=True),
    State("registration-refused", REGISTRATION, CREATE,
          _l("Refused: unknown ID, number and username taken, wrong visual code"),
          partial(registration_form, None, {"national_id": "national_id_unknown",
                                            "mobile": "mobile_taken",
                                            "username": "username_taken",
                                            "captcha_answer": "captcha_wrong"}), htmx=True),
    State("registration-expired", REGISTRATION, CREATE, _l("Started again after it expired"),
          partial(registration_form, expired=True)),
    *code_states("registration", REGISTRATION, registration.CODE_STEP),
    State("registration-conflict", REGISTRATION, _l("Your registration could not be finished"),
          _l("Taken by another registration meanwhile (409)"), registration_conflict,
          htmx=True),
    State("registration-done", REGISTRATION, _l("Your account has been created"),
          # TRANSLATORS: states gallery, a state: the last page of a journey, once it has succeeded.
          _l("Done"), registration_done, htmx=True),
]

