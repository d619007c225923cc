"""Cheap pages (absher_web/web/page_cache.py, assets.StaticFiles): public pages from memory,
form pages filled in, static files without the session. A visitor sees the same bytes."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime

import brotli
import pytest
import time_machine

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.models import ActivationState
from tests.account.conftest import Citizen
from tests.conftest import statements_sent
from tests.pages import parse

LANGUAGES = ["ar", "en"]
PUBLIC_PAGES = ["/{lang}/", "/{lang}/business", "/{lang}/about", "/{lang}/services",
                "/{lang}/contact", "/{lang}/terms", "/{lang}/privacy",
                "/{lang}/registration-conditions", "/{lang}/accessibility"]
FORM_PAGES = ["/{lang}/register", "/{lang}/individuals/login", "/{lang}/recover",
              "/{lang}/recover?without_visual_code=1", "/{lang}/staff/sign-in"]


@pytest.fixture
def full_render_app(database_url, tmp_path):
    """The same site rendering every page in full: what the cached pages must equal."""
    config = type("FullRenderConfig", (TestConfig,),
                  {"DATABASE_URL": database_url, "SMS_FILE": str(tmp_path / "sms.jsonl"),
                   "PAGE_CACHE": False})
    app = create_app(config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def statements(app):
    """Every SQL statement the app sends meanwhile."""
    with statements_sent(app) as sent:
        yield sent


# --- public pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_public_page_from_memory_is_byte_for_byte_a_full_render(app, full_render_app, page,
                                                                  lang):
    path = page.format(lang=lang)
    full = full_render_app.test_client().get(path)
    first = app.test_client().get(path)  # rendered, kept
    again = app.test_client().get(path)  # from memory
    compressed = app.test_client().get(path, headers={"Accept-Encoding": "br"})
    gzipped = app.test_client().get(path, headers={"Accept-Encoding": "gzip"})
    assert full.status_code == first.status_code == again.status_code == 200
    assert first.data == again.data == full.data
    assert brotli.decompress(compressed.data) == full.data
    assert gzip.decompress(gzipped.data) == full.data
    assert len(app.extensions["absher_page_cache"]) == 1


def test_public_pages_are_rendered_once_per_language(app, monkeypatch):
    client = app.test_client()
    assert client.get("/en/about").status_code == 200
    assert client.get("/ar/about").status_code == 200

    def no_more_rendering(*_args, **_kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr("absher_web.web.public.render_template", no_more_rendering)
    for path in ("/en/about", "/ar/about"):
        assert app.test_client().get(path).status_code == 200


def test_a_conditional_get_gets_304_for_the_same_representation(client):
    first = client.get("/en/about", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    again = client.get("/en/about", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    # Brotli is another representation of the page, with its own tag.
    other = client.get("/en/about", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    # Another page, or the same page in the other language, never matches.
    assert client.get("/ar/about", headers={"Accept-Encoding": "gzip",
                                            "If-None-Match": etag}).status_code == 200


def test_a_public_page_from_memory_sends_no_query(app, client, statements):
    client.get("/en/contact")
    statements.clear()
    with app.test_client() as visitor:
        visitor.set_cookie("absher_lang", "en")
        assert visitor.get("/en/contact").status_code == 200
    assert statements == []


def headers_that_matter(response) -> dict[str, str]:
    """All but the request id's value and the cookie's expiry date, which differ anyway."""
    headers = {name.lower(): value for name, value in response.headers.items()}
    assert headers.pop("x-request-id")
    if "set-cookie" in headers:
        headers["set-cookie"] = re.sub(r"Expires=[^;]*; ", "", headers["set-cookie"])
    return headers


@pytest.mark.parametrize("encoding", ["br", "gzip", "identity"])
def test_before_flask_and_within_it_a_page_from_memory_is_the_same_answer(app, encoding):
    pages = app.extensions["absher_memory_pages"]
    within = app.test_client().get("/ar/privacy", headers={"Accept-Encoding": encoding})
    assert "/ar/privacy" in pages.pages

    def flask_must_not_answer(*_args):  # noqa: ANN002
        raise AssertionError("Flask answered")

    flask, pages.wsgi_app = pages.wsgi_app, flask_must_not_answer
    try:
        before = app.test_client().get("/ar/privacy", headers={"Accept-Encoding": encoding})
        again = app.test_client().get("/ar/privacy", headers={
            "Accept-Encoding": encoding, "If-None-Match": before.headers["ETag"]})
    finally:
        pages.wsgi_app = flask
    assert before.data == within.data
    assert headers_that_matter(before) == headers_that_matter(within)
    assert again.status_code == 304
    # A visitor whose session is nobody's gets it within Flask, 304 included.
    visitor = app.test_client()
    visitor.get("/en/register")  # a session with a CSRF token
    assert visitor.get("/ar/privacy", headers={"Accept-Encoding": encoding}).data == within.data
    within_again = visitor.get("/ar/privacy", headers={
        "Accept-Encoding": encoding, "If-None-Match": before.headers["ETag"]})
    assert within_again.status_code == 304
    assert (headers_that_matter(within_again).keys() - {"set-cookie"}
            == headers_that_matter(again).keys() - {"set-cookie"})


def test_the_language_cookie_is_still_remembered(client):
    response = client.get("/ar/terms")
    client.get("/en/terms")
    again = client.get("/ar/terms")  # from memory, for a visitor whose cookie says en
    assert "absher_lang=ar" in again.headers["Set-Cookie"]

    def without_expiry(cookie: str) -> list[str]:  # the two may fall either side of a second
        return [part for part in cookie.split("; ") if not part.startswith("Expires=")]

    assert without_expiry(response.headers["Set-Cookie"]) == without_expiry(
        again.headers["Set-Cookie"])


@pytest.fixture
def citizen(client, make_account, sms_outbox) -> Citizen:
    return Citizen(client, make_account(), sms_outbox)


# Signed-in pages, and whether the account menu links to each (marking it as the current).
ACCOUNT_PAGES = {"/{lang}/account/": True, "/{lang}/account/passports": False,
                 "/{lang}/account/family": True, "/{lang}/account/payments": True,
                 "/{lang}/account/inbox": False, "/{lang}/account/security-questions": True,
                 "/{lang}/about": False}


def without_tokens(page: bytes) -> bytes:
    """The page but for its CSRF tokens, signed anew with the time."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b"", page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_signed_in_pages_with_their_fixed_pieces_from_memory_are_full_renders(
        app, full_render_app, client, make_account, sms_outbox, lang):
    active = make_account(state=ActivationState.ACTIVE)
    holder = Citizen(client, active, sms_outbox)
    holder.sign_in()
    session_cookie = client.get_cookie("absher_session")
    full = full_render_app.test_client()
    full.set_cookie("absher_session", session_cookie.value)
    for page, in_menu in ACCOUNT_PAGES.items():
        path = page.format(lang=lang)
        first, again, whole = client.get(path), client.get(path), full.get(path)
        assert first.status_code == again.status_code == whole.status_code == 200, path
        assert without_tokens(first.data) == without_tokens(again.data) == \
            without_tokens(whole.data), path
        # The menu marks the page it is on, each its own.
        current = parse(again).select('nav.account-nav a[aria-current="page"]')
        assert [link["href"] for link in current] == ([path] if in_menu else []), path
    assert app.extensions["absher_rendered_pieces"]
    assert full_render_app.extensions["absher_rendered_pieces"] == {}


