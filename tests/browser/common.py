"""What the browser tests and bench/page_weight.py share: Chromium, the budgets, the pages."""

from __future__ import annotations

import os
import shutil

# Debian's Chromium, headless, with nothing running in the background (DESIGN.md section 8).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]

# DESIGN.md section 6: a first visit's requests, compressed, and what the first render needs:
# the page itself, its stylesheet inline, within the first round trip (RFC 6928's initial
# window of 10 segments, headers included). Nothing else may hold the first render back:
# no stylesheet to fetch, every script deferred.
TOTAL_BUDGET = 30 * 1024
FIRST_RENDER_BUDGET = 14 * 1024
RENDER_BLOCKING_KINDS = ("Stylesheet",)  # Chromium's resource types a first render waits for

NO_MATCH = "zqxjvw"  # a services search that finds nothing
PUBLIC_PAGES = [
    "/{lang}/",
    "/{lang}/individuals/login",
    "/{lang}/business",
    "/{lang}/about",
    "/{lang}/services",
    f"/{{lang}}/services?q={NO_MATCH}",
    "/{lang}/contact",
    "/{lang}/terms",
    "/{lang}/privacy",
    "/{lang}/registration-conditions",
    "/{lang}/accessibility",
    "/{lang}/no-such-page",
]
# Pages with a form a visitor opens first (the registration page carries the visual code).
FORM_PAGES = ["/{lang}/register", "/{lang}/recover", "/{lang}/staff/sign-in"]


def chromium_path() -> str:
    """Debian's Chromium (never downloaded); ABSHER_CHROMIUM overrides the path."""
    return os.environ.get("ABSHER_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
