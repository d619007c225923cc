"""The SMS code step, the same in every journey: registration, sign-in, password recovery
and the change of mobile number.

Once a code is sent (or could not be), htmx gets the step in place; a browser without
JavaScript is sent to the step's own page, which says once what happened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import redirect, request, session, url_for

from absher_web.forms.common import CodeForm, ConfirmForm
from absher_web.identity import mask_mobile
from absher_web.web.flow import ltr, render_step
from absher_web.web.htmx import is_htmx_request


@dataclass(frozen=True)
class Sending:
    """What became of asking for a code: sent (the first, or a new one), or why not."""

    # a message key: sms_failed, sms_paused, resend_too_soon, too_many_codes
    problem: str | None = None
    again: bool = False

    @property
    def status(self) -> int:
        return 422 if self.problem else 200


@dataclass(frozen=True)
class CodeStep:
    """One journey's code step: its own page, its template, and where a redirect leaves
    what became of the sending."""

    endpoint: str
    template: str
    notice_key: str

    def after_sending(self, sending: Sending | None, mobile: str, **context):
        """The step, once a code was asked for (None: nothing new to say)."""
        if is_htmx_request():
            return self.render(CodeForm(formdata=None), mobile, sending,
                               sending.status if sending else 200, **context)
        if sending is not None:
            session[self.notice_key] = asdict(sending)
        return redirect(url_for(self.endpoint), 303)

    def page(self, form: CodeForm, mobile: str, **context):
        """The step's own page, or its form again with errors."""
        stored = session.pop(self.notice_key, None) if request.method == "GET" else None
        sending = (Sending(stored.get("problem"), bool(stored.get("again")))
                   if isinstance(stored, dict) else None)
        return self.render(form, mobile, sending, 422 if form.errors else 200, **context)

    def render(self, form: CodeForm, mobile: str, sending: Sending | None, status: int,
               **context):
        return render_step(self.template, status, form=form,
                           resend_form=ConfirmForm(formdata=None),
                           masked_mobile=ltr(mask_mobile(mobile)), sending=sending, **context)
