"""What every area of the states gallery builds its states with: a state and a gallery
link, a form as sent, a page of the account area or of the officer console, and the SMS
code step (the same in every journey)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.datastructures import MultiDict

from absher_web.forms.base import SiteForm
from absher_web.forms.common import CodeForm, ConfirmForm
from absher_web.web.code_step import Sending
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.flow import render_step


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

ENTER_CODE = _l("Enter the code we sent you")


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
    # TRANSLATORS: states gallery, a state of the code step: the text-message provider failed
    # several times in a row, so codes are refused at once for a few minutes.
    ("sms-paused", _l("Codes paused after the provider failed"), Sending("sms_paused"), None),
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


def not_active(title: LazyString, explanation: LazyString | None):
    return account_page("account/not_active.html", title=title, explanation=explanation)

