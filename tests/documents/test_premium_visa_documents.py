"""A Premium Residency holder's visit visa, once an officer approves it, gets its document."""

from __future__ import annotations

from absher_web.services import issued_documents as docs
from tests.account.conftest import csrf_of
from tests.documents.helpers import assert_verifies_as_printed, facts_shown, the_document, verify
from tests.premium_visas.conftest import holder, holder_account, officer_console  # noqa: F401
from tests.premium_visas.test_premium_visas import paid_request


def test_an_approved_visit_visa_verifies_as_printed(app, holder):  # noqa: F811
    made = paid_request(app, holder)
    console = officer_console(app)
    case = console.client.get(f"/en/staff/passports/requests/{made.number}")
    assert console.client.post(f"/en/staff/passports/requests/{made.number}/approve",
                               data={"csrf_token": csrf_of(case)}).status_code == 303
    document = the_document(app, docs.Kind.VISIT_VISA)
    assert document.source == made.number
    assert_verifies_as_printed(holder.client, app.test_client(), document.number)
    shown = dict(facts_shown(verify(app.test_client(), document.number)))
    assert shown["Passport number"] == "A12345678"
