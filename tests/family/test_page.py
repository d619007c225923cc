"""My family: the holder's family members and the people they sponsor, in both
languages, and only the holder's own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from absher_web.agencies import family, passports
from absher_web.agencies.family import CustodyEntry, MarriageEntry, ParentEntry
from absher_web.agencies.passports import PassportEntry
from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    MarriageEnd,
    ParentRole,
    Sex,
    SponsoredKind,
    Sponsorship,
    utcnow,
)
from absher_web.services.eservices import local_today
from tests.account.conftest import Citizen
from tests.pages import parse

TODAY = local_today(utcnow())


def years_ago(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=3)


def cards(response) -> dict[str, str]:
    """Each listed person's name and what their card says."""
    return {card.find("h3").get_text(strip=True): card.get_text(" ", strip=True)
            for card in parse(response).select("li.card")}


def passports_shown(response, label: str = "Passport") -> dict[str, str]:
    """Each listed person's name and what their card says of the passport."""
    return {card.find("h3").get_text(strip=True):
            next(dt for dt in card.select("dt") if dt.get_text(strip=True) == label)
            .find_next_sibling("dd").get_text(" ", strip=True)
            for card in parse(response).select("li.card")}


def passport(national_id: str, number: str, days_left: int, country: str = "SAU"
             ) -> PassportEntry:
    expires = TODAY + timedelta(days=days_left)
    return PassportEntry(national_id, number, expires - timedelta(days=3650), expires, country)


@pytest.fixture
def father(app, client, make_account, make_person, sms_outbox):
    """A signed-in father: his wife, a son of 7, a daughter of 25 and a daughter of 12 in
    her divorced mother's custody; his mother; a worker he sponsors. The wife's and the
    worker's passports are valid, the son's expires soon, the adult daughter's has
    expired; the others have none."""
    account = make_account(state=ActivationState.ACTIVE, birth_date=date(1970, 1, 1),
                           name_en="Faisal Al-Shammari")
    me = account.national_id
    wife = make_person(name_ar="هند العنزي", name_en="Hind Al-Anazi",
                       birth_date=years_ago(41), id_expiry=TODAY + timedelta(days=10))
    former = make_person(name_en="Dina Osman", birth_date=date(1975, 1, 1))
    son = make_person(name_ar="عمر الشمري", name_en="Omar Al-Shammari", birth_date=years_ago(7))
    adult = make_person(name_ar="ريم الشمري", name_en="Reem Al-Shammari",
                        birth_date=years_ago(25), id_expiry=TODAY - timedelta(days=1))
    kept = make_person(name_ar="سلمى الشمري", name_en="Salma Al-Shammari",
                       birth_date=years_ago(12))
    mother = make_person(name_ar="لطيفة الشمري", name_en="Latifa Al-Shammari",
                         birth_date=date(1945, 1, 1))
    worker = make_person("2", name_en="Ramesh Kumar", birth_date=date(1990, 1, 1))
    with app.app_context(), db.transaction() as session:
        family.import_family(session, [
            MarriageEntry(me, wife, date(2010, 1, 1)),
            MarriageEntry(me, former, date(1995, 1, 1), date(2015, 1, 1), MarriageEnd.DIVORCE),
            ParentEntry(me, son, ParentRole.FATHER, Sex.MALE),
            ParentEntry(wife, son, ParentRole.MOTHER, Sex.MALE),
            ParentEntry(me, adult, ParentRole.FATHER, Sex.FEMALE),
            ParentEntry(me, kept, ParentRole.FATHER, Sex.FEMALE),
            CustodyEntry(former, kept, date(2015, 2, 1)),
            ParentEntry(mother, me, ParentRole.MOTHER, Sex.MALE),
        ])
        session.add(Sponsorship(sponsor_id=me, person_id=worker, name_ar="راميش كومار",
                                name_en="Ramesh Kumar", kind=SponsoredKind.WORKER,
                                nationality="IND", permit_expiry=TODAY + timedelta(days=200)))
        passports.import_passports(session, [
            passport(wife, "A10000001", 900), passport(son, "A10000002", 10),
            passport(adult, "A10000003", -5), passport(worker, "K1234567", 1000, "EGY")])
    citizen = Citizen(client, account, sms_outbox)
    citizen.sign_in()
    return citizen


def test_the_father_sees_his_family_with_what_he_may_do_for_each(father):
    response = father.client.get("/en/account/family")
    assert response.status_code == 200
    listed = cards(response)
    assert list(listed) == ["Hind Al-Anazi", "Reem Al-Shammari", "Salma Al-Shammari",
                            "Omar Al-Shammari", "Latifa Al-Shammari", "Ramesh Kumar"]
    assert "Dina Osman" not in listed  # a former wife is no longer family
    wife = listed["Hind Al-Anazi"]
    assert "Relation Wife" in wife and "Age 41 years" in wife
    assert "ID card Expires soon" in wife and "Passport Valid until" in wife
    assert "Renew the ID or iqama" in wife and "Family record" not in wife
    son = listed["Omar Al-Shammari"]
    assert "Relation Son" in son and "Age 7 years" in son
    assert "Issue or renew the passport" in son
    assert "Birth registration" not in son  # a newborn is registered from its notification
    adult = listed["Reem Al-Shammari"]
    assert "Relation Daughter" in adult and "Expired on" in adult
    assert "None: they use their own account" in adult
    assert "None: they use their own account" in listed["Salma Al-Shammari"]
    assert "Relation Mother" in listed["Latifa Al-Shammari"]
    worker = listed["Ramesh Kumar"]
    assert "Relation Sponsored worker" in worker and "Iqama number" in worker
    assert "Exit and re-entry visa" in worker and "Issue or renew the passport" not in worker
    page = parse(response)
    assert page.select_one('nav a[aria-current="page"]').get_text(strip=True) == "My family"
    assert page.find("h3").find("bdi")["dir"] == "ltr"


