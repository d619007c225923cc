"""Pages that cost next to nothing: public pages from memory, form pages filled in.

Public pages (landing, about, services, contact, terms, privacy, conditions, business)
hold nothing personal and nothing that changes between requests. Each is rendered once per
language and template version, by the first request that asks for it, and kept in memory
with its gzip and brotli bodies and an ETag (a conditional GET gets 304). Only visitors who
are not signed in get them, and only the plain page: an htmx request, or a query the page
reads (PAGE_QUERY_PARAMETERS: the services search, say), is rendered in full. A visitor with
no session cookie is answered before Flask sees the request (MemoryPages); one with a
session that is nobody's, before the session hooks run (serve_public_page). Like a static
file, a page from memory costs less than counting it: the rate limits do not count it.

Form pages (registration, sign-in, recovery, the officers' sign-in) differ between requests
only in their tokens: the CSRF token and the visual code's. Their markup is rendered once per
language and variant with a placeholder for each token, and each request puts its own tokens
in: the same bytes a full render gives (tests/test_page_cache.py compares them for every such
page and language). The fixed pieces are deflated once, so the gzip body of a filled page is
put together rather than compressed again.

The fixed pieces of every other page (the head, the header's menu, the footer, the account
menu) are kept the same way, once per language (``rendered_once``).

ABSHER_PAGE_CACHE=off renders every page in full. In development a saved catalog empties
every cache here (localisation.forget_rendered_pages), and MemoryPages keeps nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import struct
import time
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import parse_qsl

import brotli
from flask import Flask, current_app, g, has_request_context, render_template, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.sansio.http import parse_cookie
from werkzeug.wrappers import Response

from absher_web.config import TEMPLATES_DIR, TRANSLATIONS_DIR
from absher_web.localisation import PAGE_QUERY_PARAMETERS, language_cookies
from absher_web.observability import LATENCY, REQUEST_ID_HEADER, REQUESTS, SANE_REQUEST_ID
from absher_web.security import UNTRUSTED_HOST_KEY
from absher_web.web.htmx import is_htmx_request
from absher_web.web.visual_code_tokens import VISUAL_CODE_PLACEHOLDER, fresh_captcha_token

# What marks a session as someone's: a citizen's (Flask-Login) or an officer's.
SIGNED_IN_KEYS = ("_user_id", "staff_officer_id")
HTML = "text/html; charset=utf-8"
# Letters only: HTML escaping and URL quoting leave them as they are, as they leave a token.
CSRF_PLACEHOLDER = "ZqCsrfTokenPlaceholderQz"
PLACEHOLDERS = re.compile(f"{CSRF_PLACEHOLDER}|{VISUAL_CODE_PLACEHOLDER}")
# Tokens as itsdangerous writes them: nothing in them is escaped in HTML or in a URL.
PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # no name, no time, best compression
DEFLATE_END = b"\x03\x00"  # an empty last block


def enabled() -> bool:
    return current_app.config["PAGE_CACHE"]


def template_version() -> str:
    """Names, sizes and times of the templates and compiled catalogs: a page rendered under
    another version is never served. Read once, or once a request if templates reload (each
    piece of rendered_once asks again)."""
    cached = current_app.extensions.get("absher_template_version")
    if cached is not None and not current_app.jinja_env.auto_reload:
        return cached
    if has_request_context() and "template_version" in g:
        return g.template_version
    digest = hashlib.sha256()
    for root in (TEMPLATES_DIR, TRANSLATIONS_DIR):
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".mo"):
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    version = current_app.extensions["absher_template_version"] = digest.hexdigest()[:16]
    if has_request_context():
        g.template_version = version
    return version


def signed_in() -> bool:
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False  # no session at all, and none is opened
    return any(key in session for key in SIGNED_IN_KEYS)


def choose_encoding(accept_encoding: str | None) -> str | None:
    accepted = parse_accept_header(accept_encoding)
    return "br" if accepted["br"] else "gzip" if accepted["gzip"] else None


# --- public pages ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredPage:
    """A public page's bytes, compressed both ways, and the headers that go with each."""

    endpoint: str
    lang: str
    bodies: dict[str | None, bytes]  # by content encoding
    headers: dict[str | None, list[tuple[str, str]]] = field(default_factory=dict)
    not_modified_headers: dict[str | None, list[tuple[str, str]]] = field(default_factory=dict)
    etags: dict[str | None, str] = field(default_factory=dict)

    @classmethod
    def of(cls, endpoint: str, lang: str, html: str) -> StoredPage:
        body = html.encode()
        page = cls(endpoint, lang, {None: body, "gzip": gzip.compress(body, 9, mtime=0),
                                    "br": brotli.compress(body, quality=11)})
        digest = hashlib.sha256(body).hexdigest()[:20]
        for encoding in page.bodies:
            etag = page.etags[encoding] = f"{digest}-{encoding}" if encoding else digest
            # The same bytes for everyone not signed in: a browser may keep them, and asks
            # again each time (the ETag makes the answer a 304). No shared cache keeps them.
            common = [("ETag", f'"{etag}"'), ("Cache-Control", "private, no-cache"),
                      ("Vary", "Accept-Encoding, Cookie")]
            page.not_modified_headers[encoding] = common
            page.headers[encoding] = [("Content-Type", HTML), *common] + (
                [("Content-Encoding", encoding)] if encoding else [])
        return page

    def answer(self, encoding: str | None, if_none_match: str | None) -> tuple[int, bytes, list]:
        """Status, body and headers (without the length) for this request."""
        if if_none_match and parse_etags(if_none_match).contains(self.etags[encoding]):
            return 304, b"", self.not_modified_headers[encoding]
        return 200, self.bodies[encoding], self.headers[encoding]

    def response(self) -> Response:
        status, body, headers = self.answer(choose_encoding(request.headers.get(
            "Accept-Encoding")), request.headers.get("If-None-Match"))
        return Response(body, status=status, headers=headers)


