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
from tests.eservices.billing import pay
from tests.pages import parse
from tests.passports.conftest import TODAY, Guardian, bills_of, mark, requests_of

# The page for a holder with one minor and with four sends this many queries at most.
MOST = 9
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


def test_the_officers_queue_reads_both_lists_and_their_names_in_one_query_each(
        app, make_account, make_person, sms_outbox, officer, queries):
    holder = a_family(app, app.test_client(), make_account, make_person, sms_outbox, 3)
    for n, bill in enumerate(bills_of(app)):
        pay(app, bill, reference=f"RJHI-{n:04d}")
    printed, *waiting = requests_of(app)
    assert mark(officer, printed.number, "printed").status_code == 303
    queries.clear()
    queue = parse(officer.client.get("/en/staff/passports"))
    to_print, to_hand_over = (table.select("tbody tr") for table in queue.select("table"))
    assert len(to_print) == len(waiting) == 2 and len(to_hand_over) == 1
    assert holder.account.national_id in to_print[0].get_text() + to_print[1].get_text() + \
        to_hand_over[0].get_text()
    # The officer, the requests of both lists, the beneficiaries' names.
    assert len(queries) == 3, queries
