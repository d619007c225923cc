"""The states gallery, for testers and developers (development and test only; production
has no such pages): /<lang>/dev/states lists every page of the site in every state it can
show, each one link away, rendered by the real templates and render helpers from fixture
data (fixtures.py). Nothing is read from or written to the database.

A state is a name, the page it belongs to, which state of the page it is, and a function
that answers as the view would (common.State). A state marked ``htmx`` is listed twice:
the whole page, and the fragment a form gets back through htmx (the request is answered
as an htmx one). Each area of the site has its module here, with its states as a list;
a new page or state adds a line to its area's STATES, a new area a module and a line in
AREAS. A new e-service adds its answers to eservices.ESERVICE_ANSWERS
(tests/test_states_gallery.py says when one is missing).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel.speaklater import LazyString

from absher_web.extensions import limiter
from absher_web.web.dev_states import (
    account,
    births,
    console,
    data_rights,
    decorum,
    devices,
    employment,
    errors,
    eservices,
    family_records,
    files,
    inbox,
    passports,
    payments,
    premium_visas,
    public,
    recovery,
    registration,
    requests,
    sign_in,
    tahseen,
    verify,
)
from absher_web.web.dev_states.common import Entry, State
from absher_web.web.dev_states.eservices import ESERVICE_ANSWERS, ESERVICE_OVERVIEWS
from absher_web.web.dev_states.public import PUBLIC_PAGES

__all__ = ["ESERVICE_ANSWERS", "ESERVICE_OVERVIEWS", "PUBLIC_PAGES", "STATES", "Entry",
           "State", "bp", "entries", "groups"]

bp = Blueprint("dev_states", __name__, url_prefix="/<lang_code>/dev/states")
limiter.exempt(bp)  # a tester (or the whole-list checks) opens hundreds of states in a row

# The areas in the gallery's order.
AREAS = (public, registration, sign_in, recovery, account, family_records, births, passports,
         requests, premium_visas, payments, console, eservices, errors,
         files,
         tahseen,
         data_rights,
         employment,
         decorum,
         inbox,
         verify,
         devices)
STATES: list[State] = [state for area in AREAS for state in area.STATES]


def entries() -> list[Entry]:
    """Every link of the gallery, in order: each state, then its htmx fragment if any."""
    listed = []
    for state in STATES:
        listed.append(Entry(state))
        if state.htmx:
            listed.append(Entry(state, fragment=True))
    return listed


BY_NAME = {entry.name: entry for entry in entries()}


def groups() -> list[tuple[LazyString, list[State]]]:
    """The states by group, in the order of STATES."""
    grouped: dict[int, tuple[LazyString, list[State]]] = {}
    for state in STATES:
        grouped.setdefault(id(state.group), (state.group, []))[1].append(state)
    return list(grouped.values())


@bp.get("")
def index():
    return render_template("dev/states.html", groups=groups(), count=len(BY_NAME))


@bp.get("/<name>")
def show(name: str):
    entry = BY_NAME.get(name)
    if entry is None:
        abort(404)
    if entry.fragment:
        # Answered as htmx would be: the same views' helpers then give the fragment.
        request.environ["HTTP_HX_REQUEST"] = "true"
    return entry.state.render()
