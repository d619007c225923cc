"""The Passports office console in a real browser: keyboard only, both languages, with and
without JavaScript, axe on every page and error state at 1280 and 320 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from absher_web.models import ActivationState
from tests.staff.conftest import OFFICER_PASSWORD, add_officer

from .conftest import allow_browser_error, assert_no_axe_violations


@pytest.fixture
def staff_server(live_server, app, make_account):
    """The live server (which shares the test database) with one officer in it."""
    Path(live_server.app.config["SMS_FILE"]).unlink(missing_ok=True)
    return live_server, add_officer(app), make_account


def focused(page) -> dict:
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, type: el.type || '',
              text: el.textContent.trim()};
    }""")


def tab_to(page, matches: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches the CSS selector ``matches``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", matches):
            return
    pytest.fail(f"{limit} presses of Tab never reached {matches}")


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")


def sign_in_with_the_mouse(page, officer, lang: str) -> None:
    page.goto(f"/{lang}/staff/sign-in")
    page.fill("#username", officer.username)
    page.fill("#password", OFFICER_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/{lang}/staff/")


def look_up(page, national_id: str) -> None:
    page.fill("#national_id", national_id)
    page.check("#look_reason-0")  # why the record is opened: the holder reads it
    page.locator("main form.search button[type=submit]").click()
    page.locator("main h1").wait_for()


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_sign_in_look_up_activate_and_sign_out_by_keyboard_alone(
    staff_server, page_factory, lang, javascript
):
    server, officer, make_account = staff_server
    account = make_account(language=lang)
    page = page_factory(javascript=javascript)
    keyboard = page.keyboard

    page.goto(f"/{lang}/staff/sign-in")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert_no_axe_violations(page)
    tab_to(page, "#username")
    keyboard.type(officer.username)
    tab_to(page, "#password", limit=1)
    keyboard.type(OFFICER_PASSWORD)
    tab_to(page, "main form button[type=submit]:not([data-password-toggle])", limit=2)
    keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/staff/")
    assert "Khalid Alharbi" in page.locator("nav.account-nav").inner_text()
    assert_no_axe_violations(page)

    tab_to(page, "#national_id")
    keyboard.type(account.national_id)
    # Why the record is opened (the holder reads it): the first reason, chosen by Space.
    tab_to(page, "#look_reason-0", limit=3)
    keyboard.press("Space")
    assert page.is_checked("#look_reason-0")
    tab_to(page, "main form.search button[type=submit]", limit=4)
    keyboard.press("Enter")
    page.locator("#result").wait_for()
    assert_no_axe_violations(page)
    # The page opens at the result: the next Tab reaches the checkbox under it.
    keyboard.press("Tab")
    assert focused(page)["id"] == "fingerprints_verified"
    keyboard.press("Space")
    assert page.is_checked("#fingerprints_verified")
    keyboard.press("Tab")
    assert focused(page)["tag"] == "button"
    keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/staff/")
    notice = page.locator("main .notice").inner_text()
    assert account.national_id in notice
    if lang == "en":  # the Arabic wording is the translators'; the structure is checked there
        assert "is now active" in notice
    assert_no_axe_violations(page)

    tab_to(page, "nav.account-nav form button")
    keyboard.press("Enter")
    page.wait_for_url(f"**/{lang}/staff/sign-in")
    if lang == "en":
        assert "You have signed out" in page.locator("main .notice").inner_text()
    page.goto(f"/{lang}/staff/")
    page.wait_for_url(f"**/{lang}/staff/sign-in")


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_every_console_page_and_error_state_is_accessible(staff_server, page_factory, lang,
                                                          width):
    server, officer, make_account = staff_server
    waiting = make_account(language=lang)
    active = make_account(language=lang, state=ActivationState.ACTIVE)
    page = page_factory(width=width)
    # Chromium logs every 4xx answer; a 422 is how a page with errors comes back.
    allow_browser_error(page, r"status of 422")

    page.goto(f"/{lang}/staff/sign-in")
    assert_no_axe_violations(page)
    page.fill("#username", officer.username)
    page.fill("#password", "Wrong-Passw0rd")
    page.locator("main form button[type=submit]").click()
    page.locator("[data-error-summary]:focus").wait_for()
    assert page.input_value("#username") == officer.username
    assert page.input_value("#password") == ""
    assert fits_the_width(page)
    assert_no_axe_violations(page)

    sign_in_with_the_mouse(page, officer, lang)
    assert fits_the_width(page)
    assert_no_axe_violations(page)

    look_up(page, "12345")  # malformed: the error sits by the field, the input is kept
    page.locator("[data-error-summary]:focus").wait_for()
    assert page.input_value("#national_id") == "12345"
    assert page.locator("#national_id-error").is_visible()
    assert fits_the_width(page)
    assert_no_axe_violations(page)

    look_up(page, "1000000016")  # valid, but nobody has an account with it
    page.locator("#result").wait_for()
    if lang == "en":
        assert "No account is registered" in page.locator("main").inner_text()
    assert_no_axe_violations(page)

    look_up(page, active.national_id)  # active: the result, and no activation form
    page.locator("main dl.facts").wait_for()
    assert page.locator("#fingerprints_verified").count() == 0
    assert_no_axe_violations(page)

    look_up(page, waiting.national_id)
    page.locator("#fingerprints_verified").wait_for()
    assert fits_the_width(page)
    assert_no_axe_violations(page)
    page.locator("main form[action$='/staff/activate'] button[type=submit]").click()
    page.locator("[data-error-summary]:focus").wait_for()  # the checkbox was not ticked
    assert page.locator("#fingerprints_verified-error").is_visible()
    assert fits_the_width(page)
    assert_no_axe_violations(page)

    page.check("#fingerprints_verified")
    page.locator("main form[action$='/staff/activate'] button[type=submit]").click()
    page.wait_for_url(f"**/{lang}/staff/")
    assert waiting.national_id in page.locator("main .notice").inner_text()
    assert fits_the_width(page)
    assert_no_axe_violations(page)


# Each language at both widths, each width with and without JavaScript, each language with
# and without it: every pair of the three choices, in four runs rather than eight.
@pytest.mark.parametrize(("javascript", "width", "lang"), [
    (True, 1280, "ar"), (True, 320, "en"), (False, 320, "ar"), (False, 1280, "en")],
    ids=["js-1280-ar", "js-320-en", "no-js-320-ar", "no-js-1280-en"])
def test_unlock_and_change_of_mobile_pages_are_accessible(staff_server, page_factory, lang,
                                                          width, javascript):
    from datetime import timedelta

    from absher_web.extensions import db
    from absher_web.models import Account, utcnow

    from .test_account import last_code

    server, officer, make_account = staff_server
    holder = make_account(language=lang, state=ActivationState.ACTIVE)
    with server.app.app_context():
        db.session.get(Account, holder.id).locked_until = utcnow() + timedelta(minutes=30)
        db.session.commit()
    page = page_factory(width=width, javascript=javascript)
    allow_browser_error(page, r"status of 422")
    sign_in_with_the_mouse(page, officer, lang)

    look_up(page, holder.national_id)
    page.locator("#unlock_fingerprints_verified").wait_for()
    assert fits_the_width(page)
    assert_no_axe_violations(page)
    unlock = page.locator("main form[action$='/staff/unlock'] button[type=submit]")
    unlock.click()
    page.locator("#unlock_fingerprints_verified-error").wait_for()  # not ticked
    assert_no_axe_violations(page)
    page.check("#unlock_fingerprints_verified")
    page.locator("main form[action$='/staff/unlock'] button[type=submit]").click()
    page.wait_for_url(f"**/{lang}/staff/")
    assert holder.national_id in page.locator("main .notice").inner_text()
    assert_no_axe_violations(page)

    look_up(page, holder.national_id)
    send = page.locator("main form[action$='/staff/mobile'] button[type=submit]")
    page.fill("#mobile", "0512")
    send.click()
    page.locator("#mobile-error").wait_for()  # a bad number, and the box not ticked
    assert page.locator("#mobile_fingerprints_verified-error").is_visible()
    assert page.input_value("#mobile") == "0512"
    assert fits_the_width(page)
    assert_no_axe_violations(page)

    page.fill("#mobile", "0598765432")
    page.check("#mobile_fingerprints_verified")
    page.locator("main form[action$='/staff/mobile'] button[type=submit]").click()
    page.wait_for_url(f"**/{lang}/staff/mobile/code")
    assert page.locator("#code").get_attribute("dir") == "ltr"
    assert fits_the_width(page)
    assert_no_axe_violations(page)
    page.fill("#code", "12")
    page.locator("main form[action$='/staff/mobile/code'] button[type=submit]").click()
    page.locator("#code-error").wait_for()
    assert_no_axe_violations(page)
    page.fill("#code", last_code(server, "+966598765432"))
    page.locator("main form[action$='/staff/mobile/code'] button[type=submit]").click()
    page.wait_for_url(f"**/{lang}/staff/")
    assert "+966598765432" in page.locator("main .notice").inner_text()
    assert fits_the_width(page)
    assert_no_axe_violations(page)
