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
never submits twice; the session cookie, signed but readable, carries only the notice's key
and record ids, never a sentence with someone's name), ``Refused`` (nothing changed: the
page again with the reason, 422) or ``Show`` (a step before the change, such as a
confirmation). A record that is not the holder's (services.eservices.NotYours) is 403: the
page again saying so when the service or action names it in ``not_yours`` (a stale form,
say, sent after a vehicle changed hands), else the site's 403 page.

With JavaScript, htmx sends each of these forms and swaps the answer into the page in
place of its `step` block (flow.render_step): the answer, the refusal (422) or, after a
change, the page again with its notice, since htmx follows the redirect itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, abort, redirect, session, url_for
from flask_babel.speaklater import LazyString
from flask_login import current_user

from absher_web.extensions import db
from absher_web.forms.base import SiteForm
from absher_web.forms.common import ConfirmForm
from absher_web.models import Account
from absher_web.replica import reads_may_lag
from absher_web.services.eservices import NotYours
from absher_web.web import inbox
from absher_web.web.account_limits import counted_per_account
from absher_web.web.flow import render_step
from absher_web.web.guards import require_active_account

# The page after a change shows (and removes) the notice stored under this key: the
# service, the notice's key and its values, never its words.
NOTICE_KEY = "eservice_notice"

NoticeValue = int | str


@dataclass(frozen=True)
class Done:
    """A change was saved: back to the service's page, which says once the notice that
    ``notice`` names in the service's ``notices``, filled from ``values``: record ids,
    dates, numbers; never a name (the session cookie is signed, not secret)."""

    notice: str
    values: dict[str, NoticeValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Refused:
    """Nothing changed: the page again (422) with ``reason``, next to ``field`` if named."""

    reason: str
    field: str | None = None
    status: int = 422


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
    # What the page says (403) when the record sent is not the holder's (NotYours).
    not_yours: LazyString | None = None


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
    # What a Done's key says, in words: (account, **values) -> the sentence, or None when
    # the record it names is no longer the holder's (then nothing is said).
    notices: dict[str, Callable[..., str | None]] = field(default_factory=dict)
    # What the page says (403) when the main form names a record not the holder's.
    not_yours: LazyString | None = None

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
    @reads_may_lag  # inside: the signed-in holder is read from the primary first
    def page():
        form = service.form()
        if not form.validate_on_submit():
            return _render(service, form=form)
        return _respond(service, form, _run(service.enquire, form, service.not_yours))

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
        return _respond(service, form, _run(action.run, form, action.not_yours), action.name)

    act.__name__ = f"{service.name}_{action.name.replace('-', '_')}"
    view = _limited(act, action.rate_limit) if action.rate_limit else act
    bp.add_url_rule(f"/{service.slug}/{action.name}", endpoint=act.__name__, view_func=view,
                    methods=["POST"])


def _limited(view: Callable, setting: str) -> Callable:
    """Count the view's POSTs per account against ``setting`` before they run; those that
    changed nothing (anything but 303) are given back."""
    return counted_per_account(setting, lambda response: response.status_code == 303)(view)


def _run(run: Callable, form: SiteForm, not_yours: LazyString | None):
    try:
        return run(form, current_user.account)
    except NotYours:
        if not_yours is None:
            abort(403)
        # The same words whether the record exists or not: nothing is told about others'.
        return Refused(str(not_yours), status=403)


def _respond(service: EService, form: SiteForm, result, action: str | None = None):
    if isinstance(result, Done):
        session[NOTICE_KEY] = {"service": service.slug, "key": result.notice,
                               "values": result.values}
        keep_in_inbox(service, result)
        # Also for htmx, whose fetch follows it with HX-Request: the page's step comes back.
        return redirect(url_for(service.endpoint), 303)
    if isinstance(result, Refused):
        if result.field:
            form[result.field].errors = [*form[result.field].errors, result.reason]
            return _render(service, form=form, failed=(action, form) if action else None,
                           status=result.status)
        return _render(service, failed=(action, form) if action else None,
                       refusal=result.reason, status=result.status)
    if isinstance(result, Show):
        return _render(service, status=200, **result.context)
    return _render(service, form=form, status=200, enquired=True, **result)


def keep_in_inbox(service: EService, done: Done) -> None:
    """The words the service's page will show once, kept in the holder's inbox."""
    words = service.notices.get(done.notice)
    try:
        text = words(current_user.account, **done.values) if words else None
    except TypeError:  # values its words do not take: nothing to keep
        text = None
    if text:
        inbox.keep_shown(text, service.endpoint)
        db.session.commit()


def notice_text(service: EService, account: Account) -> str | None:
    """The notice a change left for this page, in words (and gone from the session)."""
    stored = session.pop(NOTICE_KEY, None)
    if not isinstance(stored, dict) or stored.get("service") != service.slug:
        return None
    words = service.notices.get(stored.get("key"))
    values = stored.get("values")
    if words is None or not isinstance(values, dict):
        return None
    try:
        return words(account, **values)
    except TypeError:  # values another release wrote: nothing to say
        return None


def own_record(model: type, record_id: object, account: Account):  # noqa: ANN201
    """The holder's own ``model`` row (its account_id theirs) that a notice names, or None."""
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        return None
    record = db.session.get(model, record_id)
    return record if record is not None and record.account_id == account.id else None


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
    return render_step(service.template, status, service=service, form=form, forms=forms,
                       enquired=enquired, refusal=refusal,
                       notice=notice_text(service, account) if status == 200 else None,
                       **overview, **context)
