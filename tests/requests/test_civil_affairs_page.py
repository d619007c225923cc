"""The Civil Affairs page (the catalogue's entry الأحوال المدنية): public, in both
languages, listing the agency's working services from the catalogue."""

from __future__ import annotations

from absher_web import content
from absher_web.content import CIVIL_AFFAIRS, Service, agency_services
from tests.pages import parse


def links_of(response) -> set[str]:
    return {a["href"] for a in parse(response).find("main").find_all("a")}


def test_signed_out_visitors_see_the_agencys_working_services(client):
    response = client.get("/en/civil-affairs")
    assert response.status_code == 200
    links = links_of(response)
    assert {"/en/account/family/births", "/en/account/family/records/marriage",
            "/en/account/family/records/mother", "/en/account/family"} <= links
    assert "/en/civil-affairs" not in links  # not a link to itself
    text = parse(response).find("main").get_text(" ", strip=True)
    assert "Family record on marriage" in text and "My family" in text
    assert "Birth registration" in text
    # A Civil Affairs entry without a page of its own is not listed.
    assert not any(service.endpoint is None for service in agency_services(CIVIL_AFFAIRS))


def test_the_arabic_page(client):
    page = parse(client.get("/ar/civil-affairs"))
    assert page.html["dir"] == "rtl"
    assert page.h1.get_text(strip=True) == "وكالة الأحوال المدنية"
    assert "/ar/account/family/records/mother" in links_of(client.get("/ar/civil-affairs"))


def test_the_catalogue_links_the_page(client):
    page = parse(client.get("/en/services?q=civil affairs"))
    assert page.find("a", href="/en/civil-affairs") is not None


def test_the_list_comes_from_the_catalogue(monkeypatch):
    """A new Civil Affairs entry with a page is listed without touching the page."""
    listed = [s.endpoint for s in agency_services(CIVIL_AFFAIRS)]
    extra = Service("Name change", "Change a first name.", True, "account.home",
                    agency=CIVIL_AFFAIRS)
    monkeypatch.setattr(content, "SERVICES", (*content.SERVICES, extra))
    assert [s.endpoint for s in agency_services(CIVIL_AFFAIRS)] == [*listed, "account.home"]
    unlisted = Service("Name change", "Change a first name.", True, None, agency=CIVIL_AFFAIRS)
    monkeypatch.setattr(content, "SERVICES", (*content.SERVICES, unlisted))
    assert agency_services(CIVIL_AFFAIRS)[-1] is not unlisted
    other = Service("Name change", "Change a first name.", True, "eservices.fingerprint",
                    agency=CIVIL_AFFAIRS)
    monkeypatch.setattr(content, "SERVICES", (*content.SERVICES, other))
    assert agency_services(CIVIL_AFFAIRS)[-1] is other
