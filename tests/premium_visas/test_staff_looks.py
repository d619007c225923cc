"""A Passports officer opening a Premium Residency holder's visa request says why first;
the holder sees the look on Who looked at my data."""

from __future__ import annotations

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import StaffLook
from tests.eservices.billing import pay
from tests.pages import parse
from tests.premium_visas.conftest import bill_of, officer_console, the_request


def test_the_visa_request_asks_why_and_the_holder_sees_it(app, holder):
    holder.confirm()
    pay(app, bill_of(app, the_request(app)))
    made = the_request(app)
    console = officer_console(app)
    first = parse(console.client.get(f"/en/staff/passports/requests/{made.number}"))
    assert "A12345678" not in first.get_text()
    case = console.open_case(f"passports/requests/{made.number}", "official_letter")
    assert "A12345678" in parse(case).get_text()
    with app.app_context():
        [look] = db.session.scalars(select(StaffLook)).all()
    assert (look.person_id, look.role, look.reason) == (made.beneficiary_id, "passports",
                                                         "official_letter")
    page = parse(holder.client.get("/en/account/my-data/looks")).find("main").get_text(" ")
    assert "Passports officer" in page and "An official letter" in page
