"""Browser fixtures: a live server on 127.0.0.1, one headless Chromium, axe-core.

The app is built the way tests/conftest.py builds it (TestConfig on the
session's migrated database, SQLite or PostgreSQL), served by Werkzeug in a
daemon thread. Chromium is Debian's (ABSHER_CHROMIUM overrides the path); it is
never downloaded. Without it the browser tests are skipped locally and fail in
CI, so a CI run cannot pass by running none of them.

Every page a test opens is watched: a JavaScript error or a console error (a
Content-Security-Policy violation is one) fails the test.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from absher_web import create_app
from absher_web.config import TestConfig
from absher_web.extensions import db
from tests.browser.common import CHROMIUM_ARGS, chromium_path

BROWSER_TESTS = Path(__file__).resolve().parent

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: mark only those in this folder.
    for item in items:
        if BROWSER_TESTS in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- the live server -----------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    app: Flask


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request (a page is several); errors and tracebacks are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture(scope="session")
def live_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    config = type(
        "LiveServerTestConfig",
        (TestConfig,),
        {
            "DATABASE_URL": database_url,
            "SMS_FILE": str(tmp_path_factory.mktemp("live-sms") / "sms.jsonl"),
        },
    )
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


# --- Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not os.path.isfile(path):
        reason = (
            f"Chromium not found at {path}: install Debian's chromium package "
            "or set ABSHER_CHROMIUM to its path"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so browser tests may not be skipped)")
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


# --- console and JavaScript errors ---------------------------------------------------------


@dataclass
class BrowserErrors:
    """Console errors and uncaught exceptions one page produced."""

    messages: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def record_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url") or ""
            suffix = f" ({where})" if where else ""
            self.messages.append(f"console error: {message.text}{suffix}")

    def record_page_error(self, error) -> None:
        self.messages.append(f"uncaught JavaScript error: {error}")

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self.allowed)]


_WATCHED: dict[int, tuple[object, BrowserErrors]] = {}
_SCRIPTLESS: set[int] = set()  # pages opened with JavaScript off


def watch_page(page) -> BrowserErrors:
    errors = BrowserErrors()
    page.on("console", errors.record_console)
    page.on("pageerror", errors.record_page_error)
    _WATCHED[id(page)] = (page, errors)
    return errors


def browser_errors(page) -> BrowserErrors:
    return _WATCHED[id(page)][1]


def allow_browser_error(page, pattern: str) -> None:
    """Accept console errors matching ``pattern`` (a regex) on this page, e.g. an expected 404."""
    browser_errors(page).allowed.append(re.compile(pattern))


def assert_no_browser_errors(page) -> None:
    """Fail on any console error (CSP violations included) or uncaught JavaScript error."""
    problems = browser_errors(page).unexpected()
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        message = f"{page.url} logged {len(problems)} browser error(s):\n{listing}"
        pytest.fail(message, pytrace=False)


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def page_factory(browser, live_server: LiveServer) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh context (empty cache, no cookies) with the given viewport width.

    Extra keyword arguments go to ``browser.new_context`` (``locale``,
    ``extra_http_headers``, ...). Pages are closed, and checked for browser errors,
    at the end of the test.
    """
    contexts = []
    pages = []

    def open_page(width: int = 1280, javascript: bool = True, height: int = 800, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch_page(page)
        if not javascript:
            _SCRIPTLESS.add(id(page))
        pages.append(page)
        return page

    yield open_page

    problems = []
    for page in pages:
        _, errors = _WATCHED.pop(id(page))
        _SCRIPTLESS.discard(id(page))
        problems += [f"{page.url}: {m}" for m in errors.unexpected()]
    for context in contexts:
        context.close()
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        pytest.fail(f"browser errors during the test:\n{listing}", pytrace=False)


@pytest.fixture
def page(page_factory):
    """A 1280 x 800 page with JavaScript on, in its own context."""
    return page_factory(width=DESKTOP["width"], height=DESKTOP["height"])


# --- axe-core ------------------------------------------------------------------------------


def assert_no_axe_violations(page, context: str | dict | None = None) -> None:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page as it is now.

    On a page with JavaScript off axe cannot run in place (its promises wait on
    timers that never fire), so the current DOM is audited in a script-free copy.
    """
    if id(page) in _SCRIPTLESS:
        violations = _axe_on_snapshot(page, context)
    else:
        violations = _axe_violations(page, context)
    if not violations:
        return
    lines = [f"{page.url}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


# axe runs with the suite's rules but first without working out a selector and path for
# every node it checks (about a quarter of its time on a page); a page with violations is
# checked again with them, to say where they are.
AXE_RULES = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
AXE_LEAN = {**AXE_RULES, "selectors": False, "ancestry": False, "xpath": False,
            "iframes": False, "elementRef": False, "performanceTimer": False}
AXE_RUN = """([context, options]) => axe.run(context || document, options)
    .then(results => results.violations)"""


@functools.cache
def axe_script() -> str:
    """axe-core itself (the copy axe-playwright-python ships), as a script to evaluate."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def _axe_violations(page, context: str | dict | None) -> list[dict]:
    # A page keeps axe until it navigates (htmx swaps keep it).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    violations = page.evaluate(AXE_RUN, [context, AXE_LEAN])
    return page.evaluate(AXE_RUN, [context, AXE_RULES]) if violations else violations


def _axe_on_snapshot(page, context: str | dict | None) -> list[dict]:
    """Audit a JavaScript-off page: its DOM served at its own URL, with its own CSS, no scripts."""
    html = page.content()
    document_url = page.url.split("#", 1)[0]
    snapshot_context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        snapshot = snapshot_context.new_page()

        def serve(route) -> None:
            request = route.request
            if request.resource_type == "document" and request.url.split("#", 1)[0] == document_url:
                route.fulfill(body=html, content_type="text/html; charset=utf-8")
            elif request.resource_type == "script":
                route.abort()  # the page under test ran none
            else:
                route.continue_()

        snapshot.route("**/*", serve)
        snapshot.goto(document_url)
        return _axe_violations(snapshot, context)
    finally:
        snapshot_context.close()
