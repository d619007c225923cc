"""What every multi-step journey shares: rendering a step whole or in place."""

from __future__ import annotations

from flask import render_template
from jinja2_fragments.flask import render_block
from markupsafe import Markup, escape

from absher_web.services.captcha import new_token
from absher_web.services.policies import current_policies
from absher_web.web import is_htmx_request


def fresh_captcha_token() -> str:
    return new_token(current_policies().visual_codes)


def render_step(template: str, status: int, **context):
    """The whole page, or for htmx only the `step` block (with its out-of-band updates).

    A status of 400 or more marks the page as showing errors ("Error:" in its title).
    """
    context["page_has_errors"] = status >= 400
    if is_htmx_request():
        return render_block(template, "step", htmx_fragment=True, **context), status
    return render_template(template, **context), status


def ltr(text: str) -> Markup:
    """Latin data (a number, a username) isolated left-to-right inside a sentence."""
    return Markup('<bdi dir="ltr">%s</bdi>') % escape(text)
