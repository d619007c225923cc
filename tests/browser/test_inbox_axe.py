"""axe-core over every state of the inbox in the gallery (the list, one message, the header
link with 0, 1, 3 and 99+ unread), both languages, at 1280 and 320 px; and the header's
link as a screen reader names it, with JavaScript off."""

from __future__ import annotations

import pytest

from absher_web.web import dev_states
from tests.browser.conftest import _axe_violations, assert_no_browser_errors, watch_page
from tests.conftest import POSTGRES_URL

NAMES = [state.name for state in dev_states.STATES if state.name.startswith("inbox-")]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_inbox_state_has_no_axe_violations(browser, live_server, lang):
    if POSTGRES_URL:
        pytest.skip("the states gallery reads no database: checked once, in the SQLite run")
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch_page(page)
    found = []
    try:
        for name in NAMES:
            page.goto(f"/{lang}/dev/states/{name}")
            for width in (1280, 320):
                page.set_viewport_size({"width": width, "height": 800})
                found += [f"{lang} {name} @{width}: {v['id']} ({v['help']})"
                          for v in _axe_violations(page, None)]
        assert_no_browser_errors(page)
    finally:
        context.close()
    assert not found, "\n".join(found)


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
