"""A holder with an active account (a Riyadh resident, signed in), a decorum officer and an
objections committee member of Riyadh, and helpers to record a violation, pay it and
object to it through the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    Bill,
    DecorumViolation,
    ServiceRequest,
    utcnow,
)
from absher_web.services import decorum
from tests.account.conftest import Citizen, csrf_of
from tests.staff.conftest import Console
from tests.staff.test_civil_affairs import officer_console

PAGE = "/{lang}/account/decorum-violations"
RECORD = "/en/staff/decorum/record"
QUEUE = "/en/staff/decorum-objections"
REASON = "I was waiting in the queue; the officer mistook me for someone else."


class Holder(Citizen):
    def page(self, number: str = "", lang: str = "en"):
        return self.client.get(PAGE.format(lang=lang) + (f"/{number}" if number else ""))

    def pay(self, number: str, client=None, token: str | None = None):
        token = token or csrf_of(self.page(number))
        return (client or self.client).post(PAGE.format(lang="en") + f"/{number}/pay",
                                            data={"csrf_token": token})

    def object_to(self, number: str, reason: str = REASON, client=None,
                  token: str | None = None, **extra):
        token = token or csrf_of(self.page(number))
        return (client or self.client).post(PAGE.format(lang="en") + f"/{number}/object",
                                            data={"csrf_token": token, "reason": reason,
                                                  **extra})


def decorum_officer(app, username: str = "f.alharbi", city: str | None = "Riyadh") -> Console:
    return officer_console(app, username, ("decorum_officer",), city)


def committee(app, username: str = "m.aldosari", city: str | None = "Riyadh") -> Console:
    return officer_console(app, username, ("objections_committee",), city)


def record_form(national_id: str, **changes) -> dict:
    moment = utcnow() + timedelta(hours=3) - timedelta(hours=2)  # two hours ago, Saudi time
    return {"national_id": national_id, "article": "10", "place": "Riyadh Park mall",
            "day": moment.strftime("%Y-%m-%d"), "time": moment.strftime("%H:%M"),
            **changes}


def record(console: Console, national_id: str, **changes):
    token = csrf_of(console.client.get(RECORD))
    return console.client.post(RECORD, data={"csrf_token": token,
                                             **record_form(national_id, **changes)})


def violations(app) -> list[DecorumViolation]:
    with app.app_context():
        found = list(db.session.scalars(select(DecorumViolation).order_by(DecorumViolation.id)))
        db.session.expunge_all()
    return found


def the_violation(app) -> DecorumViolation:
    found = violations(app)
    assert len(found) == 1, found
    return found[0]


def objections(app) -> list[ServiceRequest]:
    with app.app_context():
        found = list(db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.service == decorum.OBJECTION).order_by(ServiceRequest.id)))
        db.session.expunge_all()
    return found


def bills_of_violation(app, number: str) -> list[Bill]:
    with app.app_context():
        found = list(db.session.scalars(select(Bill).where(
            Bill.service == decorum.SERVICE, Bill.request_key == number).order_by(Bill.id)))
        db.session.expunge_all()
    return found


def recorded_ago(app, number: str, age: timedelta) -> None:
    """Travel in time: the violation was recorded ``age`` ago."""
    with app.app_context():
        db.session.execute(update(DecorumViolation).where(DecorumViolation.number == number)
                           .values(recorded_at=utcnow() - age))
        db.session.commit()


@pytest.fixture
def holder_account(app, make_account):
    return make_account(state=ActivationState.ACTIVE)


@pytest.fixture
def holder(client, holder_account, sms_outbox) -> Holder:
    found = Holder(client, holder_account, sms_outbox)
    found.sign_in()
    return found


@pytest.fixture
def officer(app) -> Console:
    return decorum_officer(app)


@pytest.fixture
def recorded(app, holder, officer) -> DecorumViolation:
    """A violation of the holder's, recorded by the Riyadh officer."""
    assert record(officer, holder.account.national_id).status_code == 303
    return the_violation(app)
