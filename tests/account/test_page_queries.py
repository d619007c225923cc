"""What every signed-in page asks before its own queries (the session with its account, the
security answers the guard counts, the header's unread count) is one query; a page that
writes shows the count as it is after its write."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import ActivationState, utcnow
from absher_web.services import audit
from tests.account.conftest import Citizen
from tests.inbox.test_inbox_page import fill, header_link


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Citizen:
    citizen = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    citizen.sign_in()
    return citizen


# Pages whose own reads are one query: Payments' count of bills by state, My vehicles'
# bills (those to pay and the latest others together).
@pytest.mark.parametrize("page", ["/en/account/payments", "/en/account/services/vehicles"])
def test_the_session_the_answers_and_the_unread_count_are_one_query(app, client, holder,
                                                                     queries, page):
    fill(app, holder.account, 2)
    queries.clear()
    link = header_link(client.get(page))
    assert link.select_one(".badge").get_text() == "2"
    first, *own = queries
    assert all(table in first for table in ("device_sessions", "security_answers",
                                            "inbox_messages"))
    assert len(own) == 1 and "bills" in own[0], own


def test_the_home_page_reads_its_history_and_the_answers_waiting_in_one_query_each(
        client, holder, queries):
    queries.clear()
    assert client.get("/en/account/").status_code == 200
    _session, *own = queries
    history = [q for q in own if "audit_events" in q]
    waiting = [q for q in own if "driving_authorisations" in q and "vehicle_sales" in q]
    assert len(history) == 1 and len(waiting) == 1, own
    assert len(own) == 3, own  # and the holder's registry record


def test_the_sign_in_before_this_one_is_found_behind_ten_newer_events(app, make_account):
    account = make_account(state=ActivationState.ACTIVE)
    start = utcnow() - timedelta(hours=1)
    with app.app_context(), db.transaction() as session:
        audit.record(session, "signed_in", start, account.id)
        for minute in range(1, 13):
            audit.record(session, "password_changed", start + timedelta(minutes=minute),
                         account.id)
        audit.record(session, "signed_in", start + timedelta(minutes=13), account.id)
    with app.app_context():
        recent, previous = audit.recent_and_previous_sign_in(db.session, account.id)
        assert [event.created_at for event in recent] == [
            start + timedelta(minutes=minute) for minute in range(13, 3, -1)]
        assert previous.kind == "signed_in" and previous.created_at == start


def test_a_page_that_marks_a_message_read_counts_again(app, client, holder, queries):
    first, _second = fill(app, holder.account, 2)
    queries.clear()
    opened = client.get(f"/en/account/inbox/{first}")
    assert opened.status_code == 200
    assert header_link(opened).select_one(".badge").get_text() == "1"
    # Read with the session, then again after the message was marked read.
    marked = next(n for n, q in enumerate(queries) if q.lstrip().upper().startswith("UPDATE"))
    assert any(q.lstrip().startswith("SELECT count(*)") and "inbox_messages" in q
               for q in queries[marked:])


def test_without_its_questions_an_account_still_goes_to_set_them(client, make_account,
                                                                   sms_outbox):
    citizen = Citizen(client, make_account(with_questions=False), sms_outbox)
    citizen.sign_in()
    answer = client.get("/en/account/payments")
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].endswith("/en/account/security-questions")


@pytest.mark.parametrize("account_id", ["²", "①", "9" * 5000, "99999999999", "-1", " 1", ""])
def test_a_session_naming_no_possible_account_is_no_session(app, account_id):
    # A signed session cookie is forged only with the secret key; even then, an id that is
    # no account's number is refused before it reaches the database, never a 500.
    from absher_web.extensions import db
    from absher_web.services import devices

    with app.app_context():
        assert devices.signed_in(db.session, account_id, "token", "secret") is None
