"""The public pages, and the services search (whose results htmx swaps in)."""

from __future__ import annotations

from functools import partial

from flask import current_app, render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from jinja2_fragments.flask import render_block

from absher_web.content import search_services
from absher_web.web.dev_states.common import BLANK, State
from absher_web.web.htmx import is_htmx_request

# TRANSLATORS: states gallery, a heading: the pages anyone can read without signing in.
PUBLIC = _l("Public pages")
# The public pages as their own views render them: (endpoint, title).
PUBLIC_PAGES = (
    ("public.landing", _l("Absher electronic services")),
    ("public.business", _l("Absher Business")),
    ("public.about", _l("About Absher")),
    ("public.services", _l("Services on Absher")),
    ("public.civil_affairs", _l("Civil Affairs Agency")),
    ("public.passports_directorate", _l("Passports Directorate")),
    ("public.contact", _l("Contact Absher")),
    ("public.terms", _l("Terms of use")),
    ("public.privacy", _l("Privacy policy")),
    ("public.registration_conditions", _l("Registration conditions")),
    ("public.accessibility", _l("Accessibility statement")),
)


def public_page(endpoint: str):
    return current_app.view_functions[endpoint]()


def services_search(query: str):
    """The services page for a search (its view reads the query from the address); htmx
    gets only the results."""
    context = {"query": query, "services": search_services(query)}
    if is_htmx_request():
        return render_block("public/services.html", "results", **context)
    return render_template("public/services.html", **context)


def services_found():
    return services_search("جواز" if get_locale().language == "ar" else "passport")


def public_states() -> list[State]:
    states = [State(f"public-{endpoint.partition('.')[2].replace('_', '-')}", PUBLIC, title,
                    BLANK, partial(public_page, endpoint)) for endpoint, title in PUBLIC_PAGES]
    return [*states,
            State("public-services-found", PUBLIC, _l("Services on Absher"),
                  _l("A search that finds services"), services_found, htmx=True),
            State("public-services-none", PUBLIC, _l("Services on Absher"),
                  _l("A search that finds nothing"), partial(services_search, "zqxjvw"),
                  htmx=True)]



STATES = public_states()