def test_a_signed_in_visitor_gets_a_full_render_no_cache_keeps(app, citizen, full_render_app):
    citizen.sign_in()
    response = citizen.client.get("/en/about")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert app.extensions["absher_page_cache"] == {}
    # The page reads the same signed in or not, but for the header's link to the inbox.
    anonymous = full_render_app.test_client().get("/en/about").data
    assert b'class="inbox-link"' in response.data and b'class="inbox-link"' not in anonymous

    def without_inbox(page: bytes) -> bytes:
        return re.sub(rb"\s+", b" ", re.sub(rb'<a class="inbox-link".*?</a>', b"", page))

    assert without_inbox(response.data) == without_inbox(anonymous)


@pytest.mark.parametrize("path", ["/en/services?q=passport", "/en/about?expired=1",
                                  "/en/services?without_visual_code=1"])
def test_a_query_the_page_reads_is_rendered_in_full_and_never_kept(app, client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert app.extensions["absher_page_cache"] == {}


def test_a_query_the_page_does_not_read_gets_the_kept_page(app, client):
    kept = client.get("/en/about")
    assert client.get("/en/about?utm_source=sms").data == kept.data
    assert len(app.extensions["absher_page_cache"]) == 1


def test_htmx_asks_for_the_search_results_alone(app, client):
    response = client.get("/en/services?q=passport", headers={"HX-Request": "true"})
    assert "<html" not in response.get_data(as_text=True)
    assert app.extensions["absher_page_cache"] == {}


# --- form pages ------------------------------------------------------------------------------

FIXED_SESSION_TOKEN = "f" * 40
FIXED_VISUAL_CODE_TOKEN = "InZpc3VhbC1jb2RlIg.aSUx2A.Q0lW0c3b5rVJ4pQ9eLmNNcT0a1s"


def get_with_fixed_tokens(app, path: str, monkeypatch) -> bytes:
    """A fresh visitor's page, with the CSRF and visual-code tokens every run makes alike."""
    monkeypatch.setattr("absher_web.web.visual_code_tokens.new_token",
                        lambda _policy: FIXED_VISUAL_CODE_TOKEN)
    client = app.test_client()
    with time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), tick=False):
        with client.session_transaction() as session:
            session["csrf_token"] = FIXED_SESSION_TOKEN
        response = client.get(path)
    assert response.status_code == 200
    return response.data


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", FORM_PAGES)
def test_a_form_page_filled_in_is_byte_for_byte_a_full_render(app, full_render_app, page, lang,
                                                              monkeypatch):
    path = page.format(lang=lang)
    full = get_with_fixed_tokens(full_render_app, path, monkeypatch)
    first = get_with_fixed_tokens(app, path, monkeypatch)  # the markup is made
    again = get_with_fixed_tokens(app, path, monkeypatch)  # and filled in
    assert first == again == full
    assert len(app.extensions["absher_form_pages"]) == 1
    if path.endswith(("/register", "/recover")):
        assert full.count(FIXED_VISUAL_CODE_TOKEN.encode()) == 3  # image, audio, field


