"""axe-core over the whole states gallery, in one browser context: the gallery and every
state's page in both languages at 1280 px, and at 320 px the fullest state of each page
(the one with the most markup: every message or answer it can show) in both languages.
The stylesheet changes only font sizes and one grid at 320 px, nothing is shown or hidden,
so the markup rules say the same at both widths; the narrow run is for what the layout
decides (contrast of text that becomes large or small, target sizes).

Each htmx fragment is then swapped into its state's page by htmx itself (htmx.ajax, as a
form's answer would be: its title, its out-of-band live region and language switch) and
the page checked again at 1280 px, in Arabic (the English fragments are the same markup);
the 503 fragment is left out, since htmx does not swap a 5xx answer.
tests/test_valid_html.py checks the fragments' markup."""

from __future__ import annotations

import time

import pytest

from absher_web.web import dev_states
from tests.browser.conftest import (
    _axe_violations,
    allow_browser_error,
    assert_no_browser_errors,
    axe_script,
    watch_page,
)
from tests.conftest import POSTGRES_URL

WIDE, NARROW = 1280, 320
# A visual code image costs the server a drawing; axe reads only its alt text.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


# Where a form's answer goes: the services results, else the swapped step, else main.
# Answers how many live regions and language switches the page has after the swap (the
# fragment's own are swapped out of band, in place of the page's).
SWAP = """async url => {
    const target = document.querySelector("#service-results")
        || document.querySelector("[data-focus-after-swap]") || document.querySelector("#main");
    await htmx.ajax("GET", url, {target: target, swap: "innerHTML"});
    return [document.querySelectorAll("#live-region").length,
            document.querySelectorAll("#lang-switch").length];
}"""


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


# The gallery is checked in four shards (each language, in two halves), so that the test
# workers share the few minutes it takes instead of one worker carrying it alone.
HALVES = 2


@pytest.mark.parametrize("half", range(HALVES))
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_state_has_no_axe_violations(browser, live_server, record_property, lang, half):
    if POSTGRES_URL:
        pytest.skip("the states gallery reads no database: checked once, in the SQLite run")
    narrow = {"", *(f"/{name}" for name in fullest_state_of_each_page(live_server.app))}
    every = ["", *(f"/{entry.name}" for entry in dev_states.entries() if not entry.fragment)]
    names = every[half::HALVES]
    swapped = {f"/{entry.state.name}" for entry in dev_states.entries()
               if entry.fragment and not entry.name.startswith("error-503")}
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": WIDE, "height": 800})
    context.set_default_timeout(20_000)
    # axe is loaded into every page by Chromium as it opens: its 560 KB are sent to the
    # browser once, not once a page.
    context.add_init_script(script=axe_script())
    context.route("**/visual-code/*.png", lambda route: route.fulfill(
        body=BLANK_PNG, content_type="image/png"))
    page = context.new_page()
    watch_page(page)
    # Error states answer 4xx and 5xx on purpose; Chromium logs each one.
    allow_browser_error(page, r"status of [45]\d\d")
    started, runs, found = time.monotonic(), 0, []

    def check(where: str) -> None:
        nonlocal runs
        runs += 1
        for violation in _axe_violations(page, None):
            targets = "; ".join(" ".join(map(str, node["target"]))
                                for node in violation["nodes"][:3])
            found.append(f"{where}: {violation['id']} ({violation['help']}) at {targets}")

    try:
        for name in names:
            page.set_viewport_size({"width": WIDE, "height": 800})
            # The style is inline and the scripts deferred, so by DOMContentLoaded the page
            # is styled and its scripts have run; only the logo and icon images come later,
            # and axe reads images' alternatives, not their pixels.
            page.goto(f"/{lang}/dev/states{name}", wait_until="domcontentloaded")
            for width in (WIDE, NARROW) if name in narrow else (WIDE,):
                page.set_viewport_size({"width": width, "height": 800})
                check(f"{lang} {name or '(gallery)'} @{width}")
            if name in swapped and lang == "ar":  # the markup is the same in English
                page.set_viewport_size({"width": WIDE, "height": 800})
                regions, switches = page.evaluate(SWAP, f"/{lang}/dev/states{name}.htmx")
                if (regions, switches) != (1, 1):
                    found.append(f"{lang} {name}.htmx: {regions} live regions and "
                                 f"{switches} language switches after the swap")
                check(f"{lang} {name}.htmx swapped in @{WIDE}")
        assert_no_browser_errors(page)
    finally:
        context.close()
    record_property("axe_runs", runs)
    record_property("axe_seconds", round(time.monotonic() - started, 1))
    print(f"axe ({lang}, part {half + 1} of {HALVES}): {runs} runs over {len(names)} pages "
          f"in {time.monotonic() - started:.0f} s")
    assert not found, f"{len(found)} axe violation(s):\n" + "\n".join(found[:80])
