"""Every state of the states gallery (web/dev_states/), rendered once for the tests that
read them all: the budgets, the plates and commas, valid HTML.

The gallery reads no database, so these tests run in the SQLite run only (`make test`), and
rendering it is most of their cost: each test process renders it once, for all of them
(the session fixture ``states_gallery`` in tests/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import brotli
from flask import Flask

from absher_web.web import dev_states
from tests.pages import bytes_on_the_wire

LANGUAGES = ("ar", "en")
# The gallery's own list of states, beside the states themselves.
INDEX = "gallery"


@dataclass(frozen=True)
class Rendered:
    """One state as a fresh browser gets it, asking for brotli: its page, or for a fragment
    the htmx answer after the page."""

    name: str
    fragment: bool
    status_code: int
    compressed: bool
    wire_bytes: int  # on the wire: tests/pages.bytes_on_the_wire
    text: str  # the body, decompressed

    def get_data(self, as_text: bool = False) -> str | bytes:
        """As a test client's response gives it, so tests.pages.parse reads it."""
        return self.text if as_text else self.text.encode()


def render(app: Flask, lang: str, name: str, page: str, fragment: bool) -> Rendered:
    client = app.test_client()
    headers = {"Accept-Encoding": "br"}
    response = client.get(page, headers=headers)
    if fragment:
        response = client.get(f"/{lang}/dev/states/{name}", headers=headers)
    compressed = response.headers.get("Content-Encoding") == "br"
    body = brotli.decompress(response.data) if compressed else response.data
    return Rendered(name, fragment, response.status_code, compressed,
                    bytes_on_the_wire(response), body.decode())


def render_every_state(app: Flask) -> dict[tuple[str, str], Rendered]:
    """(language, state's name) -> the state, INDEX included."""
    rendered = {}
    for lang in LANGUAGES:
        rendered[lang, INDEX] = render(app, lang, INDEX, f"/{lang}/dev/states", False)
        for entry in dev_states.entries():
            rendered[lang, entry.name] = render(
                app, lang, entry.name, f"/{lang}/dev/states/{entry.state.name}", entry.fragment)
    return rendered
