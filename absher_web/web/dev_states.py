"""The states gallery, for testers and developers (development and test only; production
has no such pages): /<lang>/dev/states lists every page of the site in every state it can
show, each one link away, rendered by the real templates and render helpers from fixture
data (web/dev_fixtures.py). Nothing is read from or written to the database.

A state is a name, the page it belongs to, which state of the page it is, and a function
that answers as the view would. A state marked ``htmx`` is listed twice: the whole page,
and the fragment a form gets back through htmx (the request is answered as an htmx one).
A new page or state adds a line to STATES; a new e-service adds its answers to
ESERVICE_ANSWERS (tests/test_states_gallery.py says when one is missing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from jinja2_fragments.flask import render_block
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from absher_web import dates
from absher_web.content import search_services
from absher_web.extensions import limiter
from absher_web.forms import staff as staff_forms
from absher_web.forms.account_changes import (
    ChangeEmailForm,
    ChangeLanguageForm,
    ChangeMobileForm,
    ChangePasswordForm,
)
from absher_web.forms.base import SiteForm
from absher_web.forms.common import CodeForm, ConfirmForm
from absher_web.forms.messages import message
from absher_web.forms.recovery import (
    NewPasswordForm,
    RecoveryStartForm,
    RecoveryStartWithoutVisualCodeForm,
    SecurityQuestionForm,
)
from absher_web.forms.registration import RegistrationForm
from absher_web.forms.security_questions import ChangeSecurityQuestionsForm, SecurityQuestionsForm
from absher_web.forms.signin import SignInForm
from absher_web.identity import mask_mobile
from absher_web.models import ActivationState
from absher_web.services import account_locks, security_questions
from absher_web.services.eservices import absence, driving, visa
from absher_web.services.eservices.absence import withdrawable_until
from absher_web.services.eservices.driving import is_live
from absher_web.services.eservices.sponsored import Sponsored
from absher_web.services.eservices.vehicles import MyVehicles
from absher_web.services.policies import EServicePolicy
from absher_web.services.sponsorship_registry import KINDS
from absher_web.services.vehicles_registry import COLOURS, VIOLATION_KINDS
from absher_web.web import (
    account_changes,
    auth,
    eservices,
    is_htmx_request,
    recovery,
    registration,
)
from absher_web.web import dev_fixtures as fx
from absher_web.web.account import EVENT_LABELS
from absher_web.web.code_step import Sending
from absher_web.web.errors import CSRF_PAGE, rate_limit_words, render_error
from absher_web.web.eservices.absence import refusal_text as absence_refusal
from absher_web.web.eservices.driving import STATUSES
from absher_web.web.eservices.driving import refusal_text as driving_refusal
from absher_web.web.eservices.visa import refusal_text as visa_refusal
from absher_web.web.flow import ltr, render_step

bp = Blueprint("dev_states", __name__, url_prefix="/<lang_code>/dev/states")
limiter.exempt(bp)  # a tester (or the whole-list checks) opens hundreds of states in a row


@dataclass(frozen=True)
class State:
    name: str  # its address: /<lang>/dev/states/<name>
    group: LazyString
    page: LazyString  # the page, by its own title
    label: LazyString  # which state of the page
    render: Callable[[], object]  # answers as the view would: (body, status) or body
    htmx: bool = False  # listed also as the fragment htmx gets


@dataclass(frozen=True)
class Entry:
    """One link of the gallery: a state's whole page, or its htmx fragment."""

    state: State
    fragment: bool = False

    @property
    def name(self) -> str:
        return f"{self.state.name}.htmx" if self.fragment else self.state.name


# --- building a state's context --------------------------------------------------------------


def form_of(form_class: type[SiteForm], typed: dict | None = None,
            errors: dict[str, str] | None = None, prepare: Callable | None = None,
            **kwargs) -> SiteForm:
    """A form as first shown (``typed`` None), or as sent with ``typed`` and checked by its
    own rules; ``errors`` (message keys by field) are what a service would add."""
    form = form_class(formdata=None if typed is None else MultiDict(typed), **kwargs)
    if prepare:
        prepare(form)
    if typed is not None:
        form.validate()
    form.add_errors(errors or {})
    return form


