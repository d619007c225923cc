"""Devices and the security activity in a real browser: a lost phone signed out from the
computer with the keyboard alone, and the activity filtered without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.test_account import account_server, sign_in  # noqa: F401 (a fixture)

from .conftest import allow_browser_error, assert_no_axe_violations


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_lost_phone_is_signed_out_with_the_keyboard(account_server, page_factory,  # noqa: F811
                                                      lang):
    server, make_account = account_server
    account = make_account(language=lang)
    phone = page_factory(width=320, user_agent=(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"))
    sign_in(phone, server, account, lang)
    computer = page_factory()
    sign_in(computer, server, account, lang)

    computer.goto(f"/{lang}/account/devices")
    assert_no_axe_violations(computer)
    iphone = "iPhone" if lang == "en" else "آيفون"
    target = computer.locator("main .service-list > li", has_text=iphone)
    button = target.locator("button")
    for _ in range(60):  # Tab from the top of the page until the phone's button has focus
        computer.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("the phone's sign-out button cannot be reached with Tab")
    computer.keyboard.press("Enter")
    computer.locator("main .notice").wait_for()
    assert computer.locator("main .service-list > li").count() == 1
    assert_no_axe_violations(computer)

    phone.goto(f"/{lang}/account/")
    assert "/individuals/login" in phone.url


def test_the_activity_is_filtered_without_javascript(account_server, page_factory):  # noqa: F811
    server, make_account = account_server
    account = make_account()
    page = page_factory(javascript=False, width=320)
    allow_browser_error(page, r"status of 422")  # the filter's answer to a wrong date
    sign_in(page, server, account, "en")
    page.goto("/en/account/activity")
    page.select_option("#kind", "account")
    page.fill("#since", "2026-02-30")
    page.locator("form.filter-form button").click()
    assert "Enter a real date" in page.locator("main").inner_text()
    page.fill("#since", "")
    page.select_option("#kind", "sign_ins")
    page.locator("form.filter-form button").click()
    assert "kind=sign_ins" in page.url
    assert page.locator("main tbody tr").first.inner_text().startswith("Signed in")
    assert_no_axe_violations(page)
