"""A birth registered gets its document: the child, the date of birth, the parents."""

from __future__ import annotations

from absher_web.extensions import db
from absher_web.models import Account, FamilyRecordKind, utcnow
from absher_web.services import family_records
from absher_web.services import issued_documents as docs
from tests.births.conftest import child_of, father, father_family  # noqa: F401 (fixtures)
from tests.documents.helpers import (
    answer_of,
    assert_verifies_as_printed,
    facts_shown,
    the_document,
    verify,
)


def test_a_birth_registration_verifies_as_printed(app, father):  # noqa: F811
    father.choose(delivery="office")
    assert father.confirm(delivery="office", total=0).status_code == 303
    child = child_of(app)
    document = the_document(app, docs.Kind.BIRTH)
    assert document.source == child.national_id
    assert_verifies_as_printed(father.client, app.test_client(), document.number)
    shown = dict(facts_shown(verify(app.test_client(), document.number)))
    assert shown["ID number"] == child.national_id and "Father" in shown


def test_a_birth_reissues_the_fathers_family_record_with_the_child(app, father):  # noqa: F811
    with app.app_context():
        account = db.session.get(Account, father.account.id)
        applied = family_records.apply(db.session, account, FamilyRecordKind.MARRIAGE,
                                       utcnow())
    assert not isinstance(applied, family_records.Check)
    before = the_document(app, docs.Kind.FAMILY_RECORD)
    father.choose(delivery="office")
    assert father.confirm(delivery="office", total=0).status_code == 303
    after = the_document(app, docs.Kind.FAMILY_RECORD)
    assert after.number != before.number
    anyone = app.test_client()
    assert answer_of(verify(anyone, before.number)) == "lapsed"
    shown = facts_shown(verify(anyone, after.number))
    assert any(label == "Son" and child_of(app).name_en in value for label, value in shown)
