"""A request called off is not a dead end: withdrawn under My requests, or its unpaid bill
cancelled under Payments, the birth can be registered again (another first name, another
delivery); a bill issued again once the birth has become late carries the fine."""

from __future__ import annotations

from datetime import timedelta

from absher_web.extensions import db
from absher_web.models import Bill, BillStatus, RequestStatus
from absher_web.services import births
from absher_web.services.policies import current_policies
from tests.account.conftest import csrf_of
from tests.births.conftest import NEWBORN, child_of, requests_of
from tests.eservices.billing import pay


def withdraw(father, number: str):
    url = f"/en/account/requests/{number}/withdraw"
    return father.client.post(url, data={"csrf_token": csrf_of(father.client.get(url))})


def test_a_withdrawn_registration_can_be_made_again_and_the_child_is_registered_once(
        app, father):
    assert father.confirm(first_ar="غيث", first_en="Ghaith", delivery="office",
                          total=0).status_code == 303
    [first] = requests_of(app)
    assert first.status is RequestStatus.UNDER_REVIEW
    assert withdraw(father, first.number).status_code == 303

    page = father.page()
    assert page.status_code == 200 and 'name="first_name_ar"' in page.get_data(as_text=True)
    assert father.confirm(delivery="office", total=0).status_code == 303  # سعد: listed
    found = {request.number: request for request in requests_of(app)}
    assert found[first.number].status is RequestStatus.CANCELLED
    [again] = [r for number, r in found.items() if number != first.number]
    assert again.status is RequestStatus.APPROVED and again.request_key == NEWBORN
    assert child_of(app).name_en.startswith("Saad ")
    # Registered: nothing more to ask for this birth.
    assert father.confirm(delivery="office", total=0).status_code == 303
    assert len(requests_of(app)) == 2


def test_cancelling_the_unpaid_bill_calls_the_registration_off(app, father):
    assert father.confirm().status_code == 303  # by post: the delivery fee's bill
    [made] = requests_of(app)
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        db.session.expunge(bill)
    url = f"/en/account/payments/{bill.number}/cancel"
    response = father.client.post(url, data={"csrf_token": csrf_of(father.client.get(url))})
    assert response.status_code == 303
    [made] = requests_of(app)
    assert made.status is RequestStatus.CANCELLED
    # The page offers the form again, and a new request gets a new bill that pays.
    assert father.confirm().status_code == 303
    [again] = [r for r in requests_of(app) if r.number != made.number]
    with app.app_context():
        fresh = db.session.get(Bill, again.bill_id)
        db.session.expunge(fresh)
    assert fresh.id != bill.id and fresh.status is BillStatus.UNPAID
    pay(app, fresh)
    assert child_of(app) is not None


def test_a_bill_issued_again_after_the_days_allowed_adds_the_fine(app, father):
    assert father.confirm().status_code == 303  # day 5 after the birth: no fine
    [made] = requests_of(app)
    with app.app_context():
        first = db.session.get(Bill, made.bill_id)
        db.session.expunge(first)
    assert first.amount == 3000
    later = first.expires_at + timedelta(days=30)  # day 35 and more: late now
    with app.test_request_context():
        account = db.session.merge(father.account)
        fresh = births.new_bill(db.session, current_policies().eservices, account, NEWBORN,
                                later)
        db.session.expunge(fresh)
    assert fresh.id != first.id
    assert (fresh.amount, fresh.details["fine"]) == (13000, 10000)
    pay(app, fresh)
    made = requests_of(app)[0]
    assert (made.status, made.reason) == (RequestStatus.UNDER_REVIEW,
                                          births.LATE_REGISTRATION)
