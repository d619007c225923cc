"""What an e-service is to the web layer, and the views every e-service page uses.

An e-service page opens with what the service does and an "Enquire" button (with the
service's own fields, if it asks for any); submitting it runs the enquiry, which is
audited, and shows the answer under the form. A POST, because each enquiry is recorded:
GET requests never write. Without an active account the page says how to activate it
(require_active_account).

A service that changes something (an authorisation given, a visa extended) also shows
what it holds on GET (``overview``), and has ``actions``: each a CSRF-checked POST to
/<lang>/account/services/<slug>/<action>. Its main form and its actions answer with
``Done`` (saved: back to the page, which says so once — post/redirect/get, so a reload
never submits twice), ``Refused`` (nothing changed: the page again with the reason, 422)
or ``Show`` (a step before the change, such as a confirmation). A record that is not the
holder's (services.eservices.NotYours) is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, render_template, session, url_for
from flask_babel.speaklater import LazyString
from flask_login import current_user

from absher_web.extensions import limiter
from absher_web.forms.base import SiteForm
from absher_web.forms.common import ConfirmForm
from absher_web.models import Account
from absher_web.services.eservices import NotYours
from absher_web.web.flow import go_to
from absher_web.web.guards import require_active_account, signed_in_account_key

# The page after a change shows (and removes) the sentence stored under this key.
NOTICE_KEY = "eservice_notice"


@dataclass(frozen=True)
class Done:
    """A change was saved: back to the service's page, which says ``notice`` once."""

    notice: str


@dataclass(frozen=True)
class Refused:
    """Nothing changed: the page again (422) with ``reason``, next to ``field`` if named."""

    reason: str
    field: str | None = None


@dataclass(frozen=True)
class Show:
    """A step before a change (what it will do, with a button to confirm): the page with
    ``context`` added."""

    context: dict


@dataclass(frozen=True)
class Action:
    """A change a service's page offers: POST /<lang>/account/services/<slug>/<name>.

    ``run(form, account)`` returns Done, Refused or Show; ``rate_limit`` names a setting
    counted per account (each use texts someone).
    """

    name: str
    form: type[SiteForm]
    run: Callable[[SiteForm, Account], Done | Refused | Show]
    rate_limit: str | None = None


@dataclass(frozen=True)
class EService:
    """One e-service: its address, words, template and how it answers an enquiry.

    ``enquire(form, account)`` runs the service's enquiry (which audits it) and returns
    what its template shows. ``events`` names how each of its audit kinds reads in the
    holder's security activity.
    """

    slug: str  # the page is /<lang>/account/services/<slug>
    title: LazyString
    summary: LazyString
    explanation: LazyString  # what the page shows once the account is active
    template: str
    enquire: Callable[[SiteForm, Account], dict]
    events: dict[str, LazyString]
    form: type[SiteForm] = field(default=ConfirmForm)
    # What the page shows before any POST (the holder's authorisations, say); no audit.
    overview: Callable[[Account], dict] | None = None
    actions: tuple[Action, ...] = ()
    rate_limit: str | None = None  # a setting counting the main form's changes per account

    @property
    def name(self) -> str:
        return self.slug.replace("-", "_")

    @property
    def endpoint(self) -> str:
        """e.g. eservices.foreign_vehicle_violations: what content.Service.endpoint names."""
        return f"eservices.{self.name}"


def add_page(bp: Blueprint, service: EService) -> None:
    """Route the service's page (GET shows it, POST its form's answer) and its actions."""

    @require_active_account(service.title, service.explanation)
    def page():
        form = service.form()
        if not form.validate_on_submit():
            return _render(service, form=form)
        return _respond(service, form, _run(service.enquire, form))

    page.__name__ = service.name
    if service.rate_limit:
        page = _limited(page, service.rate_limit)
    bp.add_url_rule(f"/{service.slug}", endpoint=service.name, view_func=page,
                    methods=["GET", "POST"])
    for action in service.actions:
        _add_action(bp, service, action)


def _add_action(bp: Blueprint, service: EService, action: Action) -> None:
    @require_active_account(service.title, service.explanation)
    def act():
        form = action.form()
        if not form.validate_on_submit():
            return _render(service, failed=(action.name, form))
        return _respond(service, form, _run(action.run, form), action.name)

    act.__name__ = f"{service.name}_{action.name.replace('-', '_')}"
    view = _limited(act, action.rate_limit) if action.rate_limit else act
    bp.add_url_rule(f"/{service.slug}/{action.name}", endpoint=act.__name__, view_func=view,
                    methods=["POST"])


def _limited(view: Callable, setting: str) -> Callable:
    """Count the view's POSTs that changed something (303) per account, against ``setting``."""
    return limiter.limit(lambda: current_app.config[setting], key_func=signed_in_account_key,
                         methods=["POST"],
                         deduct_when=lambda response: response.status_code == 303)(view)


def _run(run: Callable, form: SiteForm):
    try:
        return run(form, current_user.account)
    except NotYours:
        abort(403)


def _respond(service: EService, form: SiteForm, result, action: str | None = None):
    if isinstance(result, Done):
        session[NOTICE_KEY] = result.notice
        return go_to(url_for(service.endpoint))
    if isinstance(result, Refused):
        if result.field:
            form[result.field].errors = [*form[result.field].errors, result.reason]
            return _render(service, form=form, failed=(action, form) if action else None)
        return _render(service, failed=(action, form) if action else None,
                       refusal=result.reason)
    if isinstance(result, Show):
        return _render(service, status=200, **result.context)
    return _render(service, form=form, status=200, enquired=True, **result)


def _render(service: EService, form: SiteForm | None = None,
            failed: tuple[str, SiteForm] | None = None, refusal: str | None = None,
            status: int | None = None, enquired: bool = False, **context):
    """The page: the overview, a fresh form for each action (the one that failed keeps
    its errors), and the main form."""
    account = current_user.account
    forms = {action.name: action.form(formdata=None) for action in service.actions}
    if failed:
        forms[failed[0]] = failed[1]
    form = form or service.form(formdata=None)
    if failed and failed[1].errors and not refusal:
        # An action's form is only buttons and hidden values: say what was wrong at the top.
        refusal = next(iter(failed[1].errors.values()))[0]
    if status is None:
        has_errors = bool(refusal or form.errors or (failed and failed[1].errors))
        status = 422 if has_errors else 200
    overview = service.overview(account) if service.overview else {}
    return render_template(service.template, service=service, form=form, forms=forms,
                           enquired=enquired, refusal=refusal,
                           notice=session.pop(NOTICE_KEY, None) if status == 200 else None,
                           page_has_errors=status >= 400, **overview, **context), status
