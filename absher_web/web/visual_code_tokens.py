"""The visual code's token on a form page: a fresh signed one, or the placeholder while
web/page_cache.py renders the page's markup once (it fills in a fresh one per request).

Its own module so that page_cache and flow both use it without importing each other.
"""

from __future__ import annotations

from flask import g

from absher_web.services.captcha import new_token
from absher_web.services.policies import current_policies

VISUAL_CODE_PLACEHOLDER = "ZqVisualCodeTokenPlaceholderQz"


def visual_code_token() -> str | None:
    """The placeholder while a form page's markup is rendered, else None."""
    return VISUAL_CODE_PLACEHOLDER if g.get("visual_code_placeholder") else None


def fresh_captcha_token() -> str:
    # A form page's markup is rendered once with a placeholder (web/page_cache.py).
    return visual_code_token() or new_token(current_policies().visual_codes)
