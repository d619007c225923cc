"""The account area: the home page, the holder's data, the security questions and the
changes of password, mobile number, email and language."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.forms.account_changes import (
    ChangeEmailForm,
    ChangeLanguageForm,
    ChangeMobileForm,
    ChangePasswordForm,
)
from absher_web.forms.common import ConfirmForm
from absher_web.forms.security_questions import ChangeSecurityQuestionsForm, SecurityQuestionsForm
from absher_web.identity import mask_mobile
from absher_web.models import ActivationState
from absher_web.services import security_questions
from absher_web.services.documents import Document, DocumentKind
from absher_web.services.eservices import validity
from absher_web.services.family import Family
from absher_web.web import account_changes, eservices
from absher_web.web import documents as document_pages
from absher_web.web import family as family_pages
from absher_web.web.account import EVENT_LABELS
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import (
    BLANK,
    BROKEN,
    EMPTY,
    State,
    account_page,
    code_states,
    form_of,
    not_active,
)
from absher_web.web.flow import ltr

# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
ACCOUNT = _l("Your account")
# TRANSLATORS: The states gallery for testers (development only): a page or state's name.
HOME = _l("Account home")


def account_home(state=ActivationState.NOT_ACTIVATED, notice=None, first_sign_in=False,
                 waiting_authorisations=0, waiting_offers=0):
    held = fx.account(state)
    events = fx.events()
    return account_page(
        "account/home.html", account=held, person=held.person,
        pending_until=fx.NOW + timedelta(days=2) if held.activation_pending else None,
        events=[] if first_sign_in else events,
        previous_sign_in=None if first_sign_in else events[0],
        confirm_form=ConfirmForm(formdata=None), event_labels=EVENT_LABELS, notice=notice,
        eservices=eservices.REGISTRY, waiting_authorisations=waiting_authorisations,
        waiting_offers=waiting_offers)


def my_data():
    return account_page("account/my_data.html", person=fx.person())


def my_documents(passport_in: int | None = 900, id_in: int = 1200, resident: bool = False):
    """The holder's documents as of the fixtures' day: the ID card or iqama expiring in
    ``id_in`` days, the passport in ``passport_in`` (None: no passport recorded)."""
    kind = DocumentKind.IQAMA if resident else DocumentKind.NATIONAL_ID
    number = "2345678901" if resident else fx.person().national_id
    id_expiry = fx.TODAY + timedelta(days=id_in)
    found = [Document(kind, number, id_expiry, validity(id_expiry, fx.TODAY))]
    if passport_in is not None:
        expiry = fx.TODAY + timedelta(days=passport_in)
        found.append(Document(DocumentKind.PASSPORT, "K1234567" if resident else "A12345678",
                              expiry, validity(expiry, fx.TODAY),
                              expiry - timedelta(days=1826)))
    return account_page("account/documents.html", **document_pages.page_context(found))


def my_family(found: Family | None = None):
    return account_page("account/family.html", family=found or fx.family(),
                        kin_names=family_pages.KIN_NAMES,
                        service_names=family_pages.SERVICE_NAMES,
                        relation_names=family_pages.RELATION_NAMES)


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


STATES: list[State] = [
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
          partial(account_home, ActivationState.ACTIVE, waiting_authorisations=2,
                  waiting_offers=1)),
    State("my-data", ACCOUNT, _l("My data"),
          # TRANSLATORS: states gallery, a state: the account is activated.
          _l("Active"), my_data),
    # TRANSLATORS: states gallery, a state of a page: the account is not activated, so the page
    # says how to activate it.
    State("my-data-not-active", ACCOUNT, _l("My data"), _l("Account not activated"),
          partial(not_active, _l("My data"), None)),
    # TRANSLATORS: states gallery, a state of the My family page: a wife, children, a parent
    # and sponsored people, their ID cards and passports in every validity state.
    State("family", ACCOUNT, family_pages.TITLE, _l("Family and sponsored people"), my_family),
    # TRANSLATORS: states gallery, a state of the My family page: the registry links nobody to
    # the holder.
    State("family-empty", ACCOUNT, family_pages.TITLE, _l("Nobody linked"),
          partial(my_family, Family([], []))),
    # TRANSLATORS: states gallery, a state of the My family page: a family but nobody sponsored.
    State("family-no-sponsored", ACCOUNT, family_pages.TITLE, _l("Family, nobody sponsored"),
          lambda: my_family(Family(fx.family().members, []))),
    # TRANSLATORS: states gallery, a state of the My documents page: the ID card and the
    # passport are valid for more than 30 days.
    State("documents", ACCOUNT, document_pages.TITLE, _l("All valid"), my_documents),
    # TRANSLATORS: states gallery, a state of the My documents page: the passport expires within
    # 30 days, so a warning leads the page.
    State("documents-expiring", ACCOUNT, document_pages.TITLE, _l("Passport expiring soon"),
          partial(my_documents, passport_in=12)),
    # TRANSLATORS: states gallery, a state of the My documents page: a resident whose iqama and
    # passport have expired.
    State("documents-resident-expired", ACCOUNT, document_pages.TITLE,
          _l("A resident, iqama and passport expired"),
          partial(my_documents, passport_in=-3, id_in=-40, resident=True)),
    # TRANSLATORS: states gallery, a state of the My documents page: no passport is recorded.
    State("documents-no-passport", ACCOUNT, document_pages.TITLE, _l("No passport recorded"),
          partial(my_documents, passport_in=None)),
    State("documents-not-active", ACCOUNT, document_pages.TITLE, _l("Account not activated"),
          partial(not_active, document_pages.TITLE, document_pages.EXPLANATION)),
    State("family-not-active", ACCOUNT, family_pages.TITLE, _l("Account not activated"),
          partial(not_active, family_pages.TITLE, family_pages.EXPLANATION)),
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
]

