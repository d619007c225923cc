"""My vehicles (insurance, violations, impounded) and a foreign vehicle's violations, as
the holder sees them, from the vehicles registry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import ActivationState, TrafficViolation, Vehicle, ViolationStatus
from tests.eservices.conftest import Holder, answer_text
from tests.pages import parse

TODAY = date.today()


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
                  status: ViolationStatus = ViolationStatus.UNPAID, kind: str = "speeding"):
    with app.app_context(), db.transaction() as session:
        session.add(TrafficViolation(reference=reference, vehicle_id=vehicle.id, kind=kind,
                                     amount=amount, committed_on=TODAY - timedelta(days=10),
                                     place="جدة", status=status))


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
    assert "2 unpaid violations, 800 riyals in all." in text
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
    assert "Running a red light" in text and "900 riyals" in text
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
