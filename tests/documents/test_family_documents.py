"""A family record issued at once gets its document, listing its members."""

from __future__ import annotations

from absher_web.services import issued_documents as docs
from tests.documents.helpers import assert_verifies_as_printed, facts_shown, the_document, verify
from tests.family_records.test_family_records import (  # noqa: F401 (fixtures)
    husband,
    husband_family,
    records,
)


def test_a_family_record_verifies_as_printed_with_its_members(app, husband):  # noqa: F811
    assert husband.apply().status_code == 303
    [record] = records(app)
    document = the_document(app, docs.Kind.FAMILY_RECORD)
    assert document.source == str(record.id)
    assert_verifies_as_printed(husband.client, app.test_client(), document.number)
    shown = facts_shown(verify(app.test_client(), document.number))
    assert ("Family record number", record.number) in shown
    assert [label for label, _ in shown].count("Son") == 1
    assert any(label == "Wife" and "Hind Al-Anazi" in value for label, value in shown)
