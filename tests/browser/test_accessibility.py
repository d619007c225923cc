"""What axe does not see, measured in Chromium: the contrast of every text node in Arabic and
English (axe skips most Arabic text), the colours of buttons in every state, names in the
other script, logical padding, and the officer console's layout and menu."""

from __future__ import annotations

import pytest

from absher_web.models import ActivationState
from tests.browser.common import FORM_PAGES, PUBLIC_PAGES

from .conftest import allow_browser_error
from .test_account import account_server, sign_in  # noqa: F401 (a fixture)
from .test_staff import sign_in_with_the_mouse, staff_server  # noqa: F401 (a fixture)

# WCAG 2.2 1.4.3 from computed styles: the text's colour over the backgrounds of the element
# and its ancestors (composited, white beneath), 4.5:1, or 3:1 for large text (24 px, or
# 18.66 px bold). Text a person cannot see (visually hidden, no box) is left out.
CONTRAST = """() => {
  const parse = (c) => {
    const m = c && c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reduceRight((under, top) => over(top, under), {r: 255, g: 255, b: 255, a: 1});
  };
  const hidden = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none' || s.opacity === '0') return true;
      if (s.clipPath === 'inset(50%)' || e.classList.contains('visually-hidden')) return true;
    }
    const box = el.getBoundingClientRect();
    return box.width <= 1 || box.height <= 1;
  };
  const failures = [];
  let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || hidden(el)) continue;
    if (el.closest('script, style, template, noscript, option')) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const measured = ratio(fg, bg);
    checked += 1;
    if (measured < needed) {
      failures.push(`${measured.toFixed(2)}:1 (needs ${needed}) ${style.color} on ` +
        `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)}): ` +
        `<${el.tagName.toLowerCase()}> ${text.slice(0, 60)}`);
    }
  }
  return {checked, failures};
}"""


def assert_text_contrast(page, where: str) -> int:
    result = page.evaluate(CONTRAST)
    assert not result["failures"], f"{where}: " + "\n".join(result["failures"])
    return result["checked"]


def test_every_text_node_of_the_main_pages_has_enough_contrast_in_both_languages(
    account_server, page_factory  # noqa: F811
):
    server, make_account = account_server
    page = page_factory()
    allow_browser_error(page, r"status of (404|422)")
    arabic_nodes = 0
    for lang in ("ar", "en"):
        for path in PUBLIC_PAGES + FORM_PAGES:
            page.goto(path.format(lang=lang))
            checked = assert_text_contrast(page, page.url)
            arabic_nodes += checked if lang == "ar" else 0
        # An error state: the registration form sent empty (error summary, inline errors).
        page.goto(f"/{lang}/register")
        page.wait_for_function("() => window.htmx")
        page.locator("#registration-step form button[type=submit]").last.click()
        page.locator("[data-error-summary]").wait_for()
        assert_text_contrast(page, f"{page.url} (errors)")
    # Signed in: the account's home (its table) and My data.
    account = make_account(language="ar", state=ActivationState.ACTIVE)
    sign_in(page, server, account, "ar")
    for path in ("/ar/account/", "/ar/account/my-data", "/en/account/my-data"):
        page.goto(path)
        assert_text_contrast(page, page.url)
    assert arabic_nodes > 500  # the walk reached the Arabic text itself


BUTTON_STATES = """(selector) => {
  const el = document.querySelector(selector);
  return {color: getComputedStyle(el).color, background: getComputedStyle(el).backgroundColor};
}"""


