"""Page weight: what every page of the states gallery costs a first-time visitor, and
what each htmx answer costs, in both languages, as bytes on the wire.

Usage (from the project root, with the project's virtualenv):

    .venv/bin/python bench/page_weight.py            # every state, ar and en (`make bench`)
    .venv/bin/python bench/page_weight.py --quick    # one state in eight, with its fragment
    .venv/bin/python bench/page_weight.py --lang en  # one language
    .venv/bin/python bench/page_weight.py --direct   # straight from the app, HTTP/1.1
    ABSHER_CHROMIUM=/path/to/chromium .venv/bin/python bench/page_weight.py

The states gallery (/<lang>/dev/states, absher_web/web/dev_states/) holds every page of
the site in every state it can show, each with the htmx answer its form gets back. The
script builds the app with the test configuration on its own temporary SQLite database
(migrated with absher_web.migrate.upgrade_database), serves it on 127.0.0.1 with Werkzeug
behind the shipped nginx server block (deploy/nginx/absher.conf, as bench/capacity.py runs
it: HTTPS and HTTP/2, a certificate made for the run, the static files collected as
`absher collect-static` does and served by nginx), since that is what a visitor's browser
talks to, and loads each state's page in a fresh Chromium context (empty cache, no
cookies, so a new connection) through Playwright: the page (its stylesheet is inline),
then its scripts and images, as a fresh browser fetches them. A state with an htmx answer
then asks for it from that page as htmx does (fetch, with HX-Request and the page's
cookies). Sizes are Chromium's own count of bytes received (``Network.loadingFinished``
``encodedDataLength``: response headers plus the body as transferred, compressed; over
HTTP/2 the headers are HPACK-compressed, and an htmx answer's, on the page's connection,
mostly refer to the page's). With --direct the app answers Chromium itself over HTTP/1.1,
every header in full: a few hundred bytes more on each answer.

Budgets (DESIGN.md section 6): a first visit <= 30 KB in all, the page with its stylesheet
(all a first render needs) <= 14 KB, an htmx answer <= 3 KB, each with its headers; every
HTML, CSS and JS response compressed. The script prints the heaviest pages and answers and
every one over budget, adds one verdict per budget to `make bench`'s table
(bench.support.record), and exits with status 1 if any is over.
A full run loads about 940 pages and takes some 15 minutes on two cores.
Uses Debian's Chromium (never downloads a browser); ABSHER_CHROMIUM overrides the path.
Chromium's flags and the budgets are the browser tests' (tests/browser/common.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from absher_web import assets, create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from absher_web.migrate import upgrade_database
from absher_web.web import dev_states

# Run as a script from the project root: the tests' and benchmarks' modules are found from there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import HOST, NGINX, nginx, record  # noqa: E402
from tests.browser.common import (  # noqa: E402
    CHROMIUM_ARGS,
    FIRST_RENDER_BUDGET,
    TOTAL_BUDGET,
    chromium_path,
)
from tests.registration.test_budgets import BUDGET as HTMX_BUDGET  # noqa: E402

KINDS = {"Document": "html", "Stylesheet": "css", "Script": "js", "Fetch": "html"}
QUICK_SAMPLE = 8  # --quick: one state in this many, in the gallery's order
SHOWN = 12  # the heaviest pages and answers printed (and every one over budget)


@dataclass
class Weight:
    lang: str
    name: str  # the gallery's: a state, or its fragment (".htmx")
    status: int = 0
    requests: int = 0
    by_kind: dict[str, int] = field(
        default_factory=lambda: {"html": 0, "css": 0, "js": 0, "other": 0}
    )
    uncompressed: list[str] = field(default_factory=list)

    @property
    def fragment(self) -> bool:
        return self.name.endswith(".htmx")

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def first_render(self) -> int:
        return self.by_kind["html"] + self.by_kind["css"]

    @property
    def over_budget(self) -> bool:
        if self.fragment:
            return self.total > HTMX_BUDGET
        return self.total > TOTAL_BUDGET or self.first_render > FIRST_RENDER_BUDGET


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def build_app(workdir: Path, behind_nginx: bool):
    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    upgrade_database(database_url)
    settings = {"DATABASE_URL": database_url, "SMS_FILE": str(workdir / "sms.jsonl"),
                # Hundreds of pages from one address: the limits would answer 429s.
                "RATELIMIT_ENABLED": False}
    if behind_nginx:  # as production has it: the site's name, one proxy in front
        settings |= {"ALLOWED_HOSTS": [HOST], "PROXY_COUNT": 1}
    return create_app(type("BenchConfig", (TestConfig,), settings))


class Transfers:
    """Every request a page makes, with Chromium's count of the bytes it received."""

    def __init__(self, context, page) -> None:
        self.page = page
        self.kinds: dict[str, str] = {}
        self.urls: dict[str, str] = {}
        self.encodings: dict[str, str | None] = {}
        self.lengths: dict[str, int] = {}  # an uncompressed body's Content-Length
        self.sizes: dict[str, int] = {}
        self.failed: set[str] = set()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", lambda event: self.failed.add(event["requestId"]))

    def _sent(self, event: dict) -> None:
        self.kinds[event["requestId"]] = event.get("type", "Other")
        self.urls[event["requestId"]] = event["request"]["url"]

    def _received(self, event: dict) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        self.encodings[event["requestId"]] = headers.get("content-encoding")
        self.lengths[event["requestId"]] = int(headers.get("content-length") or 0)

    def _finished(self, event: dict) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def settle(self, after: set[str] | None = None) -> None:
        """Wait until every request made so far has reported its end (and, given the
        requests seen before, until a new one has: Chromium's events come in their time)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (
                set(self.kinds) - set(self.sizes) - self.failed
                or (after is not None and not set(self.kinds) - after)):
            self.page.wait_for_timeout(20)

    def add_up(self, weight: Weight, request_ids: set[str], base_url: str) -> Weight:
        weight.requests = len(request_ids)
        for request_id in request_ids:
            kind = KINDS.get(self.kinds.get(request_id, ""), "other")
            weight.by_kind[kind] += self.sizes.get(request_id, 0)
            # Too short to gain from it, a body goes as it is (COMPRESS_MIN_SIZE).
            if (kind in ("html", "css", "js") and not self.encodings.get(request_id)
                    and self.lengths.get(request_id, 0) >= TestConfig.COMPRESS_MIN_SIZE):
                weight.uncompressed.append(self.urls[request_id].removeprefix(base_url))
        return weight


def weigh(browser, base_url: str, lang: str, state: dev_states.State) -> list[Weight]:
    """A state's page as a first visit, then (if it has one) its htmx answer from that page."""
    # The certificate nginx has was made for this run.
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800},
                                  ignore_https_errors=True)
    # Chromium offers brotli only over HTTPS, which --direct is not.
    context.set_extra_http_headers({"Accept-Encoding": "br, gzip, deflate"})
    page = context.new_page()
    transfers = Transfers(context, page)
    # Scripts and images are in by "load"; settle() waits for any request still going.
    response = page.goto(f"/{lang}/dev/states/{state.name}", wait_until="load")
    transfers.settle()
    weights = [transfers.add_up(Weight(lang, state.name, response.status if response else 0),
                                set(transfers.kinds), base_url)]
    if state.htmx:
        before = set(transfers.kinds)
        status = page.evaluate(
            "url => fetch(url, {headers: {'HX-Request': 'true'}})"
            ".then(r => r.text().then(() => r.status))",
            f"/{lang}/dev/states/{state.name}.htmx")
        transfers.settle(after=before)
        url = f"{base_url}/{lang}/dev/states/{state.name}.htmx"
        answer = {i for i in set(transfers.kinds) - before if transfers.urls[i] == url}
        # What the page still fetched meanwhile (its icon) is the page's.
        weights[0] = transfers.add_up(Weight(lang, state.name, weights[0].status),
                                      set(transfers.kinds) - answer, base_url)
        weights.append(transfers.add_up(Weight(lang, f"{state.name}.htmx", status), answer,
                                        base_url))
    context.close()
    return weights


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def kb(size: int) -> str:
    return f"{size / 1024:6.1f}"


