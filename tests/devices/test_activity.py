"""The security activity: filtered by kind and days (hostile values answered with a
message), read a page at a time along its index, each event in a plain sentence with the
device it came from, and "this wasn't me"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import AuditEvent, utcnow
from absher_web.services import audit
from tests.devices.conftest import IPHONE, WINDOWS, browser, post_form, rows_of
from tests.pages import parse

ACTIVITY = "/en/account/activity"


def add_events(app, account_id: int, kinds: list[str], start, step=timedelta(hours=1)):
    with app.app_context(), db.transaction() as session:
        for n, kind in enumerate(kinds):
            audit.record(session, kind, start - n * step, account_id)


def listed(response) -> list[str]:
    return [row.find("td").get_text(" ", strip=True)
            for row in parse(response).select("main tbody tr")]


def test_the_filter_by_kind_and_days(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox)
    day = utcnow().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=10)
    add_events(app, account.id, ["password_changed", "birth_registered", "sign_in_failed"],
               day, step=timedelta(days=2))
    signins = listed(here.client.get(ACTIVITY, query_string={"kind": "sign_ins"}))
    assert signins[0].startswith("Signed in") and any("Wrong password" in s for s in signins)
    assert not any("Password changed" in s for s in signins)
    changes = listed(here.client.get(ACTIVITY, query_string={"kind": "account"}))
    assert changes == ["Password changed"]
    first = (day - timedelta(days=4)).date().isoformat()
    last = (day - timedelta(days=1)).date().isoformat()
    between = listed(here.client.get(ACTIVITY, query_string={"since": first, "until": last}))
    assert len(between) == 2 and not any("Password changed" in s for s in between)
    arabic_digits = first.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert listed(here.client.get(ACTIVITY, query_string={"since": arabic_digits,
                                                           "until": last})) == between


@pytest.mark.parametrize("query, message", [
    ({"since": "2026-02-30"}, "Enter a real date"),
    ({"until": "99999-01-01"}, "Enter a real date"),
    ({"since": "1900-01-01"}, "Enter a real date"),
    ({"since": "\x00\u202e2026-01-01"}, "Enter a real date"),
    ({"since": "2026-05-01", "until": "2026-04-01"}, "The last day must be"),
    ({"kind": "everything"}, "Choose a kind of activity"),
    ({"after": "1.1"}, "cannot be shown"),
    ({"after": "9" * 500}, "cannot be shown"),
    ({"after": "17000000000000000.2147483648"}, "cannot be shown"),
])
def test_hostile_filters_are_answered_with_a_message(app, make_account, sms_outbox, query,
                                                     message):
    here = browser(app, make_account(), sms_outbox)
    answer = here.client.get(ACTIVITY, query_string=query)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)


def test_pages_follow_each_other_without_gaps_or_repeats(app, make_account, sms_outbox):
    app.config["ACTIVITY_PAGE_SIZE"] = 7
    account = make_account()
    here = browser(app, account, sms_outbox)
    start = utcnow() - timedelta(minutes=5)
    # Twelve of them at the very same moment: the id breaks the tie.
    add_events(app, account.id, ["email_changed"] * 12, start, step=timedelta(0))
    add_events(app, account.id, ["language_changed"] * 10, start - timedelta(hours=1))
    seen, url, pages = [], ACTIVITY, 0
    while url:
        page = parse(here.client.get(url))
        seen += [row.find("a")["href"] for row in page.select("main tbody tr")]
        older = page.find("a", string="Older activity")
        url = older["href"] if older else None
        pages += 1
    assert pages == 4 and len(seen) == 23 == len(set(seen))


def test_events_say_which_device_they_came_from(app, make_account, sms_outbox):
    from tests.conftest import PASSWORD

    account = make_account()
    browser(app, account, sms_outbox, IPHONE)
    computer = browser(app, account, sms_outbox, WINDOWS)
    post_form(computer.client, "/en/account/password", "/en/account/password",
              current_password=PASSWORD, new_password="Nw9rTz4wLpQ",
              confirm_new_password="Nw9rTz4wLpQ")
    text = parse(computer.client.get(ACTIVITY)).main.get_text(" ", strip=True)
    assert "Password changed From a new device: Windows computer, Chrome." in text
    assert "Signed in From iPhone, Safari." in text


def test_this_wasnt_me_signs_out_everywhere_and_says_what_next(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox, IPHONE)
    other = browser(app, account, sms_outbox, WINDOWS)
    with app.app_context():
        event_id = db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.account_id == account.id).order_by(AuditEvent.id.desc()).limit(1))
    confirm = here.client.get(f"{ACTIVITY}/not-me", query_string={"event": event_id})
    assert "Signed in" in parse(confirm).main.get_text()
    answer = post_form(here.client, f"{ACTIVITY}/not-me?event={event_id}",
                       f"{ACTIVITY}/not-me", event=str(event_id))
    assert answer.status_code == 303
    assert here.client.get("/en/account/").status_code == 302
    assert other.client.get("/en/account/").status_code == 302
    assert all(row.signed_out_at is not None for row in rows_of(app, account.id))
    login = here.client.get("/en/individuals/login").get_data(as_text=True)
    assert "You were signed out on every device" in login and "920020405" in login
    with app.app_context():
        reported = db.session.scalar(select(AuditEvent).where(
            AuditEvent.account_id == account.id, AuditEvent.kind == "not_me_reported"))
        assert reported.detail["event"] == event_id


def test_another_accounts_event_is_not_shown_nor_recorded(app, make_account, sms_outbox):
    mine, theirs = make_account(), make_account()
    here = browser(app, mine, sms_outbox)
    with app.app_context():
        their_event = db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.account_id == theirs.id).limit(1))
    add_events(app, theirs.id, ["password_changed"], utcnow())
    confirm = here.client.get(f"{ACTIVITY}/not-me", query_string={"event": their_event or 1})
    assert confirm.status_code == 200 and "Password changed" not in confirm.get_data(as_text=True)
    for hostile in ("\x00", "9" * 50, "-1", "١٢"):
        assert here.client.get(f"{ACTIVITY}/not-me",
                               query_string={"event": hostile}).status_code == 200
