"""Signing in and the account area in a real browser: both languages, with and without
JavaScript, axe on every page and step at 1280 and 320 px."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from absher_web.models import ActivationState
from tests.conftest import PASSWORD

from .conftest import allow_browser_error, assert_no_axe_violations

ACCOUNT_PAGES = [
    "/{lang}/account/",
    "/{lang}/account/my-data",
    "/{lang}/account/family",
    "/{lang}/account/payments",
    "/{lang}/account/security-questions",
    "/{lang}/account/password",
    "/{lang}/account/mobile",
    "/{lang}/account/email",
    "/{lang}/account/language",
]


@pytest.fixture
def account_server(live_server, make_account):
    Path(live_server.app.config["SMS_FILE"]).unlink(missing_ok=True)
    return live_server, make_account


def last_code(server, to: str) -> str:
    lines = Path(server.app.config["SMS_FILE"]).read_text(encoding="utf-8").splitlines()
    for line in reversed(lines):
        message = json.loads(line)
        if message["to"] == to:
            return re.search(r"#(\d{6})\s*$", message["body"]).group(1)
    raise AssertionError(f"no code sent to {to}")


def sign_in(page, server, account, lang: str, identifier: str | None = None) -> None:
    sign_in_to(page, server, account, lang, identifier)
    page.wait_for_url(f"**/{account.preferred_language.value}/account/")


def sign_in_to(page, server, account, lang: str, identifier: str | None = None) -> None:
    """Password and code; where the account area sends the person is up to the caller."""
    page.goto(f"/{lang}/individuals/login")
    page.fill("#identifier", identifier or account.username)
    page.fill("#password", PASSWORD)
    page.locator("#sign-in-step form button[type=submit]").click()
    page.locator("#code").wait_for()
    page.fill("#code", last_code(server, account.mobile))
    page.locator("#sign-in-step form button[type=submit]").first.click()


def test_arabic_sign_in_with_javascript(account_server, page_factory):
    server, make_account = account_server
    account = make_account(language="ar")
    page = page_factory()
    page.goto("/ar/individuals/login")
    assert_no_axe_violations(page)
    page.evaluate("window.notReloaded = true")
    page.fill("#identifier", account.national_id)
    page.fill("#password", PASSWORD)
    page.locator("#sign-in-step form button[type=submit]").click()
    page.locator("[data-step-heading]:focus").wait_for()
    assert page.evaluate("window.notReloaded") is True, "the code step loaded a new page"
    assert page.url.endswith("/ar/individuals/login")
    assert "•••" in page.locator("#live-region").inner_text()
    assert_no_axe_violations(page)
    page.fill("#code", last_code(server, account.mobile))
    page.locator("#sign-in-step form button[type=submit]").first.click()
    page.wait_for_url("**/ar/account/")
    assert "سارة" in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_no_axe_violations(page)


def test_english_sign_in_without_javascript(account_server, page_factory):
    server, make_account = account_server
    account = make_account(language="en")
    page = page_factory(javascript=False)
    page.goto("/en/individuals/login")
    page.fill("#identifier", account.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/individuals/login/code")
    page.fill("#code", last_code(server, account.mobile))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/")
    assert page.locator("h1").inner_text() == "Welcome, Sarah Mohammed Alotaibi"


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_sign_in_errors_are_accessible(account_server, page_factory, lang, width):
    server, make_account = account_server
    account = make_account(language=lang)
    page = page_factory(width=width)
    allow_browser_error(page, r"status of 422")
    page.goto(f"/{lang}/individuals/login")
    page.fill("#identifier", account.username)
    page.fill("#password", "Wrong-Passw0rd")
    page.locator("#sign-in-step form button[type=submit]").click()
    page.locator("[data-error-summary]:focus").wait_for()
    assert page.input_value("#identifier") == account.username
    assert page.input_value("#password") == ""
    assert_no_axe_violations(page)
    page.fill("#password", PASSWORD)
    page.locator("#sign-in-step form button[type=submit]").click()
    page.locator("[data-step-heading]:focus").wait_for()
    page.fill("#code", "000")
    page.locator("#sign-in-step form button[type=submit]").first.click()
    page.locator("[data-error-summary]:focus").wait_for()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_every_account_page_is_accessible(account_server, page_factory, lang, width):
    server, make_account = account_server
    account = make_account(language=lang, state=ActivationState.ACTIVE)
    page = page_factory(width=width)
    sign_in(page, server, account, lang)
    for path in ACCOUNT_PAGES:
        page.goto(path.format(lang=lang))
        assert page.locator("html").get_attribute("lang") == lang
        assert page.evaluate("document.documentElement.scrollWidth <= "
                             "document.documentElement.clientWidth"), path
        assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_first_sign_in_sets_security_questions_accessibly(account_server, page_factory, lang,
                                                          width):
    server, make_account = account_server
    account = make_account(language=lang, with_questions=False)
    page = page_factory(width=width)
    allow_browser_error(page, r"status of 422")
    sign_in_to(page, server, account, lang)
    page.wait_for_url(f"**/{lang}/account/security-questions")
    assert_no_axe_violations(page)
    page.locator("main form[action$='/security-questions'] button[type=submit]").click()
    page.locator("[data-error-summary]").wait_for()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_mobile_change_code_step_is_accessible(account_server, page_factory, lang, width):
    server, make_account = account_server
    account = make_account(language=lang)
    page = page_factory(width=width)
    allow_browser_error(page, r"status of 422")
    sign_in(page, server, account, lang)
    page.goto(f"/{lang}/account/mobile")
    page.evaluate("window.notReloaded = true")
    page.fill("main input[type=tel]", "0561234567")
    page.locator("main form[action$='/account/mobile'] button[type=submit]").click()
    page.locator("[data-step-heading]:focus").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert_no_axe_violations(page)
    page.fill("#code", "1")
    page.locator("main form[action$='/mobile/code'] button[type=submit]").click()
    page.locator("[data-error-summary]:focus").wait_for()
    assert_no_axe_violations(page)
