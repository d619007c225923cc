"""My requests: every request of the holder with its state in both languages, a link to
its service, and the withdrawal of an open one after a confirmation; nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import ActivationState, AuditEvent, RequestStatus, ServiceRequest
from absher_web.services import family_records, requests
from tests.account.concurrency import at_once, open_limits, same_browser
from tests.account.conftest import Citizen, csrf_of
from tests.pages import parse

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def add_request(app, account, key: str, status: RequestStatus = RequestStatus.UNDER_REVIEW,
                service: str = family_records.MOTHER_SERVICE, **values) -> ServiceRequest:
    with app.app_context(), db.transaction() as session:
        made, _ = requests.submit(session, service=service, request_key=key, account=account,
                                  beneficiary_id=account.national_id, now=NOW,
                                  office_city="الرياض")
        session.flush()
        if status is not RequestStatus.SUBMITTED:
            made.status = status
            for name, value in values.items():
                setattr(made, name, value)
        session.flush()
        session.expunge(made)
    return made


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Citizen:
    citizen = Citizen(client, make_account(state=ActivationState.ACTIVE), sms_outbox)
    citizen.sign_in()
    return citizen


def main_text(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def status_of(app, made: ServiceRequest) -> RequestStatus:
    with app.app_context():
        return db.session.get(ServiceRequest, made.id).status


def test_every_request_is_listed_with_its_state_and_service(app, holder):
    waiting = add_request(app, holder.account, "a", reason=family_records.CUSTODY_UNRECORDED)
    refused = add_request(app, holder.account, "b", RequestStatus.REFUSED,
                          service=family_records.MARRIAGE_SERVICE,
                          reason=family_records.NOT_ELIGIBLE, note="Bring the court's deed")
    response = holder.client.get("/en/account/requests")
    assert response.status_code == 200
    text = main_text(response)
    assert waiting.number in text and refused.number in text
    assert "Under review by an officer" in text and "custody deed" in text
    assert "Refused" in text and "Bring the court's deed" in text
    assert "Family record on marriage" in text and "New family record for mothers" in text
    page = parse(response)
    links = {a["href"] for a in page.find("main").find_all("a")}
    assert "/en/account/family/records/mother" in links
    assert "/en/account/family/records/marriage" in links
    assert f"/en/account/requests/{waiting.number}/withdraw" in links
    assert f"/en/account/requests/{refused.number}/withdraw" not in links
    nav = page.find("nav", attrs={"aria-label": "Your account"})
    assert nav.find("a", href="/en/account/requests")["aria-current"] == "page"


def test_the_arabic_page(app, holder):
    add_request(app, holder.account, "a")
    page = parse(holder.client.get("/ar/account/requests"))
    assert page.html["dir"] == "rtl"
    text = page.find("main").get_text(" ", strip=True)
    assert "طلباتي" in text and "قيد" in text


def test_no_request_yet(holder):
    assert "You have not sent any request yet" in main_text(
        holder.client.get("/en/account/requests"))


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get("/en/account/requests")
    assert response.status_code == 302 and "/en/individuals/login" in response.headers[
        "Location"]


def test_withdrawing_asks_first_then_withdraws_and_is_audited(app, holder):
    made = add_request(app, holder.account, "a")
    url = f"/en/account/requests/{made.number}/withdraw"
    page = holder.client.get(url)
    assert page.status_code == 200 and "Withdraw the request?" in main_text(page)
    assert status_of(app, made) is RequestStatus.UNDER_REVIEW  # a GET changes nothing
    response = holder.client.post(url, data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/account/requests"
    assert status_of(app, made) is RequestStatus.CANCELLED
    text = main_text(holder.client.get("/en/account/requests"))
    assert f"Your request {made.number} is withdrawn" in text and "Withdrawn by you" in text
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "request_cancelled")).all()
    assert event.account_id == holder.account.id
    # Said once; and a decided request cannot be withdrawn.
    assert "is withdrawn" not in main_text(holder.client.get("/en/account/requests"))
    holder.client.get(url)
    assert "cannot be withdrawn" in main_text(holder.client.get("/en/account/requests"))


def test_a_withdrawal_without_the_token_changes_nothing(app, holder):
    made = add_request(app, holder.account, "a")
    response = holder.client.post(f"/en/account/requests/{made.number}/withdraw")
    assert response.status_code in (400, 303)
    assert status_of(app, made) is RequestStatus.UNDER_REVIEW


def test_another_holders_request_is_not_found(app, holder, make_account):
    other = add_request(app, make_account(state=ActivationState.ACTIVE), "x")
    token = csrf_of(holder.client.get("/en/account/requests"))
    for number in (other.number, "1234567890", "abc", "9" * 300):
        url = f"/en/account/requests/{number}/withdraw"
        assert holder.client.get(url).status_code == 404
        assert holder.client.post(url, data={"csrf_token": token}).status_code == 404
    assert other.number not in holder.client.get("/en/account/requests").get_data(
        as_text=True)
    assert status_of(app, other) is RequestStatus.UNDER_REVIEW


def test_cancel_refuses_someone_elses_request(app, holder, make_account):
    other = add_request(app, make_account(state=ActivationState.ACTIVE), "x")
    with app.app_context():
        found = db.session.get(ServiceRequest, other.id)
        with pytest.raises(requests.NotAllowed):
            requests.cancel(db.session, found, holder.account, NOW)


def test_twenty_withdrawals_at_once_make_one(app, holder):
    """Twenty tabs withdraw at once: one withdrawal, recorded once."""
    open_limits(app)
    made = add_request(app, holder.account, "a")
    url = f"/en/account/requests/{made.number}/withdraw"
    token = csrf_of(holder.client.get(url))
    tabs = same_browser(app, holder.client, 20)
    answers = at_once([lambda tab=tab: tab.post(url, data={"csrf_token": token}).status_code
                       for tab in tabs])
    assert set(answers) == {303}
    assert status_of(app, made) is RequestStatus.CANCELLED
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "request_cancelled")).all()) == 1
