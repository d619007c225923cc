"""Visas for Premium Residency holders: the fee before the bill, the request paid and
decided by a Passports officer of the holder's city (visa number, or reason and refund),
the holder texted and following it; every refusal naming its rule; 403/404 on others'."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    AuditEvent,
    BillStatus,
    PremiumKind,
    PremiumStatus,
    RequestStatus,
    SmsMessage,
)
from absher_web.services import premium_visas
from tests.account.conftest import csrf_of
from tests.eservices.billing import pay
from tests.pages import parse
from tests.premium_visas.conftest import (
    FEE,
    PAGE,
    TODAY,
    Holder,
    bill_of,
    give_residency,
    officer_console,
    the_request,
    visa_requests,
)


def text_of(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def texts_of(app, account, purpose="request_decided_notice") -> list[str]:
    with app.app_context():
        return [m.body for m in db.session.query(SmsMessage).filter(
            SmsMessage.to == account.mobile, SmsMessage.purpose == purpose)]


def test_the_fee_is_shown_before_anything_is_saved(app, holder):
    response = holder.check()
    assert response.status_code == 200
    page = text_of(response)
    assert "Check the request" in page and "300.00" in page and "Fatima Ali Hassan" in page
    assert "Mother" in page and "Egypt" in page and "Multiple entry" in page
    assert visa_requests(app) == []


def test_confirming_makes_a_request_with_its_bill_then_paid_it_waits_for_an_officer(
        app, holder):
    response = holder.confirm()
    assert response.status_code == 303
    made = the_request(app)
    assert response.headers["Location"] == PAGE.format(lang="en") + f"/{made.number}"
    assert made.status is RequestStatus.SUBMITTED and made.office_city == "الرياض"
    assert made.request_key == "EGY:A12345678"
    bill = bill_of(app, made)
    assert bill.amount == FEE and bill.status is BillStatus.UNPAID
    page = text_of(holder.client.get(response.headers["Location"]))
    assert bill.number in page.replace(" ", "") or "Bill number" in page
    pay(app, bill)
    assert the_request(app).status is RequestStatus.UNDER_REVIEW
    page = text_of(holder.client.get(response.headers["Location"]))
    assert "with a Passports officer" in page
    listed = text_of(holder.client.get("/en/account/requests"))
    assert made.number in listed and "Under review by an officer" in listed


def paid_request(app, holder):
    holder.confirm()
    made = the_request(app)
    pay(app, bill_of(app, made))
    return the_request(app)


def test_an_officer_approves_a_visa_number_is_recorded_and_texted(app, holder):
    made = paid_request(app, holder)
    console = officer_console(app)
    queue = text_of(console.client.get("/en/staff/passports/requests"))
    assert made.number in queue and "Passports requests" in queue
    case = console.open_case(f"passports/requests/{made.number}")
    assert case.status_code == 200
    shown = text_of(case)
    assert "Mother" in shown and "A12345678" in shown and "Egypt" in shown
    response = console.client.post(f"/en/staff/passports/requests/{made.number}/approve",
                                   data={"csrf_token": csrf_of(case)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/staff/passports/requests"
    decided = the_request(app)
    visa = decided.details["visa_number"]
    assert decided.status is RequestStatus.APPROVED and len(visa) == 10 and visa.isdigit()
    assert any(visa in body for body in texts_of(app, holder.account))
    page = text_of(holder.client.get(PAGE.format(lang="en") + f"/{made.number}"))
    assert visa in page and "is issued" in page
    # The passport is free again for a later visit.
    assert decided.request_key != "EGY:A12345678"
    assert holder.check().status_code == 200


def test_an_officer_refuses_with_a_reason_the_bill_is_refunded_and_the_holder_told(
        app, holder):
    made = paid_request(app, holder)
    console = officer_console(app)
    case = console.client.get(f"/en/staff/passports/requests/{made.number}")
    response = console.client.post(
        f"/en/staff/passports/requests/{made.number}/refuse",
        data={"csrf_token": csrf_of(case), "reason": "The passport expires before the visit."})
    assert response.status_code == 303
    decided = the_request(app)
    assert decided.status is RequestStatus.REFUSED and decided.reason == premium_visas.NOT_ELIGIBLE
    assert bill_of(app, decided).status is BillStatus.REFUNDING
    assert any("refused" in body for body in texts_of(app, holder.account))
    page = text_of(holder.client.get(PAGE.format(lang="en") + f"/{made.number}"))
    assert "The passport expires before the visit." in page and "refused" in page


def test_the_holder_withdraws_before_a_decision_and_a_paid_fee_is_refunded(app, holder):
    made = paid_request(app, holder)
    page = holder.client.get(f"/en/account/requests/{made.number}/withdraw")
    response = holder.client.post(f"/en/account/requests/{made.number}/withdraw",
                                  data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert the_request(app).status is RequestStatus.CANCELLED
    assert bill_of(app, made).status is BillStatus.REFUNDING
    # Withdrawn, the passport may be asked for again.
    assert holder.check().status_code == 200


def test_an_unpaid_request_withdrawn_cancels_its_bill(app, holder):
    holder.confirm()
    made = the_request(app)
    page = holder.client.get(f"/en/account/requests/{made.number}/withdraw")
    holder.client.post(f"/en/account/requests/{made.number}/withdraw",
                       data={"csrf_token": csrf_of(page)})
    assert bill_of(app, made).status is BillStatus.CANCELLED


def test_someone_without_premium_residency_is_told_the_rule(app, make_account, client,
                                                             sms_outbox):
    account = make_account(first_digit="2", state=ActivationState.ACTIVE)
    other = Holder(client, account, sms_outbox)
    other.sign_in()
    page = text_of(other.page())
    assert "for Premium Residency holders" in page and "Request a visit visa" not in page
    assert other.check().status_code == 403
    assert visa_requests(app) == []


def test_an_expired_limited_residency_is_refused_with_its_date(app, holder):
    give_residency(app, holder.account.national_id, PremiumKind.LIMITED,
                   TODAY - timedelta(days=1))
    page = text_of(holder.page())
    assert "expired on" in page and "Renew it" in page
    assert holder.confirm().status_code == 403
    assert visa_requests(app) == []


def test_a_cancelled_residency_is_not_a_holder(app, holder):
    give_residency(app, holder.account.national_id, status=PremiumStatus.CANCELLED)
    assert "no valid Premium Residency" in text_of(holder.page())


def test_a_relation_the_visa_is_not_for_is_refused_beside_the_field(app, holder):
    response = holder.check(relation="cousin")
    assert response.status_code == 422
    field = parse(response).find(id="relation-error") or parse(response)
    assert "tourist visa" in field.get_text()
    assert visa_requests(app) == []


@pytest.mark.parametrize("number", ["12345678", "ABC1234567", "A12", "P_123456",
                                    "A" * 30, "A1234567!"])
def test_a_malformed_passport_number_is_refused_beside_the_field(app, holder, number):
    response = holder.check(passport=number)
    assert response.status_code == 422
    assert "passport" in text_of(response).lower()
    assert visa_requests(app) == []


def test_arabic_indic_digits_in_the_passport_and_days_are_read(app, holder):
    response = holder.check(passport="A١٢٣٤٥٦٧٨", days="٩٠")
    assert response.status_code == 200 and "A12345678" in text_of(response)


def test_too_many_open_requests_are_refused_with_the_setting(app, holder):
    app.config["PREMIUM_VISA_OPEN_MAX"] = 2
    for number in ("A10000001", "A10000002"):
        assert holder.confirm(passport=number).status_code == 303
    response = holder.check(passport="A10000003")
    assert response.status_code == 422
    assert "already have 2 visit visa requests" in text_of(response)


def test_one_open_request_per_passport(app, holder, make_account, sms_outbox):
    assert holder.confirm().status_code == 303
    again = holder.confirm()
    assert again.status_code == 303 and len(visa_requests(app)) == 1
    response = holder.check()
    assert response.status_code == 422 and "already open" in text_of(response)


def test_a_fee_changed_since_the_review_is_shown_again(app, holder):
    app.config["PREMIUM_VISIT_VISA_FEE"] = 45000
    response = holder.confirm(fee=FEE)
    assert response.status_code == 409
    assert "The fee has changed" in text_of(response) and "450.00" in text_of(response)
    assert visa_requests(app) == []


@pytest.mark.parametrize("changes", [
    {"relation": "king"}, {"nationality": "SAU"}, {"nationality": "XXX"},
    {"name_ar": "Fatima"}, {"name_en": "فاطمة"}, {"name_en": "Fatima"},
    {"name_ar": "فاطمة\x00 علي"}, {"purpose": "spying"}, {"entry": "both"},
    {"days": "0"}, {"days": "181"}, {"days": "9" * 40}, {"days": "-5"}, {"passport": ""},
])
def test_hostile_or_missing_values_get_a_message_never_a_500(app, holder, changes):
    response = holder.check(**changes)
    assert response.status_code == 422
    assert parse(response).find(class_="error-summary") is not None
    assert visa_requests(app) == []


def test_another_holders_request_is_404_and_a_civil_affairs_officer_gets_403(
        app, holder, make_account, client, sms_outbox):
    made = paid_request(app, holder)
    stranger_account = make_account(first_digit="2", state=ActivationState.ACTIVE)
    give_residency(app, stranger_account.national_id)
    stranger = Holder(app.test_client(), stranger_account, sms_outbox)
    stranger.sign_in()
    assert stranger.client.get(PAGE.format(lang="en") + f"/{made.number}").status_code == 404
    assert stranger.client.get(PAGE.format(lang="en") + "/0000000000").status_code == 404
    civil = officer_console(app, "c.officer", roles=("civil_affairs",))
    assert civil.client.get("/en/staff/passports/requests").status_code == 403
    assert civil.client.get(f"/en/staff/passports/requests/{made.number}").status_code == 403
    jeddah = officer_console(app, "j.officer", city="جدة")
    assert jeddah.client.get(f"/en/staff/passports/requests/{made.number}").status_code == 403
    assert made.number not in text_of(jeddah.client.get("/en/staff/passports/requests"))


def test_arabic_pages_are_rtl_and_htmx_gets_the_step(app, holder):
    page = parse(holder.page(lang="ar"))
    assert page.find("html")["dir"] == "rtl"
    assert "تأشيرة" in page.find("h1").get_text() or page.find("h1").get_text()
    fragment = holder.check(htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)


def test_the_approval_is_audited_for_the_holder(app, holder):
    made = paid_request(app, holder)
    console = officer_console(app)
    case = console.client.get(f"/en/staff/passports/requests/{made.number}")
    console.client.post(f"/en/staff/passports/requests/{made.number}/approve",
                        data={"csrf_token": csrf_of(case)})
    with app.app_context():
        kinds = {e.kind for e in db.session.query(AuditEvent).filter(
            AuditEvent.account_id == holder.account.id)}
    assert {"request_approved", premium_visas.ISSUED_AUDIT_KIND} <= kinds