def account_page(template: str, status: int = 200, **context):
    """A page of the account area, as the signed-in fixture citizen sees it."""
    context.setdefault("sign_out_form", ConfirmForm(formdata=None))
    return render_step(template, status, **context)


def console_page(template: str, status: int = 200, **context):
    """A page of the officer console, as the fixture officer sees it."""
    return render_template(template, officer=fx.officer(),
                           staff_sign_out_form=ConfirmForm(formdata=None),
                           page_has_errors=status >= 400, **context), status


# TRANSLATORS: states gallery, a state of a page: the page as it looks when opened, before
# anything is sent.
BLANK = _l("As first opened")
EMPTY = _l("Sent with every field empty")
BROKEN = _l("Sent with values that break the rules")

# --- public pages ----------------------------------------------------------------------------

# TRANSLATORS: states gallery, a heading: the pages anyone can read without signing in.
PUBLIC = _l("Public pages")
# The public pages as their own views render them: (endpoint, title).
PUBLIC_PAGES = (
    ("public.landing", _l("Absher electronic services")),
    ("public.business", _l("Absher Business")),
    ("public.about", _l("About Absher")),
    ("public.services", _l("Services on Absher")),
    ("public.contact", _l("Contact Absher")),
    ("public.terms", _l("Terms of use")),
    ("public.privacy", _l("Privacy policy")),
    ("public.registration_conditions", _l("Registration conditions")),
    ("public.accessibility", _l("Accessibility statement")),
)


def public_page(endpoint: str):
    return current_app.view_functions[endpoint]()


def services_search(query: str):
    """The services page for a search (its view reads the query from the address); htmx
    gets only the results."""
    context = {"query": query, "services": search_services(query)}
    if is_htmx_request():
        return render_block("public/services.html", "results", **context)
    return render_template("public/services.html", **context)


def services_found():
    return services_search("جواز" if get_locale().language == "ar" else "passport")


def public_states() -> list[State]:
    states = [State(f"public-{endpoint.partition('.')[2].replace('_', '-')}", PUBLIC, title,
                    BLANK, partial(public_page, endpoint)) for endpoint, title in PUBLIC_PAGES]
    return [*states,
            State("public-services-found", PUBLIC, _l("Services on Absher"),
                  _l("A search that finds services"), services_found, htmx=True),
            State("public-services-none", PUBLIC, _l("Services on Absher"),
                  _l("A search that finds nothing"), partial(services_search, "zqxjvw"),
                  htmx=True)]


# --- registration --------------------------------------------------------------------------

# TRANSLATORS: states gallery, a heading: the pages of creating an account.
REGISTRATION = _l("Registration")
CREATE = _l("Create an Absher account")
ENTER_CODE = _l("Enter the code we sent you")
BAD_REGISTRATION = {"national_id": "12345", "mobile": "0212345678", "username": "ahmed",
                    "password": "password", "confirm_password": "Password1",
                    "email": "ahmed@", "confirm_email": "ahmed@example.com",
                    "preferred_language": "ar", "captcha_answer": "12"}


def registration_form(typed=None, errors=None, expired=False):
    form = form_of(RegistrationForm, typed, errors)
    status = 422 if form.errors or expired else 200
    return render_step("registration/form.html", status, form=form, expired=expired)


def code_step(step, sending: Sending | None, errors=None, mobile=fx.MOBILE,
              signed_in=False, **context):
    if signed_in:
        context["sign_out_form"] = ConfirmForm(formdata=None)
    form = form_of(CodeForm, {"code": "123456"} if errors else None, errors)
    status = 422 if errors else (sending.status if sending else 200)
    return step.render(form, mobile, sending, status, **context)


