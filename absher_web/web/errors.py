"""Translated error pages in the site layout, for people and for htmx requests."""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from absher_web.extensions import limiter
from absher_web.observability import OPERATOR_PATHS, count_dependency_error
from absher_web.services.eservices import NotYours
from absher_web.web.htmx import is_htmx_request

log = logging.getLogger(__name__)

# code: (title, what happened, what to do)
ERROR_PAGES = {
    400: (
        _l("There was a problem with your request"),
        _l("We could not understand what your browser sent."),
        _l("Go back, check what you entered and try again."),
    ),
    403: (
        _l("You cannot open this page"),
        _l("This page is not available to you."),
        _l("If you think you should see it, sign in with the right account."),
    ),
    404: (
        # TRANSLATORS: The heading of the 404 error page.
        _l("Page not found"),
        _l("If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."),
        _l("You can go to the home page or look through the services."),
    ),
    405: (
        _l("That action is not available here"),
        _l("This page cannot be used that way."),
        _l("Go back to the previous page and use its buttons."),
    ),
    413: (
        _l("What you sent is too large"),
        _l("The form you sent was larger than we accept."),
        _l("Go back, shorten what you entered and try again."),
    ),
    429: (
        # TRANSLATORS: The heading of the page shown when too many attempts were made (429); the
        # native wording is «تجاوزت عدد المحاولات المسموح به».
        _l("Too many attempts"),
        _l("We have received too many requests from your connection in a short time."),
        _l("Wait a while, then try again."),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Something went wrong on our side. Nothing you entered has been lost."),
        # TRANSLATORS: Text on an error page (too many attempts, or the service is unavailable).
        _l("Try again later."),
    ),
    503: (
        _l("Sorry, the service is unavailable"),
        _l("The service is having a temporary problem. Nothing you entered has been lost."),
        _l("Wait a moment, then try again."),
    ),
}

CSRF_PAGE = (
    _l("Your session has expired"),
    _l("For your security, forms stop working after a while or when cookies are blocked."),
    _l("Go back, reload the page and send the form again."),
)


def limit_sentence(amount: int, unit: str) -> str | None:
    """What the breached limit allows, for a window of one minute, hour or day."""
    if unit == "minute":
        # TRANSLATORS: on the "Too many attempts" page: what the limit that was reached
        # allows; %(count)s is its number of tries in one minute (from the settings).
        return ngettext("This can be done at most %(count)s time a minute.",
                        "This can be done at most %(count)s times a minute.",
                        amount, count=amount)
    if unit == "hour":
        # TRANSLATORS: on the "Too many attempts" page: what the limit that was reached
        # allows; %(count)s is its number of tries in one hour (from the settings).
        return ngettext("This can be done at most %(count)s time an hour.",
                        "This can be done at most %(count)s times an hour.",
                        amount, count=amount)
    if unit == "day":
        # TRANSLATORS: on the "Too many attempts" page: what the limit that was reached
        # allows; %(count)s is its number of tries in one day (from the settings).
        return ngettext("This can be done at most %(count)s time a day.",
                        "This can be done at most %(count)s times a day.",
                        amount, count=amount)
    return None


def wait_sentence(seconds: float) -> str:
    """How long until the limit lets the person in again, rounded up."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 120:
        # TRANSLATORS: on the "Too many attempts" page: %(count)s minutes until the limit
        # lets the person try again.
        return ngettext("Try again in %(count)s minute.", "Try again in %(count)s minutes.",
                        minutes, count=minutes)
    # TRANSLATORS: on the "Too many attempts" page: %(count)s hours until the limit lets the
    # person try again.
    return ngettext("Try again in %(count)s hour.", "Try again in %(count)s hours.",
                    math.ceil(minutes / 60), count=math.ceil(minutes / 60))


def rate_limit_words(amount: int, unit: str, multiples: int = 1,
                     wait: float | None = None) -> tuple:
    """The 429 page's title, explanation and advice for a limit of ``amount`` per
    ``multiples`` ``unit``s, with ``wait`` seconds to go (when known)."""
    title, explanation, advice = ERROR_PAGES[429]
    if multiples == 1:
        explanation = limit_sentence(amount, unit) or explanation
    return title, explanation, wait_sentence(wait) if wait else advice


def rate_limit_page(error: HTTPException) -> tuple[tuple, int | None]:
    """The 429 page's words from the limit that was hit (the settings), and the wait in s."""
    if getattr(error, "item", None) is not None:  # a per-account limit (web/account_limits)
        item = error.item
        return rate_limit_words(item.amount, item.GRANULARITY.name, item.multiples), None
    breached = limiter.current_limit
    item = breached.limit if breached else getattr(getattr(error, "limit", None), "limit", None)
    if item is None:
        return ERROR_PAGES[429], None
    wait = max(1, math.ceil(breached.window[0] - time.time())) if breached else None
    return rate_limit_words(item.amount, item.GRANULARITY.name, item.multiples, wait), wait


def render_error(code: int, page: tuple | None = None, retry: bool = False):
    title, explanation, advice = page or ERROR_PAGES[code]
    context = {
        "code": code,
        "title": title,
        "explanation": explanation,
        "advice": advice,
        "retry_url": request.url if retry and request.method == "GET" else None,
    }
    if is_htmx_request():
        body = render_block("errors/error.html", "content", htmx_fragment=True, **context)
    else:
        body = render_template("errors/error.html", **context)
    response_headers = {"Retry-After": "30"} if code == 503 else {}
    return body, code, response_headers


def render_rate_limited(error: HTTPException):
    page, wait = rate_limit_page(error)
    body, code, headers = render_error(429, page, retry=True)
    if wait:
        headers["Retry-After"] = str(wait)
    return body, code, headers


# The activation API answers in JSON, never with a page (see web/api.py).
API_ERROR_CODES = {
    400: "invalid_json", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
    415: "unsupported_media_type", 429: "rate_limited", 500: "internal_error",
    503: "service_unavailable",
}


def is_api_request() -> bool:
    """The activation API and the operators' endpoints answer errors in JSON, not pages."""
    return request.path.startswith("/api/") or request.path in OPERATOR_PATHS


def api_error(code: int):
    from absher_web.web.api import json_error

    code = code if code in API_ERROR_CODES else 500
    response = json_error(code, API_ERROR_CODES[code])
    if code in (429, 503):  # a bank's system waits this many seconds before sending again
        response.headers["Retry-After"] = "30"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError):
        return render_error(400, CSRF_PAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if is_api_request():
            response = api_error(code)
            if code == 405 and error.valid_methods:
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        if code not in ERROR_PAGES:
            return error
        if code == 429:
            return render_rate_limited(error)
        response = render_error(code, retry=code == 503)
        if code == 405 and error.valid_methods:
            response[2]["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(NotYours)
    def not_yours(_error: NotYours):
        # A record, or a person to act for (services/acting_for.ActingRefused), that is not
        # the holder's: the same 403 whether it exists or not.
        return api_error(403) if is_api_request() else render_error(403)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        # A restarted or unreachable database: a clear page and a retry, never a stack trace.
        # Only connection-level errors: a value the database refuses (DataError) is a bug,
        # logged with its traceback as a 500, not mistaken for an outage.
        log.warning("database unavailable: %s", type(error).__name__)
        count_dependency_error("database")
        return api_error(503) if is_api_request() else render_error(503, retry=True)

    @app.errorhandler(InternalServerError)
    def internal_error(_error: Exception):
        return api_error(500) if is_api_request() else render_error(500)

    app.register_error_handler(ServiceUnavailable, lambda _e: api_error(503) if is_api_request()
                               else render_error(503, retry=True))
