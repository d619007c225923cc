"""First paint on a slow mobile link: the app's pages against bare HTML files of the same bytes.

    .venv/bin/python bench/first_paint.py [--rounds 5]   (or: make bench)

Chromium (Debian's, headless, through Playwright) loads each page with DevTools' network
throttling set to the 3G profile (2,000 ms latency, 400 kbit/s each way), in a fresh context
each time (empty cache, no cookies), and reads its first contentful paint. Beside each page,
the same server answers a bare file: the page's exact bytes as the app sent them (headers
for type and compression only), with no application code behind it. Loads are interleaved,
page then bare file (the other way round in the next round), and the medians are compared.
Target (issue 14): the app's first paint <= 1.10 x the bare file's.

A third column loads the same bytes with the stylesheet linked instead of inline, as the
pages were before: two round trips before the first paint.
Exit status 1 if a target is missed. Uses Debian's Chromium; ABSHER_CHROMIUM overrides it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
import tempfile
import threading
from pathlib import Path

import brotli
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import machine, median, record  # noqa: E402
from tests.browser.common import CHROMIUM_ARGS, chromium_path  # noqa: E402

PAGES = ["/ar/register", "/ar/", "/ar/individuals/login", "/ar/recover"]
TARGET = 1.10
# DevTools' 3G profile: latency in ms, throughput in bytes per second.
THREE_G = {"offline": False, "latency": 2000, "downloadThroughput": 400 * 1000 / 8,
           "uploadThroughput": 400 * 1000 / 8}
BARE_PREFIX = "/bare"
LINKED_PREFIX = "/linked"
FCP_SCRIPT = """() => new Promise(resolve => {
  const seen = performance.getEntriesByName('first-contentful-paint');
  if (seen.length) { resolve(seen[0].startTime); return; }
  new PerformanceObserver(list => {
    for (const entry of list.getEntries())
      if (entry.name === 'first-contentful-paint') resolve(entry.startTime);
  }).observe({type: 'paint', buffered: true});
})"""


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class SameServer:
    """The app, and beside it the bare files (the same bytes, served from memory)."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app
        self.files: dict[str, tuple[bytes, str | None]] = {}

    def keep(self, path: str, body: bytes, encoding: str | None) -> None:
        self.files[path] = (body, encoding)

    def __call__(self, environ: dict, start_response):  # noqa: ANN204
        request = Request(environ)
        stored = self.files.get(request.full_path.rstrip("?"))
        if stored is None:
            return self.app(environ, start_response)
        body, encoding = stored
        response = Response(body, content_type="text/html; charset=utf-8")
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)


def build_app(workdir: Path):
    from absher_web import create_app
    from absher_web.config import TestConfig
    from absher_web.migrate import upgrade_database

    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    upgrade_database(database_url)
    config = type("FirstPaintConfig", (TestConfig,),
                  {"DATABASE_URL": database_url, "SMS_FILE": str(workdir / "sms.jsonl"),
                   "RATELIMIT_DEFAULT": "100000 per minute"})
    return create_app(config)


def linked(app, html: bytes) -> bytes:  # noqa: ANN001
    """The page as it was: its stylesheet a file to fetch, not inline."""
    href = app.extensions["absher_assets"].url("css/site.css")
    return re.sub(rb"<style>.*?</style>", f'<link rel="stylesheet" href="{href}">'.encode(),
                  html, count=1, flags=re.S)


def first_paint(browser, url: str) -> float:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", THREE_G)
    page.goto(url, wait_until="commit", timeout=120_000)
    paint = page.evaluate(FCP_SCRIPT)
    context.close()
    return float(paint)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    chromium = chromium_path()
    if not os.path.isfile(chromium):
        print(f"Chromium not found at {chromium}; set ABSHER_CHROMIUM.", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="absher-first-paint-") as workdir:
        app = build_app(Path(workdir))
        server_app = SameServer(app)
        server = make_server("127.0.0.1", 0, server_app, threaded=True,
                             request_handler=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        client = app.test_client()
        for path in PAGES:
            # As Chromium asks for it, so the bare file is the very bytes the app sends.
            sent = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
            encoding = sent.headers.get("Content-Encoding")
            codec = {"br": (brotli.decompress, brotli.compress),
                     "gzip": (gzip.decompress, gzip.compress)}.get(encoding)
            assert codec, f"{path} came {encoding or 'uncompressed'}"
            server_app.keep(BARE_PREFIX + path, sent.data, encoding)
            html = codec[0](sent.data)
            server_app.keep(LINKED_PREFIX + path, codec[1](linked(app, html)), encoding)
        figures: dict[tuple[str, str], list[float]] = {}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                                     args=CHROMIUM_ARGS)
                for round_number in range(args.rounds):
                    for path in PAGES:
                        kinds = ["app", "bare", "linked"]
                        if round_number % 2:
                            kinds.reverse()
                        for kind in kinds:
                            prefix = {"app": "", "bare": BARE_PREFIX,
                                      "linked": LINKED_PREFIX}[kind]
                            paint = first_paint(browser, base + prefix + path)
                            figures.setdefault((path, kind), []).append(paint)
                            print(f"  round {round_number + 1} {path:<24} {kind:<6} "
                                  f"{paint:7.0f} ms", flush=True)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()

    print(f"\nFirst contentful paint on DevTools' 3G profile (2,000 ms, 400 kbit/s), medians "
          f"of {args.rounds} interleaved loads, fresh context each")
    print(f"machine: {machine()}")
    header = (f"{'page':<24} {'app ms':>7} {'bare ms':>8} {'ratio':>6} {'target':>12} "
              f"{'linked CSS ms':>14} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    missed = False
    for path in PAGES:
        app_ms, bare_ms = median(figures[(path, "app")]), median(figures[(path, "bare")])
        linked_ms = median(figures[(path, "linked")])
        ratio = app_ms / bare_ms
        ok = ratio <= TARGET
        missed |= not ok
        print(f"{path:<24} {app_ms:7.0f} {bare_ms:8.0f} {ratio:5.2f}x "
              f"{'<=' + format(TARGET, '.2f') + (' ok' if ok else ' MISSED'):>12} "
              f"{linked_ms:14.0f} {linked_ms / bare_ms:5.2f}x")
        record("first_paint", f"{path} on 3G, site / bare file", f"{ratio:.2f}x",
               f"<= {TARGET:.2f}x", ok)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