CODE_STATES = (  # (name, label, sending, errors)
    # TRANSLATORS: states gallery, a state of the code step: a text message with a code has just
    # been sent.
    ("sent", _l("Code sent"), Sending(), None),
    # TRANSLATORS: states gallery, a state of the code step: a new code has just been sent.
    ("sent-again", _l("Code sent again"), Sending(again=True), None),
    ("opened", _l("Opened again, with nothing new to say"), None, None),
    ("sms-failed", _l("The code could not be sent"), Sending("sms_failed"), None),
    ("too-soon", _l("A new code asked for too soon"), Sending("resend_too_soon", again=True),
     None),
    ("too-many-codes", _l("Too many codes asked for"), Sending("too_many_codes", again=True),
     None),
    # TRANSLATORS: states gallery, a state of the code step: the code typed was wrong.
    ("wrong", _l("Wrong code"), None, {"code": "code_wrong"}),
    # TRANSLATORS: states gallery, a state of the code step: the code typed had expired.
    ("expired", _l("Code expired"), None, {"code": "code_expired"}),
    ("too-many-tries", _l("Too many wrong codes"), None, {"code": "code_too_many_tries"}),
)


def code_states(prefix: str, group: LazyString, step, **context) -> list[State]:
    return [State(f"{prefix}-code-{name}", group, ENTER_CODE, label,
                  partial(code_step, step, sending, errors, **context), htmx=True)
            for name, label, sending, errors in CODE_STATES]


def registration_done():
    return render_step("registration/done.html", 200, username=fx.account().username)


def registration_conflict():
    return render_step("registration/conflict.html", 409,
                       reason="registration_conflict_username")


# --- signing in ----------------------------------------------------------------------------

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


# --- password recovery -----------------------------------------------------------------------

# TRANSLATORS: states gallery, a heading: the pages of Forgot password.
RECOVERY = _l("Password recovery")
# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
FORGOT = _l("Forgot password")
QUESTION = _l("Answer a security question")
NEW_PASSWORD = _l("Choose a new password")


def recovery_start(typed=None, problem=None, alternative=False, errors=None):
    form_class = RecoveryStartWithoutVisualCodeForm if alternative else RecoveryStartForm
    form = form_of(form_class, typed, errors)
    status = 422 if form.errors or problem else 200
    return render_step("recovery/start.html", status, form=form, alternative=alternative,
                       problem=problem)


def with_questions(form: SecurityQuestionForm) -> None:
    form.question.choices = [SelectChoice(key, security_questions.question_text(key))
                             for key in list(security_questions.QUESTIONS)[:3]]


def recovery_question(typed=None, errors=None):
    form = form_of(SecurityQuestionForm, typed, errors, prepare=with_questions)
    return render_step("recovery/question.html", 422 if form.errors else 200, form=form,
                       problem=None)


def new_password(typed=None, errors=None):
    form = form_of(NewPasswordForm, typed, errors)
    return render_step("recovery/new_password.html", 422 if form.errors else 200, form=form)


def recovery_problem(reason: str, status: int):
    return render_step("recovery/problem.html", status, reason=reason)


# --- the account area ------------------------------------------------------------------------

# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
ACCOUNT = _l("Your account")
# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
HOME = _l("Account home")


def account_home(state=ActivationState.NOT_ACTIVATED, notice=None, first_sign_in=False,
                 waiting_authorisations=0):
    held = fx.account(state)
    events = fx.events()
    return account_page(
        "account/home.html", account=held, person=held.person,
        pending_until=fx.NOW + timedelta(days=2) if held.activation_pending else None,
        events=[] if first_sign_in else events,
        previous_sign_in=None if first_sign_in else events[0],
        confirm_form=ConfirmForm(formdata=None), event_labels=EVENT_LABELS, notice=notice,
        eservices=eservices.REGISTRY, waiting_authorisations=waiting_authorisations)


def my_data():
    return account_page("account/my_data.html", person=fx.person())


def not_active(title: LazyString, explanation: LazyString | None):
    return account_page("account/not_active.html", title=title, explanation=explanation)


def security_questions_page(first_setup: bool, typed=None, errors=None):
    if first_setup:
        form = form_of(SecurityQuestionsForm, typed, errors)
    else:
        chosen = list(security_questions.QUESTIONS)[:3]
        if typed is None:
            form = ChangeSecurityQuestionsForm.starting_from(chosen)
            form.add_errors(errors or {})
        else:
            form = form_of(ChangeSecurityQuestionsForm, typed, errors)
    return account_page("account/security_questions.html", 422 if form.errors else 200,
                        form=form, first_setup=first_setup)


