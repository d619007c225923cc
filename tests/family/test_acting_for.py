"""The one rule for acting for someone (services/acting_for.py), from the registry's
links, and the audit every act leaves for both people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from absher_web.agencies import family
from absher_web.agencies.family import CustodyEntry, MarriageEntry, ParentEntry
from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    AuditEvent,
    MarriageEnd,
    ParentRole,
    Sex,
    SponsoredKind,
    Sponsorship,
    utcnow,
)
from absher_web.services import acting_for
from absher_web.services.acting_for import ActingRefused, Refusal, Relation
from absher_web.services.eservices import local_today

TODAY = local_today(utcnow())


def years_ago(years: int, days: int = 0) -> date:
    return TODAY.replace(year=TODAY.year - years) - timedelta(days=days)


def add(app, *entries) -> None:
    with app.app_context(), db.transaction() as session:
        family.import_family(session, list(entries))


@pytest.fixture
def household(app, make_person):
    """A father and mother, divorced; their son of 10 and daughter of 20."""
    people = {
        "father": make_person(birth_date=date(1975, 1, 1)),
        "mother": make_person(birth_date=date(1980, 1, 1)),
        "son": make_person(birth_date=years_ago(10)),
        "daughter": make_person(birth_date=years_ago(20)),
        "stranger": make_person(birth_date=date(1970, 1, 1)),
    }
    add(app,
        MarriageEntry(people["father"], people["mother"], date(2000, 1, 1)),
        *(ParentEntry(people[parent], people[child], ParentRole(parent), sex)
          for parent in ("father", "mother")
          for child, sex in (("son", Sex.MALE), ("daughter", Sex.FEMALE))))
    return people


def decide(app, holder: str, person: str, service: str = "passport"):
    with app.app_context():
        return acting_for.may_act_for(db.session, holder, person, service)


def test_a_parent_acts_for_a_minor_child(app, household):
    for parent in ("father", "mother"):
        decision = decide(app, household[parent], household["son"])
        assert decision and decision.relation is Relation.PARENT


def test_nobody_acts_for_an_adult_child(app, household):
    decision = decide(app, household["father"], household["daughter"])
    assert not decision and decision.refusal is Refusal.ADULT
    own = decide(app, household["daughter"], household["daughter"])
    assert own.relation is Relation.SELF


def test_a_child_turns_adult_on_their_eighteenth_birthday(app, household, make_person):
    tomorrow = make_person(birth_date=years_ago(18, days=-1))
    today = make_person(birth_date=years_ago(18))
    add(app, ParentEntry(household["father"], tomorrow, ParentRole.FATHER, Sex.MALE),
        ParentEntry(household["father"], today, ParentRole.FATHER, Sex.FEMALE))
    assert decide(app, household["father"], tomorrow).relation is Relation.PARENT
    assert decide(app, household["father"], today).refusal is Refusal.ADULT


def test_custody_recorded_with_the_mother_leaves_the_divorced_father_out(app, household):
    add(app, MarriageEntry(household["father"], household["mother"], date(2000, 1, 1),
                           date(2020, 1, 1), MarriageEnd.DIVORCE),
        CustodyEntry(household["mother"], household["son"], date(2020, 2, 1)))
    refused = decide(app, household["father"], household["son"])
    assert not refused and refused.refusal is Refusal.CUSTODY_ELSEWHERE
    assert decide(app, household["mother"], household["son"]).relation is Relation.PARENT
    # Nor is he head of a household she has left.
    assert decide(app, household["father"], household["mother"], "id_renewal").refusal \
        is Refusal.NO_LINK


def test_a_custodian_who_is_not_a_parent_acts_for_the_child(app, household, make_person):
    grandmother = make_person(birth_date=date(1950, 1, 1))
    add(app, CustodyEntry(grandmother, household["son"], date(2022, 1, 1)))
    assert decide(app, grandmother, household["son"]).relation is Relation.CUSTODIAN
    assert decide(app, household["father"], household["son"]).refusal \
        is Refusal.CUSTODY_ELSEWHERE


def test_a_husband_acts_for_his_wife_in_the_services_that_allow_it(app, household):
    assert decide(app, household["father"], household["mother"], "id_renewal").relation \
        is Relation.HEAD
    # Never the other way round.
    assert not decide(app, household["mother"], household["father"], "id_renewal")
    # A service only for oneself.
    refused = decide(app, household["father"], household["mother"], "family_record")
    assert refused.refusal is Refusal.NOT_FOR_SERVICE


def test_a_stranger_acts_for_nobody(app, household):
    for person in ("father", "mother", "son", "daughter"):
        decision = decide(app, household["stranger"], household[person])
        assert not decision and decision.refusal is Refusal.NO_LINK
    assert decide(app, household["stranger"], "1000000008").refusal is Refusal.NO_LINK
    assert decide(app, household["stranger"], "' OR 1=1 --").refusal is Refusal.NO_LINK
    assert decide(app, household["father"], household["son"], "no-such-service").refusal \
        is Refusal.UNKNOWN_SERVICE


def test_a_sponsor_acts_for_the_people_they_sponsor(app, household):
    visitor = "3100000017"
    with app.app_context(), db.transaction() as session:
        session.add(Sponsorship(
            sponsor_id=household["stranger"], person_id=visitor, name_ar="زائر",
            name_en="Visitor", kind=SponsoredKind.VISITOR, nationality="IDN",
            permit_expiry=TODAY + timedelta(days=30)))
    assert decide(app, household["stranger"], visitor, "exit_reentry_visa").relation \
        is Relation.SPONSOR
    assert not decide(app, household["stranger"], visitor, "passport")
    assert not decide(app, household["father"], visitor, "exit_reentry_visa")


def test_a_minor_does_not_act_even_for_themselves(app, household):
    assert decide(app, household["son"], household["son"]).refusal is Refusal.MINOR


def test_check_acting_for_raises_the_403_the_views_answer(app, household):
    with app.app_context():
        with pytest.raises(ActingRefused) as refused:
            acting_for.check_acting_for(db.session, household["stranger"], household["son"],
                                        "passport")
        assert refused.value.refusal is Refusal.NO_LINK
        assert acting_for.check_acting_for(db.session, household["mother"], household["son"],
                                           "passport") is Relation.PARENT


def test_every_act_is_recorded_for_both(app, make_account, make_person):
    father = make_account(state=ActivationState.ACTIVE, birth_date=date(1980, 1, 1))
    wife = make_account(state=ActivationState.ACTIVE, birth_date=date(1985, 1, 1))
    child = make_person(birth_date=years_ago(5))
    add(app, MarriageEntry(father.national_id, wife.national_id, date(2010, 1, 1)),
        ParentEntry(father.national_id, child, ParentRole.FATHER, Sex.FEMALE))
    now = utcnow()
    with app.app_context(), db.transaction() as session:
        acting_for.record_acting(session, "passport_renewed", father, wife.national_id, now,
                                 "192.0.2.1", years=5)
        acting_for.record_acting(session, "passport_renewed", father, child, now, "192.0.2.1")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    mine = [e for e in events if e.account_id == father.id]
    theirs = [e for e in events if e.account_id == wife.id]
    assert [(e.kind, e.detail["for_person"]) for e in mine] == [
        ("passport_renewed", wife.national_id), ("passport_renewed", child)]
    assert mine[0].detail["years"] == 5 and mine[0].client_address == "192.0.2.1"
    # The wife has an account: the act is in her activity too; the child has none.
    assert [(e.kind, e.detail) for e in theirs] == [
        (acting_for.ACTED_FOR_YOU, {"service": "passport_renewed",
                                    "by_person": father.national_id})]
    assert len(events) == 3


def test_a_view_refused_by_the_rule_answers_the_sites_403(app, household):
    # A view that acts for someone calls the rule; the refusal is the site's 403 page,
    # the same for a stranger and for a person who does not exist.
    @app.get("/en/act-for/<holder>/<person>")
    def act(holder: str, person: str) -> str:
        return acting_for.check_acting_for(db.session, holder, person, "passport").value

    client = app.test_client()
    assert client.get(f"/en/act-for/{household['mother']}/{household['son']}").text == "parent"
    for holder, person in ((household["stranger"], household["son"]),
                           (household["father"], household["daughter"]),
                           (household["stranger"], "1000000008")):
        refused = client.get(f"/en/act-for/{holder}/{person}")
        assert refused.status_code == 403
        assert "<html" in refused.text and household["son"] not in refused.text
