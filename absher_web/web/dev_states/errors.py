"""The error pages, as their handlers render them."""

from __future__ import annotations

from functools import partial

from flask_babel import lazy_gettext as _l

from absher_web.web.dev_states.common import State
from absher_web.web.errors import CSRF_PAGE, rate_limit_words, render_error

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



STATES = error_states()
