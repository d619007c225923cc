"""A completed vehicle sale's contract: one document, printable by the seller and the buyer."""

from __future__ import annotations

from absher_web.models import SaleStatus
from absher_web.services import issued_documents as docs
from tests.account.conftest import Citizen
from tests.documents.helpers import assert_verifies_as_printed, facts_shown, the_document, verify
from tests.vehicle_sales.helpers import act, paid_sale


def test_a_sale_contract_verifies_as_printed_for_both_parties(app, make_account, sms_outbox):
    seller, buyer, _vehicle, sale_id = paid_sale(app, make_account)
    assert act(app, "complete", seller, sale_id) is SaleStatus.COMPLETED
    document = the_document(app, docs.Kind.VEHICLE_SALE)
    assert document.source == str(sale_id)
    for account in (seller, buyer):
        person = Citizen(app.test_client(), account, sms_outbox)
        person.sign_in()
        assert_verifies_as_printed(person.client, app.test_client(), document.number)
    shown = dict(facts_shown(verify(app.test_client(), document.number)))
    assert shown["Price"] == "45,000.00 SAR" and "Seller" in shown and "Buyer" in shown
