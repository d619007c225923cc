"""My documents: the holder's ID card or iqama and passport with their expiry in
Gregorian and Hijri, those expired or expiring within 30 days first in a warning — only the
holder's own, in both languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from absher_web import dates
from absher_web.agencies import passports
from absher_web.agencies.passports import PassportEntry
from absher_web.extensions import db
from absher_web.models import ActivationState
from absher_web.services.eservices import EXPIRES_SOON_DAYS
from tests.account.conftest import Citizen
from tests.days import riyadh_today
from tests.pages import parse


def cards(response) -> dict[str, str]:
    return {card.find("h2").get_text(strip=True): card.get_text(" ", strip=True)
            for card in parse(response).select("li.card")}


def warning(response) -> str:
    found = parse(response).select_one("main .notice")
    return found.get_text(" ", strip=True) if found else ""


def signed_in(app, client, make_account, sms_outbox, first_digit="1", passport_days=None,
              language="en", **person) -> Citizen:
    today = riyadh_today()
    account = make_account(state=ActivationState.ACTIVE, first_digit=first_digit,
                           language=language, **person) if first_digit != "1" else \
        make_account(state=ActivationState.ACTIVE, language=language, **person)
    if passport_days is not None:
        expires = today + timedelta(days=passport_days)
        country = "SAU" if account.national_id.startswith("1") else "EGY"
        number = "A12345678" if country == "SAU" else "K1234567"
        with app.app_context(), db.transaction() as session:
            passports.import_passports(session, [PassportEntry(
                account.national_id, number, expires - timedelta(days=1826), expires,
                country)])
    citizen = Citizen(client, account, sms_outbox)
    citizen.sign_in()
    return citizen


def test_a_citizen_sees_the_id_card_and_passport_with_both_calendars(
        app, client, make_account, sms_outbox):
    today = riyadh_today()
    id_expiry = today + timedelta(days=400)
    holder = signed_in(app, client, make_account, sms_outbox, passport_days=900,
                       id_expiry=id_expiry)
    response = holder.client.get("/en/account/documents")
    assert response.status_code == 200
    listed = cards(response)
    assert list(listed) == ["National ID card", "Passport"]
    assert holder.account.national_id in listed["National ID card"]
    passport = today + timedelta(days=900)
    with app.test_request_context("/en/"):
        id_shown, passport_shown = dates.both(id_expiry), dates.both(passport)
    assert f"Valid until {id_shown}" in listed["National ID card"]
    assert "A12345678" in listed["Passport"] and passport_shown in listed["Passport"]
    assert "Issued on" in listed["Passport"]
    assert warning(response) == ""  # nothing expires soon
    page = parse(response)
    assert page.select_one('nav a[aria-current="page"]').get_text(strip=True) == "My documents"


@pytest.mark.parametrize(("days", "shown"), [
    (EXPIRES_SOON_DAYS, "Expires soon, on"), (-1, "Expired on")])
def test_a_passport_expiring_within_30_days_or_expired_is_warned_of_first(
        app, client, make_account, sms_outbox, days, shown):
    holder = signed_in(app, client, make_account, sms_outbox, passport_days=days)
    response = holder.client.get("/en/account/documents")
    said = warning(response)
    assert "Documents that have expired or expire within 30 days" in said
    assert "Passport A12345678" in said and shown in said
    assert "Renew it with Absher Passports." in said
    assert "National ID card" not in said  # the ID card is valid for years


def test_one_day_beyond_the_window_is_no_warning(app, client, make_account, sms_outbox):
    holder = signed_in(app, client, make_account, sms_outbox,
                       passport_days=EXPIRES_SOON_DAYS + 1)
    assert warning(holder.client.get("/en/account/documents")) == ""


def test_a_resident_sees_the_iqama_and_who_renews_it(app, client, make_account, sms_outbox):
    today = riyadh_today()
    holder = signed_in(app, client, make_account, sms_outbox, first_digit="2",
                       passport_days=700, id_expiry=today + timedelta(days=5),
                       nationality="EGY")
    response = holder.client.get("/en/account/documents")
    listed = cards(response)
    assert list(listed) == ["Iqama", "Passport"]
    assert "K1234567" in listed["Passport"]
    assert f"Iqama {holder.account.national_id}" in warning(response)
    assert "Expires soon" in warning(response)
    assert "renews it with Residency and visas" in warning(response)


def test_no_passport_recorded_lists_only_the_id_card(app, client, make_account, sms_outbox):
    holder = signed_in(app, client, make_account, sms_outbox)
    assert list(cards(holder.client.get("/en/account/documents"))) == ["National ID card"]


def test_the_arabic_page(app, client, make_account, sms_outbox):
    holder = signed_in(app, client, make_account, sms_outbox, passport_days=3,
                       language="ar")
    page = parse(holder.client.get("/ar/account/documents"))
    assert page.html["dir"] == "rtl" and page.h1.get_text(strip=True) == "وثائقي"
    assert "جواز السفر" in page.select_one("main .notice").get_text()
    # The Hijri date stands beside the Gregorian one.
    assert "هـ" in page.select_one("li.card").get_text()


def test_not_activated_holders_are_told_how_to_activate(client, make_account, sms_outbox):
    account = make_account()
    Citizen(client, account, sms_outbox).sign_in()
    response = client.get("/en/account/documents")
    assert response.status_code == 200
    assert "once your account is activated" in response.get_data(as_text=True)
    assert not parse(response).select("li.card")


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/account/documents")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_only_the_holders_own_documents(app, client, make_account, sms_outbox):
    """The page reads the signed-in holder's ID only: another person's passport never shows,
    whatever the address carries."""
    other = make_account(state=ActivationState.ACTIVE)
    with app.app_context(), db.transaction() as session:
        today = riyadh_today()
        passports.import_passports(session, [PassportEntry(
            other.national_id, "B87654321", today - timedelta(days=10),
            today + timedelta(days=10), "SAU")])
    holder = signed_in(app, client, make_account, sms_outbox, birth_date=date(1980, 1, 1))
    response = holder.client.get(f"/en/account/documents?id={other.national_id}")
    assert "B87654321" not in response.get_data(as_text=True)


def test_an_issued_visa_is_listed_and_a_used_one_is_not(app, client, make_account, sms_outbox):
    from absher_web.models import Visa, VisaKind, VisaStatus, utcnow

    today = riyadh_today()
    holder = signed_in(app, client, make_account, sms_outbox, first_digit="2",
                       nationality="EGY")
    person = holder.account.national_id
    with app.app_context(), db.transaction() as session:
        for number, status, ends in (("6000000017", VisaStatus.ISSUED, 20),
                                     ("6000000025", VisaStatus.USED, 200)):
            session.add(Visa(number=number, person_id=person, kind=VisaKind.SINGLE,
                             status=status, issued_on=today - timedelta(days=40),
                             valid_until=today + timedelta(days=ends), months=2, fee=20000,
                             created_at=utcnow(), changed_at=utcnow(),
                             open_for=person if status is VisaStatus.ISSUED else None))
    response = holder.client.get("/en/account/documents")
    listed = cards(response)
    assert "Single exit and re-entry visa" in listed
    assert "6000000017" in listed["Single exit and re-entry visa"]
    assert "6000000025" not in response.get_data(as_text=True)
    assert "can extend it with Residency and visas" in warning(response)
