"""First-visit page weight, as Chromium counts it on the wire (DESIGN.md section 6).

Each page loads in a fresh context, so the cache is empty and every request is
made. Sizes are Chromium's own ``Network.loadingFinished`` ``encodedDataLength``:
response headers plus the body as transferred (compressed), which is what has to
cross a slow link. Run with ``pytest -s`` to see the figures.

The first response must be all a first render needs (one round trip): the page with
its stylesheet inline, within the first TCP window, and nothing render-blocking after
it (no stylesheet to fetch, every script deferred).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.browser.common import FIRST_RENDER_BUDGET, RENDER_BLOCKING_KINDS, TOTAL_BUDGET


@dataclass
class Transfer:
    url: str
    kind: str  # Chromium's resource type: Document, Stylesheet, Script, Image, Other...
    encoding: str | None = None
    transferred: int | None = None
    failed: str | None = None


def load_and_measure(page, path: str) -> list[Transfer]:
    """Load ``path`` and return every request it made, with its transferred size."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    transfers: dict[str, Transfer] = {}

    def sent(event):
        transfers[event["requestId"]] = Transfer(event["request"]["url"], event.get("type", "?"))

    def received(event):
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        transfers[event["requestId"]].encoding = headers.get("content-encoding")

    def finished(event):
        transfers[event["requestId"]].transferred = int(event["encodedDataLength"])

    def failed(event):
        transfers[event["requestId"]].failed = event.get("errorText", "failed")

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)

    response = page.goto(path, wait_until="networkidle")
    assert response.status == 200
    # networkidle means no request for 500 ms; wait until every request reported its end.
    for _ in range(50):
        if all(t.transferred is not None or t.failed for t in transfers.values()):
            break
        page.wait_for_timeout(100)
    cdp.detach()
    return list(transfers.values())


# The registration page carries the visual code image too (DESIGN.md budgets it the same).
@pytest.mark.parametrize("path", ["/ar/", "/en/", "/ar/services", "/ar/register", "/en/register",
                                  "/ar/recover", "/ar/individuals/login",
                                  "/ar/staff/sign-in"])
def test_first_visit_fits_the_budget(page, path):
    transfers = load_and_measure(page, path)

    unfinished = [t.url for t in transfers if t.transferred is None]
    assert not unfinished, f"requests that never finished: {unfinished}"
    total = sum(t.transferred for t in transfers)
    document = next(t for t in transfers if t.kind == "Document")
    first_render = document.transferred  # the stylesheet is inside it

    print(f"\n{path}: {len(transfers)} requests, {total} B total, "
          f"{first_render} B page with its stylesheet")
    for t in sorted(transfers, key=lambda t: -t.transferred):
        print(f"  {t.transferred:>7} B  {t.kind:<10} {t.encoding or 'identity':<8} {t.url}")

    assert document.encoding in ("br", "gzip", "zstd"), "the page itself was sent uncompressed"
    assert total <= TOTAL_BUDGET, f"{path}: {total} B transferred, budget {TOTAL_BUDGET} B"
    assert first_render <= FIRST_RENDER_BUDGET, (
        f"{path}: the page with its stylesheet is {first_render} B, "
        f"budget {FIRST_RENDER_BUDGET} B"
    )
    blocking = [t.url for t in transfers if t.kind in RENDER_BLOCKING_KINDS]
    assert not blocking, f"{path}: a first render would wait for {blocking}"
    undeferred = page.eval_on_selector_all(
        "script", "scripts => scripts.filter(s => !s.src || !s.defer).map(s => s.outerHTML)")
    assert not undeferred, f"{path}: scripts not deferred: {undeferred}"
    assert page.eval_on_selector_all("link[rel=stylesheet]", "links => links.length") == 0