def print_pages(pages: list[Weight]) -> None:
    print(f"First visit, {len(pages)} pages: the heaviest and any over budget "
          "(KB = 1024 bytes; headers + compressed bodies)")
    header = (f"{'lang':<4} {'state':<52} {'status':>6} {'reqs':>4} {'total':>6} {'HTML':>6} "
              f"{'JS':>6} {'other':>6}")
    print(header)
    print("-" * len(header))
    heaviest = sorted(pages, key=lambda w: w.total, reverse=True)
    for w in [w for i, w in enumerate(heaviest) if i < SHOWN or w.over_budget
              or w.uncompressed]:
        flags = ["OVER BUDGET"] if w.over_budget else []
        if w.uncompressed:
            flags.append("uncompressed: " + ", ".join(w.uncompressed))
        print(f"{w.lang:<4} {w.name:<52} {w.status:>6} {w.requests:>4} {kb(w.total)} "
              f"{kb(w.by_kind['html'])} {kb(w.by_kind['js'])} {kb(w.by_kind['other'])}  "
              f"{'; '.join(flags)}".rstrip())
    print(f"budgets: total <= {TOTAL_BUDGET / 1024:.0f} KB, page with its stylesheet (HTML) "
          f"<= {FIRST_RENDER_BUDGET / 1024:.0f} KB")


