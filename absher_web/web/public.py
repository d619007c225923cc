"""Public pages: landing, the Individuals entry, Business, About, services, the agencies'
pages (Civil Affairs, the Passports Directorate), contact, terms, privacy, registration
conditions and the accessibility statement.

Each is the same for every visitor not signed in: kept in memory (web/page_cache.py).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from jinja2_fragments.flask import render_block

from absher_web.content import (
    ACCESSIBILITY_REVIEWED,
    CIVIL_AFFAIRS,
    PASSPORTS,
    agency_services,
    search_services,
)
from absher_web.replica import reads_may_lag
from absher_web.web.htmx import is_htmx_request
from absher_web.web.page_cache import public_page

bp = Blueprint("public", __name__, url_prefix="/<lang_code>")


@bp.get("/")
@public_page
def landing() -> str:
    return render_template("public/landing.html")


@bp.get("/business")
@public_page
def business() -> str:
    return render_template("public/business.html")


@bp.get("/about")
@public_page
def about() -> str:
    return render_template("public/about.html")


@bp.get("/services")
@public_page
@reads_may_lag
def services() -> str:
    query = request.args.get("q", "")[:100]
    context = {"query": query, "services": search_services(query)}
    if is_htmx_request():
        return render_block("public/services.html", "results", **context)
    return render_template("public/services.html", **context)


@bp.get("/civil-affairs")
@public_page
@reads_may_lag
def civil_affairs() -> str:
    # The agency's working services come from the catalogue (content.SERVICES' agency).
    return render_template("public/civil_affairs.html", services=agency_services(CIVIL_AFFAIRS))


@bp.get("/passports-directorate")
@public_page
@reads_may_lag
def passports_directorate() -> str:
    return render_template("public/passports_directorate.html",
                           services=agency_services(PASSPORTS))


@bp.get("/contact")
@public_page
def contact() -> str:
    return render_template("public/contact.html")


@bp.get("/terms")
@public_page
def terms() -> str:
    return render_template("public/terms.html")


@bp.get("/privacy")
@public_page
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.get("/registration-conditions")
@public_page
def registration_conditions() -> str:
    return render_template("public/registration_conditions.html")


@bp.get("/accessibility")
@public_page
def accessibility() -> str:
    return render_template("public/accessibility.html", reviewed=ACCESSIBILITY_REVIEWED)
