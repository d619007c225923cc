"""Signing in: the form, its refusals and locks, and its code step."""

from __future__ import annotations

from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.signin import SignInForm
from absher_web.web import auth
from absher_web.web.dev_states.common import BLANK, EMPTY, State, code_states, form_of
from absher_web.web.flow import render_step

# TRANSLATORS: states gallery, a heading: the pages of signing in (a noun).
SIGN_IN = _l("Sign-in")
# TRANSLATORS: A product name: the Absher portal for individuals (citizens and residents); the seed
# wording is أبشر أفراد.
INDIVIDUALS = _l("Absher Individuals")


def sign_in(typed=None, problem=None, notice=None):
    form = form_of(SignInForm, typed)
    status = 422 if form.errors or problem else 200
    return render_step("auth/login.html", status, form=form, problem=problem, notice=notice)


def wrong_password(problem: str):
    return sign_in({"identifier": "Mohammed1990", "password": "wrong"}, problem)


STATES: list[State] = [
    State("sign-in", SIGN_IN, INDIVIDUALS, BLANK, sign_in),
    # TRANSLATORS: states gallery, a state of a sign-in page: just after the person signed out.
    State("sign-in-signed-out", SIGN_IN, INDIVIDUALS, _l("After signing out"),
          partial(sign_in, notice="signed_out")),
    State("sign-in-idle", SIGN_IN, INDIVIDUALS, _l("Signed out after a while without use"),
          partial(sign_in, notice="signed_out_idle")),
    State("sign-in-empty", SIGN_IN, INDIVIDUALS, EMPTY, partial(sign_in, {}), htmx=True),
    State("sign-in-rejected", SIGN_IN, INDIVIDUALS, _l("Wrong username or password"),
          partial(wrong_password, "sign_in_rejected"), htmx=True),
    State("sign-in-locked", SIGN_IN, INDIVIDUALS, _l("Locked after wrong passwords"),
          partial(wrong_password, "sign_in_locked"), htmx=True),
    State("sign-in-needs-recovery", SIGN_IN, INDIVIDUALS,
          _l("Locked until the password is recovered"),
          partial(wrong_password, "sign_in_needs_recovery"), htmx=True),
    *code_states("sign-in", SIGN_IN, auth.CODE_STEP),
]

