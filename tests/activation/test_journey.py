"""What the account holder sees: not activated, then pending with a date, then active."""

from __future__ import annotations

from datetime import timedelta

from absher_web.models import utcnow
from tests.account.conftest import Citizen
from tests.activation.test_run_due import run_due
from tests.pages import parse


def status_text(client, lang: str = "en") -> str:
    page = parse(client.get(f"/{lang}/account/"))
    heading = page.find("h2", string=lambda text: text and "status" in text.lower()
                        or text == "حالة الحساب")
    return heading.find_next("div", class_="notice").get_text(" ", strip=True)


def test_the_holder_follows_an_atm_activation_from_home(app, client, bank, make_account,
                                                        sms_outbox):
    account = make_account()
    Citizen(client, account, sms_outbox).sign_in()

    home = client.get("/en/account/").get_data(as_text=True)
    assert "Your account is not activated yet." in status_text(client)
    assert "After 2 days, you will receive a text message" in home
    needs_activation = "This service needs an activated account."
    assert needs_activation in client.get("/en/account/my-data").get_data(as_text=True)

    assert bank.send(bank.body(account)).status_code == 202
    pending = status_text(client)
    assert "Your activation is on its way." in pending
    assert str((utcnow() + timedelta(hours=48)).year) in pending
    assert "Activation requested at a bank ATM" in client.get("/en/account/").get_data(
        as_text=True)

    run_due(app, utcnow() + timedelta(hours=49))
    assert "Your account is active." in status_text(client)
    assert needs_activation not in client.get("/en/account/my-data").get_data(as_text=True)


def test_the_pages_state_the_configured_delay(app, client, make_account, sms_outbox):
    app.config["ATM_ACTIVATION_DELAY_SECONDS"] = 3600
    Citizen(client, make_account(), sms_outbox).sign_in()
    assert "After 1 hour, you will receive" in client.get("/en/account/").get_data(as_text=True)
    app.config["ATM_ACTIVATION_DELAY_SECONDS"] = 90 * 60  # never said as less than it is
    assert "After 2 hours, you will receive" in client.get("/en/account/").get_data(
        as_text=True)
    app.config["ATM_ACTIVATION_DELAY_SECONDS"] = 120
    assert "Within minutes, you will receive" in client.get("/en/account/").get_data(
        as_text=True)
