"""Security headers, CSRF, configuration refusals and the vendored htmx."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from cryptography.fernet import Fernet
from flask import Flask

from absher_web import create_app
from absher_web.config import PROJECT_ROOT, ProductionConfig
from absher_web.settings_check import SettingsError
from tests.conftest import REDIS_URL

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

HTMX_SHA256 = "a0abb04f2f45a1f89d1d4844023245537e5e6014c87b144553e0607b4cc32130"


def sha256_source(text: bytes) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text).digest()).decode()}'"


STYLESHEET = (PROJECT_ROOT / "static" / "css" / "site.css").read_bytes()
# DESIGN.md's policy, and the pages' one inline stylesheet allowed by its hash.
POLICY = ("default-src 'self'; object-src 'none'; base-uri 'none'; "
          "frame-ancestors 'none'; form-action 'self'; "
          f"style-src 'self' {sha256_source(STYLESHEET)}")


def test_csp_is_exactly_the_designed_policy(client):
    response = client.get("/en/")
    policy = response.headers["Content-Security-Policy"]
    assert policy == POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("path", ["/ar/", "/en/register", "/ar/individuals/login", "/en/recover",
                                  "/ar/staff/sign-in", "/en/no-such-page"])
def test_every_page_carries_its_stylesheet_inline_allowed_by_the_policy(client, path):
    response = client.get(path)
    page = response.get_data()
    styles = re.findall(rb"<style>(.*?)</style>", page, re.S)
    assert styles == [STYLESHEET]  # the file's exact bytes, so the browser's hash matches
    assert sha256_source(styles[0]) in response.headers["Content-Security-Policy"]
    assert b'rel="stylesheet"' not in page  # nothing more to fetch before the first render


@pytest.mark.parametrize("path", ["/en/", "/ar/about", "/en/no-such-page", "/static/css/site.css"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_with_tokens_are_not_stored_by_caches(client):
    assert client.get("/en/register").headers["Cache-Control"] == "no-store"
    assert client.get("/en/no-such-page").headers["Cache-Control"] == "no-store"


def test_public_pages_are_kept_by_the_browser_alone_and_asked_for_again(client):
    # The same bytes for every visitor not signed in (web/page_cache.py).
    assert client.get("/en/").headers["Cache-Control"] == "private, no-cache"


def test_no_inline_script_style_or_event_handlers_in_templates():
    offenders = []
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        source = template.read_text(encoding="utf-8")
        for marker in ("<script>", " style=", "hx-on", " onclick=", " onload=", "javascript:"):
            if marker in source:
                offenders.append(f"{template.name}: {marker}")
        # One <style>, the layout's, holding the stylesheet the policy names by its hash.
        styles = re.findall(r"<style[^>]*>(.*?)</style>", source, re.S)
        if styles and (template.name, styles) != ("base.html", ["{{ inline_style() }}"]):
            offenders.append(f"{template.name}: <style>")
    assert offenders == []


def test_vendored_htmx_is_the_pinned_release():
    vendored = PROJECT_ROOT / "static" / "vendor" / "htmx-4.0.1.min.js"
    assert hashlib.sha256(vendored.read_bytes()).hexdigest() == HTMX_SHA256
    licence = (PROJECT_ROOT / "static" / "vendor" / "htmx-4.0.1.LICENSE.txt").read_text()
    assert "Zero-Clause BSD" in licence


def app_with_post_route(base_app: Flask) -> Flask:
    """The app with a form endpoint and a page that hands out its token, as a form would."""
    from flask_wtf.csrf import generate_csrf

    @base_app.post("/<lang_code>/echo")
    def echo() -> str:
        return "accepted"

    @base_app.get("/<lang_code>/token")
    def token() -> str:
        return generate_csrf()

    return base_app


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Your session has expired"), ("ar", "انتهت صلاحية جلستك")],
)
def test_post_without_csrf_token_gets_a_translated_400_page(app, lang, title):
    app.config["WTF_CSRF_ENABLED"] = True
    app_with_post_route(app)
    response = app.test_client().post(f"/{lang}/echo", data={"anything": "1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert title in page
    assert f'<html lang="{lang}"' in page


def test_post_with_a_forged_token_is_refused_and_a_real_one_accepted(app):
    app.config["WTF_CSRF_ENABLED"] = True
    app_with_post_route(app)
    client = app.test_client()
    token = client.get("/en/token").get_data(as_text=True)
    assert client.post("/en/echo", data={"csrf_token": token[:-2] + "xx"}).status_code == 400
    # A token from another visitor's session does not work in this one.
    other = app.test_client().get("/en/token").get_data(as_text=True)
    assert client.post("/en/echo", data={"csrf_token": other}).status_code == 400
    response = client.post("/en/echo", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "accepted"


class TestProductionConfiguration:
    def production(self, monkeypatch, **attributes):
        attributes.setdefault("API_KEY_ENCRYPTION_KEY", Fernet.generate_key().decode())
        attributes.setdefault("ALLOWED_HOSTS", ("absher.example.sa",))
        for name, value in attributes.items():
            monkeypatch.setattr(ProductionConfig, name, value)
        return create_app(ProductionConfig)

    def test_refuses_to_start_without_a_real_secret_key(self, monkeypatch):
        with pytest.raises(RuntimeError, match="ABSHER_SECRET_KEY"):
            self.production(monkeypatch, SECRET_KEY="development-only-not-secret")
        with pytest.raises(RuntimeError, match="ABSHER_SECRET_KEY"):
            self.production(monkeypatch, SECRET_KEY="short")

    def test_refuses_to_keep_bank_keys_without_its_own_encryption_key(self, monkeypatch):
        with pytest.raises(RuntimeError, match="ABSHER_API_KEY_ENCRYPTION_KEY"):
            self.production(monkeypatch, SECRET_KEY="x" * 40, DATABASE_URL="sqlite://",
                            API_KEY_ENCRYPTION_KEY=None)

    def test_refuses_a_fixed_captcha_answer(self, monkeypatch):
        with pytest.raises(RuntimeError, match="CAPTCHA_FIXED_ANSWER"):
            self.production(monkeypatch, SECRET_KEY="x" * 40, CAPTCHA_FIXED_ANSWER="12345",
                            DATABASE_URL="sqlite://")

    def test_refuses_to_start_without_the_site_host_names(self, monkeypatch):
        with pytest.raises(RuntimeError, match="ABSHER_ALLOWED_HOSTS"):
            self.production(monkeypatch, SECRET_KEY="x" * 40, DATABASE_URL="sqlite://",
                            ALLOWED_HOSTS=())

    def test_refuses_the_http_sms_backend_without_its_address_and_key(self, monkeypatch):
        with pytest.raises(RuntimeError, match="ABSHER_SMS_URL"):
            self.production(monkeypatch, SECRET_KEY="x" * 40, DATABASE_URL="sqlite://",
                            SMS_URL=None, SMS_API_KEY=None)

    def test_refuses_what_is_only_safe_on_a_developers_machine_all_at_once(self, monkeypatch):
        with pytest.raises(SettingsError) as refused:
            self.production(monkeypatch, SECRET_KEY="x" * 40, DATABASE_URL="sqlite://",
                            RATELIMIT_STORAGE_URI="memory://", SMS_BACKEND="file",
                            BCRYPT_ROUNDS=4)
        problems = refused.value.problems
        assert len(problems) == 4, problems
        for named in ("memory://", "SMS_BACKEND=file", "SQLite", "BCRYPT_ROUNDS=4"):
            assert any(named in problem for problem in problems), named

    def test_the_language_cookie_is_host_prefixed_and_the_old_one_read_once(
            self, monkeypatch, limiter_back_on_its_storage):
        app = self.production(monkeypatch, SECRET_KEY="x" * 40, DATABASE_URL="sqlite://",
                              ALLOW_SQLITE=True,
                              RATELIMIT_STORAGE_URI=REDIS_URL or "redis://127.0.0.1:6379/0",
                              SMS_URL="https://sms.example/send", SMS_API_KEY="key")
        site = "https://absher.example.sa"
        for _ in range(2):  # rendered by Flask, then from memory before Flask
            response = app.test_client().get("/en/about", base_url=site)
            [cookie] = response.headers.getlist("Set-Cookie")
            assert cookie.startswith("__Host-absher_lang=en;")
            assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
        # A choice saved under the old name still leads the way, then moves to the new name.
        visitor = app.test_client()
        visitor.set_cookie("absher_lang", "ar", domain="absher.example.sa")
        assert visitor.get("/", base_url=site).headers["Location"].endswith("/ar/")
        app.test_client().get("/ar/about", base_url=site)  # now kept in memory
        for path in ("/ar/about", "/ar/"):  # from memory, and rendered
            visitor.set_cookie("absher_lang", "ar", domain="absher.example.sa")
            visitor.delete_cookie("__Host-absher_lang", domain="absher.example.sa")
            cookies = visitor.get(path, base_url=site).headers.getlist("Set-Cookie")
            assert any(c.startswith("__Host-absher_lang=ar;") for c in cookies), cookies
            assert any(c.startswith("absher_lang=;") and "Max-Age=0" in c for c in cookies)
        assert visitor.get_cookie("absher_lang", domain="absher.example.sa") is None
        assert visitor.get("/", base_url=site).headers["Location"].endswith("/ar/")

    def test_starts_with_real_settings_and_hardened_cookies(self, monkeypatch,
                                                            limiter_back_on_its_storage):
        app = self.production(monkeypatch, SECRET_KEY="x" * 40, DATABASE_URL="sqlite://",
                              ALLOW_SQLITE=True,
                              RATELIMIT_STORAGE_URI=REDIS_URL or "redis://127.0.0.1:6379/0",
                              SMS_URL="https://sms.example/send", SMS_API_KEY="key")
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        response = app.test_client().get("/en/about", base_url="https://absher.example.sa")
        assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_htmx_answers_carry_the_headers_a_fetch_uses_and_a_policy_that_loads_nothing(client):
    # SECURITY.md "Headers": the page that asked keeps its own policy; the answer is never a
    # document, so the headers only a document reads stay with the page (security.py).
    page = client.get("/en/register").headers
    answer = client.get("/en/dev/states/registration-broken.htmx").headers
    assert answer["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["Cache-Control"] == "no-store"
    for name in ("X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy",
                 "Cross-Origin-Resource-Policy"):
        assert name in page and name not in answer, name
