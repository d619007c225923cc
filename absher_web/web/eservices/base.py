"""What an e-service is to the web layer, and the one view every e-service page uses.

An e-service page opens with what the service does and an "Enquire" button (with the
service's own fields, if it asks for any); submitting it runs the enquiry, which is
audited, and shows the answer under the form. A POST, because each enquiry is recorded:
GET requests never write. Without an active account the page says how to activate it
(require_active_account).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, render_template
from flask_babel.speaklater import LazyString
from flask_login import current_user

from absher_web.forms.base import SiteForm
from absher_web.forms.common import ConfirmForm
from absher_web.models import Account
from absher_web.web.guards import require_active_account


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

    @property
    def name(self) -> str:
        return self.slug.replace("-", "_")

    @property
    def endpoint(self) -> str:
        """e.g. eservices.foreign_vehicle_violations: what content.Service.endpoint names."""
        return f"eservices.{self.name}"


def add_page(bp: Blueprint, service: EService) -> None:
    """Route the service's page: GET shows the form, POST the answer under it."""

    @require_active_account(service.title, service.explanation)
    def page():
        form = service.form()
        if form.validate_on_submit():
            answer = service.enquire(form, current_user.account)
            return render_template(service.template, service=service, form=form,
                                   enquired=True, **answer)
        status = 422 if form.errors else 200
        return render_template(service.template, service=service, form=form, enquired=False,
                               page_has_errors=status >= 400), status

    page.__name__ = service.name
    bp.add_url_rule(f"/{service.slug}", endpoint=service.name, view_func=page,
                    methods=["GET", "POST"])
