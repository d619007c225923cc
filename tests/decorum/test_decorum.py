"""Public decorum violations end to end through the pages: an officer records one, the
holder sees it in plain words and pays it or objects in time, the committee accepts or
rejects; the roles that may not, get 403; hostile input gets a message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    AuditEvent,
    BillStatus,
    DecorumStatus,
    RequestStatus,
)
from absher_web.services import decorum
from tests.account.conftest import csrf_of
from tests.decorum.conftest import (
    QUEUE,
    RECORD,
    bills_of_violation,
    committee,
    decorum_officer,
    objections,
    record,
    recorded_ago,
    the_violation,
    violations,
)
from tests.eservices.billing import pay, queued_notices, stored
from tests.staff.test_civil_affairs import officer_console


def audited(app, kind: str) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))
        db.session.expunge_all()
    return found


def decide(app, member, number: str, accept: bool, reason: str = "The photographs show it."):
    url = f"{QUEUE}/{number}"
    token = csrf_of(member.open_case(f"decorum-objections/{number}"))
    if accept:
        return member.client.post(url + "/approve", data={"csrf_token": token})
    return member.client.post(url + "/refuse", data={"csrf_token": token, "reason": reason})


def test_an_officer_records_a_violation_the_holder_is_texted_and_sees_it(app, holder,
                                                                        officer):
    response = record(officer, holder.account.national_id)
    assert response.status_code == 303
    page = officer.client.get(RECORD).get_data(as_text=True)
    violation = the_violation(app)
    assert violation.number in page and "50.00" in page
    assert violation.fine == 5000 and not violation.repeat and violation.city == "الرياض"
    assert violation.status is DecorumStatus.UNPAID
    [event] = audited(app, decorum.RECORDED_AUDIT_KIND)
    assert event.staff_user_id == officer.officer.id and event.account_id == holder.account.id
    [sms] = queued_notices(app, "decorum_violation_notice")
    assert sms.to == holder.account.mobile and violation.number in sms.body
    listed = holder.page().get_data(as_text=True)
    assert violation.number in listed and "Jumping a queue" in listed
    arabic = holder.page(violation.number, lang="ar").get_data(as_text=True)
    assert "50.00" in arabic or "٥٠" in arabic


def test_the_same_item_again_within_a_year_doubles_the_fine(app, holder, officer):
    record(officer, holder.account.national_id)
    record(officer, holder.account.national_id)
    first, second = violations(app)
    assert (first.fine, second.fine, second.repeat) == (5000, 10000, True)


def test_an_unknown_or_malformed_id_is_refused_beside_the_field(app, officer, make_person):
    assert record(officer, "1234567890").status_code == 422
    unknown = "1" + "0" * 8
    from absher_web.identity import luhn_check_digit
    unknown += luhn_check_digit(unknown)
    response = record(officer, unknown)
    assert response.status_code == 422
    assert "civil registry has no one" in response.get_data(as_text=True)
    assert violations(app) == []


@pytest.mark.parametrize("changes", [
    {"article": "99"}, {"article": ""}, {"place": ""}, {"place": "x" * 5000},
    {"day": "2026-02-30"}, {"day": "tomorrow"}, {"time": "25:00"}, {"time": ""},
    {"place": "Mall\x00"}, {"place": "\u202eevil"}, {"national_id": "١٢٣"},
    {"national_id": "1" * 5000},
    {"day": "2001-01-01"}, {"day": "2999-01-01"},
])
def test_hostile_or_wrong_values_get_a_message_never_a_500(app, holder, officer, changes):
    response = record(officer, **{"national_id": holder.account.national_id, **changes})
    assert response.status_code == 422, changes
    assert 'class="error-summary' in response.get_data(as_text=True) or "error" in \
        response.get_data(as_text=True)
    assert violations(app) == []


def test_paying_the_fine_through_its_bill_marks_it_paid_once(app, holder, recorded):
    assert holder.pay(recorded.number).status_code == 303
    [bill] = bills_of_violation(app, recorded.number)
    assert bill.amount == recorded.fine and bill.status is BillStatus.UNPAID
    assert bill.number[:4] in holder.page(recorded.number).get_data(as_text=True)
    assert holder.pay(recorded.number).status_code == 303  # the same bill again
    assert len(bills_of_violation(app, recorded.number)) == 1
    assert pay(app, bill) is not None
    assert the_violation(app).status is DecorumStatus.PAID
    assert len(audited(app, decorum.PAID_AUDIT_KIND)) == 1
    assert holder.pay(recorded.number).status_code == 409


def test_an_objection_goes_to_the_committee_and_an_acceptance_cancels_the_fine(
        app, holder, recorded, sms_outbox):
    holder.pay(recorded.number)  # a bill issued, not paid: the objection cancels it
    response = holder.object_to(recorded.number)
    assert response.status_code == 303
    assert "objections committee" in holder.page(recorded.number).get_data(as_text=True)
    [objection] = objections(app)
    assert objection.status is RequestStatus.UNDER_REVIEW
    assert objection.office_city == "الرياض"
    assert the_violation(app).status is DecorumStatus.OBJECTED
    [bill] = bills_of_violation(app, recorded.number)
    assert bill.status is BillStatus.CANCELLED
    assert holder.pay(recorded.number).status_code == 409  # not while it is open
    member = committee(app)
    queue = member.client.get(QUEUE).get_data(as_text=True)
    assert objection.number in queue
    case = member.open_case(f"decorum-objections/{objection.number}").get_data(as_text=True)
    assert "mistook me" in case and "Jumping a queue" in case
    # The committee accepts or rejects an objection; it does not approve a request.
    assert "Accept the objection" in case and "Reject the objection" in case
    assert "Approve the request" not in case
    assert decide(app, member, objection.number, accept=True).status_code == 303
    assert the_violation(app).status is DecorumStatus.CANCELLED
    [decided] = objections(app)
    assert decided.status is RequestStatus.APPROVED and decided.decided_by == member.officer.id
    [event] = audited(app, "request_approved")
    assert event.staff_user_id == member.officer.id
    assert objection.number in queued_notices(app, "request_decided_notice")[-1].body
    page = holder.page(recorded.number).get_data(as_text=True)
    assert "accepted your objection" in page
    requests_page = holder.client.get("/en/account/requests").get_data(as_text=True)
    assert "Objection accepted" in requests_page and "Approved" not in requests_page


def test_a_paid_fine_objected_and_accepted_is_refunded(app, holder, recorded):
    holder.pay(recorded.number)
    [bill] = bills_of_violation(app, recorded.number)
    pay(app, bill)
    assert holder.object_to(recorded.number).status_code == 303
    assert the_violation(app).status is DecorumStatus.PAID_OBJECTED
    [objection] = objections(app)
    decide(app, committee(app), objection.number, accept=True)
    assert the_violation(app).status is DecorumStatus.CANCELLED
    assert stored(app, bill.id).status is BillStatus.REFUNDING


def test_a_rejection_needs_a_reason_and_makes_the_fine_payable_again(app, holder, recorded):
    holder.object_to(recorded.number)
    [objection] = objections(app)
    member = committee(app)
    assert decide(app, member, objection.number, accept=False, reason="").status_code == 422
    assert decide(app, member, objection.number, accept=False,
                  reason="x" * 501).status_code == 422
    assert decide(app, member, objection.number, accept=False,
                  reason="The officer's photograph shows the queue.").status_code == 303
    assert the_violation(app).status is DecorumStatus.UNPAID
    page = holder.page(recorded.number).get_data(as_text=True)
    assert "rejected your objection" in page and "photograph shows the queue" in page
    assert holder.object_to(recorded.number).status_code == 409  # decided once
    assert holder.pay(recorded.number).status_code == 303


def test_withdrawing_the_objection_makes_the_fine_payable_again(app, holder, recorded):
    holder.object_to(recorded.number)
    [objection] = objections(app)
    url = f"/en/account/requests/{objection.number}/withdraw"
    token = csrf_of(holder.client.get(url))
    assert holder.client.post(url, data={"csrf_token": token}).status_code == 303
    assert the_violation(app).status is DecorumStatus.UNPAID
    assert holder.object_to(recorded.number).status_code == 303  # in time: again
    assert len(objections(app)) == 2


def test_the_objection_period_edge(app, holder, recorded):
    days = app.config["DECORUM_OBJECTION_DAYS"]
    recorded_ago(app, recorded.number, timedelta(days=days) - timedelta(minutes=1))
    assert "Send the objection" in holder.page(recorded.number).get_data(as_text=True)
    recorded_ago(app, recorded.number, timedelta(days=days, seconds=1))
    page = holder.page(recorded.number).get_data(as_text=True)
    assert "Send the objection" not in page and "closed on" in page
    response = holder.object_to(recorded.number)
    assert response.status_code == 409 and "closed on" in response.get_data(as_text=True)
    assert objections(app) == []
    recorded_ago(app, recorded.number, timedelta(days=days) - timedelta(minutes=1))
    assert holder.object_to(recorded.number).status_code == 303


@pytest.mark.parametrize("reason", ["", "short", "x" * 1001, "why\x00", "\u202ereversed text"])
def test_an_objection_reason_is_checked_beside_the_field(app, holder, recorded, reason):
    response = holder.object_to(recorded.number, reason=reason)
    assert response.status_code == 422
    assert objections(app) == []


def test_another_persons_violation_answers_404(app, holder, officer, make_account):
    other = make_account()
    record(officer, other)  if isinstance(other, str) else record(officer, other.national_id)
    number = the_violation(app).number
    assert holder.page(number).status_code == 404
    assert holder.object_to(number, token=csrf_of(holder.page())).status_code == 404
    assert holder.page("../../x").status_code == 404


@pytest.mark.parametrize("roles", [("passports",), ("civil_affairs",),
                                   ("objections_committee",)])
def test_recording_is_for_decorum_officers_only(app, roles):
    console = officer_console(app, "other.officer", roles, "Riyadh")
    assert console.client.get(RECORD).status_code == 403
    assert console.client.post(RECORD, data={}).status_code in (400, 403)


@pytest.mark.parametrize("roles", [("passports",), ("civil_affairs",), ("decorum_officer",)])
def test_the_committee_queue_is_for_its_members_only(app, holder, recorded, roles):
    holder.object_to(recorded.number)
    [objection] = objections(app)
    console = officer_console(app, "other.officer", roles, "Riyadh")
    assert console.client.get(QUEUE).status_code == 403
    assert console.client.get(f"{QUEUE}/{objection.number}").status_code == 403
    assert console.client.get("/en/staff/decorum/committee").status_code == 403


def test_a_committee_of_another_city_gets_403_on_the_case(app, holder, recorded):
    holder.object_to(recorded.number)
    [objection] = objections(app)
    jeddah = committee(app, "j.member", "Jeddah")
    assert objection.number not in jeddah.client.get(QUEUE).get_data(as_text=True)
    assert jeddah.client.get(f"{QUEUE}/{objection.number}").status_code == 403


def test_a_citizen_session_gets_403_on_the_officer_and_committee_pages(app, holder):
    for url in (RECORD, QUEUE, "/en/staff/decorum/committee"):
        assert holder.client.get(url).status_code == 403, url


def test_officers_land_on_their_console(app):
    officer = decorum_officer(app, "land.officer")
    assert officer.client.get("/en/staff/sign-in").headers["Location"].endswith(RECORD)
    member = committee(app, "land.member")
    landing = member.client.get("/en/staff/sign-in").headers["Location"]
    assert landing.endswith("/staff/decorum/committee")
    assert member.client.get(landing).headers["Location"].endswith(QUEUE)


def test_the_export_lists_violations_and_objections(app, holder, recorded):
    holder.object_to(recorded.number)
    with app.app_context():
        from absher_web.models import Account
        account = db.session.get(Account, holder.account.id)
        [item] = decorum.for_export(db.session, account)
    assert item["number"] == recorded.number and item["fine_halalas"] == 5000
    assert item["status"] == "objected" and item["objections"][0]["status"] == "under_review"
    import json
    json.dumps(item)


def test_the_catalogue_entry_leads_to_the_service(app, client):
    page = client.get("/en/services").get_data(as_text=True)
    assert "/en/account/decorum-violations" in page


def test_settled_violations_are_purged_after_the_retention_period(app, holder, recorded):
    from absher_web.services import retention
    holder.pay(recorded.number)
    pay(app, bills_of_violation(app, recorded.number)[0])
    policy = retention.RetentionPolicy.from_config(app.config)
    with app.app_context():
        from absher_web.models import utcnow
        later = utcnow() + policy.eservice_records + timedelta(days=1)
        report = retention.purge(db.transaction, policy, later)
        assert report["settled decorum violations"] == 1
        assert db.session.scalar(select(func.count()).select_from(
            __import__("absher_web.models", fromlist=["DecorumViolation"]).DecorumViolation)) == 0



def test_an_objection_carries_up_to_three_files_the_committee_reads_them(app, holder,
                                                                        recorded):
    from io import BytesIO

    from absher_web.models import StaffLook
    from tests.files.conftest import png

    four = [(BytesIO(png()), f"photo{index}.png") for index in range(4)]
    response = holder.object_to(recorded.number, attachments=four)
    assert response.status_code == 422 and objections(app) == []
    bad = holder.object_to(recorded.number, attachments=[(BytesIO(b"<html>"), "a.png")])
    assert bad.status_code == 422 and objections(app) == []
    sent = [(BytesIO(png()), "queue.png"), (BytesIO(png(60, 40)), "receipt.png")]
    assert holder.object_to(recorded.number, attachments=sent).status_code == 303
    [objection] = objections(app)
    page = holder.page(recorded.number).get_data(as_text=True)
    assert "queue.png" in page and "receipt.png" in page
    member = committee(app)
    case = member.open_case(f"decorum-objections/{objection.number}").get_data(as_text=True)
    links = [part.split('"')[0] for part in case.split('href="/en/staff/files/')[1:]]
    assert len(links) == 2
    download = member.client.get(f"/en/staff/files/{links[0]}")
    assert download.status_code == 200 and download.mimetype == "image/png"
    assert holder.client.get(f"/en/account/files/{links[0]}").status_code == 200
    other = decorum_officer(app, "nosy.officer")
    assert other.client.get(f"/en/staff/files/{links[0]}").status_code == 404
    with app.app_context():
        [look] = db.session.scalars(select(StaffLook)).all()
        assert look.person_id == holder.account.national_id
        assert look.role == "objections_committee" and look.reason == "deciding_request"
        assert look.staff_user_id == member.officer.id
