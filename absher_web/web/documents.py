"""My documents (وثائقي): the holder's ID card or iqama, passport and visas in one list,
each with its expiry in Gregorian and Hijri, and a warning at the top for any that has
expired or expires within EXPIRES_SOON_DAYS (services/documents.py reads them). Only the
holder's own documents: read from their ID number, never from anything the request names."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from absher_web.extensions import db
from absher_web.localisation import current_language
from absher_web.models import utcnow
from absher_web.services import documents, issued_documents
from absher_web.services.documents import DocumentKind
from absher_web.services.eservices import EXPIRES_SOON_DAYS, local_today
from absher_web.web import verify
from absher_web.web.guards import require_active_account

bp = Blueprint("documents", __name__, url_prefix="/<lang_code>/account/documents")

# TRANSLATORS: The name of the page listing the holder's ID card or iqama, passport and visas
# with their expiry dates: its heading, title and link in the account menu.
TITLE = _l("My documents")
EXPLANATION = _l("Your ID card or iqama, your passport and your visas are listed here once "
                 "your account is activated. Activate it in one of these ways:")

# Each kind of document as the page names it.
KIND_NAMES = {
    # TRANSLATORS: A kind of document on the My documents page: a citizen's national ID card.
    DocumentKind.NATIONAL_ID: _l("National ID card"),
    # TRANSLATORS: A kind of document on the My documents page: a resident's iqama (residence
    # permit).
    DocumentKind.IQAMA: _l("Iqama"),
    # TRANSLATORS: A kind of document on the My documents page.
    DocumentKind.PASSPORT: _l("Passport"),
    # TRANSLATORS: A kind of document on the My documents page.
    DocumentKind.SINGLE_VISA: _l("Single exit and re-entry visa"),
    # TRANSLATORS: A kind of document on the My documents page.
    DocumentKind.MULTIPLE_VISA: _l("Multiple exit and re-entry visa"),
    # TRANSLATORS: A kind of document on the My documents page.
    DocumentKind.FINAL_EXIT_VISA: _l("Final exit visa"),
}

# What to do when a document of that kind expires soon or has expired.
RENEWAL_ADVICE = {
    # TRANSLATORS: On the My documents page, under a national ID card that has expired or
    # expires soon.
    DocumentKind.NATIONAL_ID: _l("Renew it at a Civil Affairs office."),
    # TRANSLATORS: On the My documents page, under an iqama that has expired or expires soon.
    DocumentKind.IQAMA: _l("Your sponsor or the head of your household renews it with "
                           "Residency and visas."),
    # TRANSLATORS: On the My documents page, under a passport that has expired or expires soon.
    DocumentKind.PASSPORT: _l("Renew it with Absher Passports."),
    # TRANSLATORS: On the My documents page, under an exit and re-entry visa whose last day
    # is near or past.
    DocumentKind.SINGLE_VISA: _l("Your sponsor or the head of your household can extend it "
                                 "with Residency and visas before it ends."),
    DocumentKind.MULTIPLE_VISA: _l("Your sponsor or the head of your household can extend it "
                                   "with Residency and visas before it ends."),
    # TRANSLATORS: On the My documents page, under a final exit visa whose last day is near.
    DocumentKind.FINAL_EXIT_VISA: _l("Leave the Kingdom before it ends."),
}


def page_context(found: list[documents.Document], issued: list | None = None) -> dict:
    return {"documents": found, "attention": documents.needing_attention(found),
            "kind_names": KIND_NAMES, "advice": RENEWAL_ADVICE, "soon_days": EXPIRES_SOON_DAYS,
            "issued": issued or [], **verify.context()}


@bp.get("")
@require_active_account(TITLE, EXPLANATION)
def page() -> str:
    person = current_user.account.person
    found = documents.of_person(db.session, person, local_today(utcnow()))
    issued = issued_documents.of_holder(db.session, current_user.account)
    return render_template("account/documents.html", **page_context(found, issued))


def render_issued(document, lang: str):  # noqa: ANN001 (an IssuedDocument)
    """A document's printable page: its facts, number and QR code (to /verify)."""
    url = verify.verify_url(document.number, lang)
    # TRANSLATORS: The accessible name of a printed document's QR code. %(number)s is the
    # document's number.
    qr = verify.qr_svg(url, _("QR code to check document %(number)s",
                             number=issued_documents.grouped(document.number)))
    return render_template("documents/printable.html", **verify.context(
        document=document, qr=qr, verify_page=verify.page_url(lang)))


@bp.get("/issued/<number>")
@require_active_account(TITLE, EXPLANATION)
def issued(number: str):
    found = issued_documents.own(db.session, current_user.account,
                                 issued_documents.normalised(number) or "")
    if found is None:
        abort(404)
    return render_issued(found, current_language())
