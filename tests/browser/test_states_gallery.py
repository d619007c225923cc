"""axe-core over the whole states gallery, in one browser context: the gallery and every
state's page in both languages at 1280 px, and at 320 px the fullest state of each page
(the one with the most markup: every message or answer it can show) in both languages.
The stylesheet changes only font sizes and one grid at 320 px, nothing is shown or hidden,
so the markup rules say the same at both widths; the narrow run is for what the layout
decides (contrast of text that becomes large or small, target sizes).

The htmx fragments are the `step` blocks of these same pages, so the pages cover them;
tests/test_valid_html.py checks the fragments' markup themselves."""

from __future__ import annotations

import time

import pytest

from absher_web.web import dev_states
from tests.browser.conftest import (
    _axe_violations,
    allow_browser_error,
    assert_no_browser_errors,
    watch_page,
)
from tests.conftest import POSTGRES_URL

WIDE, NARROW = 1280, 320
# A visual code image costs the server a drawing; axe reads only its alt text.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def fullest_state_of_each_page(app) -> set[str]:
    """Per page (by its title), the state whose page has the most markup."""
    client = app.test_client()
    fullest: dict[str, tuple[int, str]] = {}
    with app.test_request_context("/en/"):
        for entry in dev_states.entries():
            if entry.fragment:
                continue
            size = len(client.get(f"/en/dev/states/{entry.name}").data)
            page = f"{entry.state.group}: {entry.state.page}"
            if size > fullest.get(page, (0, ""))[0]:
                fullest[page] = (size, entry.name)
    return {name for _, name in fullest.values()}


def test_every_state_has_no_axe_violations(browser, live_server, record_property):
    if POSTGRES_URL:
        pytest.skip("the states gallery reads no database: checked once, in the SQLite run")
    narrow = {"", *(f"/{name}" for name in fullest_state_of_each_page(live_server.app))}
    names = ["", *(f"/{entry.name}" for entry in dev_states.entries() if not entry.fragment)]
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": WIDE, "height": 800})
    context.set_default_timeout(20_000)
    context.route("**/visual-code/*.png", lambda route: route.fulfill(
        body=BLANK_PNG, content_type="image/png"))
    page = context.new_page()
    watch_page(page)
    # Error states answer 4xx and 5xx on purpose; Chromium logs each one.
    allow_browser_error(page, r"status of [45]\d\d")
    started, runs, found = time.monotonic(), 0, []
    try:
        for lang in ("ar", "en"):
            for name in names:
                page.set_viewport_size({"width": WIDE, "height": 800})
                page.goto(f"/{lang}/dev/states{name}")
                for width in (WIDE, NARROW) if name in narrow else (WIDE,):
                    page.set_viewport_size({"width": width, "height": 800})
                    runs += 1
                    for violation in _axe_violations(page, None):
                        targets = "; ".join(" ".join(map(str, node["target"]))
                                            for node in violation["nodes"][:3])
                        found.append(f"{lang} {name or '(gallery)'} @{width}: "
                                     f"{violation['id']} ({violation['help']}) at {targets}")
        assert_no_browser_errors(page)
    finally:
        context.close()
    record_property("axe_runs", runs)
    record_property("axe_seconds", round(time.monotonic() - started, 1))
    print(f"axe: {runs} runs ({len(names)} pages x 2 languages at {WIDE} px, "
          f"{len(narrow)} x 2 at {NARROW} px) in {time.monotonic() - started:.0f} s")
    assert not found, f"{len(found)} axe violation(s):\n" + "\n".join(found[:80])
