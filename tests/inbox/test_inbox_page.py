"""The inbox page: newest first, a page at a time, each message marked read when opened
(once, however many tabs open it at once), "mark all as read", nobody else's messages, and
the unread count in the header of every signed-in page, seen and heard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from absher_web.extensions import db
from absher_web.models import ActivationState, InboxMessage, Language
from absher_web.services import inbox
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def fill(app, account, count: int, read: bool = False, start: datetime = NOW) -> list[str]:
    """``count`` messages, one a minute from ``start``; their public ids, oldest first."""
    with app.app_context(), db.transaction() as session:
        made = [inbox.keep(session, account.id, "passport_notice", f"Absher: message {n}.",
                           Language.ENGLISH, start + timedelta(minutes=n),
                           link="passports.page") for n in range(count)]
        if read:
            for message in made:
                message.read_at = start
        session.flush()
        return [message.public_id for message in made]


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Citizen:
    citizen = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    citizen.sign_in()
    return citizen


def header_link(response):
    return parse(response).select_one("header a.inbox-link")


def test_the_header_says_how_many_are_unread_in_words_and_as_a_badge(app, client, holder):
    link = header_link(client.get("/en/account/"))
    assert link.select_one(".badge") is None
    assert link.select_one(".visually-hidden").get_text() == "Inbox, no unread message"
    fill(app, holder.account, 1)
    link = header_link(client.get("/en/account/my-data"))
    assert link.select_one(".badge").get_text() == "1"
    assert link.select_one(".visually-hidden").get_text() == "Inbox, 1 unread message"
    assert link.select_one("[aria-hidden=true]") is not None  # the badge is not read twice
    fill(app, holder.account, 2)
    assert header_link(client.get("/en/account/")).select_one(
        ".visually-hidden").get_text() == "Inbox, 3 unread messages"
    # Arabic: its plural forms.
    assert header_link(client.get("/ar/account/")).select_one(
        ".visually-hidden").get_text() == "صندوق الرسائل، 3 رسائل غير مقروءة"


def test_more_than_99_unread_are_shown_as_99_plus_counting_no_further(app, client, holder):
    fill(app, holder.account, 150)
    statements = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if "inbox_messages" in statement:
            statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.get("/en/account/")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    link = header_link(response)
    assert link.select_one(".badge").get_text() == "99+"
    assert link.select_one(".visually-hidden").get_text() == \
        "Inbox, more than 99 unread messages"
    # One statement, reading at most 100 entries of the unread index.
    assert len(statements) == 1 and "LIMIT" in statements[0].upper()


def test_signed_out_pages_and_the_officer_console_have_no_inbox(client):
    assert header_link(client.get("/en/")) is None
    assert header_link(client.get("/en/individuals/login")) is None
    assert header_link(client.get("/en/staff/sign-in")) is None


def test_the_list_is_newest_first_a_page_at_a_time(app, client, holder):
    app.config["INBOX_PAGE_SIZE"] = 5
    ids = fill(app, holder.account, 12)
    first = parse(client.get("/en/account/inbox"))
    shown = [a["href"].rsplit("/", 1)[1] for a in first.select(".inbox h2 a")]
    assert shown == ids[::-1][:5]
    older = first.select_one("nav.pager a[rel=next]")["href"]
    second = parse(client.get(older))
    assert [a["href"].rsplit("/", 1)[1] for a in second.select(".inbox h2 a")] == \
        ids[::-1][5:10]
    third = parse(client.get(second.select_one("nav.pager a[rel=next]")["href"]))
    assert [a["href"].rsplit("/", 1)[1] for a in third.select(".inbox h2 a")] == ids[::-1][10:]
    assert third.select_one("nav.pager a[rel=next]") is None
    assert "12 messages are unread." in first.get_text()
    assert all(item.select_one("strong").get_text() == "Unread"
               for item in first.select(".inbox__item--unread"))


@pytest.mark.parametrize("cursor", ["abc", "-1", "0", "99999999999", "٣", "1e5", "2147483648"])
def test_a_cursor_that_is_no_message_id_is_no_page(client, holder, cursor):
    assert client.get("/en/account/inbox", query_string={"before": cursor}).status_code == 404


def test_an_empty_inbox_says_so(client, holder):
    page = parse(client.get("/en/account/inbox"))
    assert page.select(".inbox") == [] and "Your inbox is empty" in page.get_text()
    assert page.select_one("form[action$='/read-all']") is None


def test_opening_a_message_marks_it_read_once_and_links_to_its_page(app, client, holder):
    [public_id] = fill(app, holder.account, 1)
    page = parse(client.get(f"/en/account/inbox/{public_id}"))
    assert page.select_one(".notice p").get_text() == "Absher: message 0."
    assert page.select_one("a[href='/en/account/passports']") is not None
    with app.app_context():
        first_read = db.session.scalar(select(InboxMessage.read_at))
    assert first_read is not None
    client.get(f"/ar/account/inbox/{public_id}")
    with app.app_context():
        assert db.session.scalar(select(InboxMessage.read_at)) == first_read
    assert header_link(client.get("/en/account/")).select_one(".badge") is None


def test_another_holders_message_is_not_found(app, client, holder, make_account):
    [theirs] = fill(app, make_account(state=ActivationState.ACTIVE), 1)
    assert client.get(f"/en/account/inbox/{theirs}").status_code == 404
    assert client.get("/en/account/inbox/no-such-message").status_code == 404
    assert client.get("/en/account/inbox/" + "x" * 300).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(InboxMessage.read_at)) is None
    assert theirs not in client.get("/en/account/inbox").get_data(as_text=True)


def test_signed_out_the_inbox_leads_to_sign_in(client):
    response = client.get("/en/account/inbox")
    assert response.status_code == 302 and "/individuals/login" in response.location


def test_mark_all_as_read_marks_only_the_holders_own(app, client, holder, make_account):
    fill(app, holder.account, 3)
    other = make_account(state=ActivationState.ACTIVE)
    fill(app, other, 2)
    page = client.get("/en/account/inbox")
    response = client.post("/en/account/inbox/read-all", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    after = parse(client.get(response.location))
    assert "3 messages marked as read." in after.select_one(".notice[role=status]").get_text()
    assert after.select(".inbox__item--unread") == []
    with app.app_context():
        assert inbox.unread_count(db.session, holder.account.id) == 0
        assert inbox.unread_count(db.session, other.id) == 2


def test_mark_all_as_read_without_its_token_changes_nothing(app, client, holder):
    fill(app, holder.account, 2)
    assert client.post("/en/account/inbox/read-all").status_code in (303, 400)
    with app.app_context():
        assert inbox.unread_count(db.session, holder.account.id) == 2


def test_many_tabs_opening_one_message_at_once_mark_it_read_once(app, client, holder):
    open_limits(app)
    [public_id] = fill(app, holder.account, 1)
    tabs = same_browser(app, client, 20)
    codes = at_once([lambda tab=tab: tab.get(f"/en/account/inbox/{public_id}").status_code
                     for tab in tabs])
    assert set(codes) == {200}
    with app.app_context():
        [message] = db.session.scalars(select(InboxMessage))
        assert message.read_at is not None


def test_concurrent_mark_read_is_done_by_exactly_one(app, make_account):
    account = make_account()
    [public_id] = fill(app, account, 1)

    def mark() -> bool:
        with app.app_context():
            found = inbox.own(db.session, account.id, public_id)
            done = inbox.mark_read(db.session, found, datetime.now(UTC))
            db.session.commit()
            return done

    assert sorted(at_once([mark] * 20)) == [False] * 19 + [True]


def test_the_export_lists_the_holders_messages(app, make_account):
    account, other = make_account(), make_account()
    fill(app, account, 2, read=True)
    fill(app, other, 1)
    with app.app_context():
        exported = inbox.for_export(db.session, account)
    assert [row["text"] for row in exported] == ["Absher: message 0.", "Absher: message 1."]
    assert exported[0]["sent_at"] == NOW.isoformat() and exported[0]["read_at"] is not None
    assert set(exported[0]) == {"id", "topic", "text", "language", "sent_at", "read_at"}
