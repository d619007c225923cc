"""A father (a citizen of Riyadh, signed in) with a son of 10 and a wife, the son's mother,
who has an account too; their passports in the Passports registry; a Passports officer of
Riyadh; helpers for the forms, the bank and the console."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from absher_web.agencies import family, passports, traffic
from absher_web.agencies.family import MarriageEntry, ParentEntry
from absher_web.agencies.passports import PassportEntry, TravelBanEntry
from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    Bill,
    ParentRole,
    Passport,
    PassportStatus,
    ServiceRequest,
    Sex,
    ViolationStatus,
    utcnow,
)
from absher_web.services import passports as rules
from absher_web.services.eservices import local_today
from tests.account.conftest import Citizen, csrf_of
from tests.staff.conftest import Console, add_officer

TODAY = local_today(utcnow())
LIST_URL = "/{lang}/account/passports"
PERSON_URL = "/{lang}/account/passports/{person}"


class Guardian(Citizen):
    def list_page(self, lang: str = "en"):
        return self.client.get(LIST_URL.format(lang=lang))

    def page(self, person: str | None = None, lang: str = "en", htmx: bool = False):
        return self.client.get(PERSON_URL.format(lang=lang, person=person or self.me),
                               headers={"HX-Request": "true"} if htmx else {})

    @property
    def me(self) -> str:
        return self.account.national_id

    def token(self) -> str:
        return csrf_of(self.client.get("/en/account/family"))

    def choose(self, person: str | None = None, years: str = "5", delivery: str = "post",
               office_city: str = "", lang: str = "en", htmx: bool = False):
        data = {"csrf_token": self.token(), "years": years, "delivery": delivery,
                "office_city": office_city}
        return self.client.post(PERSON_URL.format(lang=lang, person=person or self.me),
                                data=data, headers={"HX-Request": "true"} if htmx else {})

    def confirm(self, person: str | None = None, years: str = "5", delivery: str = "post",
                office_city: str = "", fee: int = 30000, lang: str = "en", client=None,
                token: str | None = None):
        data = {"csrf_token": token or self.token(), "years": years, "delivery": delivery,
                "office_city": office_city, "fee": str(fee)}
        return (client or self.client).post(
            PERSON_URL.format(lang=lang, person=person or self.me) + "/confirm", data=data)

    def withdraw(self, number: str):
        page = self.client.get(f"/en/account/requests/{number}/withdraw")
        if page.status_code != 200:  # no longer open: My requests says so
            return page
        return self.client.post(f"/en/account/requests/{number}/withdraw",
                                data={"csrf_token": csrf_of(page)})


def add_passport(app, person: str, expires_on: date, number: str = "A12345678",
                 status: PassportStatus = PassportStatus.VALID) -> None:
    with app.app_context(), db.transaction() as session:
        passports.import_passports(session, [PassportEntry(
            person, number, expires_on - timedelta(days=5 * 365), expires_on, "SAU", status)])


def add_ban(app, person: str, lifted_on: date | None = None) -> None:
    with app.app_context(), db.transaction() as session:
        passports.import_bans(session, [TravelBanEntry(
            person, TODAY - timedelta(days=100), "المحكمة العامة بالرياض", lifted_on)])


def add_unpaid_violation(app, owner: str, amount: int = 500) -> None:
    with app.app_context(), db.transaction() as session:
        traffic.import_vehicles(session, [traffic.VehicleEntry(
            "SAU", "ABD", "1234", "Toyota", "Camry", 2020, "white", owner, None, None, None,
            None)])
        traffic.import_violations(session, [traffic.ViolationEntry(
            "V-2026-0001", ("SAU", "ABD", "1234"), "speeding", amount,
            TODAY - timedelta(days=10), "الرياض", ViolationStatus.UNPAID)])


@pytest.fixture
def household(app, make_account, make_person):
    father = make_account(state=ActivationState.ACTIVE, name_ar="محمد عبدالله سعد العتيبي",
                          name_en="Mohammed Abdullah Saad Al-Otaibi", birth_date=date(1985, 3, 1))
    mother = make_account(state=ActivationState.ACTIVE, name_ar="نورة فهد خالد القحطاني",
                          name_en="Noura Fahad Khalid Al-Qahtani", birth_date=date(1990, 6, 1))
    son = make_person(name_ar="سعد محمد عبدالله العتيبي", name_en="Saad Mohammed Al-Otaibi",
                      birth_date=TODAY.replace(year=TODAY.year - 10) - timedelta(days=3))
    with app.app_context(), db.transaction() as session:
        family.import_family(session, [
            MarriageEntry(father.national_id, mother.national_id, TODAY - timedelta(days=4000)),
            ParentEntry(father.national_id, son, ParentRole.FATHER, Sex.MALE),
            ParentEntry(mother.national_id, son, ParentRole.MOTHER, Sex.MALE)])
    return father, mother, son


@pytest.fixture
def guardian(client, household, sms_outbox) -> Guardian:
    father, _mother, son = household
    holder = Guardian(client, father, sms_outbox)
    holder.son = son
    holder.sign_in()
    return holder


@pytest.fixture
def mother(app, household, sms_outbox) -> Guardian:
    _father, mother, son = household
    holder = Guardian(app.test_client(), mother, sms_outbox)
    holder.son = son
    holder.sign_in()
    return holder


@pytest.fixture
def officer(app) -> Console:
    console = Console(app.test_client(), add_officer(app, roles=("passports",),
                                                     city="الرياض"))
    console.sign_in()
    return console


def queue_token(console: Console) -> str:
    return csrf_of(console.client.get("/en/staff/passports"))


def mark(console: Console, number: str, step: str, token: str | None = None, client=None):
    return (client or console.client).post(f"/en/staff/passports/{number}/{step}",
                                           data={"csrf_token": token or queue_token(console)})


def requests_of(app) -> list[ServiceRequest]:
    with app.app_context():
        found = list(db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.service == rules.SERVICE).order_by(ServiceRequest.id)))
        db.session.expunge_all()
    return found


def the_request(app) -> ServiceRequest:
    found = requests_of(app)
    assert len(found) == 1, found
    return found[0]


def bills_of(app) -> list[Bill]:
    with app.app_context():
        found = list(db.session.scalars(select(Bill).where(Bill.service == rules.SERVICE)
                                        .order_by(Bill.id)))
        db.session.expunge_all()
    return found


def passport_of(app, person: str) -> Passport | None:
    with app.app_context():
        found = db.session.scalars(select(Passport).where(Passport.person_id == person)).first()
        if found is not None:
            db.session.expunge(found)
    return found
