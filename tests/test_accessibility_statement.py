"""The accessibility statement: public, in both languages, linked from every page's footer,
its numbers (support lines, code lifetime) and review date from the settings and content."""

from __future__ import annotations

import pytest

from absher_web.content import ACCESSIBILITY_REVIEWED, SUPPORT_NUMBER, SUPPORT_NUMBER_ABROAD
from tests.pages import parse


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_statement_is_linked_from_the_footer_of_every_page(client, lang):
    for path in ("/", "/register", "/individuals/login", "/about", "/staff/sign-in"):
        footer = parse(client.get(f"/{lang}{path}")).find("footer")
        assert footer.find("a", href=f"/{lang}/accessibility"), path


def test_the_statement_says_what_is_met_how_it_is_tested_its_limits_and_whom_to_tell(app, client):
    app.config["OTP_TTL_SECONDS"] = 240
    page = parse(client.get("/en/accessibility"))
    text = " ".join(page.find("main").get_text(" ").split())
    assert page.h1.get_text(strip=True) == "Accessibility statement"
    assert [h.get_text(strip=True) for h in page.find_all("h2")][:5] == [
        "The standard we meet", "How we test it", "Known limitations", "Report a problem",
        "About this statement"]
    assert "(WCAG) version 2.2 at level AA" in text
    for method in ("axe", "1280 and 320 pixels", "keyboard only", "JavaScript turned off",
                   "Nu HTML Checker", "Arabic text"):
        assert method in text, method
    assert "expires after 4 minutes" in text  # from the settings, not written in the page
    links = {a["href"] for a in page.find("main").find_all("a")}
    assert {SUPPORT_NUMBER.tel, SUPPORT_NUMBER_ABROAD.tel, "/en/contact"} <= links
    assert f"last reviewed on {ACCESSIBILITY_REVIEWED.day} November {ACCESSIBILITY_REVIEWED.year}" \
        in text


def test_the_arabic_statement_is_written_in_arabic(client):
    page = parse(client.get("/ar/accessibility"))
    assert page.html["dir"] == "rtl"
    assert page.h1.get_text(strip=True) == "بيان إمكانية الوصول"
    text = page.find("main").get_text(" ")
    assert "WCAG" in text and "AA" in text and "بيان" in text
    assert "last reviewed" not in text and "Known limitations" not in text
    assert page.find("main").find("a", href=SUPPORT_NUMBER.tel)["dir"] == "ltr"
