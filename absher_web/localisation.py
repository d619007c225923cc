"""Language in the path (/ar/..., /en/...), the locale, direction and the switch link.

The path decides the language of a page. "/" sends the visitor to their saved
choice, else to the best match for Accept-Language, else to Arabic. In development and
tests the pseudo-locales /xa/ and /xb/ (PSEUDO_LANGUAGES) are pages too; production answers
them 404 and names them nowhere (the language switch offers Arabic and English only).

Every translated string comes through CatalogDomain: each app's own checked catalogs
(absher_web/catalog_runtime.py), never a translation that would fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, redirect, request, url_for
from flask_babel import Domain, get_locale
from werkzeug.http import dump_cookie
from werkzeug.wrappers import Response

from absher_web import catalog_runtime
from absher_web.extensions import babel

RTL_LANGUAGES = {"ar"}
# The query parameters pages read (registration and recovery: expired, the recovery
# alternative: without_visual_code, the services search: q). The language switch keeps
# these and drops anything else a visitor appended.
PAGE_QUERY_PARAMETERS = ("expired", "without_visual_code", "q", "number")
LANGUAGE_NAMES = {"ar": "العربية", "en": "English"}
ONE_YEAR = 365 * 24 * 3600


def supported_languages() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def preferred_language() -> str:
    """The visitor's language when the path does not name one."""
    config = current_app.config
    saved = request.cookies.get(config["LANGUAGE_COOKIE_NAME"],
                                request.cookies.get(config["LANGUAGE_COOKIE_OLD_NAME"]))
    if saved in supported_languages():
        return saved
    best = request.accept_languages.best_match(supported_languages())
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def pseudo_language() -> str | None:
    """The page's pseudo-locale ("xa", "xb"), or None."""
    lang = g.get("lang")
    return lang if lang in catalog_runtime.PSEUDO_LANGUAGES else None


def request_locale() -> str | Locale:
    """The locale of the request (Flask-Babel's selector): the path's language; for a
    pseudo-locale, English marked with it (dates and numbers as English)."""
    pseudo = pseudo_language()
    return catalog_runtime.pseudo_locale(pseudo) if pseudo else current_language()


class CatalogDomain(Domain):
    """Translations from the current app's checked catalogs (app.extensions
    ["absher_catalogs"]), by the locale in force (force_locale included)."""

    def get_translations(self) -> Translations | NullTranslations:
        if not has_app_context() or "absher_catalogs" not in current_app.extensions:
            return NullTranslations()
        locale = get_locale()
        if locale is None:
            return NullTranslations()
        return current_app.extensions["absher_catalogs"].translations(
            getattr(locale, "pseudo", "") or str(locale))


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


def language_cookies(config: dict, lang: str, sent: Mapping[str, str]) -> list[str]:
    """The Set-Cookie values a page in ``lang`` adds, given the cookies the visitor ``sent``:
    the language cookie when it says otherwise, and the end of the cookie's old name."""
    values = [] if sent.get(config["LANGUAGE_COOKIE_NAME"]) == lang else [
        language_cookie(config, lang)]
    old = config["LANGUAGE_COOKIE_OLD_NAME"]
    if old != config["LANGUAGE_COOKIE_NAME"] and old in sent:
        values.append(dump_cookie(old, "", max_age=0, expires=0,
                                  secure=config["SESSION_COOKIE_SECURE"], httponly=True,
                                  samesite="Lax"))
    return values


def forget_rendered_pages(app: Flask) -> None:
    """Every page kept by web/page_cache.py (a catalog changed under them)."""
    for name in ("absher_page_cache", "absher_form_pages", "absher_rendered_pieces"):
        app.extensions.get(name, {}).clear()
    memory = app.extensions.get("absher_memory_pages")
    if memory is not None:
        memory.pages.clear()


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=request_locale)
    # One Babel serves every app in the process; each app keeps its own catalogs.
    babel.domain_instance = CatalogDomain()
    app.extensions["absher_catalogs"] = catalog_runtime.Catalogs(
        Path(app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]),
        live=app.config["CATALOGS_LIVE"], on_change=lambda: forget_rendered_pages(app))

    @app.url_value_preprocessor
    def take_language_from_path(_endpoint: str | None, values: dict | None) -> None:
        if values and "lang_code" in values:
            lang = values.pop("lang_code")
            if lang not in app.config["LANGUAGES"] + app.config["PSEUDO_LANGUAGES"]:
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
        if lang in app.config["LANGUAGES"] and response.status_code < 400:
            for value in language_cookies(app.config, lang, request.cookies):
                response.headers.add("Set-Cookie", value)
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
        pseudo = pseudo_language()
        _, html_lang, direction = (catalog_runtime.PSEUDO_LANGUAGES[pseudo] if pseudo
                                   else (lang, lang, text_direction(lang)))
        return {
            "lang": lang,  # the language of the content: a pseudo-locale's is English
            "html_lang": html_lang,  # en-XA, ar-XB for the pseudo-locales
            "text_dir": direction,
            "other_lang": other,
            "other_lang_name": LANGUAGE_NAMES[other],
            "switch_language_url": switch_language_url,
        }
