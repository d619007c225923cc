"""The site frame: language in the path, static files, error pages, compression."""

from __future__ import annotations

import gzip

import brotli
import html5lib
import pytest
from bs4 import BeautifulSoup

from tests.pages import parse

PUBLIC_PAGES = [
    "/{lang}/",
    "/{lang}/individuals/login",
    "/{lang}/business",
    "/{lang}/about",
    "/{lang}/services",
    "/{lang}/civil-affairs",
    "/{lang}/passports-directorate",
    "/{lang}/contact",
    "/{lang}/terms",
    "/{lang}/privacy",
    "/{lang}/registration-conditions",
    "/{lang}/accessibility",
]


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_page_is_valid_html_in_the_right_language_and_direction(client, page, lang):
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    source = response.get_data(as_text=True)
    # html5lib in strict mode raises on any HTML5 parse error.
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(source)
    soup = BeautifulSoup(source, "html.parser")
    assert soup.html["lang"] == lang
    assert soup.html["dir"] == ("rtl" if lang == "ar" else "ltr")
    assert len(soup.find_all("main")) == 1
    assert len(soup.find_all("h1")) == 1
    assert soup.title.get_text(strip=True)
    assert len(soup.select('[aria-live="polite"]')) == 1
    assert soup.find("a", class_="skip-link")["href"] == "#main"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_language_switch_points_at_the_same_page_in_the_other_language(client, page):
    soup = parse(client.get(page.format(lang="ar") + "?q=x"))
    switch = soup.find(id="lang-switch")
    assert switch["href"] == page.format(lang="en") + "?q=x"
    assert switch["lang"] == "en"


def test_footer_has_both_contact_numbers(client):
    footer = parse(client.get("/ar/")).find("footer").get_text()
    assert "920020405" in footer
    assert "00966114618666" in footer


class TestRootRedirect:
    def test_defaults_to_arabic(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response.headers["Location"] == "/ar/"

    def test_follows_accept_language(self, client):
        response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert response.headers["Location"] == "/en/"

    def test_saved_choice_wins_over_accept_language(self, client):
        client.get("/en/about")  # visiting a page in English saves the choice
        response = client.get("/", headers={"Accept-Language": "ar"})
        assert response.headers["Location"] == "/en/"
        client.get("/ar/about")
        assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"] == "/ar/"

    def test_language_cookie_is_http_only_and_lax(self, client):
        cookie = client.get("/en/").headers["Set-Cookie"]
        assert "absher_lang=en" in cookie
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_language_is_a_404(client):
    assert client.get("/fr/about").status_code == 404


class TestErrorPages:
    @pytest.mark.parametrize(
        ("lang", "heading"), [("en", "Page not found"), ("ar", "الصفحة غير موجودة")]
    )
    def test_404_is_translated_in_the_site_layout(self, client, lang, heading):
        response = client.get(f"/{lang}/no-such-page")
        assert response.status_code == 404
        soup = parse(response)
        assert soup.html["lang"] == lang
        assert soup.h1.get_text(strip=True) == heading
        assert soup.find(id="lang-switch") is not None

    def test_404_outside_a_language_follows_the_visitor(self, client):
        response = client.get("/nothing-here", headers={"Accept-Language": "en"})
        assert parse(response).html["lang"] == "en"

    def test_405_names_the_allowed_methods(self, client):
        response = client.post("/en/about")
        # Without a route for POST there is no form to protect: the method is refused.
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]
        assert "That action is not available here" in response.get_data(as_text=True)

    def test_413_for_an_oversized_body(self, app):
        app.config["MAX_CONTENT_LENGTH"] = 100

        @app.post("/<lang_code>/upload")
        def upload() -> str:
            from flask import request

            return str(len(request.form))

        response = app.test_client().post("/en/upload", data={"x": "a" * 500})
        assert response.status_code == 413
        assert "What you sent is too large" in response.get_data(as_text=True)

    def test_500_is_a_clear_page_without_a_stack_trace(self, app):
        app.config["PROPAGATE_EXCEPTIONS"] = False

        @app.get("/<lang_code>/broken")
        def broken() -> str:
            raise RuntimeError("secret internals")

        response = app.test_client().get("/ar/broken")
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        assert "secret internals" not in body and "Traceback" not in body
        assert parse(response).html["lang"] == "ar"

    def test_database_outage_gives_503_with_a_retry(self, tmp_path):
        from sqlalchemy import text

        from absher_web import create_app
        from absher_web.config import TestConfig
        from absher_web.extensions import db

        # Nothing listens on port 9: the connection is refused, as during a restart.
        app = create_app(type("DatabaseDown", (TestConfig,), {
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/absher",
            "SMS_FILE": str(tmp_path / "sms.jsonl")}))

        @app.get("/<lang_code>/needs-db")
        def needs_db() -> str:
            db.session.execute(text("SELECT 1"))
            return "unreachable"

        response = app.test_client().get("/en/needs-db")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        soup = parse(response)
        assert soup.find("a", string="Try again")["href"].endswith("/en/needs-db")

    def test_htmx_requests_get_the_error_as_a_fragment(self, client):
        response = client.get("/en/no-such-page", headers={"HX-Request": "true"})
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "<html" not in body
        assert "Page not found" in body


class TestStaticFiles:
    def hashed_script_url(self, client) -> str:
        # The stylesheet is inline (tests/test_security.py); the scripts are files.
        scripts = [tag["src"] for tag in parse(client.get("/en/")).find_all("script", src=True)]
        return next(src for src in scripts if src.startswith("/static/js/app."))

    def test_urls_carry_a_content_hash_and_are_immutable(self, client):
        url = self.hashed_script_url(client)
        assert url.startswith("/static/js/app.") and url.endswith(".js")
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.mimetype == "application/javascript"

    def test_unhashed_name_is_served_but_revalidated(self, client):
        response = client.get("/static/css/site.css")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"

    def test_brotli_and_gzip_by_accept_encoding(self, client):
        url = self.hashed_script_url(client)
        plain = client.get(url).data
        br = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert br.headers["Content-Encoding"] == "br"
        assert brotli.decompress(br.data) == plain
        gz = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gz.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(gz.data) == plain
        assert len(br.data) < len(plain) / 2

    def test_missing_file_is_404(self, client):
        assert client.get("/static/css/nothing.css").status_code == 404

    def test_pages_are_compressed(self, client):
        response = client.get("/en/services", headers={"Accept-Encoding": "br"})
        assert response.headers["Content-Encoding"] == "br"
        assert b"<!doctype html>" in brotli.decompress(response.data)


def test_refusals_are_compressed_too(client):
    # Flask-Compress alone leaves every status outside 2xx uncompressed; these cross the
    # same slow link as any page (absher_web/extensions.Compress).
    plain = client.get("/en/no-such-page")
    for path, status in (("/en/no-such-page", 404),
                         ("/en/dev/states/registration-broken.htmx", 422),
                         ("/en/dev/states/error-429", 429),
                         ("/en/dev/states/error-503", 503)):
        response = client.get(path, headers={"Accept-Encoding": "br",
                                             "If-None-Match": "*"})
        assert response.status_code == status, path
        assert response.headers["Content-Encoding"] == "br", path
        assert "Accept-Encoding" in response.headers["Vary"], path
        source = brotli.decompress(response.data)
        assert len(response.data) < len(source) / 2, path
    assert brotli.decompress(client.get("/en/no-such-page", headers={
        "Accept-Encoding": "br"}).data) == plain.data
