"""Public pages in a real browser: accessibility, direction, reflow, language switch, search."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.common import PUBLIC_PAGES

from .conftest import (
    allow_browser_error,
    assert_no_axe_violations,
    assert_no_browser_errors,
    browser_errors,
)

LANGS = ["ar", "en"]
PAGES = PUBLIC_PAGES
NOT_FOUND = "/{lang}/no-such-page"

# A word that names some services but not all, and text a matching result shows.
SEARCH = {"en": ("passport", "Passport"), "ar": ("جواز", "جواز")}

FOCUSED_ELEMENT = """() => {
  const el = document.activeElement;
  return el ? {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
               type: el.getAttribute('type'), cls: el.className,
               form: el.form ? el.form.getAttribute('action') : null} : null;
}"""


def path_of(url: str) -> str:
    return urlsplit(url).path


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def root_attributes(page) -> tuple[str, str]:
    lang, direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    return lang, direction


def search_input(page):
    return page.locator("main form input[name=q]")


def result_count(page) -> int:
    return page.locator(".service-list li").count()


# --- every public page ---------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 320], ids=lambda w: f"{w}px")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_public_page_is_accessible_in_its_language_and_fits_the_screen(
    page_factory, path, lang, width
):
    page = page_factory(width=width)
    url = path.format(lang=lang)
    if path == NOT_FOUND:
        # Chromium logs every 4xx document as "Failed to load resource": expected here only.
        allow_browser_error(page, r"status of 404 .*" + re.escape(f"{url})"))

    response = page.goto(url)

    assert response.status == (404 if path == NOT_FOUND else 200)
    assert root_attributes(page) == (lang, "rtl" if lang == "ar" else "ltr")
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, (
        f"{url} scrolls sideways at {width} px: content is {scroll_width} px wide"
    )
    assert_no_axe_violations(page)
    assert_no_browser_errors(page)


def test_console_check_catches_a_csp_violation(page):
    """The browser-error check is not vacuous: an inline script is refused and reported."""
    page.goto("/en/no-such-page")

    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => { const s = document.createElement('script');
                       s.textContent = 'window.inlineRan = true'; document.head.append(s); }"""
        )

    messages = browser_errors(page).messages
    assert page.evaluate("window.inlineRan === undefined")
    assert any("Content Security Policy" in m for m in messages), messages
    with pytest.raises(pytest.fail.Exception, match="Content Security Policy"):
        assert_no_browser_errors(page)
    # Both expected: the 404 itself and the refused script.
    allow_browser_error(page, r"status of 404|Content Security Policy")


def test_axe_check_works_on_a_page_with_javascript_off(page_factory):
    """The audit of a JavaScript-off page sees its current DOM and can fail."""
    page = page_factory(javascript=False)
    page.goto("/en/services")
    page.evaluate("document.querySelector('label[for=service-search]').remove()")

    with pytest.raises(pytest.fail.Exception, match="label"):
        assert_no_axe_violations(page)


# --- language --------------------------------------------------------------------------------


def test_language_switch_keeps_the_page_and_the_query(page):
    page.goto("/ar/services?q=xyz")

    page.locator("#lang-switch").click()
    page.wait_for_url("**/en/services?q=xyz")
    assert path_of(page.url) == "/en/services"
    assert query_of(page.url) == {"q": ["xyz"]}
    assert root_attributes(page) == ("en", "ltr")

    page.locator("#lang-switch").click()
    page.wait_for_url("**/ar/services?q=xyz")
    assert path_of(page.url) == "/ar/services"
    assert query_of(page.url) == {"q": ["xyz"]}
    assert root_attributes(page) == ("ar", "rtl")
    assert_no_browser_errors(page)


def test_root_follows_the_language_last_chosen_over_the_browser_language(page_factory):
    page = page_factory(locale="ar-SA")
    page.goto("/en/about")

    page.goto("/")

    assert path_of(page.url) == "/en/"
    assert root_attributes(page) == ("en", "ltr")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-GB", "/en/"), ("ar-SA", "/ar/"), ("fr-FR", "/ar/")],
    ids=["english-browser", "arabic-browser", "neither-falls-back-to-arabic"],
)
def test_root_without_a_saved_choice_follows_the_browser_language(page_factory, locale, expected):
    page = page_factory(locale=locale)

    page.goto("/")

    assert path_of(page.url) == expected


# --- keyboard ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, lang):
    page.goto(f"/{lang}/")

    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_ELEMENT)
    assert focused["tag"] == "a" and "skip-link" in focused["cls"], focused
    box = page.locator(".skip-link").bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 1, "the focused skip link is not on screen"

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement && document.activeElement.id") == "main"
    assert_no_browser_errors(page)


def tab_to(page, matches: str, limit: int = 40) -> dict:
    """Press Tab until the focused element matches the CSS selector ``matches``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", matches):
            return page.evaluate(FOCUSED_ELEMENT)
    pytest.fail(f"{limit} presses of Tab never reached {matches}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_search_works_from_the_keyboard_alone(page_factory, javascript):
    page = page_factory(javascript=javascript)
    page.goto("/en/services")
    before = result_count(page)
    word, shown = SEARCH["en"]

    tab_to(page, "main form input[name=q]")
    page.keyboard.type(word)
    button = tab_to(page, "main form button, main form input[type=submit]", limit=3)
    assert button["form"] is not None, "the search button is not in the search form"
    page.keyboard.press("Enter")

    if not javascript:
        page.wait_for_url(re.compile(r"/en/services\?"))
        assert query_of(page.url)["q"] == [word]
    page.wait_for_function(
        "n => document.querySelectorAll('.service-list li').length < n", arg=before
    )
    assert shown in page.locator(".service-list").inner_text()


# --- the catalogue search ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_search_filters_the_list_in_place_with_javascript(page, lang):
    page.goto(f"/{lang}/services")
    page.evaluate("window.searchMarker = 'same document'")
    before = result_count(page)
    word, shown = SEARCH[lang]

    search_input(page).press_sequentially(word, delay=40)

    page.wait_for_function(
        "n => document.querySelectorAll('.service-list li').length < n", arg=before
    )
    assert 0 < result_count(page) < before
    assert path_of(page.url) == f"/{lang}/services"
    assert page.evaluate("window.searchMarker") == "same document", "the page was reloaded"
    assert shown in page.locator(".service-list").inner_text()
    assert_no_browser_errors(page)


@pytest.mark.parametrize("lang", LANGS)
def test_search_without_javascript_is_a_plain_get(page_factory, lang):
    page = page_factory(javascript=False)
    page.goto(f"/{lang}/services")
    before = result_count(page)
    word, shown = SEARCH[lang]

    search_input(page).fill(word)
    search_input(page).press("Enter")

    page.wait_for_url(re.compile(rf"/{lang}/services\?"))
    assert query_of(page.url)["q"] == [word]
    assert 0 < result_count(page) < before
    assert shown in page.locator(".service-list").inner_text()
    assert search_input(page).input_value() == word
    assert_no_axe_violations(page)
