"""Who looked at my data: the record of a look, its reason, and the pages of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import StaffLook, StaffUser, utcnow
from absher_web.services import staff_looks
from tests.pages import parse
from tests.staff.conftest import Console, add_officer

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free


@pytest.fixture
def officer(app) -> StaffUser:
    return add_officer(app)


def looks_at(app, national_id: str) -> list[StaffLook]:
    with app.app_context():
        return list(db.session.scalars(select(StaffLook).where(
            StaffLook.person_id == national_id).order_by(StaffLook.id)))


class TestReason:
    def test_a_known_reason_is_taken_with_or_without_words(self):
        assert staff_looks.Reason("holder_at_office").note is None
        assert staff_looks.Reason("official_letter", "Letter 44/1448").note == "Letter 44/1448"

    @pytest.mark.parametrize(("key", "note"), [
        ("", None), ("curious", None), ("other", None), ("other", "  "),
        ("holder_at_office", "x" * (staff_looks.NOTE_MAX + 1)),
        ("other", "a\x00b"), ("other", "a\u202eb"),  # never stored: the holder reads it
    ])
    def test_anything_else_is_refused(self, key, note):
        with pytest.raises(ValueError):
            staff_looks.Reason(key, note)


class TestRecord:
    def test_a_look_keeps_the_role_office_reason_and_officer(self, app, officer, make_person):
        national_id = make_person()
        with app.app_context():
            staff = db.session.get(StaffUser, officer.id)
            staff_looks.record(db.session, staff=staff, person_national_id=national_id,
                               reason=staff_looks.Reason("other", "Court order 12"),
                               now=utcnow())
            db.session.commit()
        [look] = looks_at(app, national_id)
        assert (look.staff_user_id, look.role, look.office, look.reason, look.note) == (
            officer.id, "passports", "Riyadh Passports", "other", "Court order 12")

    def test_the_role_of_the_screen_is_kept_over_the_first(self, app, make_person):
        officer = add_officer(app, "n.alqahtani", roles=("passports", "civil_affairs"),
                              city="Riyadh")
        national_id = make_person()
        with app.app_context():
            staff_looks.record(db.session, staff=db.session.get(StaffUser, officer.id),
                               person_national_id=national_id,
                               reason=staff_looks.Reason("deciding_request"), now=utcnow(),
                               role="civil_affairs")
            db.session.commit()
        assert [look.role for look in looks_at(app, national_id)] == ["civil_affairs"]


class TestPages:
    def test_newest_first_a_page_at_a_time_each_look_once(self, app, officer, make_person):
        national_id, other = make_person(), make_person()
        start = utcnow() - timedelta(days=3)
        with app.app_context():
            staff = db.session.get(StaffUser, officer.id)
            for minute in range(45):  # some at the same moment: the id breaks the tie
                for person in (national_id, other):
                    staff_looks.record(db.session, staff=staff, person_national_id=person,
                                       reason=staff_looks.Reason("holder_at_office"),
                                       now=start + timedelta(minutes=minute // 2))
            db.session.commit()
            seen, cursor, pages = [], None, 0
            while True:
                page = staff_looks.of_person(db.session, national_id, cursor, size=20)
                seen += page.looks
                pages += 1
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
        assert pages == 3
        assert len(seen) == len({look.id for look in seen}) == 45
        assert {look.person_id for look in seen} == {national_id}
        order = [(look.created_at, look.id) for look in seen]
        assert order == sorted(order, reverse=True)

    @pytest.mark.parametrize("cursor", ["", "x", "1.2.3", "-5.1", "9" * 39 + ".1", "١٢.٣",
                                        "99999999999999999999999.1", None])
    def test_a_cursor_altered_by_hand_reads_as_the_first_page(self, app, cursor):
        assert staff_looks.parse_cursor(cursor) is None or cursor.startswith("9")
        with app.app_context():
            assert staff_looks.of_person(db.session, "1000000008", cursor).looks == []


class TestConsoleLookup:
    def test_a_lookup_records_a_look_with_the_reason_chosen(self, app, client, officer,
                                                            make_account):
        account = make_account()
        console = Console(client, officer)
        console.sign_in()
        response = console.look_up(account.national_id, "other", "Court order 12")
        assert response.status_code == 200
        [look] = looks_at(app, account.national_id)
        assert (look.reason, look.note, look.role) == ("other", "Court order 12", "passports")

    @pytest.mark.parametrize(("reason", "note", "said"), [
        ("", "", "Choose why you are opening this holder's record"),
        ("curious", "", "Choose why you are opening this holder's record"),
        ("other", "", "Write the reason: the holder reads it"),
        ("other", "x" * 201, "Write the reason in 200 characters or fewer"),
        ("other", "a\u202eb", "This contains characters that cannot be used"),
    ])
    def test_without_a_reason_nothing_is_shown_or_recorded(self, app, client, officer,
                                                           make_account, reason, note, said):
        account = make_account()
        console = Console(client, officer)
        console.sign_in()
        response = console.look_up(account.national_id, reason, note)
        assert response.status_code == 422
        text = parse(response).get_text(" ", strip=True)
        assert said in text
        assert "Sarah" not in text and "Account status" not in text
        assert looks_at(app, account.national_id) == []