def change_password(typed=None, errors=None):
    form = form_of(ChangePasswordForm, typed, errors, username=fx.account().username)
    return account_page("account/change_password.html", 422 if form.errors else 200,
                        form=form)


def change_mobile(typed=None, errors=None, status=None):
    form = form_of(ChangeMobileForm, typed, errors)
    return account_page("account/change_mobile.html",
                        status or (422 if form.errors else 200), form=form,
                        current_mobile=ltr(mask_mobile(fx.MOBILE)))


def change_email(typed=None, errors=None):
    form = form_of(ChangeEmailForm, typed, errors)
    return account_page("account/change_email.html", 422 if form.errors else 200, form=form,
                        current_email=fx.account().email)


def change_language(typed=None):
    form = form_of(ChangeLanguageForm, typed, preferred_language="ar")
    return account_page("account/change_language.html", 422 if form.errors else 200,
                        form=form)


# --- the officer console ---------------------------------------------------------------------

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


# --- e-services ------------------------------------------------------------------------------

# TRANSLATORS: states gallery, a heading: the services on the holder's own records.
ESERVICES = _l("E-services")
# TRANSLATORS: states gallery, a state of an e-service page: its answer to an enquiry.
ANSWER = _l("Answer")
# TRANSLATORS: states gallery, a state of an e-service page: it answered that nothing is recorded.
NOTHING_FOUND = _l("Answer: nothing found")

# Each e-service's answers to show: (name, label, what its enquiry returns, what was typed).
ESERVICE_ANSWERS: dict[str, tuple[tuple[str, LazyString, Callable[[], dict], dict], ...]] = {
    "fingerprint": (
        ("recorded", ANSWER, lambda: {"enrolment": fx.enrolment()}, {}),
        ("not-recorded", NOTHING_FOUND, lambda: {"enrolment": None}, {}),
    ),
    "vehicles": (
        ("answer", ANSWER, lambda: {"found": fx.my_vehicles(), "colours": COLOURS,
                                    "violation_kinds": VIOLATION_KINDS}, {}),
        ("none", NOTHING_FOUND, lambda: {"found": MyVehicles([]), "colours": COLOURS,
                                         "violation_kinds": VIOLATION_KINDS}, {}),
    ),
    "foreign-vehicle-violations": (
        ("answer", ANSWER, lambda: {"found": fx.foreign_vehicle(),
                                    "violation_kinds": VIOLATION_KINDS},
         {"country": "BHR", "plate": "12345"}),
        ("none", NOTHING_FOUND, lambda: {"found": None, "violation_kinds": VIOLATION_KINDS},
         {"country": "KWT", "plate": "A1"}),
    ),
    "workers-and-visitors": (
        ("answer", ANSWER, lambda: {"found": fx.workers_and_visitors(), "kinds": KINDS}, {}),
        ("none", NOTHING_FOUND,
         lambda: {"found": Sponsored([]), "kinds": KINDS}, {}),
    ),
    "health-insurance": (
        ("answer", ANSWER, lambda: {"found": fx.health_insurance(), "kinds": KINDS}, {}),
        ("resident", _l("Answer for a resident"),
         lambda: {"found": fx.health_insurance_of_resident(), "kinds": KINDS}, {}),
    ),
}


def _visa_quote() -> dict:
    from absher_web.forms.eservices import ConfirmExtensionForm
    from absher_web.services.eservices.visa import Quote

    quote = Quote(fx.visitor(), fx.TODAY + timedelta(days=20), fx.TODAY + timedelta(days=110),
                  100)
    return {"quote": quote, "confirm_form": ConfirmExtensionForm(formdata=None)}


