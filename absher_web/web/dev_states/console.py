"""The Passports office console: the officer's sign-in, a holder looked up, and what the
officer does for them."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web import dates
from absher_web.forms import staff as staff_forms
from absher_web.forms.common import ConfirmForm
from absher_web.forms.messages import message
from absher_web.identity import mask_mobile
from absher_web.models import ActivationState
from absher_web.services import account_locks
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import BLANK, EMPTY, State, console_page, form_of
from absher_web.web.flow import ltr

# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
CONSOLE = _l("Passports office console")
# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
OFFICER_SIGN_IN = _l("Officer sign-in")
HOLDER_CODE = _l("Enter the code from the holder's phone")


def staff_sign_in(typed=None, problem=None, notice=None):
    form = form_of(staff_forms.StaffSignInForm, typed)
    status = 422 if form.errors or problem else 200
    return console_page("staff/sign_in.html", status, form=form, problem=problem,
                        notice=notice)


def console(looked_up=False, state=ActivationState.NOT_ACTIVATED, found=True, notice=None,
            failing: str | None = None, search=None, status=None, **account_changes_):
    holder = fx.account(state, **account_changes_) if looked_up and found else None
    form = form_of(staff_forms.LookUpForm, search,
                   national_id=holder.national_id if holder else None)
    forms = {}
    if holder:
        keep = {"national_id": holder.national_id}
        forms = {"activate_form": form_of(staff_forms.ActivateForm, None, **keep),
                 "mobile_form": form_of(staff_forms.ChangeMobileForm, None, **keep),
                 "unlock_form": form_of(staff_forms.UnlockForm, None, **keep)}
        if failing == "activate_form":
            forms[failing] = form_of(staff_forms.ActivateForm, keep)
        elif failing == "mobile_form":
            forms[failing] = form_of(staff_forms.ChangeMobileForm,
                                     {**keep, "mobile": fx.NEW_MOBILE[4:]},
                                     {"mobile": "staff_mobile_change_taken"})
    failed = forms.get(failing, form)
    status = status or (422 if failed.errors else 200)
    return console_page(
        "staff/home.html", status, form=form, looked_up=looked_up, account=holder,
        person=holder.person if holder else None,
        due=fx.NOW + timedelta(days=2) if holder and holder.activation_pending else None,
        failed_form=failed, locks=account_locks.locks_of(holder, fx.NOW) if holder else None,
        masked_mobile=ltr(mask_mobile(holder.mobile)) if holder else None, notice=notice,
        **{"activate_form": None, "mobile_form": None, "unlock_form": None, **forms})


def console_notice(key: str):
    return console(notice={"key": key, "national_id": fx.account().national_id,
                           "mobile": fx.NEW_MOBILE})


def holder_code(sending="sent", typed=None):
    form = form_of(staff_forms.HolderCodeForm, typed)
    return console_page("staff/mobile_code.html", 422 if form.errors else 200, form=form,
                        resend_form=ConfirmForm(formdata=None), mobile=ltr(fx.NEW_MOBILE),
                        sending=sending)


STATES: list[State] = [
    State("staff-sign-in", CONSOLE, OFFICER_SIGN_IN, BLANK, staff_sign_in),
    # TRANSLATORS: states gallery, a state of a sign-in page: just after the person signed out.
    State("staff-sign-in-signed-out", CONSOLE, OFFICER_SIGN_IN, _l("After signing out"),
          partial(staff_sign_in, notice="signed_out")),
    State("staff-sign-in-empty", CONSOLE, OFFICER_SIGN_IN, EMPTY, partial(staff_sign_in, {})),
    State("staff-sign-in-rejected", CONSOLE, OFFICER_SIGN_IN, _l("Wrong username or password"),
          lambda: staff_sign_in({"username": "officer", "password": "wrong"},
                                message("staff_sign_in_rejected"))),
    State("staff-sign-in-locked", CONSOLE, OFFICER_SIGN_IN, _l("Locked after wrong passwords"),
          lambda: staff_sign_in({"username": "officer", "password": "wrong"},
                                message("staff_sign_in_locked", time=dates.date_and_time(
                                    fx.NOW + timedelta(minutes=15))))),
    State("staff-home", CONSOLE, CONSOLE, BLANK, console),
    State("staff-lookup-empty", CONSOLE, CONSOLE, EMPTY, partial(console, search={})),
    # TRANSLATORS: states gallery, a state of the officer console: the ID number searched for has
    # no account.
    State("staff-lookup-none", CONSOLE, CONSOLE, _l("Lookup: no account"),
          partial(console, looked_up=True, found=False)),
    # TRANSLATORS: states gallery, a state of the officer console: the account found is not
    # activated and is locked.
    State("staff-lookup-not-active", CONSOLE, CONSOLE, _l("Lookup: not activated, locked"),
          partial(console, looked_up=True, consecutive_failures=5,
                  recovery_locked_until=fx.NOW + timedelta(hours=1))),
    # TRANSLATORS: states gallery, a state of the officer console: the account found will be
    # active soon.
    State("staff-lookup-pending", CONSOLE, CONSOLE, _l("Lookup: activation on its way"),
          partial(console, looked_up=True, state=ActivationState.PENDING)),
    # TRANSLATORS: states gallery, a state of the officer console: the account found is activated.
    State("staff-lookup-active", CONSOLE, CONSOLE, _l("Lookup: active"),
          partial(console, looked_up=True, state=ActivationState.ACTIVE)),
    # TRANSLATORS: states gallery, a state of the officer console: the officer did not tick that
    # the fingerprints matched.
    State("staff-activate-unconfirmed", CONSOLE, CONSOLE, _l("Fingerprints not confirmed"),
          partial(console, looked_up=True, failing="activate_form")),
    State("staff-mobile-taken", CONSOLE, CONSOLE, _l("Taken by another account meanwhile (409)"),
          partial(console, looked_up=True, failing="mobile_form", status=409)),
    # TRANSLATORS: states gallery, a state of the officer console: just after the officer
    # activated an account.
    State("staff-activated", CONSOLE, CONSOLE, _l("After an activation"),
          partial(console_notice, "staff_account_activated")),
    State("staff-mobile-changed", CONSOLE, CONSOLE, _l("After a change of mobile number"),
          partial(console_notice, "staff_mobile_changed")),
    # TRANSLATORS: states gallery, a state of the code step: a text message with a code has just
    # been sent.
    State("staff-mobile-code", CONSOLE, HOLDER_CODE, _l("Code sent"), holder_code),
    # TRANSLATORS: states gallery, a state of the code step: a new code has just been sent.
    State("staff-mobile-code-again", CONSOLE, HOLDER_CODE, _l("Code sent again"),
          partial(holder_code, "sent_again")),
    State("staff-mobile-code-sms-failed", CONSOLE, HOLDER_CODE,
          _l("The code could not be sent"), partial(holder_code, "sms_failed")),
    State("staff-mobile-code-empty", CONSOLE, HOLDER_CODE, EMPTY,
          partial(holder_code, None, {})),
]

