"""A Premium Residency holder (a resident of Riyadh, signed in), a Passports officer of
Riyadh, and helpers for the visit visa form, its confirmation and the bill."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from absher_web.agencies import premium_residencies
from absher_web.agencies.premium_residencies import PremiumEntry
from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    Bill,
    PremiumKind,
    PremiumStatus,
    ServiceRequest,
    utcnow,
)
from absher_web.services import premium_visas
from absher_web.services.eservices import local_today
from tests.account.conftest import Citizen, csrf_of
from tests.staff.conftest import Console
from tests.staff.test_civil_affairs import officer_console as civil_affairs_console

TODAY = local_today(utcnow())
PAGE = "/{lang}/account/premium-residency/visas"
FEE = 30000
RELATIVE = {"relation": "mother", "name_ar": "فاطمة علي حسن", "name_en": "Fatima Ali Hassan",
            "nationality": "EGY", "passport": "A12345678", "purpose": "family_visit",
            "entry": "multiple", "days": "90"}


class Holder(Citizen):
    def page(self, lang: str = "en", htmx: bool = False):
        return self.client.get(PAGE.format(lang=lang),
                               headers={"HX-Request": "true"} if htmx else {})

    def token(self) -> str:
        return csrf_of(self.client.get("/en/account/"))

    def check(self, lang: str = "en", htmx: bool = False, **changes):
        data = {"csrf_token": self.token(), **RELATIVE, **changes}
        return self.client.post(PAGE.format(lang=lang), data=data,
                                headers={"HX-Request": "true"} if htmx else {})

    def confirm(self, fee: int = FEE, lang: str = "en", client=None, token: str | None = None,
                **changes):
        data = {"csrf_token": token or self.token(), **RELATIVE, "fee": str(fee), **changes}
        return (client or self.client).post(PAGE.format(lang=lang) + "/confirm", data=data)


def give_residency(app, national_id: str, kind: PremiumKind = PremiumKind.PERMANENT,
                   expires_on: date | None = None,
                   status: PremiumStatus = PremiumStatus.ACTIVE,
                   certificate: str | None = None) -> None:
    with app.app_context(), db.transaction() as session:
        premium_residencies.import_residencies(session, [PremiumEntry(
            national_id, certificate or f"PR-{national_id}", kind,
            TODAY - timedelta(days=400), expires_on, status)])


@pytest.fixture
def holder_account(app, make_account):
    account = make_account(first_digit="2", state=ActivationState.ACTIVE,
                           name_ar="أحمد محمود سالم", name_en="Ahmed Mahmoud Salem")
    give_residency(app, account.national_id)
    return account


@pytest.fixture
def holder(client, holder_account, sms_outbox) -> Holder:
    found = Holder(client, holder_account, sms_outbox)
    found.sign_in()
    return found


def officer_console(app, username: str = "s.alotaibi", roles=("passports",),
                    city: str | None = "الرياض") -> Console:
    """A Passports officer of Riyadh (by default), signed in to the console."""
    return civil_affairs_console(app, username, roles, city)


def visa_requests(app) -> list[ServiceRequest]:
    with app.app_context():
        found = list(db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.service == premium_visas.SERVICE).order_by(ServiceRequest.id)))
        db.session.expunge_all()
    return found


def the_request(app) -> ServiceRequest:
    found = visa_requests(app)
    assert len(found) == 1, found
    return found[0]


def bill_of(app, made: ServiceRequest) -> Bill:
    with app.app_context():
        found = db.session.get(Bill, made.bill_id)
        db.session.expunge(found)
    return found
