"""Sessions that really end: a copied cookie dies at sign-out; no session outlives its lifetime."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse
from tests.staff.conftest import Console, add_officer


def copy_of_cookies(client, app):
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    name = app.config["SESSION_COOKIE_NAME"]
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def test_a_copied_cookie_opens_nothing_after_sign_out(app, client, make_account, sms_outbox):
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.enter_password()
    citizen.enter_code()
    thief = copy_of_cookies(client, app)
    assert thief.get("/en/account/").status_code == 200  # the copy works while signed in

    home = client.get("/en/account/")
    form = parse(home).find("form", attrs={"action": "/en/individuals/sign-out"})
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post("/en/individuals/sign-out", data={"csrf_token": token}).status_code == 303

    assert thief.get("/en/account/").status_code == 302
    assert client.get("/en/account/").status_code == 302


def test_a_session_ends_at_its_lifetime_however_active(app, client, make_account, sms_outbox):
    app.config["SESSION_LIFETIME_SECONDS"] = 3600
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.enter_password()
    citizen.enter_code()
    # A request every ten minutes keeps the idle timer (15 minutes) from ever firing.
    for minutes in range(10, 60, 10):
        with time_machine.travel(timedelta(minutes=minutes)):
            assert client.get("/en/account/").status_code == 200
    with time_machine.travel(timedelta(minutes=61)):
        assert client.get("/en/account/").status_code == 302
        login = client.get("/en/individuals/login")
    assert "your session reached its time limit" in login.get_data(as_text=True)


def test_an_officer_session_ends_at_its_lifetime_too(app, make_account):
    app.config["SESSION_LIFETIME_SECONDS"] = 3600
    officer = Console(app.test_client(), add_officer(app))
    officer.sign_in()
    for minutes in range(10, 60, 10):
        with time_machine.travel(timedelta(minutes=minutes)):
            assert officer.client.get("/en/staff/").status_code == 200
    with time_machine.travel(timedelta(minutes=61)):
        response = officer.client.get("/en/staff/")
        assert response.status_code == 303
        page = officer.client.get("/en/staff/sign-in")
    assert "your session reached its time limit" in page.get_data(as_text=True)


def test_a_copied_officer_cookie_dies_at_sign_out(app):
    officer = Console(app.test_client(), add_officer(app))
    officer.sign_in()
    thief = copy_of_cookies(officer.client, app)
    assert thief.get("/en/staff/").status_code == 200
    officer.sign_out()
    assert thief.get("/en/staff/").status_code == 303


def test_a_forged_session_timestamp_is_treated_as_expired(app, client, make_account, sms_outbox):
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.enter_password()
    citizen.enter_code()
    with client.session_transaction() as session:
        session["signed_in_at"] = 10 ** 30  # unreadable as a date
    assert client.get("/en/account/").status_code == 302
    assert csrf_of(client.get("/en/individuals/login"))
