"""Who may open an account page: one decorator for each rule.

    @signed_in_only             a signed-in citizen who has set their security questions
    @require_active_account(…)  the same, with an active account (services on their records)

Put the decorator right under the route, above any rate limit, so the check comes first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import url_for
from flask_login import current_user, login_required

from absher_web.services import security_questions
from absher_web.web.flow import go_to, render_step

SECURITY_QUESTIONS_PAGE = "security_questions.edit"


def signed_in_only(view: Callable) -> Callable:
    """Anyone else goes to sign in; a citizen without their three security questions goes
    to set them first (nothing else opens before that)."""

    @login_required
    @wraps(view)
    def guarded(*args, **kwargs):
        if security_questions.needs_questions(current_user.account,
                                              current_user.counted("answers")):
            return go_to(url_for(SECURITY_QUESTIONS_PAGE))
        return view(*args, **kwargs)

    return guarded


def require_active_account(title: str, explanation: str | None = None) -> Callable:
    """For a service that acts on the person's records: until the account is active, the
    page (headed ``title``) says so and shows the ways to activate it.

    ``explanation`` says what the service will show once the account is active.
    """

    def decorate(view: Callable) -> Callable:
        @signed_in_only
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.account.is_active:
                return render_step("account/not_active.html", 200, title=title,
                                   explanation=explanation)
            return view(*args, **kwargs)

        return guarded

    return decorate

