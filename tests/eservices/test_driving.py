"""طلبات تفويض للقيادة and إلغاء مستخدم للمركبة: two holders complete an authorisation
between them; every refusal; nobody else reaches one; races change it once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    AuditEvent,
    AuthorisationStatus,
    DrivingAuthorisation,
    Vehicle,
    utcnow,
)
from absher_web.services.eservices import NotYours, counted_together, driving
from absher_web.services.policies import EServicePolicy
from tests.account.concurrency import at_once, same_browser
from tests.account.conftest import Citizen, csrf_of
from tests.conftest import fresh_national_id
from tests.days import riyadh_today
from tests.eservices.conftest import Holder
from tests.pages import parse

URL = "/{lang}/account/services/driving-authorisations"


def add_vehicle(app, owner_id: str, impounded: bool = False) -> int:
    with app.app_context(), db.transaction() as session:
        vehicle = Vehicle(plate_country="SAU", plate_letters="ABJ",
                          plate_number=fresh_national_id()[-4:], make="Toyota", model="Camry",
                          year=2021, colour="white", owner_id=owner_id,
                          impounded_since=riyadh_today() if impounded else None,
                          impound_place="حجز جدة" if impounded else None)
        session.add(vehicle)
        session.flush()
        return vehicle.id


class Driving(Holder):
    def page(self):
        return self.client.get(URL.format(lang=self.lang))

    def give(self, vehicle: int, national_id: str, until: date | str | None = None):
        page = self.page()
        until = riyadh_today() + timedelta(days=30) if until is None else until
        return self.client.post(URL.format(lang=self.lang), data={
            "csrf_token": csrf_of(page), "vehicle": vehicle, "national_id": national_id,
            "until": until.isoformat() if isinstance(until, date) else until})

    def act(self, action: str, item: int | str):
        page = self.page()
        return self.client.post(f"{URL.format(lang=self.lang)}/{action}",
                                data={"csrf_token": csrf_of(page), "item": item})


@pytest.fixture
def people(app, make_account, sms_outbox):
    """A signed-in owner with a vehicle, and a signed-in driver (Arabic), each their own
    browser."""
    owner = Driving(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    driver = Driving(app.test_client(),
                     make_account(state=ActivationState.ACTIVE, language="ar"), sms_outbox,
                     lang="ar")
    owner.sign_in()
    driver.sign_in()
    return owner, driver, add_vehicle(app, owner.account.national_id)


def texts_to(sms_outbox, account) -> list[str]:
    return [m["body"] for m in sms_outbox.messages() if m["to"] == account.mobile
            and "code" not in m["body"] and "رمز" not in m["body"]]


def only_authorisation(app) -> DrivingAuthorisation:
    with app.app_context():
        return db.session.scalars(select(DrivingAuthorisation)).one()


def main_text(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def test_two_holders_complete_an_authorisation_and_the_owner_cancels_it(app, people,
                                                                        sms_outbox):
    owner, driver, vehicle = people
    given = owner.give(vehicle, driver.account.national_id)
    assert given.status_code == 303
    page = owner.page()
    assert "The authorisation is sent." in main_text(page)
    assert "Waiting for acceptance" in main_text(page)
    assert "The authorisation is sent." not in main_text(owner.page())  # said once
    # Both are texted, each in their own language; the driver learns the owner's name.
    assert "accept" in texts_to(sms_outbox, owner.account)[-1]
    assert "فوّضك" in texts_to(sms_outbox, driver.account)[-1]

    home = parse(driver.client.get("/ar/account/"))
    assert home.find("h2", string="تفويضات في انتظار موافقتك") is not None
    waiting = parse(driver.page()).find("h2", string="تفويضات في انتظار موافقتك")
    item = waiting.find_next("ul")
    assert item.find("button", string="قبول") and item.find("button", string="رفض")

    authorisation = only_authorisation(app)
    assert driver.act("accept", authorisation.id).status_code == 303
    assert only_authorisation(app).status is AuthorisationStatus.ACCEPTED
    assert "Accepted" in main_text(owner.page())
    assert len(texts_to(sms_outbox, owner.account)) == 2
    assert len(texts_to(sms_outbox, driver.account)) == 2

    assert owner.act("cancel", authorisation.id).status_code == 303
    assert only_authorisation(app).status is AuthorisationStatus.CANCELLED
    assert "لا تقدها" in texts_to(sms_outbox, driver.account)[-1]
    assert "Cancelled" in main_text(owner.page())
    assert parse(owner.page()).find("button", string="Cancel this authorisation") is None
    # Each change is in both holders' security activity.
    activity = parse(owner.client.get("/en/account/")).find("table").get_text(" ")
    assert "Driving authorisation cancelled" in activity
    assert "Driving authorisation accepted" in activity


def test_a_declined_authorisation_cannot_be_accepted_after(app, people, sms_outbox):
    owner, driver, vehicle = people
    owner.give(vehicle, driver.account.national_id)
    authorisation = only_authorisation(app)
    assert driver.act("decline", authorisation.id).status_code == 303
    again = driver.act("accept", authorisation.id)
    assert again.status_code == 422
    assert "لم يعد هذا التفويض في انتظار ردك" in main_text(again)
    assert only_authorisation(app).status is AuthorisationStatus.DECLINED
    assert "Declined" in main_text(owner.page())
    cancel = owner.act("cancel", authorisation.id)
    assert cancel.status_code == 422
    assert "This authorisation has already ended" in main_text(cancel)


def refusal_of(response) -> str:
    summary = parse(response).find(attrs={"data-error-summary": True})
    assert summary is not None, response.get_data(as_text=True)[:800]
    return summary.get_text(" ", strip=True)


def test_unknown_inactive_and_full_holders_get_the_same_refusal(app, people, make_account,
                                                                make_person):
    owner, driver, vehicle = people
    unknown = fresh_national_id()
    no_account = make_person()
    inactive = make_account().national_id
    # The driver already holds the most allowed (the setting's default, 3).
    for _ in range(3):
        other = Driving(app.test_client(), make_account(state=ActivationState.ACTIVE),
                        owner.sms_outbox)
        other.sign_in()
        assert other.give(add_vehicle(app, other.account.national_id),
                          driver.account.national_id).status_code == 303
    refusals = set()
    for number in (unknown, no_account, inactive, driver.account.national_id):
        response = owner.give(vehicle, number)
        assert response.status_code == 422
        refusals.add(refusal_of(response))
    assert len(refusals) == 1
    (text,) = refusals
    assert "Only a holder of an active Absher account can be authorised" in text
    assert "at most 3 driving authorisations" in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DrivingAuthorisation)
                                 .where(DrivingAuthorisation.vehicle_id == vehicle)) == 0


def test_every_other_refusal_is_explained(app, people):
    owner, driver, vehicle = people
    cases = [
        (owner.give(vehicle, owner.account.national_id), "You cannot authorise yourself"),
        (owner.give(add_vehicle(app, owner.account.national_id, impounded=True),
                    driver.account.national_id), "This vehicle is impounded"),
        (owner.give(vehicle, driver.account.national_id, riyadh_today() - timedelta(days=1)),
         "must be today or later"),
        (owner.give(vehicle, driver.account.national_id, riyadh_today() + timedelta(days=366)),
         "at most 365 days"),
        (owner.give(vehicle, driver.account.national_id, "31/12/2026"), "Enter a real date"),
        (owner.give(vehicle, driver.account.national_id, ""), "Enter the last day"),
        (owner.give(vehicle, "12345"), "Enter the ID or iqama number as 10 digits"),
        (owner.give("", driver.account.national_id), "Choose one of your vehicles"),
    ]
    for response, words in cases:
        assert response.status_code == 422, words
        assert words in refusal_of(response)
    assert owner.give(vehicle, driver.account.national_id).status_code == 303
    twice = owner.give(vehicle, driver.account.national_id)
    assert "already has an authorisation for this ID" in refusal_of(twice)


def test_nobody_else_reaches_an_authorisation(app, people, make_account, client, sms_outbox):
    owner, driver, vehicle = people
    owner.give(vehicle, driver.account.national_id)
    item = only_authorisation(app).id
    stranger = Driving(app.test_client(), make_account(state=ActivationState.ACTIVE),
                       sms_outbox)
    stranger.sign_in()
    for action in ("accept", "decline", "cancel"):
        assert stranger.act(action, item).status_code == 403
    assert stranger.act("accept", 2**31 - 1).status_code == 403  # none: the same answer
    assert owner.act("accept", item).status_code == 403  # the owner does not answer
    assert driver.act("cancel", item).status_code == 403  # the driver does not cancel
    # Someone else's vehicle.
    assert stranger.give(vehicle, driver.account.national_id).status_code == 403
    assert "Camry" not in main_text(stranger.page())
    # Signed out: to sign in; not activated: the activation page, and nothing changes.
    for action in ("accept", "decline", "cancel"):
        response = client.post(f"/en/account/services/driving-authorisations/{action}",
                               data={"item": item})
        assert response.status_code in (302, 400)
    unactivated = Citizen(app.test_client(), make_account(), sms_outbox)
    unactivated.sign_in()
    page = unactivated.client.get("/en/account/services/driving-authorisations")
    for action in ("accept", "decline", "cancel"):
        response = unactivated.client.post(
            f"/en/account/services/driving-authorisations/{action}",
            data={"csrf_token": csrf_of(page), "item": item})
        assert "This service needs an activated account." in main_text(response)
    assert only_authorisation(app).status is AuthorisationStatus.PENDING  # the only one


def test_a_refusal_for_what_is_not_yours_is_said_on_the_service_page(app, people,
                                                                       make_account,
                                                                       sms_outbox):
    owner, driver, vehicle = people
    stranger = Driving(app.test_client(), make_account(state=ActivationState.ACTIVE),
                       sms_outbox, lang="ar")
    stranger.sign_in()
    # A form kept open while the vehicle changed hands, or altered: the page, 403, saying
    # why; the same words for a vehicle that does not exist, so nothing is told about it.
    for vehicle_id in (vehicle, 2**31 - 1):
        response = stranger.give(vehicle_id, driver.account.national_id)
        assert response.status_code == 403
        page = parse(response)
        assert page.find("h1").get_text(strip=True) == "طلبات تفويض للقيادة"
        assert ("هذه المركبة ليست مسجلة باسمك، فلا يمكنك تفويض أحد بقيادتها. اختر إحدى "
                "المركبات المسجلة باسمك.") in refusal_of(response)
        assert "Camry" not in main_text(response)
        assert "لا يمكنك فتح هذه الصفحة" not in main_text(response)  # not the site's 403 page
    # In English too, without JavaScript: a plain form post, answered by the page.
    english = owner.give(2**31 - 1, driver.account.national_id)
    assert english.status_code == 403
    assert parse(english).find("h1").get_text(strip=True) == "Driving authorisations"
    assert ("This vehicle is not registered in your name, so you cannot authorise anyone to "
            "drive it.") in refusal_of(english)
    # Through htmx: the service's step, swapped in place, with the same sentence.
    page = stranger.page()
    fragment = stranger.client.post(URL.format(lang="ar"), headers={"HX-Request": "true"},
                                    data={"csrf_token": csrf_of(page), "vehicle": vehicle,
                                          "national_id": driver.account.national_id,
                                          "until": riyadh_today().isoformat()})
    assert fragment.status_code == 403 and b"<html" not in fragment.data
    assert "هذه المركبة ليست مسجلة باسمك" in refusal_of(fragment)
    # Someone else's authorisation: what it is, in the page too.
    assert owner.give(vehicle, driver.account.national_id).status_code == 303
    item = only_authorisation(app).id
    declined = owner.act("decline", item)
    assert declined.status_code == 403
    assert "This authorisation was not given to you" in refusal_of(declined)
    cancelled = driver.act("cancel", item)
    assert cancelled.status_code == 403
    assert "لم تمنح هذا التفويض" in refusal_of(cancelled)
    assert only_authorisation(app).status is AuthorisationStatus.PENDING


def test_a_stranger_posting_is_sent_to_sign_in(app, client):
    page = client.get("/en/individuals/login")
    for action in ("accept", "decline", "cancel"):
        response = client.post(f"/en/account/services/driving-authorisations/{action}",
                               data={"csrf_token": csrf_of(page), "item": 1})
        assert response.status_code == 302
        assert "/en/individuals/login" in response.headers["Location"]


# --- the rules without pages ---------------------------------------------------------


def test_the_service_refuses_someone_elses_records(app, people):
    owner, driver, vehicle = people
    with app.app_context():
        session = db.session
        me = session.merge(driver.account)
        with pytest.raises(NotYours):
            driving.give(session, EServicePolicy(), me, vehicle, owner.account.national_id,
                         riyadh_today(), utcnow(), None)
        with pytest.raises(NotYours):
            driving.cancel(session, me, 2**31 - 1, utcnow(), None)


def test_an_authorisation_past_its_last_day_cannot_be_answered(app, people):
    owner, driver, vehicle = people
    owner.give(vehicle, driver.account.national_id, riyadh_today())
    authorisation = only_authorisation(app)
    with app.app_context():
        me = db.session.merge(driver.account)
        later = utcnow() + timedelta(days=2)
        assert driving.accept(db.session, me, authorisation.id, later,
                              None) is driving.Refusal.NOT_WAITING
        assert counted_together(db.session, waiting=driving.waiting_counted(me, later)) == {
            "waiting": 0}
        assert counted_together(db.session, waiting=driving.waiting_counted(me, utcnow())) == {
            "waiting": 1}


# --- races (SQLite and PostgreSQL) ----------------------------------------------------


def transitions(app, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == kind, AuditEvent.client_address == "race"))


@pytest.mark.parametrize("answers", [("accept",) * 20, ("accept", "decline") * 10])
def test_twenty_answers_at_once_change_it_once(app, people, sms_outbox, answers):
    owner, driver, vehicle = people
    owner.give(vehicle, driver.account.national_id)
    item = only_authorisation(app).id
    before = len(sms_outbox.messages())

    def answer(how):
        def job():
            with app.app_context():
                me = db.session.merge(driver.account, load=True)
                getattr(driving, how)(db.session, me, item, utcnow(), "race")
                db.session.rollback()
        return job

    at_once([answer(how) for how in answers])
    changed = transitions(app, driving.ACCEPTED) + transitions(app, driving.DECLINED)
    assert changed == 1
    assert len(sms_outbox.messages()) == before + 2


def test_twenty_cancels_at_once_cancel_once(app, people, sms_outbox):
    owner, driver, vehicle = people
    owner.give(vehicle, driver.account.national_id)
    item = only_authorisation(app).id

    def cancel():
        with app.app_context():
            me = db.session.merge(owner.account, load=True)
            driving.cancel(db.session, me, item, utcnow(), "race")
            db.session.rollback()

    at_once([cancel] * 20)
    assert transitions(app, driving.CANCELLED) == 1
    assert only_authorisation(app).status is AuthorisationStatus.CANCELLED


def test_authorisations_given_are_limited_per_account(app, people):
    owner, driver, vehicle = people
    app.config["RATELIMIT_DRIVING_AUTHORISATION"] = "1 per day"
    try:
        assert owner.give(vehicle, owner.account.national_id).status_code == 422  # not counted
        assert owner.give(vehicle, driver.account.national_id).status_code == 303
        other = add_vehicle(app, owner.account.national_id)
        assert owner.give(other, driver.account.national_id).status_code == 429
    finally:
        app.config["RATELIMIT_DRIVING_AUTHORISATION"] = "10 per day"


def test_twenty_owners_at_once_give_one_driver_no_more_than_the_limit(app, people,
                                                                         make_account):
    _owner, driver, _vehicle = people
    owners = [make_account(state=ActivationState.ACTIVE) for _ in range(20)]
    vehicles = [add_vehicle(app, owner.national_id) for owner in owners]
    policy = EServicePolicy(max_driving_authorisations=3)
    until = riyadh_today() + timedelta(days=10)

    def give(owner, vehicle):
        def job():
            with app.app_context():
                me = db.session.merge(owner, load=True)
                driving.give(db.session, policy, me, vehicle, driver.account.national_id,
                             until, utcnow(), "race")
                db.session.commit()
        return job

    at_once([give(owner, vehicle) for owner, vehicle in zip(owners, vehicles, strict=True)])
    with app.app_context():
        held = db.session.scalar(select(func.count()).select_from(DrivingAuthorisation).where(
            DrivingAuthorisation.driver_account_id == driver.account.id))
    assert held == 3


def test_twenty_authorisations_at_once_from_one_owner_stop_at_the_limit(app, people,
                                                                         make_account,
                                                                         sms_outbox):
    """Counted before the change, not after the answer: of twenty sent at once against a
    limit of ten a day, exactly ten are given (and texted); the others get the 429 page."""
    owner, _driver, _vehicle = people
    drivers = [make_account(state=ActivationState.ACTIVE) for _ in range(20)]
    vehicles = [add_vehicle(app, owner.account.national_id) for _ in range(20)]
    token = csrf_of(owner.page())
    tabs = same_browser(app, owner.client, 20)
    before = len(sms_outbox.messages())

    def give(tab, vehicle, driver):
        def job():
            return tab.post(URL.format(lang="en"), data={
                "csrf_token": token, "vehicle": vehicle, "national_id": driver.national_id,
                "until": (riyadh_today() + timedelta(days=30)).isoformat()})
        return job

    answers = at_once([give(tab, vehicle, driver) for tab, vehicle, driver
                       in zip(tabs, vehicles, drivers, strict=True)])
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [303] * 10 + [429] * 10
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert "Too many attempts" in refused.get_data(as_text=True)
    with app.app_context():
        given = db.session.scalar(select(func.count()).select_from(DrivingAuthorisation))
    assert given == 10
    assert len(sms_outbox.messages()) - before == 20  # the owner and the driver, each time
    # Refusals and the ten given used the day's ten: the next is refused too.
    other = add_vehicle(app, owner.account.national_id)
    assert owner.give(other, make_account(state=ActivationState.ACTIVE).national_id) \
        .status_code == 429
