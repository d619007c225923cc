"""Public pages: landing, the Individuals entry, Business, About, services, contact, terms."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from jinja2_fragments.flask import render_block

from absher_web.content import search_services
from absher_web.web import is_htmx_request

bp = Blueprint("public", __name__, url_prefix="/<lang_code>")


@bp.get("/")
def landing() -> str:
    return render_template("public/landing.html")


@bp.get("/business")
def business() -> str:
    return render_template("public/business.html")


@bp.get("/about")
def about() -> str:
    return render_template("public/about.html")


@bp.get("/services")
def services() -> str:
    query = request.args.get("q", "")[:100]
    context = {"query": query, "services": search_services(query)}
    if is_htmx_request():
        return render_block("public/services.html", "results", **context)
    return render_template("public/services.html", **context)


@bp.get("/contact")
def contact() -> str:
    return render_template("public/contact.html")


@bp.get("/terms")
def terms() -> str:
    return render_template("public/terms.html")


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.get("/registration-conditions")
def registration_conditions() -> str:
    return render_template("public/registration_conditions.html")
