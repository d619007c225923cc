"""Every account page is behind signed_in_only, and a service on the person's records is
behind require_active_account: one decorator each (web/guards.py)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from absher_web.models import ActivationState
from absher_web.web.guards import require_active_account
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse

ACCOUNT_BLUEPRINTS = {"account", "changes", "eservices"}


def account_pages(app) -> list[tuple[str, str]]:
    """(method, path) for every route of the account area."""
    return sorted(
        (method, re.sub(r"<int:\w+>", "1", rule.rule.replace("<lang_code>", "en")))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ACCOUNT_BLUEPRINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def test_every_account_page_sends_a_stranger_to_sign_in(app, client):
    pages = account_pages(app)
    assert len(pages) >= 12
    token = csrf_of(client.get("/en/individuals/login"))
    for method, path in pages:
        response = client.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 302, (method, path)
        assert "/en/individuals/login" in response.headers["Location"], (method, path)


def test_every_account_page_sends_a_newcomer_to_the_security_questions(
        app, client, make_account, sms_outbox):
    Citizen(client, make_account(with_questions=False), sms_outbox).sign_in()
    for method, path in account_pages(app):
        if method == "GET":
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["Location"] == "/en/account/security-questions", path


def add_vehicles_page(app) -> None:
    """A new e-service page, as docs/ARCHITECTURE.md says to add one."""

    @app.get("/<lang_code>/account/vehicles")
    @require_active_account(_l("My vehicles"))
    def vehicles() -> str:
        return "Your vehicles: none"


def test_a_new_page_behind_an_active_account_is_one_decorator(app, client, make_account,
                                                             sms_outbox):
    add_vehicles_page(app)
    assert "/en/individuals/login" in client.get("/en/account/vehicles").headers["Location"]

    Citizen(client, make_account(), sms_outbox).sign_in()
    page = client.get("/en/account/vehicles")
    assert page.status_code == 200
    assert parse(page).find("h1").get_text(strip=True) == "My vehicles"
    text = parse(page).find("main").get_text(" ", strip=True)
    assert "This service needs an activated account." in text
    assert "At a bank ATM" in text and "Your vehicles" not in text

    other = app.test_client()
    Citizen(other, make_account(state=ActivationState.ACTIVE), sms_outbox).sign_in()
    assert other.get("/en/account/vehicles").get_data(as_text=True) == "Your vehicles: none"
