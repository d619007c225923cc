"""What an htmx request is, and how its answer is trimmed: a module of its own, which
security.py (the headers of an htmx answer) can import without the blueprints."""

from __future__ import annotations

import re

from flask import Response, request


def is_htmx_request() -> bool:
    """True when htmx asked for a fragment rather than a whole page."""
    return request.headers.get("HX-Request") == "true"


# A line break and the indentation after it: to a browser, the same blank as the break alone.
INDENTATION = re.compile(rb"\n\s+")


def without_indentation(response: Response) -> Response:
    """An htmx answer without its templates' indentation, before it is compressed: it must
    fit in 3 KB with its headers. Never where blanks show (<pre>, <textarea>)."""
    if (is_htmx_request() and response.mimetype == "text/html"
            and not response.direct_passthrough and not response.is_streamed):
        body = response.get_data()
        if b"<pre" not in body and b"<textarea" not in body:
            response.set_data(INDENTATION.sub(b"\n", body))
    return response