def at_the_root() -> bool:
    """The request's links start at the site's root, as every kept page's must: a page built
    under another script root (a SCRIPT_NAME a request slipped in) is never kept.
    security.SiteAtTheRoot clears it first; this holds if that ever changes."""
    return request.script_root == ""


def public_request() -> bool:
    """A request whose page is the same for everyone: served from memory."""
    return (request.method in ("GET", "HEAD") and at_the_root() and not is_htmx_request()
            and not any(name in request.args for name in PAGE_QUERY_PARAMETERS)
            and not signed_in())


def public_key() -> tuple[str, str, str]:
    return request.endpoint, g.lang, template_version()


def serve_public_page() -> Response | None:
    """The stored page, or None: the view renders it, and public_page keeps it."""
    if not public_request():
        return None
    stored = current_app.extensions["absher_page_cache"].get(public_key())
    if stored is None:
        g.store_public_page = True  # the view renders it, public_page keeps it
        return None
    return stored.response()


def public_page(view: Callable) -> Callable:
    """Marks a view's page as public: the same for every visitor not signed in."""

    @wraps(view)
    def render(**kwargs):  # noqa: ANN202
        page = view(**kwargs)
        if not g.pop("store_public_page", False):
            return page
        stored = current_app.extensions["absher_page_cache"].setdefault(
            public_key(), StoredPage.of(request.endpoint, g.lang, page))
        # MemoryPages answers before Flask: not while templates or catalogs may change.
        if not current_app.jinja_env.auto_reload and not current_app.config["CATALOGS_LIVE"]:
            current_app.extensions["absher_memory_pages"].pages.setdefault(
                request.environ["PATH_INFO"], stored)
        return stored.response()

    render.public_page = True
    return render


def cookies(environ: dict) -> dict[str, str]:
    """The request's cookies as Flask reads them (bytes that are not UTF-8 replaced)."""
    header = environ.get("HTTP_COOKIE")
    if not header:
        return {}
    return parse_cookie(cookie=header.encode("latin-1").decode(errors="replace"), cls=dict)


