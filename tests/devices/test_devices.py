"""Devices: one row per signed-in session, each one signed out on its own, none reopened by a
copy of its cookie; the check on each request stays one read."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import event, select

from absher_web.extensions import db
from absher_web.models import Account, AuditEvent, utcnow
from absher_web.services import devices, retention
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.test_sessions import copy_of_cookies
from tests.devices.conftest import (
    ANDROID,
    IPHONE,
    WINDOWS,
    browser,
    new_device_texts,
    post_form,
    rows_of,
)
from tests.pages import parse

DEVICES = "/en/account/devices"


def test_a_sign_in_adds_its_row_and_the_page_marks_this_device(app, make_account, sms_outbox):
    account = make_account()
    phone = browser(app, account, sms_outbox, IPHONE)
    computer = browser(app, account, sms_outbox, WINDOWS)
    [first, second] = rows_of(app, account.id)
    assert (first.device, first.browser) == ("iphone", "safari")
    assert (second.device, second.browser) == ("windows", "chrome")
    assert first.id != first.public_id and len(first.id) == 64  # the secret's digest
    page = parse(phone.client.get(DEVICES))
    items = [item.get_text(" ", strip=True) for item in page.select("main li")]
    assert any("iPhone, Safari" in item and "This device" in item for item in items)
    assert any("Windows computer, Chrome" in item and "This device" not in item
               for item in items)
    assert computer.client.get(DEVICES).status_code == 200


def test_signing_a_device_out_ends_it_and_every_copy_of_its_cookie(app, make_account,
                                                                   sms_outbox):
    account = make_account()
    phone = browser(app, account, sms_outbox, IPHONE)
    lost = browser(app, account, sms_outbox, WINDOWS)
    thief = copy_of_cookies(lost.client, app)
    assert thief.get("/en/account/").status_code == 200
    lost_row = rows_of(app, account.id)[1]

    answer = post_form(phone.client, DEVICES, "/en/account/devices/sign-out",
                       device=lost_row.public_id)
    assert answer.status_code == 303
    assert "That device is signed out" in phone.client.get(DEVICES).get_data(as_text=True)
    assert thief.get("/en/account/").status_code == 302
    assert lost.client.get("/en/account/").status_code == 302
    assert phone.client.get("/en/account/").status_code == 200
    assert rows_of(app, account.id)[1].signed_out_at is not None


def test_another_accounts_device_cannot_be_signed_out(app, make_account, sms_outbox):
    mine, theirs = make_account(), make_account()
    me = browser(app, mine, sms_outbox)
    them = browser(app, theirs, sms_outbox)
    their_row = rows_of(app, theirs.id)[0]
    post_form(me.client, DEVICES, "/en/account/devices/sign-out", device=their_row.public_id)
    assert "already signed out" in me.client.get(DEVICES).get_data(as_text=True)
    assert them.client.get("/en/account/").status_code == 200


def test_sign_out_everywhere_else_keeps_this_one(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox, IPHONE)
    others = [browser(app, account, sms_outbox, agent) for agent in (WINDOWS, ANDROID)]
    answer = post_form(here.client, DEVICES, "/en/account/devices/sign-out-others")
    assert answer.status_code == 303
    assert here.client.get(DEVICES).status_code == 200
    assert [other.client.get("/en/account/").status_code for other in others] == [302, 302]
    ended = [row.signed_out_at is not None for row in rows_of(app, account.id)]
    assert ended == [False, True, True]


def test_signing_this_device_out_from_the_page_signs_out_here(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox)
    row = rows_of(app, account.id)[0]
    answer = post_form(here.client, DEVICES, "/en/account/devices/sign-out",
                       device=row.public_id)
    assert answer.headers["Location"].endswith("/en/individuals/login")
    assert here.client.get("/en/account/").status_code == 302
    assert rows_of(app, account.id)[0].signed_out_at is not None


def test_a_password_change_ends_every_other_device(app, make_account, sms_outbox):
    from tests.conftest import PASSWORD

    account = make_account()
    here = browser(app, account, sms_outbox, IPHONE)
    other = browser(app, account, sms_outbox, WINDOWS)
    answer = post_form(here.client, "/en/account/password", "/en/account/password",
                       current_password=PASSWORD, new_password="Nw9rTz4wLpQ",
                       confirm_new_password="Nw9rTz4wLpQ")
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    assert here.client.get("/en/account/").status_code == 200
    assert other.client.get("/en/account/").status_code == 302
    assert [row.signed_out_at is None for row in rows_of(app, account.id)] == [True, False]


def test_sign_out_of_all_devices_ends_every_row(app, make_account, sms_outbox):
    account = make_account()
    here, other = (browser(app, account, sms_outbox, agent) for agent in (IPHONE, WINDOWS))
    post_form(here.client, "/en/account/", "/en/individuals/sign-out-everywhere")
    assert here.client.get("/en/account/").status_code == 302
    assert other.client.get("/en/account/").status_code == 302
    assert all(row.signed_out_at is not None for row in rows_of(app, account.id))


def test_a_forged_or_garbage_session_id_opens_nothing(app, make_account, sms_outbox):
    mine, theirs = make_account(), make_account()
    me = browser(app, mine, sms_outbox)
    them = browser(app, theirs, sms_outbox)
    with them.client.session_transaction() as stolen:
        their_secret = stolen["device"]
    for forged in ("", "x" * 5000, "\x00\udcff", 12345, None, their_secret):
        probe = copy_of_cookies(me.client, app)
        with probe.session_transaction() as held:
            held["device"] = forged
        assert probe.get("/en/account/").status_code == 302, forged
    assert me.client.get("/en/account/").status_code == 200


def test_a_new_device_is_texted_once_in_the_holders_language(app, make_account, sms_outbox):
    account = make_account(language="ar")
    browser(app, account, sms_outbox, IPHONE)  # the account's first sign-in: nothing to tell
    browser(app, account, sms_outbox, IPHONE)  # the same device again
    assert new_device_texts(sms_outbox, account.mobile) == []
    browser(app, account, sms_outbox, WINDOWS)
    browser(app, account, sms_outbox, WINDOWS)
    [text] = new_device_texts(sms_outbox, account.mobile)
    assert "جهاز جديد" in text and "920020405" in text


def test_twenty_sign_ins_at_once_make_twenty_rows_and_one_text(app, make_account, sms_outbox):
    account = make_account()
    browser(app, account, sms_outbox, IPHONE)

    def sign_in() -> bool:
        with app.app_context():
            held = db.session.get(Account, account.id)
            opened = devices.open_session(db.session, held, ANDROID, "127.0.0.1", utcnow(),
                                          None)
            db.session.commit()
            devices.tell(db.session, opened, utcnow())
            return opened.new_device

    assert sum(at_once([sign_in] * 20)) == 1
    rows = rows_of(app, account.id)
    assert len(rows) == 21
    assert sum(row.first_of_device for row in rows if row.device == "android_phone") == 1
    assert len(new_device_texts(sms_outbox, account.mobile)) == 1


def test_the_same_device_signed_out_by_many_tabs_at_once_is_recorded_once(
        app, make_account, sms_outbox):
    open_limits(app)
    account = make_account()
    here = browser(app, account, sms_outbox, IPHONE)
    browser(app, account, sms_outbox, WINDOWS)
    target = rows_of(app, account.id)[1].public_id
    token = parse(here.client.get(DEVICES)).find("input", attrs={"name": "csrf_token"})["value"]
    tabs = same_browser(app, here.client, 20)
    answers = at_once([lambda tab=tab: tab.post("/en/account/devices/sign-out", data={
        "csrf_token": token, "device": target}).status_code for tab in tabs])
    assert set(answers) == {303}
    with app.app_context():
        kinds = list(db.session.scalars(select(AuditEvent.kind).where(
            AuditEvent.account_id == account.id, AuditEvent.kind == "device_signed_out")))
    assert kinds == ["device_signed_out"]


def test_the_check_on_each_request_is_one_read(app, make_account, sms_outbox):
    """As before devices had rows: one primary-key read (now of the row, with its account
    joined), and no write."""
    account = make_account()
    here = browser(app, account, sms_outbox)
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = here.client.get("/en/account/my-data")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    reads = [s for s in statements if "device_sessions" in s]
    assert len(reads) == 1 and "accounts" in reads[0]  # the row and its account, together
    assert not any("FROM accounts" in s and "device_sessions" not in s for s in statements)
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in statements)


def test_last_seen_is_written_at_most_once_every_few_minutes(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox)
    first = rows_of(app, account.id)[0].last_seen_at
    with time_machine.travel(utcnow() + timedelta(minutes=2)):
        assert here.client.get("/en/account/").status_code == 200
    assert rows_of(app, account.id)[0].last_seen_at == first
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        assert here.client.get("/en/account/").status_code == 200
    assert rows_of(app, account.id)[0].last_seen_at > first


def test_an_idle_session_ends_its_row(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox)
    with time_machine.travel(utcnow() + timedelta(minutes=30)):
        assert here.client.get("/en/account/").status_code == 302
    assert rows_of(app, account.id)[0].signed_out_at is not None


def test_ended_rows_are_purged_after_their_keeping(app, make_account, sms_outbox):
    account = make_account()
    here = browser(app, account, sms_outbox)
    post_form(here.client, "/en/account/", "/en/individuals/sign-out")
    browser(app, account, sms_outbox)  # still signed in: kept
    policy = retention.RetentionPolicy.from_config(app.config)
    with app.app_context():
        report = retention.purge(db.transaction, policy, utcnow() + timedelta(days=30))
        assert report["device sessions"] == 0
        report = retention.purge(db.transaction, policy,
                                 utcnow() + policy.device_sessions + timedelta(days=1))
    assert report["device sessions"] == 2  # the live one was last seen that long ago too
    assert rows_of(app, account.id) == []


def test_the_export_describes_each_session(app, make_account, sms_outbox):
    import json

    account = make_account()
    browser(app, account, sms_outbox, IPHONE)
    with app.app_context():
        held = db.session.get(Account, account.id)
        [row] = devices.for_export(db.session, held)
    text = json.dumps(row)
    stored = rows_of(app, account.id)[0]
    assert stored.id not in text and stored.public_id not in text
    assert row["device"] == "iphone" and row["browser"] == "safari"
    assert row["signed_out"] is None and row["first_seen"].startswith("20")


def test_user_agents_are_read_and_hostile_ones_are_harmless():
    assert devices.summary(IPHONE) == ("iphone", "safari")
    assert devices.summary(WINDOWS) == ("windows", "chrome")
    assert devices.summary(ANDROID) == ("android_phone", "samsung")
    assert devices.summary("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
                           "Firefox/128.0") == ("linux", "firefox")
    assert devices.summary(None) == ("other", "other")
    assert devices.summary("\x00\u202e" * 100_000 + "iPhone") == ("other", "other")
    assert devices.summary("(" * 10_000_000) == ("other", "other")


def test_devices_need_a_signed_in_holder(client):
    assert client.get(DEVICES).status_code == 302
    assert client.post("/en/account/devices/sign-out-others").status_code in (302, 400)


def test_a_password_recovery_ends_every_device(app, make_account, sms_outbox):
    from tests.recovery.test_recovery import Recoverer

    account = make_account()
    devices_in_use = [browser(app, account, sms_outbox, agent) for agent in (IPHONE, WINDOWS)]
    recoverer = Recoverer(app, app.test_client(), account)
    assert recoverer.start().status_code == 303
    assert recoverer.answer().status_code == 303
    assert recoverer.code(sms_outbox).status_code == 303
    assert recoverer.new_password().headers["Location"] == "/en/recover/done"
    assert [d.client.get("/en/account/").status_code for d in devices_in_use] == [302, 302]
    assert all(row.signed_out_at is not None for row in rows_of(app, account.id))