def print_answers(answers: list[Weight]) -> None:
    print(f"\nhtmx answers, {len(answers)}: the heaviest and any over budget "
          "(bytes; headers + compressed body)")
    header = f"{'lang':<4} {'fragment':<56} {'status':>6} {'bytes':>6}"
    print(header)
    print("-" * len(header))
    heaviest = sorted(answers, key=lambda w: w.total, reverse=True)
    for w in [w for i, w in enumerate(heaviest) if i < SHOWN or w.over_budget
              or w.uncompressed]:
        flags = ["OVER BUDGET"] if w.over_budget else []
        if w.uncompressed:
            flags.append("uncompressed")
        print(f"{w.lang:<4} {w.name:<56} {w.status:>6} {w.total:>6,}  "
              f"{'; '.join(flags)}".rstrip())
    print(f"budget: {HTMX_BUDGET:,} B")


def record_verdicts(pages: list[Weight], answers: list[Weight], sample: str) -> None:
    def heaviest(weights: list[Weight], size) -> Weight:
        return max(weights, key=size)

    page = heaviest(pages, lambda w: w.total)
    record("page_weight", f"first visit, heaviest of {len(pages)} gallery pages{sample} "
           f"({page.lang} {page.name})", f"{page.total / 1024:.1f} KB",
           f"<= {TOTAL_BUDGET // 1024} KB", page.total <= TOTAL_BUDGET)
    first = heaviest(pages, lambda w: w.first_render)
    record("page_weight", f"page with its stylesheet, heaviest ({first.lang} {first.name})",
           f"{first.first_render / 1024:.1f} KB", f"<= {FIRST_RENDER_BUDGET // 1024} KB",
           first.first_render <= FIRST_RENDER_BUDGET)
    if answers:
        answer = heaviest(answers, lambda w: w.total)
        record("page_weight", f"htmx answer, heaviest of {len(answers)}{sample} "
               f"({answer.lang} {answer.name})", f"{answer.total:,} B",
               f"<= {HTMX_BUDGET:,} B", answer.total <= HTMX_BUDGET)
    uncompressed = sum(bool(w.uncompressed) for w in pages + answers)
    record("page_weight", "pages and answers with HTML, CSS or JS sent uncompressed",
           str(uncompressed), "0", uncompressed == 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lang", choices=["ar", "en"], action="append", help="language to measure (default: both)"
    )
    parser.add_argument("--quick", action="store_true",
                        help=f"one state in {QUICK_SAMPLE} (default: every state)")
    parser.add_argument("--direct", action="store_true",
                        help="the app answers Chromium itself, over HTTP/1.1 (no nginx)")
    args = parser.parse_args()
    langs = args.lang or ["ar", "en"]
    states = dev_states.STATES[::QUICK_SAMPLE] if args.quick else dev_states.STATES

    chromium = chromium_path()
    if not os.path.isfile(chromium):
        print(f"Chromium not found at {chromium}; set ABSHER_CHROMIUM.", file=sys.stderr)
        return 2
    if not args.direct and NGINX is None:
        print("nginx not found: `make nginx` installs it (or measure --direct).",
              file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="absher-bench-")))
        os.chmod(workdir, 0o755)  # nginx's workers read the static files from it
        app = build_app(workdir, behind_nginx=not args.direct)
        stack.callback(lambda: dispose(app))
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        stack.callback(server.server_close)
        stack.callback(server.shutdown)
        upstream = f"http://127.0.0.1:{server.server_port}"
        browser_args = list(CHROMIUM_ARGS)
        if args.direct:
            base_url = upstream
        else:
            state = workdir / "state"
            assets.collect_static(app.extensions["absher_assets"], state / "static",
                                  "page-weight", keep=1)
            prefix = workdir / "nginx"
            prefix.mkdir()
            # The shipped block names two instances; both are this one.
            front = stack.enter_context(nginx(prefix, [upstream, upstream], state))
            base_url = f"https://{HOST}:{front.port}"
            browser_args.append(f"--host-resolver-rules=MAP {HOST} 127.0.0.1")
        how = "by the app, HTTP/1.1" if args.direct else "through nginx, HTTPS and HTTP/2"
        print(f"Served {how}, at {base_url}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=browser_args
            )
            weights = [weight for lang in langs for state in states
                       for weight in weigh(browser, base_url, lang, state)]
            browser.close()
    pages = [w for w in weights if not w.fragment]
    answers = [w for w in weights if w.fragment]
    print_pages(pages)
    print_answers(answers)
    print(f"\n{len(pages)} pages and {len(answers)} htmx answers in "
          f"{time.monotonic() - started:.0f} s")
    record_verdicts(pages, answers, " (a sample, --quick)" if args.quick else "")
    return 1 if any(w.over_budget or w.uncompressed for w in weights) else 0


if __name__ == "__main__":
    sys.exit(main())