class MemoryPages:
    """WSGI, in front of Flask (inside the host check): the stored public pages, for
    visitors with no session cookie, with the headers every response carries (security
    headers, request id, the language cookie) and the request metrics; anything else goes
    on to Flask."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app
        self.pages: dict[str, StoredPage] = {}  # by path, filled by public_page
        self.session_cookie = app.config["SESSION_COOKIE_NAME"]

    def plain(self, environ: dict) -> bool:
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("SCRIPT_NAME")
                or environ.get(UNTRUSTED_HOST_KEY) or environ.get("HTTP_HX_REQUEST") == "true"):
            return False
        query = environ.get("QUERY_STRING")
        if query and any(name in PAGE_QUERY_PARAMETERS
                         for name, _ in parse_qsl(query, keep_blank_values=True)):
            return False
        return self.session_cookie not in cookies(environ)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        stored = self.pages.get(environ.get("PATH_INFO", ""))
        if stored is None or not self.plain(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        status, body, headers = stored.answer(choose_encoding(environ.get(
            "HTTP_ACCEPT_ENCODING")), environ.get("HTTP_IF_NONE_MATCH"))
        given_id = environ.get("HTTP_X_REQUEST_ID", "")
        headers = [*headers, *self.app.extensions["absher_security_headers"].items(),
                   (REQUEST_ID_HEADER,
                    given_id if SANE_REQUEST_ID.fullmatch(given_id) else uuid.uuid4().hex)]
        if status == 200:
            headers.append(("Content-Length", str(len(body))))
        if stored.lang in self.app.config["LANGUAGES"]:  # never a pseudo-locale
            headers += [("Set-Cookie", value) for value in
                        language_cookies(self.app.config, stored.lang, cookies(environ))]
        start_response("200 OK" if status == 200 else "304 Not Modified", headers)
        method = environ["REQUEST_METHOD"]
        REQUESTS.labels(stored.endpoint, method, str(status)).inc()
        LATENCY.labels(stored.endpoint).observe(time.perf_counter() - started)
        return [b"" if method == "HEAD" else body]


# --- form pages ------------------------------------------------------------------------------

def deflated(data: bytes) -> bytes:
    """Raw deflate blocks that end on a byte and need nothing before them: pieces deflated
    apart can be put one after the other into one stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


@dataclass(frozen=True)
class FormMarkup:
    """A form page's markup in pieces (text and deflated), with the token between each two."""

    pieces: tuple[bytes, ...]
    deflated_pieces: tuple[bytes, ...]
    tokens: tuple[str, ...]

    @classmethod
    def render(cls, template: str, context: Callable[[], dict]) -> FormMarkup:
        """Rendered with placeholders (the form made meanwhile takes the CSRF one); the
        request's own tokens are left untouched."""
        saved_csrf = g.pop("csrf_token", None)
        g.csrf_token, g.visual_code_placeholder = CSRF_PLACEHOLDER, True
        try:
            html = render_template(template, **context())
        finally:
            g.pop("visual_code_placeholder")
            g.pop("csrf_token")
            if saved_csrf is not None:
                g.csrf_token = saved_csrf
        pieces = tuple(piece.encode() for piece in PLACEHOLDERS.split(html))
        return cls(pieces, tuple(deflated(piece) for piece in pieces),
                   tuple(PLACEHOLDERS.findall(html)))

    def fill(self, values: dict[str, bytes]) -> bytes:
        parts = [self.pieces[0]]
        for token, piece in zip(self.tokens, self.pieces[1:], strict=True):
            parts += (values[token], piece)
        return b"".join(parts)

    def fill_gzip(self, values: dict[str, bytes], body: bytes) -> bytes:
        """The filled page as gzip: the deflated pieces with each token as a stored block."""
        parts = [GZIP_HEADER, self.deflated_pieces[0]]
        for token, piece in zip(self.tokens, self.deflated_pieces[1:], strict=True):
            value = values[token]
            parts += (b"\x00", struct.pack("<HH", len(value), len(value) ^ 0xFFFF), value,
                      piece)
        parts += (DEFLATE_END, struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF))
        return b"".join(parts)


def untouched_form_request() -> bool:
    """A plain GET of a form page (htmx asks for the step alone), at the site's root."""
    return request.method == "GET" and at_the_root() and not is_htmx_request()


@dataclass(frozen=True)
class FormPage:
    """How a view's untouched form page is made: its template, the context of an untouched
    form for a variant (the query that selects it), the variants there are, and the session
    key of a message the page would show once (then it is rendered in full)."""

    template: str
    context: Callable[[dict[str, str]], dict]
    variants: tuple[dict[str, str], ...] = ({},)
    notice_key: str | None = None

    def markup(self, query: dict[str, str]) -> FormMarkup:
        key = (self.template, tuple(sorted(query.items())), g.lang, template_version())
        forms = current_app.extensions["absher_form_pages"]
        markup = forms.get(key)
        if markup is None:
            markup = forms.setdefault(key, FormMarkup.render(self.template,
                                                             lambda: self.context(query)))
        return markup

    def respond(self, query: dict[str, str]) -> str | Response:
        """The page with this request's CSRF and visual-code tokens in it."""
        markup = self.markup(query)
        values = {CSRF_PLACEHOLDER: generate_csrf()}
        if VISUAL_CODE_PLACEHOLDER in markup.tokens:
            values[VISUAL_CODE_PLACEHOLDER] = fresh_captcha_token()
        if not all(PLAIN_TOKEN.fullmatch(value) for value in values.values()):
            # Never with itsdangerous's tokens; a full render would escape them.
            return render_template(self.template, **self.context(query))
        encoded = {token: value.encode() for token, value in values.items()}
        body = markup.fill(encoded)
        if not request.accept_encodings["gzip"]:
            return body.decode()  # compressed as any page is (brotli), or not at all
        return Response(markup.fill_gzip(encoded, body), content_type=HTML,
                        headers={"Content-Encoding": "gzip"})


