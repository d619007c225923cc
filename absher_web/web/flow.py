"""What every multi-step journey shares: rendering a step whole or in place, and going on
to the next step or to another page."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from jinja2_fragments.flask import render_block
from markupsafe import Markup, escape

from absher_web.web.htmx import is_htmx_request


def render_step(template: str, status: int, **context):
    """The whole page, or for htmx only the `step` block (with its out-of-band updates).

    A status of 400 or more marks the page as showing errors ("Error:" in its title).
    """
    context["page_has_errors"] = status >= 400
    if is_htmx_request():
        return render_block(template, "step", htmx_fragment=True, **context), status
    return render_template(template, **context), status


def show_next(endpoint: str, template: str, **context):
    """The next step of a journey: htmx swaps it in place; without JavaScript the browser
    goes to its own page."""
    if is_htmx_request():
        return render_step(template, 200, **context)
    return redirect(url_for(endpoint), 303)


def go_to(url: str):
    """A whole different page (the account area after sign-in, say): htmx loads it
    rather than swapping it into the current one."""
    if is_htmx_request():
        return "", 200, {"HX-Redirect": url}
    return redirect(url, 303)


def ltr(text: str) -> Markup:
    """Latin data (a number, a username) isolated left-to-right inside a sentence."""
    return Markup('<bdi dir="ltr">%s</bdi>') % escape(text)
