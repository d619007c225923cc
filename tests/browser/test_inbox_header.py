"""The inbox link in the header as a screen reader names it, with JavaScript off (axe checks
every inbox state with the whole gallery, tests/browser/test_states_gallery.py)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("lang", "name", "heard"), [
    ("en", "inbox-header-few", "Inbox, 3 unread messages"),
    ("ar", "inbox-header-many", "صندوق الرسائل، أكثر من 99 رسالةً غير مقروءة"),
])
def test_the_header_link_is_named_by_its_count_without_javascript(browser, live_server, lang,
                                                                  name, heard):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/{lang}/dev/states/{name}")
        assert page.get_by_role("link", name=heard, exact=True).count() == 1
    finally:
        context.close()