def test_each_members_passport_shows_how_it_stands(father):
    shown = passports_shown(father.client.get("/en/account/family"))
    assert shown["Hind Al-Anazi"].startswith("Valid until ")
    assert shown["Omar Al-Shammari"].startswith("Expires soon, on ")
    assert shown["Reem Al-Shammari"].startswith("Expired on ")
    assert shown["Salma Al-Shammari"] == "No passport is recorded"
    assert shown["Latifa Al-Shammari"] == "No passport is recorded"
    assert shown["Ramesh Kumar"].startswith("Valid until ")  # the worker's own country's
    expiring = (TODAY + timedelta(days=10)).strftime("%-d %B %Y")
    assert expiring in shown["Omar Al-Shammari"]


def test_every_passport_comes_from_one_query(app, father):
    from sqlalchemy import event

    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # noqa: ANN001, ANN002
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert father.client.get("/en/account/family").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len([s for s in sent if "FROM passports" in s]) == 1


def test_each_members_passport_in_arabic(father):
    response = father.client.get("/ar/account/family")
    shown = passports_shown(response, "جواز السفر")
    assert shown["هند العنزي"].startswith("الصلاحية سارية حتى ")
    assert shown["عمر الشمري"].startswith("تنتهي الصلاحية قريبًا، في ")
    assert shown["راميش كومار"].startswith("الصلاحية سارية حتى ")
    assert shown["ريم الشمري"].startswith("انتهت الصلاحية في ")
    assert shown["سلمى الشمري"] == shown["لطيفة الشمري"] == "لا يوجد جواز سفر مسجل"


def test_the_same_page_in_arabic(father):
    response = father.client.get("/ar/account/family")
    assert response.status_code == 200
    page = parse(response)
    assert page.find("html")["dir"] == "rtl"
    listed = cards(response)
    wife = listed["هند العنزي"]
    assert "الزوجة" in wife and "41 سنة" in wife and "تنتهي الصلاحية قريبًا" in wife
    son = listed["عمر الشمري"]
    assert "الابن" in son and "7 سنوات" in son
    assert page.find("h1").get_text(strip=True) == "أفراد الأسرة"


def test_another_account_sees_only_its_own(app, father, make_account, sms_outbox):
    client = app.test_client()  # another browser
    other = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    other.sign_in()
    response = client.get("/en/account/family")
    assert response.status_code == 200
    assert cards(response) == {}
    text = parse(response).get_text(" ", strip=True)
    assert "The civil registry links no family members or sponsored people to you." in text
    for name in ("Hind", "Omar", "Ramesh"):
        assert name not in text


@pytest.mark.parametrize("path", [
    "/en/account/family?person=1000000008", "/en/account/family?id=%00%27--",
    "/en/account/family/../../family", "/en/account/family/1000000008",
    "/en/account/family?lang=<script>", "/xx/account/family",
    "/en/account/family?" + "a=" * 2000,
])
def test_hostile_addresses_never_fail(father, path):
    response = father.client.get(path)
    assert response.status_code in (200, 301, 302, 308, 404)
    text = response.get_data(as_text=True)
    if response.status_code == 200:  # the holder's own page, whatever was added to it
        assert "<h1" in text and "My family" in text
    else:  # nothing of the family on a refusal or a redirect
        assert "Hind" not in text


def test_without_an_active_account_it_says_how_to_activate(client, make_account, sms_outbox):
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.sign_in()
    response = client.get("/en/account/family")
    assert response.status_code == 200
    assert "This service needs an activated account." in response.get_data(as_text=True)


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/en/account/family")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_ages_take_the_arabic_plural_forms(client):
    # The states gallery's family: a newborn, a son of 10, a daughter of 19, a father of 64.
    text = parse(client.get("/ar/dev/states/family")).get_text(" ", strip=True)
    for age in ("أقل من سنة", "10 سنوات", "19 سنة", "64 سنة", "31 سنة"):
        assert age in text, age
    english = parse(client.get("/en/dev/states/family")).get_text(" ", strip=True)
    assert "0 years" in english and "10 years" in english


def test_before_the_security_questions_it_leads_to_them(client, make_account, sms_outbox):
    newcomer = Citizen(client, make_account(state=ActivationState.ACTIVE,
                                            with_questions=False), sms_outbox)
    newcomer.enter_password()
    newcomer.enter_code()
    response = client.get("/en/account/family")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith("/en/account/security-questions")


def test_an_act_for_the_wife_shows_in_her_security_activity(app, client, make_account,
                                                            sms_outbox):
    from absher_web.services import acting_for

    husband = make_account(state=ActivationState.ACTIVE, birth_date=date(1980, 1, 1))
    wife = make_account(state=ActivationState.ACTIVE, birth_date=date(1985, 1, 1))
    with app.app_context(), db.transaction() as session:
        family.import_family(session, [MarriageEntry(husband.national_id, wife.national_id,
                                                     date(2010, 1, 1))])
        acting_for.record_acting(session, "passport_renewed", husband, wife.national_id,
                                 utcnow(), "192.0.2.1")
    her = Citizen(client, wife, sms_outbox)
    her.sign_in()
    text = parse(client.get("/en/account/")).get_text(" ", strip=True)
    assert "A family member or your sponsor used a service for you" in text
