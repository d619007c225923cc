"""A receipt in a real browser: the Print button appears only with JavaScript and opens the
browser's print; printed, the page is the receipt alone, black on white."""

from __future__ import annotations

import pytest

RECEIPT = "/{lang}/dev/states/payments-receipt-refunded"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_print_button_prints_with_javascript_and_hides_without(page_factory, lang):
    page = page_factory()
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    page.goto(RECEIPT.format(lang=lang))
    button = page.locator("button[data-print]")
    assert button.is_visible()
    button.click()
    assert page.evaluate("window.printed") == 1
    scriptless = page_factory(javascript=False)
    scriptless.goto(RECEIPT.format(lang=lang))
    assert not scriptless.locator("button[data-print]").is_visible()
    assert scriptless.locator(".no-print p").first.is_visible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_printed_the_page_is_the_receipt_alone(page_factory, lang):
    page = page_factory(javascript=False)
    page.goto(RECEIPT.format(lang=lang))
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".account-nav", ".no-print"):
        assert not page.locator(hidden).is_visible(), hidden
    receipt = page.locator("article.receipt")
    assert receipt.is_visible()
    colours = receipt.evaluate("""element => {
        const style = getComputedStyle(element);
        return [style.backgroundColor, style.color];
    }""")
    assert colours == ["rgba(0, 0, 0, 0)", "rgb(0, 0, 0)"]
    # One A4 page: 210 x 297 mm less 15 mm margins all round, at 96 px to the inch.
    page.set_viewport_size({"width": 680, "height": 1009})
    assert page.evaluate("document.documentElement.scrollHeight") <= 1009