def test_every_visitor_gets_tokens_of_their_own(client, app):
    pages = [client.get("/en/register") for _ in range(2)]
    visual_codes = [parse(page).find("input", attrs={"name": "captcha_token"})["value"]
                    for page in pages]
    assert visual_codes[0] != visual_codes[1]
    csrf = [parse(page).find("input", attrs={"name": "csrf_token"})["value"]
            for page in (pages[0], app.test_client().get("/en/register"))]
    assert csrf[0] != csrf[1]
    assert "Placeholder" not in pages[0].get_data(as_text=True)


def test_a_page_saying_something_of_its_own_is_rendered_in_full(app, client):
    expired = client.get("/en/recover?expired=1")
    assert expired.status_code == 422
    assert "error-summary" in expired.get_data(as_text=True)
    odd = client.get("/en/register?q=anything")
    assert odd.status_code == 200
    assert app.extensions["absher_form_pages"] == {}


# --- static files ----------------------------------------------------------------------------

def test_static_files_open_no_session_and_touch_no_database(app, citizen, statements):
    citizen.sign_in()
    url = app.extensions["absher_assets"].url("js/app.js")
    statements.clear()
    response = citizen.client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert statements == []
    assert "Set-Cookie" not in response.headers
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Request-ID"]
    again = citizen.client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_static_files_answer_head_and_refuse_other_methods(app, client):
    url = app.extensions["absher_assets"].url("js/app.js")
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) > 0
    assert client.post(url).status_code in (400, 405)


@pytest.mark.parametrize("path", ["/en/", "/en/about", "/ar/services", "/en/individuals/login",
                                  "/ar/register", "/en/recover", "/en/staff/sign-in"])
def test_a_script_name_sent_first_never_reaches_later_visitors(app, path):
    """gunicorn may take SCRIPT_NAME from a request header: the first request for each page
    carries one, and neither it nor anyone after gets a link or form action under it."""
    first = app.test_client().get(path, environ_overrides={"SCRIPT_NAME": "//evil.example"})
    assert b"evil.example" not in first.data
    for _ in range(2):  # rendered, then from memory
        later = app.test_client().get(path)
        assert later.status_code == 200
        assert b"evil.example" not in later.data
        soup = parse(later)
        for tag in soup.find_all(["a", "form", "link", "script"]):
            target = tag.get("href") or tag.get("action") or tag.get("src") or ""
            assert not target.startswith("//"), target
