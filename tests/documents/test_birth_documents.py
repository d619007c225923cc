"""A birth registered gets its document: the child, the date of birth, the parents."""

from __future__ import annotations

from absher_web.services import issued_documents as docs
from tests.births.conftest import child_of, father, father_family  # noqa: F401 (fixtures)
from tests.documents.helpers import assert_verifies_as_printed, facts_shown, the_document, verify


def test_a_birth_registration_verifies_as_printed(app, father):  # noqa: F811
    father.choose(delivery="office")
    assert father.confirm(delivery="office", total=0).status_code == 303
    child = child_of(app)
    document = the_document(app, docs.Kind.BIRTH)
    assert document.source == child.national_id
    assert_verifies_as_printed(father.client, app.test_client(), document.number)
    shown = dict(facts_shown(verify(app.test_client(), document.number)))
    assert shown["ID number"] == child.national_id and "Father" in shown
