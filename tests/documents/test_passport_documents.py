"""A passport request's receipt is issued with the request; withdrawn, it no longer holds."""

from __future__ import annotations

from datetime import timedelta

from absher_web.services import issued_documents as docs
from tests.documents.helpers import answer_of, assert_verifies_as_printed, the_document, verify
from tests.pages import parse
from tests.passports.conftest import (  # noqa: F401 (fixtures)
    TODAY,
    add_passport,
    guardian,
    household,
    the_request,
)


def test_a_passport_requests_receipt_verifies_until_the_request_is_withdrawn(
        app, guardian):  # noqa: F811
    add_passport(app, guardian.me, TODAY + timedelta(days=30))
    assert guardian.confirm(years="10", delivery="office", office_city="الرياض",
                            fee=60000).status_code == 303
    asked = the_request(app)
    document = the_document(app, docs.Kind.PASSPORT_RECEIPT)
    assert document.source == asked.number
    assert_verifies_as_printed(guardian.client, app.test_client(), document.number)
    assert guardian.withdraw(asked.number).status_code == 303
    assert answer_of(verify(app.test_client(), document.number)) == "lapsed"


def test_my_requests_links_to_the_receipt(app, guardian):  # noqa: F811
    add_passport(app, guardian.me, TODAY + timedelta(days=30))
    guardian.confirm(years="10", delivery="office", office_city="الرياض", fee=60000)
    document = the_document(app, docs.Kind.PASSPORT_RECEIPT)
    page = parse(guardian.client.get("/en/account/requests"))
    link = page.select_one(f'a[href="/en/account/documents/issued/{document.number}"]')
    assert link is not None and "Receipt of a passport request" in link.get_text()