def prepared_form(template: str, context: Callable[[dict[str, str]], dict],
                  variants: tuple[dict[str, str], ...] = ({},),
                  notice_key: str | None = None) -> Callable:
    """Marks a form view whose untouched page (a plain GET, nobody signed in, no message
    waiting in the session, no query but a variant's) is filled in from prepared markup
    before the view runs; every other request goes to the view."""

    def mark(view: Callable) -> Callable:
        view.prepared_form = FormPage(template, context, variants, notice_key)
        return view

    return mark


def page_query() -> dict[str, list[str]]:
    """The query parameters a page reads (the language link keeps them)."""
    return {name: request.args.getlist(name) for name in PAGE_QUERY_PARAMETERS
            if name in request.args}


def serve_form_page(form: FormPage) -> str | Response | None:
    if not untouched_form_request() or signed_in():
        return None
    if form.notice_key and request.cookies and form.notice_key in session:
        return None
    asked = page_query()
    for variant in form.variants:
        if asked == {name: [value] for name, value in variant.items()}:
            return form.respond(variant)
    return None


def serve_prepared_page() -> str | Response | None:
    """before_request, second only to the request id: a public page from memory, or an
    untouched form page filled in, before the session hooks, the database or the rate
    limits (such a page writes nothing and costs less than counting it). An untrusted
    host goes on to its 400. With live catalogs (development), a saved .po is read again
    first, and the pages kept under the old one are forgotten."""
    live_catalogs = current_app.extensions["absher_catalogs"]
    if live_catalogs.live:
        live_catalogs.refresh()
    if not enabled() or request.environ.get(UNTRUSTED_HOST_KEY):
        return None
    form = current_app.extensions["absher_form_page_views"].get(request.endpoint)
    if form is not None:
        return serve_form_page(form)
    if request.endpoint in current_app.extensions["absher_public_pages"]:
        return serve_public_page()
    return None


def init_app(app: Flask) -> None:
    """After observability.init_app (the request id), before every other hook, and inside
    the host check (security.init_app) as WSGI."""
    app.config.setdefault("PAGE_CACHE", True)
    app.extensions["absher_page_cache"] = {}
    app.extensions["absher_form_pages"] = {}
    app.extensions["absher_public_pages"] = set()
    app.extensions["absher_form_page_views"] = {}
    app.extensions["absher_rendered_pieces"] = {}
    app.jinja_env.globals["rendered_once"] = rendered_once
    app.before_request_funcs.setdefault(None, []).insert(1, serve_prepared_page)
    app.wsgi_app = app.extensions["absher_memory_pages"] = MemoryPages(app.wsgi_app, app)


def rendered_once(*key: object, caller: Callable[[], Markup]) -> Markup:
    """A piece of a template that depends on nothing but the language and what ``key``
    names (the endpoint, say), rendered by the first request that shows it and then taken
    from memory: ``{% call rendered_once("footer") %}...{% endcall %}``. Every page's fixed
    header, footer and account menu would otherwise run the same few dozen translations
    and url_for on every request."""
    if not enabled():
        return caller()
    locale = get_locale()
    full_key = (key, getattr(locale, "pseudo", "") or str(locale), g.get("lang"),
                template_version())
    pieces = current_app.extensions["absher_rendered_pieces"]
    piece = pieces.get(full_key)
    if piece is None:
        piece = pieces[full_key] = caller()
    return piece


def register_prepared_pages(app: Flask) -> None:
    """Every view marked public_page or prepared_form (once the blueprints are in)."""
    for endpoint, view in app.view_functions.items():
        if getattr(view, "public_page", False):
            app.extensions["absher_public_pages"].add(endpoint)
        if getattr(view, "prepared_form", None) is not None:
            app.extensions["absher_form_page_views"][endpoint] = view.prepared_form
