"""An exit and re-entry visa issued once paid gets its document; extended, a new one
supersedes it; cancelled, it is no longer valid."""

from __future__ import annotations

from absher_web.models import utcnow
from absher_web.services import bills, residency
from absher_web.services import issued_documents as docs
from absher_web.services.eservices import local_today
from tests.account.concurrency import at_once
from tests.documents.helpers import (
    answer_of,
    assert_verifies_as_printed,
    documents_of,
    facts_shown,
    text_of,
    the_document,
    verify,
)
from tests.eservices.billing import pay, the_bill
from tests.eservices.conftest import holder  # noqa: F401 (a fixture)
from tests.eservices.residents import URL
from tests.eservices.test_residency import (  # noqa: F401 (sponsor: a fixture)
    act,
    confirm,
    issue_paid,
    sponsor,
)
from tests.pages import parse


def test_a_visa_verifies_then_an_extension_supersedes_it_and_a_cancellation_ends_it(
        app, sponsor):  # noqa: F811
    sponsoring, worker = sponsor
    anyone = app.test_client()
    visa, _bill = issue_paid(app, sponsoring, worker, months=2)
    first = the_document(app, docs.Kind.VISA)
    assert first.source == str(visa.id)
    assert_verifies_as_printed(sponsoring.client, anyone, first.number)
    shown = dict(facts_shown(verify(anyone, first.number)))
    assert shown["Visa number"] == visa.number and shown["Iqama number"] == worker.person_id

    new_until = residency.add_months(visa.valid_until, 1)
    act(sponsoring, "extend-confirm", item=str(visa.id), months="1", until=new_until.isoformat())
    pay(app, the_bill(app, residency.EXTENSION_BILLS), reference="EXTEND-1")
    second = the_document(app, docs.Kind.VISA)
    assert second.number != first.number
    lapsed = verify(anyone, first.number)
    assert answer_of(lapsed) == "lapsed"
    assert "A newer document was issued in its place." in text_of(parse(lapsed).main)
    assert answer_of(verify(anyone, second.number)) == "valid"

    assert act(sponsoring, "cancel", item=str(visa.id)).status_code == 303
    cancelled = verify(anyone, second.number)
    assert answer_of(cancelled) == "lapsed"
    assert "It was cancelled." in text_of(parse(cancelled).main)
    # The payments made their receipts too, each its own document.
    assert len(documents_of(app, docs.Kind.PAYMENT)) == 2


def test_twenty_payments_at_once_issue_one_visa_document_and_one_receipt(
        app, sponsor):  # noqa: F811
    sponsoring, worker = sponsor
    until = residency.add_months(local_today(utcnow()), 3)
    assert confirm(sponsoring, worker.person_id, until, 30000).status_code == 303
    bill = the_bill(app, residency.VISA_BILLS)
    outcomes = at_once([lambda n=n: pay(app, bill, reference=f"R-{n}") for n in range(20)])
    assert outcomes.count(bills.Outcome.PAID) == 1
    assert len(documents_of(app, docs.Kind.VISA)) == 1
    assert len(documents_of(app, docs.Kind.PAYMENT)) == 1
    assert answer_of(verify(app.test_client(), the_document(app, docs.Kind.VISA).number)) \
        == "valid"


def test_many_checks_at_once_answer_alike(app, sponsor):  # noqa: F811
    sponsoring, worker = sponsor
    issue_paid(app, sponsoring, worker, months=2)
    number = the_document(app, docs.Kind.VISA).number
    answers = at_once([lambda: answer_of(verify(app.test_client(), number))
                       for _ in range(20)])
    assert answers == ["valid"] * 20


def test_the_printable_visa_links_to_its_document(app, sponsor):  # noqa: F811
    sponsoring, worker = sponsor
    visa, _bill = issue_paid(app, sponsoring, worker, months=2)
    document = the_document(app, docs.Kind.VISA)
    page = parse(sponsoring.client.get(f"{URL}/visa/{visa.id}"))
    assert page.select_one(f'a[href="/en/account/documents/issued/{document.number}"]')
