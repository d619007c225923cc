"""Verify a document (/<lang>/verify): anyone types a document's number, or opens the link in
its QR code, and learns whether the site issued it and whether it still holds, with the facts
the document itself shows and nothing more (services/issued_documents.py).

An unknown number and a forged one get the same answer, status and work (the signature is
checked, then one indexed lookup). The form is sent by GET: nothing changes, so no CSRF token
and no session cookie. Limited per address (RATELIMIT_VERIFY)."""

from __future__ import annotations

import segno
from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from absher_web import observability
from absher_web.extensions import db, limiter
from absher_web.forms.verify import VerifyForm
from absher_web.models import utcnow
from absher_web.security import origin_host
from absher_web.services import issued_documents as documents
from absher_web.services.eservices import local_today
from absher_web.services.payments import service_name
from absher_web.web.page_cache import public_page
from absher_web.web.vehicle_names import stored_plate_name

bp = Blueprint("verify", __name__, url_prefix="/<lang_code>/verify")

# TRANSLATORS: The title and heading of the public page where anyone checks a document the
# site issued, by its number or QR code.
TITLE = _l("Verify a document")


class Answer:
    VALID = "valid"
    LAPSED = "lapsed"  # genuine, no longer valid
    UNKNOWN = "unknown"  # unknown or forged: the same words


def verify_limit() -> str:
    return current_app.config["RATELIMIT_VERIFY"]


def public_origin() -> str:
    """The configured origin (never the request's Host)."""
    return current_app.config.get("PUBLIC_ORIGIN") or "https://" + origin_host(
        current_app.config)


def page_url(lang: str) -> str:
    return f"{public_origin().rstrip('/')}/{lang}/verify"


def verify_url(number: str, lang: str) -> str:
    return f"{page_url(lang)}/{number}"


def qr_svg(url: str, label: str) -> Markup:
    """The QR code of ``url`` as inline SVG: classes and presentation attributes only (the
    CSP refuses style attributes), with its accessible name."""
    svg = segno.make(url, error="m").svg_inline(svgclass="qr", lineclass="qr-line",
                                                omitsize=True)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def context(**values) -> dict:
    """What the document templates need besides the document."""
    return {"titles": documents.TITLES, "issuers": documents.ISSUERS,
            "labels": documents.LABELS, "words": documents.WORDS, "lapses": documents.LAPSES,
            "service_name": service_name, "grouped": documents.grouped,
            "facts_of": documents.facts_of, "stored_plate_name": stored_plate_name,
            "title": TITLE, **values}


def render_answer(form: VerifyForm, checked: documents.Checked | None, status: int = 200):
    answer = Answer.UNKNOWN if checked is None else (
        Answer.VALID if checked.valid else Answer.LAPSED)
    observability.count_document_check(answer)
    return render_template("public/verify.html", **context(
        form=form, answer=answer, checked=checked)), status, {"Cache-Control": "no-store"}


def render_form(form: VerifyForm, status: int = 200):
    return render_template("public/verify.html", **context(form=form, answer=None,
                                                           checked=None)), status


def look_up(number: str) -> documents.Checked | None:
    return documents.check(db.session, number, local_today(utcnow()))


@bp.get("")
@public_page
@limiter.shared_limit(verify_limit, scope="verify")
def page():
    form = VerifyForm()
    if not form.number.raw_data:
        # The empty form is the same for every visitor: kept in memory (page_cache).
        return render_form(form)[0]
    if not form.validate():
        return render_form(form, 422)
    return render_answer(form, look_up(form.typed()))


@bp.get("/<path:number>")
@limiter.shared_limit(verify_limit, scope="verify")
def link(number: str):
    """The QR code's link (the number may also be typed into the address, grouped)."""
    form = VerifyForm(data={"number": number})
    if not form.validate():
        return render_form(form, 422)
    return render_answer(form, look_up(form.typed()))
