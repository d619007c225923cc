"""Records that follow a change of owner or sponsor (services/ownership.py): when an import
gives a vehicle to a new owner, or a domestic worker to a new sponsor, what the old one set
up ends, the people concerned are texted, and the new one can act afresh."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import (
    AbsenceReport,
    ActivationState,
    AuthorisationStatus,
    DrivingAuthorisation,
    Sponsorship,
    Vehicle,
    utcnow,
)
from absher_web.services.eservices import local_today
from tests.eservices.conftest import Holder
from tests.eservices.test_absence import URL as ABSENCE_URL
from tests.eservices.test_absence import add_worker, report, withdraw
from tests.eservices.test_agency_imports import SPONSORSHIPS, VEHICLES, run
from tests.eservices.test_driving import Driving, add_vehicle, main_text, refusal_of, texts_to
from tests.pages import parse


def authorisations(app) -> dict[int, DrivingAuthorisation]:
    with app.app_context():
        return {a.driver_account_id: a for a in db.session.scalars(
            select(DrivingAuthorisation).order_by(DrivingAuthorisation.id))}


def run_due(app) -> None:
    result = app.test_cli_runner().invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output


def sell(app, tmp_path, vehicle_id: int, new_owner: str):
    """The traffic department's file, with the vehicle now in ``new_owner``'s name."""
    with app.app_context():
        vehicle = db.session.get(Vehicle, vehicle_id)
        row = (f"{vehicle.plate_country},{vehicle.plate_letters},{vehicle.plate_number},"
               f"{vehicle.make},{vehicle.model},{vehicle.year},{vehicle.colour},{new_owner},,,,")
    result = run(app, tmp_path, "import-vehicles", [VEHICLES, row])
    assert result.exit_code == 0, result.output
    return result


def test_a_vehicles_new_owner_ends_the_old_owners_authorisations(app, make_account,
                                                                   sms_outbox, tmp_path):
    active = ActivationState.ACTIVE
    old_owner = Driving(app.test_client(), make_account(state=active), sms_outbox)
    driver = Driving(app.test_client(), make_account(state=active, language="ar"), sms_outbox,
                     lang="ar")
    waiting = Driving(app.test_client(), make_account(state=active), sms_outbox)
    new_owner = Driving(app.test_client(), make_account(state=active), sms_outbox)
    for person in (old_owner, driver, waiting, new_owner):
        person.sign_in()
    vehicle = add_vehicle(app, old_owner.account.national_id)
    assert old_owner.give(vehicle, driver.account.national_id).status_code == 303
    assert old_owner.give(vehicle, waiting.account.national_id).status_code == 303
    accepted = authorisations(app)[driver.account.id]
    assert driver.act("accept", accepted.id).status_code == 303

    sell(app, tmp_path, vehicle, new_owner.account.national_id)
    run_due(app)

    ended = authorisations(app)
    assert ended[driver.account.id].status is AuthorisationStatus.OWNER_CHANGED
    assert ended[waiting.account.id].status is AuthorisationStatus.OWNER_CHANGED
    # The driver is no longer authorised, and reads why in their language, page and text.
    assert "انتهى تفويضك" in texts_to(sms_outbox, driver.account)[-1]
    assert "منتهٍ: للمركبة مالك جديد" in main_text(driver.page())
    # The old owner is told, can no longer cancel, and sees why it ended.
    owner_texts = texts_to(sms_outbox, old_owner.account)
    assert any("is no longer registered in your name" in text
               and driver.account.national_id in text for text in owner_texts)
    assert sum("is no longer registered in your name" in text for text in owner_texts) == 2
    page = old_owner.page()
    assert "Ended: the vehicle has a new owner" in main_text(page)
    assert parse(page).find("button", string="Cancel this authorisation") is None
    refused = old_owner.act("cancel", accepted.id)
    assert refused.status_code == 422 and "already ended" in refusal_of(refused)
    assert authorisations(app)[driver.account.id].status is AuthorisationStatus.OWNER_CHANGED
    # Each holder's security activity says it.
    for person in (old_owner, driver):
        activity = parse(person.client.get("/en/account/")).find("table").get_text(" ")
        assert "Driving authorisation ended: the vehicle changed owner" in activity
    # The new owner authorises the same driver afresh, and the driver can accept it.
    given = new_owner.give(vehicle, driver.account.national_id)
    assert given.status_code == 303, refusal_of(given)
    fresh = authorisations(app)[driver.account.id]
    assert fresh.owner_account_id == new_owner.account.id
    assert driver.act("accept", fresh.id).status_code == 303
    # Importing the same file again changes nothing more and texts nobody.
    sent = len(sms_outbox.messages())
    sell(app, tmp_path, vehicle, new_owner.account.national_id)
    run_due(app)
    assert authorisations(app)[driver.account.id].status is AuthorisationStatus.ACCEPTED
    assert len(sms_outbox.messages()) == sent


def test_an_import_that_fails_ends_nothing(app, make_account, sms_outbox, tmp_path):
    active = ActivationState.ACTIVE
    owner = Driving(app.test_client(), make_account(state=active), sms_outbox)
    driver = Driving(app.test_client(), make_account(state=active), sms_outbox)
    owner.sign_in()
    vehicle = add_vehicle(app, owner.account.national_id)
    assert owner.give(vehicle, driver.account.national_id).status_code == 303
    sent = len(sms_outbox.messages())
    with app.app_context():
        car = db.session.get(Vehicle, vehicle)
        row = (f"SAU,{car.plate_letters},{car.plate_number},Toyota,Camry,2021,white,"
               f"{driver.account.national_id},,,,")
    # The second row names an owner outside the civil registry: the file imports nothing.
    result = run(app, tmp_path, "import-vehicles",
                 [VEHICLES, row, "SAU,ABJ,1,Toyota,Camry,2021,white,1000000008,,,,"])
    assert result.exit_code != 0
    run_due(app)
    assert authorisations(app)[driver.account.id].status is AuthorisationStatus.PENDING
    assert len(sms_outbox.messages()) == sent


def open_report_of(app, worker: int) -> AbsenceReport | None:
    with app.app_context():
        return db.session.scalars(select(AbsenceReport).where(
            AbsenceReport.sponsorship_id == worker, AbsenceReport.withdrawn_at.is_(None))).first()


def test_a_workers_new_sponsor_closes_the_old_sponsors_absence_report(app, make_account,
                                                                        sms_outbox, tmp_path):
    active = ActivationState.ACTIVE
    old_sponsor = Holder(app.test_client(), make_account(state=active, language="ar"),
                         sms_outbox)
    new_sponsor = Holder(app.test_client(), make_account(state=active), sms_outbox)
    old_sponsor.sign_in()
    new_sponsor.sign_in()
    worker = add_worker(app, old_sponsor.account.national_id)
    yesterday = local_today(utcnow()) - timedelta(days=1)
    assert report(old_sponsor, worker, yesterday).status_code == 303
    made = open_report_of(app, worker)

    with app.app_context():
        record = db.session.get(Sponsorship, worker)
        row = (f"{new_sponsor.account.national_id},{record.person_id},{record.name_ar},"
               f"{record.name_en},domestic_worker,PHL,{record.permit_expiry},,")
    result = run(app, tmp_path, "import-sponsorships", [SPONSORSHIPS, row])
    assert result.exit_code == 0, result.output
    run_due(app)

    assert open_report_of(app, worker) is None
    with app.app_context():
        closed = db.session.get(AbsenceReport, made.id)
        assert (closed.closed_because, closed.withdrawn_at is not None) == (
            "sponsor_changed", True)
    # The old sponsor is told in their language, and can no longer withdraw the report.
    [told] = [t for t in texts_to(sms_outbox, old_sponsor.account) if "ماريا سانتوس" in t]
    assert "كفيل آخر" in told
    refused = withdraw(old_sponsor, made.id)
    assert refused.status_code == 422
    assert "has moved to another sponsor" in refusal_of(refused)
    activity = parse(old_sponsor.client.get("/en/account/")).find("table").get_text(" ")
    assert "Absence report closed: the worker moved to another sponsor" in activity
    # The new sponsor sees the worker as not reported, and can report them absent.
    assert "Not reported absent" in main_text(new_sponsor.client.get(ABSENCE_URL))
    assert report(new_sponsor, worker, yesterday).status_code == 303
    assert open_report_of(app, worker).account_id == new_sponsor.account.id