# What the page of a service that changes things shows before anything is sent.
ESERVICE_OVERVIEWS: dict[str, Callable[[], dict]] = {
    "driving-authorisations": lambda: {"found": fx.driving_authorisations(),
                                       "is_live": is_live, "statuses": STATUSES,
                                       "max_days": 365},
    "visit-visa-extension": lambda: {"visitors": [fx.visitor(), fx.visitor(-3, id=22)],
                                     "extensions": fx.visa_extensions(),
                                     "policy": EServicePolicy()},
    "domestic-worker-absence": lambda: {
        "workers": fx.domestic_workers(), "reports": fx.absence_reports(), "now": fx.NOW,
        "policy": EServicePolicy(), "withdrawable_until": lambda made: withdrawable_until(
            made, EServicePolicy())},
}
# TRANSLATORS: states gallery, a state of an e-service page: a change was saved, and the page
# says so.
SAVED = _l("Change saved")
# TRANSLATORS: states gallery, a state of an e-service page: the change was refused, and the
# page says why.
REFUSED = _l("Change refused")
ESERVICE_ANSWERS.update({
    "driving-authorisations": (
        ("saved", SAVED, lambda: {"notice": _("The authorisation is sent. It takes effect once "
                                              "the person accepts it; we have texted you both.")},
         None),
        ("refused", REFUSED, lambda: {"refusal": driving_refusal(
            driving.Refusal.NOT_AUTHORISABLE)}, None),
    ),
    "visit-visa-extension": (
        # TRANSLATORS: states gallery, a state of the visa extension page: the fee and the new
        # expiry, with the button that confirms the extension.
        ("quote", _l("Fee and new expiry, to confirm"), _visa_quote, None),
        ("refused", REFUSED, lambda: {"refusal": visa_refusal(visa.Refused(
            visa.Refusal.TOO_EARLY, fx.visitor(60), fx.TODAY + timedelta(days=30)))}, None),
    ),
    "domestic-worker-absence": (
        # TRANSLATORS: States gallery, a sample notice. %(name)s is the sponsored person's full
        # name.
        ("saved", SAVED, lambda: {"notice": _("The absence of %(name)s is reported. It shows "
                                              "on the worker's record.", name="Amina Hassan")},
         None),
        ("refused", REFUSED, lambda: {"refusal": absence_refusal(absence.Refused(
            absence.Refusal.TOO_LATE, fx.domestic_workers()[0], fx.TODAY))}, None),
    ),
})


def eservice_page(slug: str, answer: Callable[[], dict] | None = None, typed=None,
                  active=True):
    service = eservices.by_slug()[slug]
    if not active:
        return not_active(service.title, service.explanation)
    form = form_of(service.form, typed)
    shown: dict = {}
    if service.overview:  # a service that changes things: what it holds, its buttons
        shown = {"forms": {action.name: action.form(formdata=None)
                           for action in service.actions},
                 "refusal": None, "notice": None, **ESERVICE_OVERVIEWS[slug]()}
    if answer is not None:
        shown.update(answer())
        status = 422 if shown.get("refusal") else 200
        return account_page(service.template, status, service=service, form=form,
                            enquired=True, **shown)
    return account_page(service.template, 422 if form.errors else 200, service=service,
                        form=form, enquired=False, **shown)


def eservice_states() -> list[State]:
    states = []
    for service in eservices.REGISTRY:
        slug, title = service.slug, service.title
        states += [
            State(f"eservice-{slug}", ESERVICES, title, BLANK, partial(eservice_page, slug)),
            State(f"eservice-{slug}-not-active", ESERVICES, title,
                  # TRANSLATORS: states gallery, a state of a page: the account is not activated,
                  # so the page says how to activate it.
                  _l("Account not activated"), partial(eservice_page, slug, active=False)),
        ]
        if service.form is not ConfirmForm:  # it asks for something
            states.append(State(f"eservice-{slug}-empty", ESERVICES, title, EMPTY,
                                partial(eservice_page, slug, typed={})))
        states += [State(f"eservice-{slug}-{name}", ESERVICES, title, label,
                         partial(eservice_page, slug, answer, typed))
                   for name, label, answer, typed in ESERVICE_ANSWERS.get(slug, ())]
    return states


# --- error pages -----------------------------------------------------------------------------

# TRANSLATORS: states gallery, a heading: the pages shown when something goes wrong (not found,
# too many attempts…).
ERRORS = _l("Error pages")


def error_page(code: int, csrf: bool = False):
    if code == 429:  # as the sign-in limit answers its fourth try in an hour: 3 per hour
        return render_error(429, rate_limit_words(3, "hour", wait=3600), retry=True)
    return render_error(code, CSRF_PAGE if csrf else None, retry=code in (429, 503))


