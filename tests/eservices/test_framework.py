"""The e-services registry drives the account home's tiles and the public catalogue's
links, and every e-service page is closed to strangers and to unactivated accounts."""

from __future__ import annotations

import pytest

from absher_web.content import SERVICES
from absher_web.web.eservices import REGISTRY
from tests.account.conftest import Citizen, csrf_of
from tests.eservices.conftest import Holder
from tests.pages import parse


def test_the_home_page_has_a_tile_for_every_service(holder):
    home = parse(holder.client.get("/en/account/"))
    heading = home.find("h2", string="My services")
    tiles = heading.find_next("ul").find_all("a")
    assert [a.get_text(strip=True) for a in tiles] == [str(s.title) for s in REGISTRY]
    assert [a["href"] for a in tiles] == [f"/en/account/services/{s.slug}" for s in REGISTRY]


def test_the_catalogue_links_every_working_service(app, client):
    page = parse(client.get("/en/services"))
    links = {a.get_text(" ", strip=True): a["href"] for a in page.find_all("a")
             if a.get_text(strip=True).startswith("Use this service")}
    linked = [s for s in SERVICES if s.endpoint]
    assert len(links) == len(linked)
    with app.test_request_context("/en/services"):
        from flask import url_for
        for service in linked:
            assert links[f"Use this service : {service.name}"] == url_for(
                service.endpoint, lang_code="en")
    for service in REGISTRY:
        assert f"/en/account/services/{service.slug}" in links.values(), service.slug


@pytest.mark.parametrize("service", REGISTRY, ids=lambda s: s.slug)
def test_a_stranger_is_sent_to_sign_in(client, service):
    response = client.get(f"/en/account/services/{service.slug}")
    assert response.status_code == 302
    assert "/en/individuals/login" in response.headers["Location"]


@pytest.mark.parametrize("service", REGISTRY, ids=lambda s: s.slug)
def test_an_unactivated_account_is_told_how_to_activate_and_sees_nothing(
        client, make_account, sms_outbox, service):
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.sign_in()
    url = f"/en/account/services/{service.slug}"
    page = client.get(url)
    main = parse(page).find("main")
    assert main.find("h1").get_text(strip=True) == str(service.title)
    assert "This service needs an activated account." in main.get_text(" ", strip=True)
    assert main.find("button", string="Enquire") is None
    # Posting the form anyway shows the same page, and no answer.
    answer = client.post(url, data={"csrf_token": csrf_of(page)})
    assert "This service needs an activated account." in parse(answer).get_text(" ")
    assert parse(answer).find("section", attrs={"aria-labelledby": "answer-heading"}) is None


@pytest.mark.parametrize("service", REGISTRY, ids=lambda s: s.slug)
def test_a_post_without_the_form_token_is_refused(holder: Holder, service):
    response = holder.client.post(holder.url(service.slug), data={})
    assert response.status_code == 400
    assert parse(response).find("section", attrs={"aria-labelledby": "answer-heading"}) is None


ACTIONS = [(service, action) for service in REGISTRY for action in service.actions]


@pytest.mark.parametrize(("service", "action"), ACTIONS,
                         ids=lambda x: getattr(x, "slug", None) or getattr(x, "name", ""))
def test_every_action_is_closed_to_strangers_and_unactivated_accounts(
        client, make_account, sms_outbox, service, action):
    url = f"/en/account/services/{service.slug}/{action.name}"
    token = csrf_of(client.get("/en/individuals/login"))
    response = client.post(url, data={"csrf_token": token, "item": "1"})
    assert response.status_code == 302
    assert "/en/individuals/login" in response.headers["Location"]
    assert client.get(url).status_code == 405  # a change is never a GET

    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.sign_in()
    page = client.get(f"/en/account/services/{service.slug}")
    answer = client.post(url, data={"csrf_token": csrf_of(page), "item": "1"})
    assert "This service needs an activated account." in parse(answer).get_text(" ")
    assert client.post(url, data={"item": "1"}).status_code == 400  # no token


@pytest.mark.parametrize(("slug", "seed_name"), [
    ("driving-authorisations", "طلبات تفويض للقيادة"),
    ("visit-visa-extension", "إمداد تأشيرة الزيارة"),
    ("domestic-worker-absence", "الإبلاغ عن تغيب العمالة المنزلية"),
])
def test_the_services_that_change_records_are_titled_with_their_seed_names(
        client, make_account, sms_outbox, slug, seed_name):
    from absher_web.models import ActivationState

    holder = Holder(client, make_account(state=ActivationState.ACTIVE), sms_outbox, lang="ar")
    holder.sign_in()
    page = parse(holder.open(slug))
    assert page.find("h1").get_text(strip=True) == seed_name
    assert page.find("html")["dir"] == "rtl"
