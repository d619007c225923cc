"""The Passports Directorate's page (the catalogue's entry المديرية العامة للجوازات): public,
in both languages, listing the Directorate's working services from the catalogue."""

from __future__ import annotations

from absher_web.content import PASSPORTS, agency_services
from tests.pages import parse


def links_of(response) -> set[str]:
    return {a["href"] for a in parse(response).find("main").find_all("a")}


def test_signed_out_visitors_see_the_directorates_working_services(client):
    response = client.get("/en/passports-directorate")
    assert response.status_code == 200
    links = links_of(response)
    assert {"/en/account/services/visit-visa-extension", "/en/account/documents"} <= links
    assert "/en/passports-directorate" not in links  # not a link to itself
    listed = {service.endpoint for service in agency_services(PASSPORTS)}
    assert "eservices.visit_visa_extension" in listed
    assert all(service.endpoint for service in agency_services(PASSPORTS))
    text = parse(response).find("main").get_text(" ", strip=True)
    assert "Visit visa extension" in text


def test_the_arabic_page(client):
    page = parse(client.get("/ar/passports-directorate"))
    assert page.html["dir"] == "rtl"
    assert page.h1.get_text(strip=True) == "إدارة الجوازات"


def test_the_catalogue_links_the_page(client):
    page = parse(client.get("/en/services?q=passports directorate"))
    assert page.find("a", href="/en/passports-directorate") is not None
