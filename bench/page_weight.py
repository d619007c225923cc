"""Page weight: what each public page costs a first-time visitor, in both languages.

Usage (from the project root, with the project's virtualenv):

    .venv/bin/python bench/page_weight.py            # every public page, ar and en
    .venv/bin/python bench/page_weight.py --lang en  # one language
    ABSHER_CHROMIUM=/path/to/chromium .venv/bin/python bench/page_weight.py

It builds the app with the test configuration on its own temporary SQLite
database (migrated with absher_web.migrate.upgrade_database), serves it on
127.0.0.1 with Werkzeug, and loads every page in a fresh Chromium context (empty
cache, no cookies) through Playwright. Sizes are Chromium's own count of bytes
received (``Network.loadingFinished`` ``encodedDataLength``: response headers
plus the body as transferred, compressed), split into HTML, CSS, JS and other.

A second table gives the HTML alone as the Flask test client receives it with
``Accept-Encoding: br``, next to its uncompressed size.

Budgets (DESIGN.md section 6): all requests <= 30 KB, HTML + CSS <= 14 KB. The
stylesheet is inline, so HTML + CSS is the page alone (the CSS column stays at 0: a
stylesheet fetched apart would be a second round trip before the first render).
Rows over budget are marked and the script exits with status 1.
Uses Debian's Chromium (never downloads a browser); ABSHER_CHROMIUM overrides the path.
Chromium's flags, the budgets and the pages are the browser tests' (tests/browser/common.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from werkzeug.serving import WSGIRequestHandler, make_server

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.migrate import upgrade_database

# Run as a script from the project root: the browser tests' module is found from there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.common import (  # noqa: E402
    CHROMIUM_ARGS,
    FIRST_RENDER_BUDGET,
    FORM_PAGES,
    PUBLIC_PAGES,
    TOTAL_BUDGET,
    chromium_path,
)

PAGES = PUBLIC_PAGES + FORM_PAGES
KINDS = {"Document": "html", "Stylesheet": "css", "Script": "js"}


@dataclass
class PageWeight:
    path: str
    status: int = 0
    requests: int = 0
    by_kind: dict[str, int] = field(
        default_factory=lambda: {"html": 0, "css": 0, "js": 0, "other": 0}
    )
    uncompressed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def first_render(self) -> int:
        return self.by_kind["html"] + self.by_kind["css"]

    @property
    def over_budget(self) -> bool:
        return self.total > TOTAL_BUDGET or self.first_render > FIRST_RENDER_BUDGET


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def build_app(workdir: Path):
    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    upgrade_database(database_url)
    config = type(
        "BenchConfig",
        (TestConfig,),
        {"DATABASE_URL": database_url, "SMS_FILE": str(workdir / "sms.jsonl")},
    )
    return create_app(config)


def measure(browser, base_url: str, path: str) -> PageWeight:
    """Load one page in a fresh context and add up what Chromium received."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    kinds: dict[str, str] = {}
    encodings: dict[str, str | None] = {}
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    failed: set[str] = set()

    def sent(event: dict) -> None:
        kinds[event["requestId"]] = event.get("type", "Other")
        urls[event["requestId"]] = event["request"]["url"]

    def received(event: dict) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        encodings[event["requestId"]] = headers.get("content-encoding")

    def finished(event: dict) -> None:
        sizes[event["requestId"]] = int(event["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", lambda event: failed.add(event["requestId"]))

    response = page.goto(path, wait_until="networkidle")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and set(kinds) - set(sizes) - failed:
        page.wait_for_timeout(50)

    weight = PageWeight(path=path, status=response.status if response else 0, requests=len(kinds))
    for request_id, size in sizes.items():
        kind = KINDS.get(kinds.get(request_id, ""), "other")
        weight.by_kind[kind] += size
        if kind in ("html", "css", "js") and not encodings.get(request_id):
            weight.uncompressed.append(urls[request_id].removeprefix(base_url))
    context.close()
    return weight


def kb(size: int) -> str:
    return f"{size / 1024:6.1f}"


def print_browser_table(weights: list[PageWeight]) -> None:
    print("Transferred on a first visit (KB = 1024 bytes; headers + compressed bodies)")
    header = (
        f"{'page':<34} {'status':>6} {'reqs':>4} {'total':>6} {'HTML':>6} {'CSS':>6} "
        f"{'JS':>6} {'other':>6} {'HTML+CSS':>8}"
    )
    print(header)
    print("-" * len(header))
    for w in weights:
        flags = []
        if w.over_budget:
            flags.append("OVER BUDGET")
        if w.uncompressed:
            flags.append("uncompressed: " + ", ".join(w.uncompressed))
        print(
            f"{w.path:<34} {w.status:>6} {w.requests:>4} {kb(w.total)} {kb(w.by_kind['html'])} "
            f"{kb(w.by_kind['css'])} {kb(w.by_kind['js'])} {kb(w.by_kind['other'])} "
            f"{kb(w.first_render):>8}  {'; '.join(flags)}".rstrip()
        )
    print(
        f"budgets: total <= {TOTAL_BUDGET / 1024:.0f} KB, "
        f"HTML + CSS <= {FIRST_RENDER_BUDGET / 1024:.0f} KB"
    )


def print_html_sizes(app, paths: list[str]) -> None:
    print("\nHTML through the Flask test client, Accept-Encoding: br")
    client = app.test_client()
    for path in paths:
        response = client.get(path, headers={"Accept-Encoding": "br"})
        body = response.get_data()
        encoding = response.headers.get("Content-Encoding", "identity")
        raw = len(brotli.decompress(body)) if encoding == "br" else len(body)
        print(
            f"{path:<34} {response.status_code:>3}  {encoding:<8} {len(body):>6} B"
            f"  (uncompressed {raw:>6} B)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lang", choices=["ar", "en"], action="append", help="language to measure (default: both)"
    )
    args = parser.parse_args()
    langs = args.lang or ["ar", "en"]
    paths = [page.format(lang=lang) for lang in langs for page in PAGES]

    chromium = chromium_path()
    if not os.path.isfile(chromium):
        print(f"Chromium not found at {chromium}; set ABSHER_CHROMIUM.", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="absher-bench-") as workdir:
        app = build_app(Path(workdir))
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base_url = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, headless=True, args=CHROMIUM_ARGS
                )
                weights = [measure(browser, base_url, path) for path in paths]
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
        print_browser_table(weights)
        print_html_sizes(app, paths)
        with app.app_context():
            db.engine.dispose()
    return 1 if any(w.over_budget for w in weights) else 0


if __name__ == "__main__":
    sys.exit(main())
