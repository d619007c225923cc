"""Exactly one effect under concurrency, on both databases: the same bank notice many times
at once, both parents asking for their son's passport at once, many officers marking one
request printed (then delivered) at once, and the holder withdrawing while an officer
prints."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import AuditEvent, BillStatus, Passport, PassportStatus, RequestStatus
from absher_web.services import bills
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import csrf_of
from tests.eservices.billing import pay
from tests.passports.conftest import (
    TODAY,
    add_passport,
    bills_of,
    mark,
    passport_of,
    queue_token,
    requests_of,
    the_request,
)

MANY = 20


def test_the_same_payment_notice_many_times_at_once_pays_and_prints_once(app, guardian):
    assert guardian.confirm().status_code == 303
    (bill,) = bills_of(app)
    outcomes = at_once([lambda: pay(app, bill) for _ in range(MANY)])
    assert outcomes.count(bills.Outcome.PAID) == 1
    assert set(outcomes) <= {bills.Outcome.PAID, bills.Outcome.REPEATED}
    assert the_request(app).status is RequestStatus.APPROVED
    assert bills_of(app)[0].status is BillStatus.PAID
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == "request_approved")) == 1


def test_both_parents_asking_for_their_son_at_once_make_one_request(app, guardian, mother):
    open_limits(app)
    tabs = same_browser(app, guardian.client, MANY // 2) \
        + same_browser(app, mother.client, MANY // 2)
    page = "/en/account/family"
    tokens = [csrf_of(tab.get(page)) for tab in tabs]
    results = at_once([
        (lambda tab=tab, token=token: tab.post(
            f"/en/account/passports/{guardian.son}/confirm",
            data={"csrf_token": token, "years": "5", "delivery": "post", "office_city": "",
                  "fee": "30000"}).status_code)
        for tab, token in zip(tabs, tokens, strict=True)])
    assert set(results) <= {303, 409}, results
    assert len(requests_of(app)) == 1
    assert len(bills_of(app)) == 1
    # The loser is told another guardian's request is open.
    loser = mother if the_request(app).account_id == guardian.account.id else guardian
    assert "made by another guardian" in loser.page(guardian.son).get_data(as_text=True)


def test_marking_printed_then_delivered_many_times_at_once_moves_once(app, guardian, officer,
                                                                     sms_outbox):
    open_limits(app)
    assert guardian.confirm().status_code == 303
    pay(app, bills_of(app)[0])
    number = the_request(app).number
    token = queue_token(officer)  # before the tabs copy the session that holds it
    desks = same_browser(app, officer.client, MANY)
    results = at_once([lambda desk=desk: mark(officer, number, "printed", token, desk)
                       .status_code for desk in desks])
    assert set(results) == {303}
    assert the_request(app).status is RequestStatus.PRINTED
    results = at_once([lambda desk=desk: mark(officer, number, "delivered", token, desk)
                       .status_code for desk in desks])
    assert set(results) == {303}
    done = the_request(app)
    assert done.status is RequestStatus.DELIVERED
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Passport).where(
            Passport.person_id == guardian.me)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind.in_(("request_printed", "request_delivered")))) == 2
    assert passport_of(app, guardian.me).number == done.details["passport_number"]
    bodies = [m["body"] for m in sms_outbox.messages() if "passport" in m["body"].lower()]
    assert len(bodies) == 2


def test_withdrawing_while_an_officer_prints_has_one_effect(app, guardian, officer):
    open_limits(app)
    for _round in range(3):
        assert guardian.confirm().status_code == 303
        asked = [r for r in requests_of(app) if r.status is RequestStatus.SUBMITTED][0]
        pay(app, [b for b in bills_of(app) if b.status is BillStatus.UNPAID][0],
            reference=f"RJHI-000{_round}")
        page = guardian.client.get(f"/en/account/requests/{asked.number}/withdraw")
        withdraw_token, print_token = csrf_of(page), queue_token(officer)
        tabs = same_browser(app, guardian.client, MANY // 2)
        desks = same_browser(app, officer.client, MANY // 2)
        number = asked.number
        at_once([(lambda tab=tab, number=number, token=withdraw_token: tab.post(
                     f"/en/account/requests/{number}/withdraw", data={"csrf_token": token}))
                 for tab in tabs]
                + [(lambda desk=desk, number=number, token=print_token: mark(
                    officer, number, "printed", token, desk)) for desk in desks])
        ended = [r for r in requests_of(app) if r.id == asked.id][0]
        bill = [b for b in bills_of(app) if b.id == ended.bill_id][0]
        if ended.status is RequestStatus.CANCELLED:
            assert bill.status is BillStatus.REFUNDING
        else:
            assert ended.status is RequestStatus.PRINTED
            assert bill.status is BillStatus.PAID
            mark(officer, asked.number, "delivered")
            # The renewal window now refuses another round: the passport is reported lost.
            add_passport(app, guardian.me, TODAY + timedelta(days=900),
                         number=f"B0000000{_round}", status=PassportStatus.LOST)
