"""Forgot password in a real browser: Arabic with JavaScript (steps swapped in place, focus
on each heading), English without JavaScript, axe on every step and error state."""

from __future__ import annotations

import pytest

from tests.conftest import SECURITY_ANSWERS

from .conftest import allow_browser_error, assert_no_axe_violations
from .test_account import last_code
from .test_registration import axe_with_the_same_session

VISUAL_CODE = "12345"
NEW_PASSWORD = "Vb8nWq3zKs"


@pytest.fixture
def recovery_server(live_server, make_account):
    live_server.app.config["CAPTCHA_FIXED_ANSWER"] = VISUAL_CODE
    yield live_server, make_account
    live_server.app.config["CAPTCHA_FIXED_ANSWER"] = None


def submit(page) -> None:
    page.locator("#recovery-step form button[type=submit]").first.click()


def test_arabic_recovery_with_javascript_swaps_every_step(recovery_server, page_factory):
    server, make_account = recovery_server
    account = make_account(language="ar")
    page = page_factory()
    page.goto("/ar/recover")
    assert_no_axe_violations(page)
    page.evaluate("window.notReloaded = true")
    page.fill("#national_id", account.national_id)
    page.fill("#mobile", account.mobile)
    page.fill("#captcha_answer", VISUAL_CODE)
    submit(page)
    page.locator("#question-0:visible").wait_for()
    page.locator("[data-step-heading]:focus").wait_for()
    assert_no_axe_violations(page)
    page.check("#question-0")
    page.fill("#answer", SECURITY_ANSWERS["first_school"])
    submit(page)
    page.locator("#code").wait_for()
    page.locator("[data-step-heading]:focus").wait_for()
    assert_no_axe_violations(page)
    page.fill("#code", last_code(server, account.mobile))
    submit(page)
    page.locator("#confirm_password").wait_for()
    page.locator("[data-step-heading]:focus").wait_for()
    assert_no_axe_violations(page)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm_password", NEW_PASSWORD)
    submit(page)
    page.get_by_text("تم تحديث كلمة المرور بنجاح").first.wait_for()
    assert page.evaluate("window.notReloaded") is True, "a step loaded a new page"
    assert page.url.endswith("/ar/recover")
    assert_no_axe_violations(page)


def test_english_recovery_without_javascript(recovery_server, page_factory):
    server, make_account = recovery_server
    account = make_account()
    page = page_factory(javascript=False)
    page.goto("/en/recover")
    page.fill("#national_id", account.national_id)
    page.fill("#mobile", account.mobile)
    page.fill("#captcha_answer", VISUAL_CODE)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/en/recover/question")
    axe_with_the_same_session(page_factory, page)
    page.check("#question-1")
    page.fill("#answer", SECURITY_ANSWERS["childhood_street"].upper())
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/en/recover/code")
    page.fill("#code", last_code(server, account.mobile))
    page.get_by_role("button", name="OK").click()
    page.wait_for_url("**/en/recover/new-password")
    axe_with_the_same_session(page_factory, page)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm_password", NEW_PASSWORD)
    page.get_by_role("button", name="OK").click()
    page.wait_for_url("**/en/recover/done")
    assert page.locator("h1").inner_text() == "Password updated successfully"
    axe_with_the_same_session(page_factory, page)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_recovery_error_states_are_accessible(recovery_server, page_factory, lang, width):
    server, make_account = recovery_server
    account = make_account(language=lang)
    page = page_factory(width=width)
    allow_browser_error(page, r"status of 42[23]")
    page.goto(f"/{lang}/recover")
    page.fill("#national_id", account.national_id)
    page.fill("#mobile", "0559990000")
    page.fill("#captcha_answer", VISUAL_CODE)
    submit(page)
    page.locator("[data-error-summary]:focus").wait_for()
    assert_no_axe_violations(page)
    page.fill("#mobile", account.mobile)
    page.fill("#captcha_answer", VISUAL_CODE)
    submit(page)
    page.locator("#answer").wait_for()
    submit(page)  # no question chosen, no answer
    page.locator("[data-error-summary]:focus").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_alternative_without_the_visual_code_is_accessible(recovery_server, page_factory,
                                                                lang):
    page = page_factory(width=320)
    page.goto(f"/{lang}/recover")
    page.locator("a[href$='without_visual_code=1']").click()
    page.wait_for_url("**without_visual_code=1")
    assert page.locator("#visual-code").count() == 0
    assert_no_axe_violations(page)
