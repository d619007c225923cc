"""axe-core over the public decorum violation states of the gallery (the holder's pages,
the officer's form, the committee's queue and case) in both languages at 1280 and 320 px:
the whole gallery's run (test_states_gallery.py) covers them too, in its shards."""

from __future__ import annotations

import pytest

from absher_web.web import dev_states
from tests.browser.conftest import (
    AXE_TAGS,
    _axe_violations,
    allow_browser_error,
    assert_no_browser_errors,
    watch_page,
)
from tests.conftest import POSTGRES_URL

NAMES = [entry.name for entry in dev_states.entries()
         if "decorum" in entry.name and not entry.fragment]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_decorum_states_have_no_axe_violations(browser, live_server, lang):
    if POSTGRES_URL:
        pytest.skip("the states gallery reads no database: checked once, in the SQLite run")
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch_page(page)
    allow_browser_error(page, r"status of [45]\d\d")
    found = []
    try:
        for name in NAMES:
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(f"/{lang}/dev/states/{name}")
            for width in (1280, 320):
                page.set_viewport_size({"width": width, "height": 800})
                for violation in _axe_violations(page, None):
                    targets = "; ".join(" ".join(map(str, node["target"]))
                                        for node in violation["nodes"][:3])
                    found.append(f"{lang} {name} @{width}: {violation['id']} at {targets}")
        assert_no_browser_errors(page)
    finally:
        context.close()
    assert AXE_TAGS
    assert not found, "\n".join(found[:60])
