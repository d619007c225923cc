"""Issued documents and /verify: each kind's printable page, the holder's list of them, and
every answer of the public Verify a document page (the form, a number mistyped, genuine and
valid, genuine but no longer valid, one we cannot confirm, too many checks). Documents from
fixture data, never stored."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from absher_web.forms.verify import VerifyForm
from absher_web.localisation import current_language
from absher_web.models import IssuedDocument
from absher_web.services import issued_documents as docs
from absher_web.services.document_facts import day, ident, money, names, plate, service, text, word
from absher_web.services.issued_documents import Kind, Lapse
from absher_web.web import documents as document_pages
from absher_web.web import verify as views
from absher_web.web.dev_states import fixtures as fx
from absher_web.web.dev_states.common import State, account_page
from absher_web.web.errors import rate_limit_words, render_error

NUMBERS = {Kind.VISA: "4829173655029184", Kind.VISIT_VISA: "7301946628517730",
           Kind.PASSPORT_RECEIPT: "1584620397441265", Kind.FAMILY_RECORD: "6620958173304418",
           Kind.BIRTH: "3097415286620957", Kind.PAYMENT: "8846201937518826",
           Kind.VEHICLE_SALE: "5172038846193304"}


def facts(kind: Kind) -> list[list]:
    person = fx.person()
    holder = names("name", person.name_ar, person.name_en)
    if kind is Kind.VISA:
        return [names("name", "سيتي نور", "Siti Nur"), ident("iqama", "2345678901"),
                word("visa_type", "visa_single"), ident("visa_number", "3112450987"),
                day("issued_on", fx.TODAY), day("return_before", fx.TODAY + timedelta(days=90))]
    if kind is Kind.VISIT_VISA:
        return [names("name", "محمود سالم", "Mahmoud Salem"), ident("passport_number", "A12345678"),
                ident("visa_number", "6021458839"), day("issued_on", fx.TODAY),
                text("days", 90)]
    if kind is Kind.PASSPORT_RECEIPT:
        return [ident("request_number", "2611250042"), holder,
                ident("id_number", person.national_id), text("years", 10), money("fee", 60000),
                day("submitted_on", fx.TODAY)]
    if kind is Kind.FAMILY_RECORD:
        return [ident("record_number", "4410293381"), names("head", person.name_ar,
                                                             person.name_en),
                ident("id_number", person.national_id),
                names("wife", "هند العنزي", "Hind Al-Anazi"),
                names("son", "عمر محمد العتيبي", "Omar Mohammed Al-Otaibi"),
                day("issued_on", fx.TODAY)]
    if kind is Kind.BIRTH:
        return [names("name", "سعد محمد عبدالله العتيبي", "Saad Mohammed Abdullah Al-Otaibi"),
                ident("id_number", "1098765432"), day("birth_date", fx.TODAY - timedelta(days=9)),
                word("sex", "male"), names("father", person.name_ar, person.name_en),
                names("mother", "هند العنزي", "Hind Al-Anazi"), day("issued_on", fx.TODAY)]
    if kind is Kind.PAYMENT:
        return [ident("bill_number", "3063063350255"), service("service", "visa_extension"),
                ident("beneficiary_id", "3100000000"), money("amount", 11500),
                money("vat", 1500), ident("bank_reference", "RJ-2026-77812"),
                day("paid_on", fx.TODAY)]
    return [names("seller", person.name_ar, person.name_en),
            names("buyer", "سارة العتيبي", "Sarah Alotaibi"),
            text("vehicle", "Toyota Camry 2021"),
            plate("plate", ("ا ب ح 1234", "A B J 1234")), money("price", 4_500_000),
            day("completed_on", fx.TODAY)]


def document(kind: Kind, n: int = 0) -> IssuedDocument:
    return IssuedDocument(id=10 + n, number=NUMBERS[kind], kind=kind.value, source="1",
                          account_id=1, facts=facts(kind), issued_at=fx.NOW - timedelta(days=n))


def printable(kind: Kind):
    return document_pages.render_issued(document(kind), current_language())


def my_documents_with_issued():
    found = [document(kind, n) for n, kind in enumerate(Kind)]
    return account_page("account/documents.html",
                        **document_pages.page_context([], found))


def form_of(typed: str | None = None) -> VerifyForm:
    form = VerifyForm(formdata=MultiDict({"number": typed}) if typed is not None else None)
    if typed is not None:
        form.validate()
    return form


def verify_form():
    return views.render_form(form_of())


def verify_error():
    return views.render_form(form_of("1234 5678 90"), 422)


def verify_answer(lapse: Lapse | None = None, found: bool = True):
    checked = docs.Checked(document(Kind.VISA), lapse) if found else None
    return views.render_answer(form_of(docs.grouped(NUMBERS[Kind.VISA])), checked)


def rate_limited():
    return render_error(429, rate_limit_words(20, "minute", wait=60), retry=True)


# TRANSLATORS: The states gallery for testers (development only): a group's name.
DOCUMENTS = _l("Issued documents")
# TRANSLATORS: The states gallery for testers (development only): a page's name.
PRINTABLE = _l("Printable document")
STATES: list[State] = [
    # TRANSLATORS: states gallery, the My documents page with documents issued through Absher.
    State("documents-issued", DOCUMENTS, document_pages.TITLE,
          _l("With documents issued through Absher"), my_documents_with_issued),
    *[State(f"document-{kind.value.replace('_', '-')}", DOCUMENTS, PRINTABLE, docs.TITLES[kind],
            partial(printable, kind)) for kind in Kind],
    # TRANSLATORS: states gallery, a state of the Verify a document page: as first opened.
    State("verify", DOCUMENTS, views.TITLE, _l("As first opened"), verify_form),
    # TRANSLATORS: states gallery, a state of the Verify a document page: the number typed is
    # not 16 digits.
    State("verify-error", DOCUMENTS, views.TITLE, _l("Number mistyped (422)"), verify_error),
    # TRANSLATORS: states gallery, a state of the Verify a document page.
    State("verify-valid", DOCUMENTS, views.TITLE, _l("Genuine and valid"), verify_answer),
    # TRANSLATORS: states gallery, a state of the Verify a document page.
    State("verify-lapsed", DOCUMENTS, views.TITLE, _l("Genuine, no longer valid"),
          partial(verify_answer, Lapse.CANCELLED)),
    # TRANSLATORS: states gallery, a state of the Verify a document page: a number no
    # document has, or a forged one.
    State("verify-unknown", DOCUMENTS, views.TITLE, _l("Cannot be confirmed"),
          partial(verify_answer, found=False)),
    # TRANSLATORS: states gallery, a state of the Verify a document page: too many checks
    # from one address (429).
    State("verify-rate-limited", DOCUMENTS, views.TITLE, _l("Too many checks (429)"),
          rate_limited),
]
