"""A birth the rules cannot decide, followed from the father's form to the officer's queue
and back: a first name not on the list, and a late registration whose bill is paid first.
The officer approves in the staff console, the child gets an ID, the father is texted at
once, and My requests and My family show it."""

from __future__ import annotations

from absher_web.extensions import db
from absher_web.identity import is_valid_national_id
from absher_web.models import Bill, BillStatus, RequestStatus
from absher_web.services import births
from tests.births.conftest import LATE, child_of, the_request
from tests.eservices.billing import pay
from tests.pages import parse
from tests.staff.test_civil_affairs import decide, officer_console


def text_of(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def test_a_name_not_on_the_list_is_approved_by_an_officer_and_the_child_gets_an_id(
        app, father, sms_outbox):
    assert father.confirm(first_ar="غيث", first_en="Ghaith", delivery="office",
                          total=0).status_code == 303
    made = the_request(app)
    assert made.status is RequestStatus.UNDER_REVIEW

    console = officer_console(app)  # a Civil Affairs officer of Riyadh, the father's city
    queue = text_of(console.client.get("/en/staff/civil-affairs"))
    assert made.number in queue and "Birth registration" in queue
    assert "غيث محمد عبدالله العتيبي" in queue and "Ghaith Mohammed" in queue
    assert "not on the list of names" in queue
    assert "Birth notification number" in queue and "KFSH-2026-0001" in queue
    assert made.details["hospital"] in queue and made.details["mother_id"] in queue
    assert made.details["birth_date"] not in queue  # written as a date people read, Hijri too
    assert "AH" in queue
    before = len(sms_outbox.messages())

    assert decide(console, made.number).status_code == 303

    child = child_of(app)
    assert child is not None and is_valid_national_id(child.national_id)
    assert child.national_id.startswith("1")
    assert child.name_ar == "غيث محمد عبدالله العتيبي"
    sent = [m for m in sms_outbox.messages()[before:] if m["to"] == father.account.mobile]
    assert len(sent) == 1 and child.national_id in sent[0]["body"]  # at once, one SMS
    assert the_request(app).status is RequestStatus.APPROVED
    assert child.national_id in text_of(father.client.get("/en/account/family"))
    mine = text_of(father.client.get("/en/account/requests"))
    assert made.number in mine and "Approved" in mine


def test_a_late_registration_is_paid_then_reviewed_and_a_refusal_refunds_it(
        app, father, sms_outbox):
    assert father.confirm(number=LATE, total=13000).status_code == 303
    made = the_request(app)
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        db.session.expunge(bill)
    pay(app, bill)
    made = the_request(app)
    assert (made.status, made.reason) == (RequestStatus.UNDER_REVIEW,
                                          births.LATE_REGISTRATION)

    console = officer_console(app)
    queue = text_of(console.client.get("/en/staff/civil-affairs"))
    assert made.number in queue and "after the time allowed" in queue
    response = decide(console, made.number, approve=False,
                      reason="The hospital's notification must be confirmed at the office.")
    assert response.status_code == 303

    assert the_request(app).status is RequestStatus.REFUSED and child_of(app, LATE) is None
    with app.app_context():
        assert db.session.get(Bill, bill.id).status is BillStatus.REFUNDING
    mine = text_of(father.client.get("/en/account/requests"))
    assert "must be confirmed at the office" in mine
