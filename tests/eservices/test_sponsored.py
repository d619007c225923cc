"""The sponsor's workers and visitors, and health insurance validity, as a holder sees them
from the sponsorship registry."""

from __future__ import annotations

from datetime import timedelta

from absher_web.extensions import db
from absher_web.models import ActivationState, SponsoredKind, Sponsorship
from tests.conftest import fresh_national_id
from tests.days import riyadh_today
from tests.eservices.conftest import Holder, answer_text
from tests.pages import parse

TODAY = riyadh_today()


def sponsor(app, sponsor_id: str, kind: SponsoredKind, name: str, permit_days: int,
            insured_days: int | None, person_id: str | None = None) -> str:
    person_id = person_id or (fresh_national_id("2") if kind is not SponsoredKind.VISITOR
                              else f"31{fresh_national_id()[2:]}")
    with app.app_context(), db.transaction() as session:
        session.add(Sponsorship(
            sponsor_id=sponsor_id, person_id=person_id, name_ar="اسم", name_en=name, kind=kind,
            nationality="PHL", permit_expiry=TODAY + timedelta(days=permit_days),
            health_insurer="Bupa Arabia" if insured_days is not None else None,
            health_insurance_expiry=(TODAY + timedelta(days=insured_days)
                                     if insured_days is not None else None)))
    return person_id


def test_a_holder_who_sponsors_nobody_is_told_so(holder):
    text = answer_text(holder.enquire("workers-and-visitors"))
    assert "You do not sponsor any workers or visitors." in text


def test_workers_domestic_workers_and_visitors_with_their_validity(app, holder):
    sponsor_id = holder.account.national_id
    sponsor(app, sponsor_id, SponsoredKind.WORKER, "Raju Kumar", 400, 200)
    sponsor(app, sponsor_id, SponsoredKind.DOMESTIC_WORKER, "Maria Santos", 10, -3)
    sponsor(app, sponsor_id, SponsoredKind.VISITOR, "Salma Omar", -1, None)
    response = holder.enquire("workers-and-visitors")
    section = parse(response).find("section")
    assert [h.get_text(strip=True) for h in section.find_all("h3")] == [
        "Workers", "Domestic workers", "Visitors"]
    people = {h.get_text(strip=True): h.find_next("dl").get_text(" ", strip=True)
              for h in section.find_all("h4")}
    assert set(people) == {"Raju Kumar", "Maria Santos", "Salma Omar"}
    assert "Iqama Valid until" in people["Raju Kumar"]
    assert "Iqama Expires soon" in people["Maria Santos"]
    assert "Health insurance Expired on" in people["Maria Santos"]
    assert "Visit visa Expired on" in people["Salma Omar"]
    assert "No health insurance is recorded" in people["Salma Omar"]


def test_a_resident_sees_their_own_health_insurance(app, client, make_account, sms_outbox,
                                                    make_person):
    resident = make_account(first_digit="2", state=ActivationState.ACTIVE)
    sponsor(app, make_person(), SponsoredKind.WORKER, "Sarah", 300, 15,
            person_id=resident.national_id)
    holder = Holder(client, resident, sms_outbox)
    holder.sign_in()
    text = answer_text(holder.enquire("health-insurance"))
    assert "Your health insurance Health insurance Expires soon" in text
    assert "You sponsor no workers." in text


def test_health_insurance_lists_the_workers_but_not_the_visitors(app, holder):
    sponsor_id = holder.account.national_id
    sponsor(app, sponsor_id, SponsoredKind.DOMESTIC_WORKER, "Maria Santos", 100, 100)
    sponsor(app, sponsor_id, SponsoredKind.VISITOR, "Salma Omar", 30, 30)
    text = answer_text(holder.enquire("health-insurance"))
    assert "No health insurance is recorded for you" in text
    assert "Maria Santos" in text and "Salma Omar" not in text


def test_someone_elses_workers_are_never_shown(app, holder, make_person):
    sponsor(app, make_person(), SponsoredKind.WORKER, "Not Yours", 100, 100)
    assert "Not Yours" not in answer_text(holder.enquire("workers-and-visitors"))
    assert "Not Yours" not in answer_text(holder.enquire("health-insurance"))