def error_states() -> list[State]:
    from absher_web.web.errors import ERROR_PAGES

    # TRANSLATORS: states gallery, a state of an error page: its HTTP status code, e.g. 404.
    states = [State(f"error-{code}", ERRORS, page[0], _l("Status %(code)s", code=code),
                    partial(error_page, code), htmx=code in (429, 503))
              for code, page in ERROR_PAGES.items()]
    states.append(State("error-session-expired", ERRORS, CSRF_PAGE[0],
                        # TRANSLATORS: states gallery, a state of an error page: its HTTP status
                        # code, e.g. 404.
                        _l("Status %(code)s", code=400), partial(error_page, 400, csrf=True),
                        htmx=True))
    return states


# --- the list --------------------------------------------------------------------------------

STATES: list[State] = [
    *public_states(),
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

    State("recovery", RECOVERY, FORGOT, BLANK, recovery_start),
    State("recovery-without-visual-code", RECOVERY, FORGOT, _l("Without the visual code"),
          partial(recovery_start, alternative=True)),
    State("recovery-empty", RECOVERY, FORGOT, EMPTY, partial(recovery_start, {}), htmx=True),
    State("recovery-no-match", RECOVERY, FORGOT, _l("ID and mobile number do not match"),
          partial(recovery_start, None, "recovery_no_match"), htmx=True),
    State("recovery-expired", RECOVERY, FORGOT, _l("Started again after it expired"),
          partial(recovery_start, None, "recovery_expired")),
    State("recovery-question", RECOVERY, QUESTION, BLANK, recovery_question, htmx=True),
    State("recovery-question-empty", RECOVERY, QUESTION, EMPTY,
          partial(recovery_question, {}), htmx=True),
    # TRANSLATORS: states gallery, a state: the answer to the security question was wrong.
    State("recovery-question-wrong", RECOVERY, QUESTION, _l("Wrong answer"),
          partial(recovery_question, None, {"answer": "answer_wrong"}), htmx=True),
    State("recovery-locked", RECOVERY, _l("Password recovery could not continue"),
          _l("Locked after wrong answers (423)"),
          partial(recovery_problem, "recovery_locked", 423), htmx=True),
    State("recovery-wrong-step", RECOVERY, _l("Password recovery could not continue"),
          _l("A step opened out of turn (409)"),
          partial(recovery_problem, "recovery_wrong_step", 409)),
    *code_states("recovery", RECOVERY, recovery.CODE_STEP, skipped_question=False),
    State("recovery-code-no-questions", RECOVERY, ENTER_CODE,
          # TRANSLATORS: states gallery, a state of the code step: the person has not set security
          # questions.
          _l("No security questions set"),
          partial(code_step, recovery.CODE_STEP, Sending(), skipped_question=True),
          htmx=True),
    State("recovery-new-password", RECOVERY, NEW_PASSWORD, BLANK, new_password, htmx=True),
    State("recovery-new-password-empty", RECOVERY, NEW_PASSWORD, EMPTY,
          partial(new_password, {}), htmx=True),
    State("recovery-new-password-broken", RECOVERY, NEW_PASSWORD, BROKEN,
          partial(new_password, {"password": "password", "confirm_password": "Password1"}),
          htmx=True),
    # TRANSLATORS: states gallery, a state: the last page of a journey, once it has succeeded.
    State("recovery-done", RECOVERY, _l("Password updated successfully"), _l("Done"),
          partial(render_step, "recovery/done.html", 200), htmx=True),

    # TRANSLATORS: states gallery, a state: the account is not activated yet.
    State("account-home", ACCOUNT, HOME, _l("Not activated"), account_home),
    # TRANSLATORS: states gallery, a state of the account home: the first time the person signs in.
    State("account-home-first", ACCOUNT, HOME, _l("First sign-in"),
          partial(account_home, first_sign_in=True)),
    State("account-home-pending", ACCOUNT, HOME, _l("Activation on its way"),
          partial(account_home, ActivationState.PENDING)),
    State("account-home-active", ACCOUNT, HOME, _l("Active, after a change"),
          partial(account_home, ActivationState.ACTIVE, "account_password_changed")),
    # TRANSLATORS: states gallery, a state of the account home: driving authorisations given to
    # the holder wait for their answer.
    State("account-home-authorisations", ACCOUNT, HOME, _l("Authorisations waiting"),
          partial(account_home, ActivationState.ACTIVE, waiting_authorisations=2)),
    State("my-data", ACCOUNT, _l("My data"),
          # TRANSLATORS: states gallery, a state: the account is activated.
          _l("Active"), my_data),
    # TRANSLATORS: states gallery, a state of a page: the account is not activated, so the page
    # says how to activate it.
    State("my-data-not-active", ACCOUNT, _l("My data"), _l("Account not activated"),
          partial(not_active, _l("My data"), None)),
    State("security-questions-first", ACCOUNT, _l("Set your security questions"), BLANK,
          partial(security_questions_page, True)),
    State("security-questions-first-empty", ACCOUNT, _l("Set your security questions"), EMPTY,
          partial(security_questions_page, True, {}), htmx=True),
    State("security-questions", ACCOUNT, _l("Change your security questions"), BLANK,
          partial(security_questions_page, False)),
    State("security-questions-wrong-password", ACCOUNT, _l("Change your security questions"),
          # TRANSLATORS: states gallery, a state: the password typed was wrong.
          _l("Wrong password"),
          partial(security_questions_page, False, None,
                  {"password": "security_questions_password_wrong"}), htmx=True),
    # TRANSLATORS: The states gallery for testers (development only): a page or state's name.
    State("change-password", ACCOUNT, _l("Change your password"), BLANK, change_password),
    State("change-password-empty", ACCOUNT, _l("Change your password"), EMPTY,
          partial(change_password, {}), htmx=True),
    State("change-password-broken", ACCOUNT, _l("Change your password"), BROKEN,
          partial(change_password, {"current_password": "wrong", "new_password": "short",
                                    "confirm_new_password": "other"},
                  {"current_password": "current_password_wrong"}), htmx=True),
    State("change-mobile", ACCOUNT, _l("Change your mobile number"), BLANK, change_mobile),
    State("change-mobile-empty", ACCOUNT, _l("Change your mobile number"), EMPTY,
          partial(change_mobile, {}), htmx=True),
    State("change-mobile-taken", ACCOUNT, _l("Change your mobile number"),
          _l("Taken by another account meanwhile (409)"),
          partial(change_mobile, None, {"mobile": "mobile_change_taken"}, 409), htmx=True),
    *code_states("change-mobile", ACCOUNT, account_changes.CODE_STEP, mobile=fx.NEW_MOBILE,
                  signed_in=True),
    State("change-email", ACCOUNT, _l("Change your email address"), BLANK, change_email),
    State("change-email-empty", ACCOUNT, _l("Change your email address"), EMPTY,
          partial(change_email, {}), htmx=True),
    State("change-language", ACCOUNT, _l("Choose your preferred language"), BLANK,
          change_language),

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

    *eservice_states(),
    *error_states(),
]


def entries() -> list[Entry]:
    """Every link of the gallery, in order: each state, then its htmx fragment if any."""
    listed = []
    for state in STATES:
        listed.append(Entry(state))
        if state.htmx:
            listed.append(Entry(state, fragment=True))
    return listed


BY_NAME = {entry.name: entry for entry in entries()}


def groups() -> list[tuple[LazyString, list[State]]]:
    """The states by group, in the order of STATES."""
    grouped: dict[int, tuple[LazyString, list[State]]] = {}
    for state in STATES:
        grouped.setdefault(id(state.group), (state.group, []))[1].append(state)
    return list(grouped.values())


@bp.get("")
def index():
    return render_template("dev/states.html", groups=groups(), count=len(BY_NAME))


@bp.get("/<name>")
def show(name: str):
    entry = BY_NAME.get(name)
    if entry is None:
        abort(404)
    if entry.fragment:
        # Answered as htmx would be: the same views' helpers then give the fragment.
        request.environ["HTTP_HX_REQUEST"] = "true"
    return entry.state.render()

