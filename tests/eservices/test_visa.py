"""إمداد تأشيرة الزيارة: the rules (every refusal), the check-then-confirm pages, nobody
else's visitor, and a race that extends once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    SponsoredKind,
    Sponsorship,
    VisaExtension,
    utcnow,
)
from absher_web.services.eservices import NotYours, local_today, visa
from absher_web.services.policies import EServicePolicy
from tests.account.conftest import csrf_of
from tests.conftest import fresh_national_id
from tests.eservices.conftest import Holder
from tests.eservices.test_driving import at_once, main_text, refusal_of
from tests.pages import parse

URL = "/en/account/services/visit-visa-extension"
POLICY = EServicePolicy()  # window 30 days, 90 days more, 180 days' stay, fee 100


def add_visitor(app, sponsor: str, expires_in: int = 20, entered: int | None = 70,
                insured_for: int | None = 200, kind=SponsoredKind.VISITOR) -> int:
    today = local_today(utcnow())
    with app.app_context(), db.transaction() as session:
        record = Sponsorship(
            sponsor_id=sponsor,
            person_id=("31" + fresh_national_id()[2:]) if kind is SponsoredKind.VISITOR
            else fresh_national_id("2"),
            name_ar="ماريا سانتوس", name_en="Maria Santos", kind=kind, nationality="PHL",
            permit_expiry=today + timedelta(days=expires_in),
            entry_date=today - timedelta(days=entered) if entered is not None else None,
            health_insurer="Bupa Arabia" if insured_for is not None else None,
            health_insurance_expiry=(today + timedelta(days=insured_for)
                                     if insured_for is not None else None))
        session.add(record)
        session.flush()
        return record.id


def record(expires_in=20, entered=70, insured_for=200, today=date(2026, 6, 1)) -> Sponsorship:
    return Sponsorship(
        person_id="3100000000", name_ar="م", name_en="M", kind=SponsoredKind.VISITOR,
        nationality="PHL", permit_expiry=today + timedelta(days=expires_in),
        entry_date=today - timedelta(days=entered) if entered is not None else None,
        health_insurance_expiry=today + timedelta(days=insured_for)
        if insured_for is not None else None)


# --- the rules ---------------------------------------------------------------------------

TODAY = date(2026, 6, 1)


def test_an_extension_adds_the_set_days_for_the_set_fee():
    quote = visa.rule(POLICY, record(expires_in=20, entered=10), TODAY)
    assert quote.new_expiry == TODAY + timedelta(days=110) and quote.fee == 100
    assert quote.days == 90


def test_an_extension_is_shortened_to_the_longest_stay():
    quote = visa.rule(POLICY, record(expires_in=20, entered=100), TODAY)
    assert quote.new_expiry == TODAY + timedelta(days=80)  # 180 days from entry


@pytest.mark.parametrize(("kwargs", "reason", "on"), [
    ({"expires_in": -1}, visa.Refusal.EXPIRED, TODAY - timedelta(days=1)),
    ({"expires_in": 31}, visa.Refusal.TOO_EARLY, TODAY + timedelta(days=1)),
    ({"entered": None}, visa.Refusal.ENTRY_UNKNOWN, None),
    ({"expires_in": 20, "entered": 160}, visa.Refusal.MAX_STAY, TODAY - timedelta(days=160)),
    ({"insured_for": None}, visa.Refusal.NO_INSURANCE, TODAY + timedelta(days=110)),
    ({"insured_for": 100}, visa.Refusal.INSURANCE_SHORT, TODAY + timedelta(days=110)),
])
def test_every_refusal_names_its_reason_and_day(kwargs, reason, on):
    refused = visa.rule(POLICY, record(**kwargs), TODAY)
    assert isinstance(refused, visa.Refused)
    assert (refused.reason, refused.on) == (reason, on)


def test_the_last_day_of_the_visa_and_the_first_of_the_window_are_allowed():
    assert isinstance(visa.rule(POLICY, record(expires_in=0), TODAY), visa.Quote)
    assert isinstance(visa.rule(POLICY, record(expires_in=30), TODAY), visa.Quote)


# --- the pages ---------------------------------------------------------------------------


@pytest.fixture
def sponsor(app, holder) -> tuple[Holder, int]:
    return holder, add_visitor(app, holder.account.national_id)


def check(holder: Holder, item) -> object:
    page = holder.client.get(URL)
    return holder.client.post(URL, data={"csrf_token": csrf_of(page), "item": item})


def confirm(holder: Holder, item, new_expiry: str):
    page = holder.client.get(URL)
    return holder.client.post(f"{URL}/confirm", data={
        "csrf_token": csrf_of(page), "item": item, "new_expiry": new_expiry})


def test_the_sponsor_sees_the_fee_and_new_expiry_then_confirms(app, sponsor, sms_outbox):
    holder, item = sponsor
    page = parse(holder.client.get(URL))
    assert "Maria Santos" in page.find("main").get_text(" ")
    assert page.find("section", attrs={"aria-labelledby": "quote-heading"}) is None

    checked = check(holder, item)
    assert checked.status_code == 200
    quote = parse(checked).find("section", attrs={"aria-labelledby": "quote-heading"})
    text = quote.get_text(" ", strip=True)
    new_expiry = local_today(utcnow()) + timedelta(days=110)
    assert "100 riyals" in text and "Days added 90" in text
    assert str(new_expiry.year) in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VisaExtension)) == 0

    done = confirm(holder, item, new_expiry.isoformat())
    assert done.status_code == 303
    after = holder.client.get(URL)
    assert "The visit visa of Maria Santos is extended until" in main_text(after)
    assert "Extensions you made" in main_text(after)
    with app.app_context():
        assert db.session.get(Sponsorship, item).permit_expiry == new_expiry
        extension = db.session.scalars(select(VisaExtension)).one()
        assert (extension.fee, extension.new_expiry) == (100, new_expiry)
    assert "Fee: 100 riyals" in sms_outbox.messages()[-1]["body"]
    # The same confirmation again (a double submit) extends nothing more.
    again = confirm(holder, item, new_expiry.isoformat())
    assert again.status_code == 422
    assert "can be extended only in the last 30 days" in refusal_of(again)
    activity = parse(holder.client.get("/en/account/")).find("table").get_text(" ")
    assert "Visit visa extended" in activity


def test_a_confirmation_that_no_longer_matches_is_refused(app, sponsor):
    holder, item = sponsor
    response = confirm(holder, item, "2099-01-01")
    assert response.status_code == 422
    assert "has changed since you checked it" in refusal_of(response)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"expires_in": -3}, "An expired visa cannot be extended online"),
    ({"expires_in": 60}, "can be extended only in the last 30 days"),
    ({"entered": None}, "entered the Kingdom is not recorded"),
    ({"entered": 170}, "the longest stay a visit visa allows: 180 days"),
    ({"insured_for": None}, "No health insurance is recorded for Maria Santos"),
    ({"insured_for": 50}, "It must be valid until"),
])
def test_each_refusal_is_explained_on_the_page(app, holder, kwargs, words):
    item = add_visitor(app, holder.account.national_id, **kwargs)
    response = check(holder, item)
    assert response.status_code == 422
    assert words in refusal_of(response)
    assert parse(response).find("section", attrs={"aria-labelledby": "quote-heading"}) is None


def test_nobody_else_reaches_a_visitor(app, sponsor, make_account, sms_outbox, client):
    holder, item = sponsor
    other = Holder(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    other.sign_in()
    assert check(other, item).status_code == 403
    assert confirm(other, item, "2030-01-01").status_code == 403
    assert "Maria Santos" not in main_text(other.client.get(URL))
    # A worker is not a visitor: no visa to extend.
    worker = add_visitor(app, holder.account.national_id, kind=SponsoredKind.WORKER)
    assert check(holder, worker).status_code == 403
    assert check(holder, "").status_code == 422
    assert client.post(f"{URL}/confirm", data={"item": item}).status_code in (302, 400)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VisaExtension)) == 0


def test_the_service_refuses_someone_elses_visitor(app, sponsor, make_account):
    holder, item = sponsor
    stranger = make_account(state=ActivationState.ACTIVE)
    with app.app_context(), pytest.raises(NotYours):
        visa.quote(db.session, POLICY, db.session.merge(stranger), item, utcnow())


def test_twenty_confirmations_at_once_extend_once(app, sponsor, sms_outbox):
    holder, item = sponsor
    new_expiry = local_today(utcnow()) + timedelta(days=110)
    before = len(sms_outbox.messages())

    def extend():
        with app.app_context():
            me = db.session.merge(holder.account, load=True)
            visa.extend(db.session, POLICY, me, item, new_expiry, utcnow(), "race")
            db.session.rollback()

    at_once([extend] * 20)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VisaExtension)) == 1
        assert db.session.get(Sponsorship, item).permit_expiry == new_expiry
    assert len(sms_outbox.messages()) == before + 1
