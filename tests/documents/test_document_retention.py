"""Issued documents are kept as long as paid bills, from the issue; then /verify cannot
confirm them."""

from __future__ import annotations

from datetime import timedelta

from absher_web.extensions import db
from absher_web.models import utcnow
from absher_web.services import issued_documents as docs
from absher_web.services import retention
from absher_web.services.document_facts import ident
from tests.documents.helpers import answer_of, documents_of, verify


def test_a_document_past_keeping_is_purged_and_no_longer_confirmed(app, make_account):
    account = make_account()
    now = utcnow()
    policy = retention.RetentionPolicy.from_config(app.config)
    with app.test_request_context(), db.transaction() as session:
        old = docs.issue(session, docs.Kind.PAYMENT, 1, [ident("bill_number", "1")],
                         now - policy.paid_bills - timedelta(days=1), account)
        young = docs.issue(session, docs.Kind.PAYMENT, 2, [ident("bill_number", "2")],
                           now - policy.paid_bills + timedelta(days=1), account)
        numbers = old.number, young.number
    with app.app_context():
        report = retention.purge(db.transaction, policy, now)
    assert report["issued documents"] == 1
    assert [d.number for d in documents_of(app)] == [numbers[1]]
    assert answer_of(verify(app.test_client(), numbers[0])) == "unknown"