def contrast(colours: dict) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    def luminance(text: str) -> float:
        r, g, b = (float(x) for x in text[text.index("(") + 1:].rstrip(")").split(",")[:3])
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    hi, lo = sorted((luminance(colours["color"]), luminance(colours["background"])), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_buttons_and_links_styled_as_buttons_keep_their_colours_on_hover_and_focus(page, lang):
    # The site's own stylesheet on a real page, with a link and a button of each kind added
    # (the pages that carry them are the end of a journey: "Go to Absher Individuals").
    page.goto(f"/{lang}/")
    page.evaluate("""() => {
      const main = document.querySelector('main');
      main.insertAdjacentHTML('beforeend',
        '<p><a id="l1" class="button button-link" href="#">Go</a> ' +
        '<a id="l2" class="button button--secondary button-link" href="#">Go</a> ' +
        '<button id="b1" class="button" type="button">Go</button> ' +
        '<button id="b2" class="button button--secondary" type="button">Go</button></p>');
    }""")
    for selector in ("#l1", "#l2", "#b1", "#b2"):
        rest = page.evaluate(BUTTON_STATES, selector)
        page.hover(selector)
        hover = page.evaluate(BUTTON_STATES, selector)
        page.mouse.move(0, 0)
        page.focus(selector)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
        assert page.evaluate("s => document.activeElement.matches(s + ':focus-visible')", selector)
        focus = page.evaluate(BUTTON_STATES, selector)
        page.evaluate("() => document.activeElement.blur()")
        assert hover["color"] == rest["color"] == focus["color"], (selector, rest, hover, focus)
        for state, colours in (("rest", rest), ("hover", hover), ("focus", focus)):
            assert contrast(colours) >= 4.5, (selector, state, colours, contrast(colours))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_names_in_the_other_script_start_where_the_page_text_starts_and_tables_pad_logically(
    account_server, page_factory, lang  # noqa: F811
):
    server, make_account = account_server
    page = page_factory()
    account = make_account(language=lang, state=ActivationState.ACTIVE)
    sign_in(page, server, account, lang)
    # The table on the account's home: space after each cell's text, on its inline end.
    padding = page.eval_on_selector(".table td", """td => {
      const s = getComputedStyle(td); return [s.paddingLeft, s.paddingRight]; }""")
    assert padding == (["12px", "0px"] if lang == "ar" else ["0px", "12px"])

    page.goto(f"/{lang}/account/my-data")
    edges = page.evaluate("""() => Array.from(
        document.querySelectorAll('.facts dd bdi[lang]')).map(b => {
      const dd = b.closest('dd').getBoundingClientRect(), r = b.getBoundingClientRect();
      return {lang: b.lang, left: r.left - dd.left, right: dd.right - r.right};
    })""")
    assert {e["lang"] for e in edges} == {"ar", "en"}
    for edge in edges:  # each name sits at the start edge of its cell: right in Arabic
        assert edge["right" if lang == "ar" else "left"] < 1, edges


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_officer_console_has_its_own_menu_and_its_search_reads_in_order(
    staff_server, page_factory, lang  # noqa: F811
):
    server, officer, _make_account = staff_server
    page = page_factory()
    sign_in_with_the_mouse(page, officer, lang)
    header = page.locator("header nav")
    assert header.locator("a").count() == 1
    # The console's entry: it lands each officer on the console their roles allow.
    assert header.locator("a").get_attribute("href") == f"/{lang}/staff/sign-in"
    assert page.locator(f"header a[href='/{lang}/individuals/login']").count() == 0
    # The search reads in order, top to bottom: the number, why the record is opened (the
    # holder reads it), then Look up, each starting on the same edge as the field.
    place = page.evaluate("""() => {
      const box = s => document.querySelector(s).getBoundingClientRect();
      const input = box('#national_id'), reasons = box('form.search fieldset');
      const button = box('form.search button[type=submit]');
      const rtl = document.dir === 'rtl';
      return {below_reasons: button.top - reasons.bottom,
              reasons_below_field: reasons.top - input.bottom,
              edge: rtl ? Math.abs(input.right - button.right)
                        : Math.abs(input.left - button.left)};
    }""")
    assert place["reasons_below_field"] >= 0, place
    assert place["below_reasons"] >= 0, place
    assert place["edge"] <= 4, place
