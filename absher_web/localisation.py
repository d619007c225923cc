"""Language in the path (/ar/..., /en/...), the locale, direction and the switch link.

The path decides the language of a page. "/" sends the visitor to their saved
choice, else to the best match for Accept-Language, else to Arabic.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, redirect, request, url_for
from flask_babel import get_locale
from werkzeug.http import dump_cookie
from werkzeug.wrappers import Response

from absher_web.extensions import babel

RTL_LANGUAGES = {"ar"}
# The query parameters pages read (registration and recovery: expired, the recovery
# alternative: without_visual_code, the services search: q). The language switch keeps
# these and drops anything else a visitor appended.
PAGE_QUERY_PARAMETERS = ("expired", "without_visual_code", "q")
LANGUAGE_NAMES = {"ar": "العربية", "en": "English"}
ONE_YEAR = 365 * 24 * 3600


def supported_languages() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def preferred_language() -> str:
    """The visitor's language when the path does not name one."""
    saved = request.cookies.get(current_app.config["LANGUAGE_COOKIE_NAME"])
    if saved in supported_languages():
        return saved
    best = request.accept_languages.best_match(supported_languages())
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    if g.get("lang"):
        return g.lang
    # An address no route matched (a 404) still names its language: /en/no-such-page.
    first_segment = request.path.strip("/").split("/", 1)[0]
    if first_segment in supported_languages():
        return first_segment
    return preferred_language()


def text_direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def switch_language_url(target: str) -> str:
    """The same page, and the same query, in the other language.

    A page that answered a POST links to its own address: the same step again.
    """
    endpoint = request.endpoint
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        # The path's language was taken out of view_args when the request was routed.
        path = url_for(endpoint, **(request.view_args or {}), lang_code=target)
        query = [(name, value) for name in PAGE_QUERY_PARAMETERS
                 for value in request.args.getlist(name)] if request.method == "GET" else []
        return f"{path}?{urlencode(query)}" if query else path
    return url_for("public.landing", lang_code=target)


def language_cookie(config: dict, lang: str) -> str:
    """The Set-Cookie value that remembers the visitor's language for a year."""
    return dump_cookie(config["LANGUAGE_COOKIE_NAME"], lang, max_age=ONE_YEAR,
                       secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=current_language)

    @app.url_value_preprocessor
    def take_language_from_path(_endpoint: str | None, values: dict | None) -> None:
        if values and "lang_code" in values:
            lang = values.pop("lang_code")
            if lang not in app.config["LANGUAGES"]:
                from flask import abort

                abort(404)
            g.lang = lang

    @app.url_defaults
    def put_language_in_urls(endpoint: str, values: dict) -> None:
        if "lang_code" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            return
        values["lang_code"] = current_language()

    @app.after_request
    def remember_language(response: Response) -> Response:
        lang = g.get("lang")
        cookie_name = app.config["LANGUAGE_COOKIE_NAME"]
        if lang and request.cookies.get(cookie_name) != lang and response.status_code < 400:
            response.headers.add("Set-Cookie", language_cookie(app.config, lang))
        return response

    @app.get("/")
    def root() -> Response:
        response = redirect(url_for("public.landing", lang_code=preferred_language()))
        response.headers["Vary"] = "Cookie, Accept-Language"
        return response

    @app.context_processor
    def language_context() -> dict:
        lang = str(get_locale() or current_language())
        other = "en" if lang == "ar" else "ar"
        return {
            "lang": lang,
            "text_dir": text_direction(lang),
            "other_lang": other,
            "other_lang_name": LANGUAGE_NAMES[other],
            "switch_language_url": switch_language_url,
        }
