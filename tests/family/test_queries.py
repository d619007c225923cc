"""What My family costs in queries does not grow with the family: everyone's record,
passport and what the holder may do for them are read together."""

from __future__ import annotations

from datetime import date, timedelta

from absher_web.agencies import family, passports
from absher_web.agencies.family import MarriageEntry, ParentEntry
from absher_web.agencies.passports import PassportEntry
from absher_web.extensions import db
from absher_web.models import ActivationState, ParentRole, Sex, SponsoredKind, Sponsorship
from tests.account.conftest import Citizen
from tests.family.test_page import TODAY, cards, years_ago

# The page for a holder with one wife, son and worker, and with four of each, sends this
# many queries at most (the holder's relatives in one: family.relatives_of; the links
# between them in one: acting_for.Known).
MOST = 7


def a_family(app, make_account, make_person, sms_outbox, each: int) -> Citizen:
    """A signed-in man with his father and mother, and ``each`` wives, sons and sponsored
    workers, everyone with a passport."""
    account = make_account(state=ActivationState.ACTIVE, birth_date=date(1970, 1, 1))
    me = account.national_id
    wives = [make_person(name_en=f"Wife {n}", birth_date=years_ago(40 + n)) for n in range(each)]
    sons = [make_person(name_en=f"Son {n}", birth_date=years_ago(3 + n)) for n in range(each)]
    parents = [make_person(name_en=f"Parent {n}", birth_date=date(1940 + n, 1, 1))
               for n in range(2)]
    workers = [make_person("2", birth_date=date(1990, 1, 1)) for _ in range(each)]
    with app.app_context(), db.transaction() as session:
        family.import_family(session, [
            *(MarriageEntry(me, wife, date(2000 + n, 1, 1)) for n, wife in enumerate(wives)),
            *(ParentEntry(me, son, ParentRole.FATHER, Sex.MALE) for son in sons),
            *(ParentEntry(parent, me, ParentRole.FATHER if n == 0 else ParentRole.MOTHER,
                          Sex.MALE) for n, parent in enumerate(parents))])
        session.add_all(Sponsorship(sponsor_id=me, person_id=worker, name_ar="عامل",
                                    name_en=f"Worker {worker}", kind=SponsoredKind.WORKER,
                                    nationality="IND", permit_expiry=TODAY + timedelta(days=99))
                        for worker in workers)
        passports.import_passports(session, [PassportEntry(
            person, f"P{person[1:]}", TODAY - timedelta(days=900), TODAY + timedelta(days=900),
            "SAU") for person in [*wives, *sons, *parents, *workers]])
    citizen = Citizen(app.test_client(), account, sms_outbox)
    citizen.sign_in()
    return citizen


def test_the_page_sends_as_many_queries_for_a_large_family_as_for_a_small_one(
        app, make_account, make_person, sms_outbox, queries):
    counts = {}
    for each in (1, 4):
        holder = a_family(app, make_account, make_person, sms_outbox, each)
        queries.clear()
        page = holder.client.get("/en/account/family")
        assert page.status_code == 200
        assert len(cards(page)) == 3 * each + 2
        counts[each] = len(queries)
    assert counts[1] == counts[4], counts
    assert counts[4] <= MOST, counts
