"""My vehicles (insurance, violations, impounded) and a foreign vehicle's violations, as
the holder sees them, from the vehicles registry; paying an unpaid violation through its
bill: once, only by the vehicle's owner, refunded when it cannot be recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    BillStatus,
    TrafficViolation,
    Vehicle,
    ViolationStatus,
    utcnow,
)
from absher_web.services import bills
from absher_web.services.eservices import vehicles
from tests.account.concurrency import at_once
from tests.account.conftest import csrf_of
from tests.days import riyadh_today
from tests.eservices.billing import (
    bills_of,
    pay,
    queued_notices,
    run_due,
    stored,
    the_bill,
)
from tests.eservices.conftest import Holder, answer_text
from tests.eservices.test_agency_imports import VIOLATIONS, run
from tests.eservices.test_driving import main_text, refusal_of
from tests.eservices.test_ownership import sell
from tests.pages import parse
from tests.registration.test_budgets import BUDGET, compressed_size

TODAY = riyadh_today()


def add_vehicle(app, owner: str | None, **values) -> Vehicle:
    defaults = dict(plate_country="SAU", plate_letters="ABJ", plate_number="1234",
                    make="Toyota", model="Camry", year=2021, colour="white", owner_id=owner,
                    insurance_company="Tawuniya", insurance_expiry=TODAY + timedelta(days=200))
    defaults.update(values)
    with app.app_context(), db.transaction() as session:
        vehicle = Vehicle(**defaults)
        session.add(vehicle)
    return vehicle


def add_violation(app, vehicle: Vehicle, reference: str, amount: int,
                  status: ViolationStatus = ViolationStatus.UNPAID, kind: str = "speeding"
                  ) -> int:
    with app.app_context(), db.transaction() as session:
        violation = TrafficViolation(reference=reference, vehicle_id=vehicle.id, kind=kind,
                                     amount=amount, committed_on=TODAY - timedelta(days=10),
                                     place="جدة", status=status)
        session.add(violation)
        session.flush()
        return violation.id


def test_no_vehicles_is_said_plainly(holder):
    assert "No vehicles are registered in your name." in answer_text(holder.enquire("vehicles"))


def test_each_vehicle_shows_its_plate_insurance_violations_and_totals(app, holder):
    owner = holder.account.national_id
    camry = add_vehicle(app, owner)
    add_vehicle(app, owner, plate_letters="DRS", plate_number="77", make="Nissan",
                model="Patrol", insurance_expiry=TODAY + timedelta(days=10))
    add_vehicle(app, owner, plate_letters="KLZ", plate_number="5", make="Kia", model="Rio",
                insurance_expiry=TODAY - timedelta(days=1))
    add_vehicle(app, owner, plate_letters="NHU", plate_number="9", make="Ford", model="Taurus",
                insurance_company=None, insurance_expiry=None)
    add_vehicle(app, None, plate_letters="XTE", plate_number="1")  # someone else's
    add_violation(app, camry, "V0001", 300)
    add_violation(app, camry, "V0002", 500)
    add_violation(app, camry, "V0003", 150, ViolationStatus.PAID)

    response = holder.enquire("vehicles")
    text = answer_text(response)
    assert "4 vehicles are registered in your name." in text
    assert "2 unpaid violations, 800.00 SAR in all." in text
    assert "None of your vehicles is impounded." in text
    section = parse(response).find("section")
    headings = [h.get_text(strip=True) for h in section.find_all("h3")]
    assert "Toyota Camry 2021" in headings and "Nissan Patrol 2021" in headings
    assert "ا ب ح 1234" in text and "A B J 1234" in text
    assert "Valid until" in text and "Expires soon, on" in text
    assert "Expired on" in text and "No insurance is recorded" in text
    assert "X T E" not in text
    assert text.count("Speeding") == 3


def test_an_impounded_vehicle_says_where_and_since_when(app, holder):
    add_vehicle(app, holder.account.national_id, impounded_since=TODAY - timedelta(days=5),
                impound_place="حجز جدة - الخمرة")
    text = answer_text(holder.enquire("vehicles"))
    assert "impounded since" in text and "حجز جدة - الخمرة" in text


def test_a_foreign_vehicles_violations_are_found_by_country_and_plate(app, holder):
    car = add_vehicle(app, None, plate_country="BHR", plate_letters="", plate_number="12345")
    add_violation(app, car, "F0001", 900, kind="red_light")
    text = answer_text(holder.enquire("foreign-vehicle-violations", country="BHR",
                                      plate=" 123-45 "))
    assert "Running a red light" in text and "900.00 SAR" in text
    # Nobody pays a foreign vehicle's violations here.
    assert "Pay violation" not in text
    text = answer_text(holder.enquire("foreign-vehicle-violations", country="KWT",
                                      plate="12345"))
    assert "No violations are recorded against a vehicle with plate" in text


@pytest.mark.parametrize("fields, error", [
    ({"country": "", "plate": "12345"}, "Choose the country that issued the plate"),
    ({"country": "SAU", "plate": "12345"}, "Choose the country that issued the plate"),
    ({"country": "BHR", "plate": ""}, "Enter the plate number"),
    ({"country": "BHR", "plate": "١٢٣<script>"}, "Enter the plate as it is written"),
])
def test_the_foreign_enquiry_explains_what_is_missing(holder, fields, error):
    response = holder.enquire("foreign-vehicle-violations", **fields)
    assert response.status_code == 422
    page = parse(response)
    assert error in page.find(class_="error-summary").get_text(" ", strip=True)
    assert page.find("title").get_text().startswith("Error:")
    assert page.find("section") is None


def test_the_arabic_pages_use_the_seed_names(client, make_account, sms_outbox):
    holder = Holder(client, make_account(state=ActivationState.ACTIVE), sms_outbox, lang="ar")
    holder.sign_in()
    page = parse(holder.open("foreign-vehicle-violations"))
    assert page.find("h1").get_text(strip=True) == "الاستعلام عن مخالفات المركبات الأجنبية"


def test_arabic_writes_its_own_comma_between_a_violations_date_and_place(app, client,
                                                                          make_account,
                                                                          sms_outbox):
    holder = Holder(client, make_account(state=ActivationState.ACTIVE), sms_outbox, lang="ar")
    holder.sign_in()
    add_violation(app, add_vehicle(app, holder.account.national_id), "V0100", 300)
    text = answer_text(holder.enquire("vehicles"))
    assert "هـ)، جدة" in text and ", جدة" not in text


# --- paying a violation ----------------------------------------------------------------------

URL = "/en/account/services/vehicles"


def pay_button(response, reference: str):
    """The "Pay violation <reference>" form of the answer, as the page has it."""
    for form in parse(response).select("form[action$='/vehicles/pay']"):
        if form.get_text(" ", strip=True) == f"Pay violation {reference}":
            return form
    return None


def press(holder: Holder, form, headers=None):
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    return holder.client.post(form["action"], data=fields, headers=headers or {})


def pay_violation(holder: Holder, item) -> object:
    page = holder.open("vehicles")
    return holder.client.post(f"{URL}/pay", data={"csrf_token": csrf_of(page), "item": item})


def status_of(app, violation_id: int) -> ViolationStatus:
    with app.app_context():
        return db.session.get(TrafficViolation, violation_id).status


@pytest.fixture
def camry(app, holder) -> tuple[Vehicle, int]:
    vehicle = add_vehicle(app, holder.account.national_id)
    return vehicle, add_violation(app, vehicle, "TV2026000123", 300)


def test_an_owner_pays_an_unpaid_violation_through_its_bill(app, holder, camry, sms_outbox):
    vehicle, violation = camry
    add_violation(app, vehicle, "TV2026000124", 150, ViolationStatus.PAID)
    answer = holder.enquire("vehicles")
    assert pay_button(answer, "TV2026000124") is None  # paid already: no button
    form = pay_button(answer, "TV2026000123")
    assert form is not None and form.select_one("input[name=csrf_token]")
    assert bills_of(app, vehicles.SERVICE) == []  # the enquiry alone issues nothing

    done = press(holder, form)
    assert done.status_code == 303 and done.headers["Location"].endswith(URL)
    bill = the_bill(app, vehicles.SERVICE)
    assert (bill.request_key, bill.beneficiary_id, bill.amount, bill.vat) == \
        ("TV2026000123", holder.account.national_id, 30000, 0)
    assert bill.status is BillStatus.UNPAID
    page = holder.open("vehicles")
    assert "The bill for traffic violation TV2026000123 is issued." in main_text(page)
    panel = parse(page).find("section", attrs={"aria-labelledby": f"bill-{bill.id}-heading"})
    text = panel.get_text(" ", strip=True)
    assert "300.00 SAR" in text and bill.number[:4] in text
    assert "The violation is recorded as paid as soon as your bank's payment reaches us" in text
    # Asked again (a double submit, another tab): the same bill; the answer names it.
    assert pay_violation(holder, violation).status_code == 303
    assert the_bill(app, vehicles.SERVICE).number == bill.number
    answer = holder.enquire("vehicles")
    assert pay_button(answer, "TV2026000123") is None
    assert f"Bill issued: number {bill.number[:4]}" in answer_text(answer)
    assert status_of(app, violation) is ViolationStatus.UNPAID

    assert pay(app, bill) is bills.Outcome.PAID
    assert status_of(app, violation) is ViolationStatus.PAID
    notice, = queued_notices(app, "traffic_violation_notice")
    assert notice.body == "Absher: traffic violation TV2026000123 is paid (300.00 SAR)."
    assert notice.to == holder.account.mobile
    run_due(app)
    assert [m["body"] for m in sms_outbox.messages()].count(notice.body) == 1
    text = answer_text(holder.enquire("vehicles"))
    assert "Every violation is paid." in text and "Pay violation" not in text
    assert "Paid on" in main_text(holder.open("vehicles"))
    activity = parse(holder.client.get("/en/account/")).find("table").get_text(" ")
    assert "Traffic violation paid" in activity and "Bill issued for a traffic violation" \
        in activity
    refused = pay_violation(holder, violation)
    assert refused.status_code == 422 and "already paid" in refusal_of(refused)


def test_the_amounts_are_right_to_the_halala_in_arabic(app, client, make_account, sms_outbox):
    holder = Holder(client, make_account(state=ActivationState.ACTIVE, language="ar"),
                    sms_outbox, lang="ar")
    holder.sign_in()
    vehicle = add_vehicle(app, holder.account.national_id)
    violation = add_violation(app, vehicle, "TV2026000777", 1234)
    add_violation(app, vehicle, "TV2026000778", 5)
    text = answer_text(holder.enquire("vehicles"))
    assert "1,239.00 ر.س" in text and "1,234.00 ر.س" in text and "5.00 ر.س" in text
    assert "SAR" not in text
    page = holder.open("vehicles")
    holder.client.post("/ar/account/services/vehicles/pay",
                       data={"csrf_token": csrf_of(page), "item": violation})
    bill = the_bill(app, vehicles.SERVICE)
    assert bill.amount == 123400
    assert "1,234.00 ر.س" in main_text(holder.open("vehicles"))
    assert pay(app, bill, amount=123399) is bills.Outcome.AMOUNT_WRONG
    assert pay(app, bill) is bills.Outcome.PAID
    notice, = queued_notices(app, "traffic_violation_notice")
    assert notice.body == "أبشر: تم سداد المخالفة المرورية TV2026000777 بمبلغ 1,234.00 ر.س."


def test_twenty_payments_of_a_violations_bill_at_once_pay_it_once(app, holder, camry):
    _vehicle, violation = camry
    assert pay_violation(holder, violation).status_code == 303
    bill = the_bill(app, vehicles.SERVICE)
    outcomes = at_once([lambda n=n: pay(app, bill, reference=f"REF-{n}", bank=f"B{n % 3}")
                        for n in range(20)])
    assert outcomes.count(bills.Outcome.PAID) == 1
    assert set(outcomes) == {bills.Outcome.PAID, bills.Outcome.ALREADY_PAID}
    assert status_of(app, violation) is ViolationStatus.PAID
    assert len(queued_notices(app, "traffic_violation_notice")) == 1
    assert stored(app, bill.id).fulfilled_at is not None


def test_a_paid_bill_not_yet_recorded_is_not_billed_again(app, holder, camry):
    _vehicle, violation = camry
    assert pay_violation(holder, violation).status_code == 303
    bill = the_bill(app, vehicles.SERVICE)
    # The bank's notice is applied; the violation is recorded a moment later (or run-due
    # retries it): meanwhile nobody is asked to pay twice.
    with app.app_context(), db.transaction() as session:
        bills.pay(session, bills.Payment(bill.number, bill.amount, "RJHI", "R-1", utcnow()),
                  utcnow())
    refused = pay_violation(holder, violation)
    assert refused.status_code == 422
    assert "This violation's bill is paid. We are recording the payment" in refusal_of(refused)
    answer = holder.enquire("vehicles")
    assert pay_button(answer, "TV2026000123") is None
    assert "the violation is being recorded as paid" in answer_text(answer)
    assert "We are carrying out your request" in main_text(holder.open("vehicles"))
    with app.app_context():
        assert bills.carry_on_due(db.transaction, utcnow()) == (1, 0)
    assert status_of(app, violation) is ViolationStatus.PAID
    assert len(bills_of(app, vehicles.SERVICE)) == 1


def test_nobody_else_pays_someones_violation(app, holder, camry, make_account, sms_outbox):
    _vehicle, violation = camry
    other = Holder(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    other.sign_in()
    refused = pay_violation(other, violation)
    assert refused.status_code == 403
    assert "not recorded against a vehicle registered in your name" in refusal_of(refused)
    # A foreign vehicle's violation has no owner here; an unknown one does not exist.
    foreign = add_vehicle(app, None, plate_country="BHR", plate_letters="", plate_number="9")
    for item in (add_violation(app, foreign, "F0009", 300), 999_999):
        assert pay_violation(holder, item).status_code == 403
    for item in ("", "abc", "-1", "99999999999", "1 OR 1=1"):
        response = pay_violation(holder, item)
        assert response.status_code == 422, item
        assert "Use one of the buttons on the page" in refusal_of(response)
    # Without the form's token: nothing.
    assert holder.client.post(f"{URL}/pay", data={"item": violation}).status_code == 400
    assert bills_of(app, vehicles.SERVICE) == []


def test_a_violation_paid_at_the_traffic_department_meanwhile_is_refunded(app, holder, camry,
                                                                           tmp_path):
    _vehicle, violation = camry
    assert pay_violation(holder, violation).status_code == 303
    bill = the_bill(app, vehicles.SERVICE)
    # The department's daily file records it paid (at a counter, say) before the bank's notice.
    result = run(app, tmp_path, "import-violations", [
        VIOLATIONS, "TV2026000123,SAU,ABJ,1234,speeding,300,2026-11-01,جدة,paid"])
    assert result.exit_code == 0, result.output
    assert pay(app, bill) is bills.Outcome.PAID
    refunded = stored(app, bill.id)
    assert refunded.status is BillStatus.REFUNDING and refunded.refund_reason == "violation_paid"
    assert queued_notices(app, "traffic_violation_notice") == []


def test_a_vehicle_sold_before_the_payment_refunds_the_old_owners_bill(
        app, holder, camry, make_account, sms_outbox, tmp_path):
    vehicle, violation = camry
    assert pay_violation(holder, violation).status_code == 303
    old_bill = the_bill(app, vehicles.SERVICE)
    buyer = Holder(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    buyer.sign_in()
    sell(app, tmp_path, vehicle.id, buyer.account.national_id)
    # The old owner can no longer ask; the new owner can, and their bill replaces the old.
    assert pay_violation(holder, violation).status_code == 403
    assert pay_violation(buyer, violation).status_code == 303
    old, new = bills_of(app, vehicles.SERVICE)
    assert old.id == old_bill.id and old.status is BillStatus.CANCELLED
    assert new.account_id == buyer.account.id and new.status is BillStatus.UNPAID
    assert pay(app, old_bill) is bills.Outcome.CANCELLED  # the bank is told, nothing taken
    # Had the old owner paid before the sale, the payment could only be refunded.
    other_violation = add_violation(app, vehicle, "TV2026000200", 500)
    assert pay_violation(buyer, other_violation).status_code == 303
    buyers_bill = bills_of(app, vehicles.SERVICE)[-1]
    sell(app, tmp_path, vehicle.id, holder.account.national_id)
    assert pay(app, buyers_bill, reference="late") is bills.Outcome.PAID
    refunded = stored(app, buyers_bill.id)
    assert refunded.status is BillStatus.REFUNDING
    assert refunded.refund_reason == "vehicle_not_owned"
    assert status_of(app, other_violation) is ViolationStatus.UNPAID


def test_a_violation_is_paid_in_place_with_javascript(app, holder, camry):
    answer = holder.enquire("vehicles")
    form = pay_button(answer, "TV2026000123")
    assert form["data-hx-post"].endswith("/vehicles/pay")
    assert form["data-hx-target"] == "#eservice-step"
    done = press(holder, form, headers={"HX-Request": "true"})
    assert done.status_code == 303
    fragment = holder.client.get(done.headers["Location"], headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and b"<html" not in fragment.data
    assert compressed_size(fragment) <= BUDGET
    assert "is issued" in parse(fragment).select_one("#live-region").get_text()
    assert "Bill number" in parse(fragment).select_one("section.card").get_text()
