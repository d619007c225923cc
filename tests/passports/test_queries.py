"""What the passports page costs in queries does not grow with the family: the holder's
standing and every minor's are read together (requests, bills, passports, bans, fines)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from absher_web.agencies import family, passports, traffic
from absher_web.agencies.family import ParentEntry
from absher_web.agencies.passports import PassportEntry, TravelBanEntry
from absher_web.extensions import db
from absher_web.models import ActivationState, ParentRole, Sex, ViolationStatus
from tests.pages import parse
from tests.passports.conftest import TODAY, Guardian

# The page for a holder with one minor and with four sends this many queries at most.
MOST = 13
PLATES = count(1000)


def a_family(app, client, make_account, make_person, sms_outbox, minors: int) -> Guardian:
    """A signed-in father with a passport request of his own and ``minors`` children: the
    first with a travel ban and an unpaid fine, the others each with a request and its bill."""
    father = make_account(state=ActivationState.ACTIVE)
    children = [make_person(birth_date=TODAY.replace(year=TODAY.year - 5 - n))
                for n in range(minors)]
    plate = str(next(PLATES))
    with app.app_context(), db.transaction() as session:
        family.import_family(session, [ParentEntry(father.national_id, child, ParentRole.FATHER,
                                                   Sex.MALE) for child in children])
        passports.import_passports(session, [PassportEntry(
            person, f"A{n:08d}", TODAY - timedelta(days=1800), TODAY + timedelta(days=40),
            "SAU") for n, person in enumerate([father.national_id, *children],
                                              start=int(plate) * 10)])
        passports.import_bans(session, [TravelBanEntry(
            children[0], TODAY - timedelta(days=100), "المحكمة العامة بالرياض", None)])
        traffic.import_vehicles(session, [traffic.VehicleEntry(
            "SAU", "ABD", plate, "Toyota", "Camry", 2020, "white", children[0], None, None,
            None, None)])
        traffic.import_violations(session, [traffic.ViolationEntry(
            f"V-{plate}", ("SAU", "ABD", plate), "speeding", 500, TODAY - timedelta(days=10),
            "الرياض", ViolationStatus.UNPAID)])
    holder = Guardian(client, father, sms_outbox)
    holder.sign_in()
    for person in [father.national_id, *children[1:]]:
        assert holder.confirm(person).status_code == 303
    return holder


def test_the_page_sends_as_many_queries_for_four_minors_as_for_one(
        app, make_account, make_person, sms_outbox, queries):
    counts = {}
    for minors in (1, 4):
        holder = a_family(app, app.test_client(), make_account, make_person, sms_outbox,
                          minors)
        queries.clear()
        page = holder.list_page()
        assert page.status_code == 200
        assert len(parse(page).select("li.card")) == minors + 1
        counts[minors] = len(queries)
    assert counts[1] == counts[4], counts
    assert counts[4] <= MOST, counts
