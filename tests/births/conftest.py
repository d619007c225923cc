"""A father (Mohammed, as in seed-demo: his father Abdullah and his wife Noura in the
registry) with a newborn notified five days ago, signed in; helpers for the form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from absher_web.agencies import family
from absher_web.agencies.family import BirthEntry, MarriageEntry, ParentEntry
from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    Bill,
    BirthNotification,
    ParentRole,
    Person,
    ServiceRequest,
    Sex,
    utcnow,
)
from absher_web.services import births
from absher_web.services.eservices import local_today
from tests.account.conftest import Citizen, csrf_of

TODAY = local_today(utcnow())
LIST_URL = "/{lang}/account/family/births"
PAGE_URL = "/{lang}/account/family/births/{number}"
NEWBORN = "KFSH-2026-0001"
LATE = "KFSH-2026-0099"


class Father(Citizen):
    def page(self, number: str = NEWBORN, lang: str = "en", htmx: bool = False):
        return self.client.get(PAGE_URL.format(lang=lang, number=number),
                               headers={"HX-Request": "true"} if htmx else {})

    def token(self) -> str:
        return csrf_of(self.client.get("/en/account/family"))

    def choose(self, first_ar: str = "سعد", first_en: str = "Saad", delivery: str = "post",
               number: str = NEWBORN, lang: str = "en", htmx: bool = False, **extra):
        data = {"csrf_token": self.token(), "first_name_ar": first_ar,
                "first_name_en": first_en, "delivery": delivery, **extra}
        return self.client.post(PAGE_URL.format(lang=lang, number=number), data=data,
                                headers={"HX-Request": "true"} if htmx else {})

    def confirm(self, first_ar: str = "سعد", first_en: str = "Saad", delivery: str = "post",
                total: int = 3000, number: str = NEWBORN, lang: str = "en",
                htmx: bool = False, client=None, token: str | None = None):
        data = {"csrf_token": token or self.token(), "first_name_ar": first_ar,
                "first_name_en": first_en, "delivery": delivery, "total": str(total)}
        return (client or self.client).post(
            PAGE_URL.format(lang=lang, number=number) + "/confirm", data=data,
            headers={"HX-Request": "true"} if htmx else {})


def add_family(app, entries) -> None:
    with app.app_context(), db.transaction() as session:
        family.import_family(session, entries)


@pytest.fixture
def father_family(app, make_account, make_person):
    account = make_account(state=ActivationState.ACTIVE, name_ar="محمد عبدالله سعد العتيبي",
                           name_en="Mohammed Abdullah Saad Al-Otaibi")
    me = account.national_id
    people = {
        "grandfather": make_person(name_ar="عبدالله سعد فهد العتيبي",
                                   name_en="Abdullah Saad Fahad Al-Otaibi",
                                   birth_date=date(1962, 1, 20)),
        "wife": make_person(name_ar="نورة فهد خالد القحطاني",
                            name_en="Noura Fahad Khalid Al-Qahtani"),
    }
    add_family(app, [
        MarriageEntry(me, people["wife"], TODAY - timedelta(days=3000)),
        ParentEntry(people["grandfather"], me, ParentRole.FATHER, Sex.MALE),
        BirthEntry(NEWBORN, me, people["wife"], "مستشفى الملك فيصل التخصصي",
                   TODAY - timedelta(days=5), Sex.MALE),
        BirthEntry(LATE, me, people["wife"], "مستشفى الملك فيصل التخصصي",
                   TODAY - timedelta(days=40), Sex.FEMALE),
    ])
    return account, people


@pytest.fixture
def father(client, father_family, sms_outbox) -> Father:
    account, people = father_family
    holder = Father(client, account, sms_outbox)
    holder.people = people
    holder.sign_in()
    return holder


def the_request(app) -> ServiceRequest | None:
    with app.app_context():
        found = list(db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.service == births.SERVICE)))
        db.session.expunge_all()
    assert len(found) <= 1, found
    return found[0] if found else None


def requests_of(app) -> list[ServiceRequest]:
    with app.app_context():
        found = list(db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.service == births.SERVICE)))
        db.session.expunge_all()
    return found


def child_of(app, number: str = NEWBORN) -> Person | None:
    with app.app_context():
        notification = db.session.scalars(select(BirthNotification).where(
            BirthNotification.number == number)).one()
        child = db.session.get(Person, notification.child_id) if notification.child_id \
            else None
        if child is not None:
            db.session.expunge(child)
    return child


def bills_of(app) -> list[Bill]:
    with app.app_context():
        found = list(db.session.scalars(select(Bill).where(Bill.service == births.SERVICE)))
        db.session.expunge_all()
    return found
