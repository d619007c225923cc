"""What a sale needs from the vehicles registry (its optional CSV columns) and from run-due
(lapsing offers and unpaid sales, the payout)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import BillStatus, SaleStatus, Vehicle, utcnow
from tests.eservices.test_agency_imports import VEHICLES, run
from tests.vehicle_sales.helpers import (
    POLICY,
    act,
    add_vehicle,
    offer,
    sale,
    sale_bills,
    two_holders,
)


def test_a_vehicles_file_with_or_without_the_sale_columns_imports(app, session, tmp_path,
                                                                  make_person):
    owner = make_person()
    old = run(app, tmp_path, "import-vehicles", [
        VEHICLES, f"SAU,ABJ,1234,Toyota,Camry,2021,white,{owner},Tawuniya,2027-01-31,,"])
    assert old.exit_code == 0, old.output
    session.rollback()
    camry = session.scalars(select(Vehicle).where(Vehicle.owner_id == owner)).one()
    assert (camry.usage, camry.registration_expiry, camry.reported) == ("private", None, None)
    new = run(app, tmp_path, "import-vehicles", [
        VEHICLES + ",usage,registration_expiry,inspection_expiry,reported",
        f"SAU,ABJ,1234,Toyota,Camry,2021,white,{owner},Tawuniya,2027-01-31,,,"
        "private_transport,2027-03-01,٢٠٢٦-١٢-٣١,wanted"])
    assert new.exit_code == 0, new.output
    session.rollback()
    camry = session.scalars(select(Vehicle).where(Vehicle.owner_id == owner)).one()
    assert (camry.usage, camry.inspection_expiry.isoformat(), camry.reported) == (
        "private_transport", "2026-12-31", "wanted")
    bad = run(app, tmp_path, "import-vehicles", [
        VEHICLES + ",usage,registration_expiry,inspection_expiry,reported",
        f"SAU,ABJ,1234,Toyota,Camry,2021,white,{owner},Tawuniya,2027-01-31,,,"
        "spaceship,2027-13-01,,stolen"])
    assert bad.exit_code != 0
    for named in ("usage 'spaceship'", "registration_expiry", "reported 'stolen'"):
        assert named in bad.stderr


def test_run_due_lapses_an_unpaid_sale_and_cancels_its_bills(app, make_account, monkeypatch):
    seller, buyer = two_holders(make_account)
    sale_id = offer(app, seller, buyer.national_id, add_vehicle(app, seller.national_id))
    act(app, "accept", buyer, sale_id)
    later = utcnow() + POLICY.sale_pay_time + timedelta(minutes=5)
    monkeypatch.setattr("absher_web.cli.operators.utcnow", lambda: later, raising=False)
    result = app.test_cli_runner().invoke(args=["absher", "run-due"])
    assert result.exit_code == 0, result.output
    assert sale(app, sale_id).status is SaleStatus.LAPSED
    assert {b.status for b in sale_bills(app, sale_id).values()} <= {BillStatus.CANCELLED,
                                                                      BillStatus.EXPIRED}


def test_a_sale_paid_in_time_whose_carrying_on_waits_does_not_lapse(app, make_account):
    from absher_web.services import bills, vehicle_sales

    seller, buyer = two_holders(make_account)
    sale_id = offer(app, seller, buyer.national_id, add_vehicle(app, seller.national_id))
    act(app, "accept", buyer, sale_id)
    now = utcnow()
    for part, bill in sale_bills(app, sale_id).items():  # paid, not yet carried on
        with app.app_context(), db.transaction() as session:
            bills.pay(session, bills.Payment(bill.number, bill.amount, "RJHI", f"P-{part}", now),
                      now)
    later = now + POLICY.sale_pay_time + timedelta(minutes=5)
    with app.app_context():
        assert vehicle_sales.lapse_due(db.transaction, later) == 0
        bills.carry_on_due(db.transaction, later)
    assert sale(app, sale_id).status is SaleStatus.PAID
