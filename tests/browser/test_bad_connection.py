"""Forms on a bad connection, in Chromium: a slow link (4 s of latency, DevTools' own
throttling) and a link that fails mid-request (the answer lost, offline, no answer in
time, a 5xx). The sign-in form stands for every htmx form: the behaviour is app.js's."""

from __future__ import annotations

import pytest

from .conftest import allow_browser_error

FORM = "#sign-in-step form"
BUTTON = f"{FORM} button[type=submit]"
STATUS = f"{FORM} [data-form-status]"

BUSY_STATE = """() => {
  const form = document.querySelector('#sign-in-step form');
  const button = form.querySelector('button[type=submit]');
  const status = form.querySelector('[data-form-status]');
  return {busy: form.getAttribute('aria-busy'), disabled: button.getAttribute('aria-disabled'),
          status: status && status.textContent, visible: !!(status && status.offsetHeight),
          live: document.getElementById('live-region').textContent.trim(),
          focused: document.activeElement === button};
}"""


@pytest.fixture
def sign_in_server(live_server):
    """Sign-in POSTs unthrottled for these tests (the limit is read per request)."""
    limit = live_server.app.config["RATELIMIT_SIGN_IN"]
    live_server.app.config["RATELIMIT_SIGN_IN"] = "1000 per minute"
    yield live_server
    live_server.app.config["RATELIMIT_SIGN_IN"] = limit


def open_sign_in(page_factory, lang: str):
    page = page_factory()
    allow_browser_error(page, r"status of 422")  # a wrong password is answered 422
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"/{lang}/individuals/login")
    page.wait_for_function("() => window.htmx")
    page.fill("#identifier", "Nosuchuser1")
    page.fill("#password", "Wrong-password-1")
    return page, posts


def tap(page, times: int) -> None:
    """Real clicks at the button's place (taps do not check the button's state)."""
    box = page.locator(BUTTON).bounding_box()
    for _ in range(times):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def answered(page) -> None:
    """The server's answer was swapped in: the sign-in step with its error summary."""
    page.locator("#sign-in-step [data-error-summary]").wait_for()


def test_slow_link_three_taps_send_one_request_and_the_form_shows_it_is_busy(
    sign_in_server, page_factory
):
    page, posts = open_sign_in(page_factory, "en")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 4000, "downloadThroughput": -1, "uploadThroughput": -1})

    page.focus(BUTTON)
    tap(page, 3)
    page.keyboard.press("Enter")  # and once more from the keyboard
    state = page.evaluate(BUSY_STATE)
    assert state["busy"] == "true"
    assert state["disabled"] == "true"
    assert state["status"] == "Sending…" and state["visible"]
    assert state["live"] == "Sending…"
    # A busy button looks different (not the green of one that can be pressed).
    busy_colour = page.eval_on_selector(BUTTON, "b => getComputedStyle(b).backgroundColor")
    assert busy_colour != "rgb(0, 108, 53)"

    answered(page)
    page.wait_for_timeout(500)  # a queued second request would have left by now
    assert len(posts) == 1, posts
    assert page.evaluate("() => document.querySelector('#sign-in-step form[aria-busy]')") is None
    assert page.locator(f"{BUTTON}[aria-disabled]").count() == 0


def assert_failed(page, expected: str) -> None:
    page.locator(f"{STATUS}.form-status--failed").wait_for()
    state = page.evaluate(BUSY_STATE)
    assert state["status"] == expected and state["visible"]
    page.wait_for_function(
        "text => document.getElementById('live-region').textContent.trim() === text", arg=expected)
    assert state["busy"] is None and state["disabled"] is None  # the button works again
    # What was typed is still there (the password too: nothing was swapped).
    assert page.input_value("#identifier") == "Nosuchuser1"
    assert page.input_value("#password") == "Wrong-password-1"
    described = page.get_attribute(BUTTON, "aria-describedby")
    assert described and page.locator(f"#{described}").inner_text() == expected


def test_a_failed_request_says_so_keeps_the_input_and_sends_again(sign_in_server, page_factory):
    page, posts = open_sign_in(page_factory, "ar")
    allow_browser_error(page, r"Failed to load resource|ERR_|status of 503|htmx")
    region = page.locator("#live-region")
    lost = region.get_attribute("data-failed-network")
    late = region.get_attribute("data-failed-timeout")
    ours = region.get_attribute("data-failed-server")
    assert lost.startswith("لم") and late.startswith("لم") and ours.startswith("لم")

    # The connection drops mid-request: the server got the form, the answer never arrived.
    reached_server = []

    def lose_the_answer(route):
        response = route.fetch()
        reached_server.append(response.status)
        route.abort("connectionreset")

    page.route("**/individuals/login", lose_the_answer)
    tap(page, 1)
    assert_failed(page, lost)
    assert reached_server and len(posts) == 1

    # Offline: nothing leaves; the same message.
    page.unroute("**/individuals/login")
    page.context.set_offline(True)
    tap(page, 1)
    page.wait_for_function("() => !document.querySelector('#sign-in-step form[aria-busy]')")
    assert_failed(page, lost)
    page.context.set_offline(False)

    # The server fails (503): its page is not swapped over the form.
    page.route("**/individuals/login", lambda route: route.fulfill(
        status=503, content_type="text/html", body="<h1>Service unavailable</h1>"))
    tap(page, 1)
    page.wait_for_function(
        "text => document.querySelector('[data-form-status]').textContent === text", arg=ours)
    assert_failed(page, ours)
    assert page.locator("#sign-in-step h1").count() == 1
    page.unroute("**/individuals/login")

    # No answer at all: htmx gives up after its timeout (40 s in production, 1 s here).
    assert page.evaluate("() => htmx.config.defaultTimeout") == 40000
    page.evaluate("() => { htmx.config.defaultTimeout = 1000; }")
    page.route("**/individuals/login", lambda route: None)  # held, never answered
    tap(page, 1)
    assert_failed(page, late)
    page.unroute("**/individuals/login")

    # Trying again sends the form again and the answer replaces the step.
    sent = len(posts)
    tap(page, 1)
    answered(page)
    assert len(posts) == sent + 1
    assert page.locator("[data-form-status]").count() == 0  # the new step has none


def test_without_javascript_the_form_posts_as_a_plain_form(sign_in_server, page_factory):
    page = page_factory(javascript=False)
    allow_browser_error(page, r"status of 422")
    page.goto("/en/individuals/login")
    page.fill("#identifier", "Nosuchuser1")
    page.fill("#password", "Wrong-password-1")
    with page.expect_navigation():
        page.click(BUTTON)
    assert page.locator("[data-error-summary]").count() == 1
    assert page.locator("[data-form-status], [aria-busy]").count() == 0


def test_the_429_step_swapped_in_by_htmx_renames_the_page(sign_in_server, page_factory):
    sign_in_server.app.config["RATELIMIT_SIGN_IN"] = "1 per hour"  # a count of its own
    page, posts = open_sign_in(page_factory, "en")
    allow_browser_error(page, r"status of 429")
    tap(page, 1)
    answered(page)
    page.fill("#password", "Wrong-password-2")
    tap(page, 1)
    page.locator("#sign-in-step h1", has_text="Too many attempts").wait_for()
    assert page.title() == "Too many attempts – Absher"
    assert "at most 1 time an hour" in page.locator("#sign-in-step").inner_text()
    assert len(posts) == 2
