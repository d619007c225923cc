"""Receipts: every paid, refunding and refunded bill has one, with what a bank and the holder
need (bill, service, beneficiary, amount and VAT, bank and reference, the date in Gregorian
and Hijri), printable on one A4 page; a bill never paid has none; nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from absher_web.config import PROJECT_ROOT
from absher_web.extensions import db
from absher_web.models import ActivationState, BillStatus, utcnow
from absher_web.services import bills
from tests.pages import parse
from tests.payments.payments_pages import (
    Holder,
    add_bank,
    issue,
    pay,
    refund,
    signed_in_holder,
    text_of,
)

PAID_AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 12:00 in Riyadh


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Holder:
    return signed_in_holder(client, make_account, sms_outbox)


def facts(response) -> dict[str, str]:
    """The receipt's labels and values, as read."""
    receipt = parse(response).select_one("article.receipt")
    assert receipt is not None, response.get_data(as_text=True)[:1000]
    found = {}
    for dl in receipt.select("dl.facts"):
        for dt in dl.find_all("dt"):
            found.setdefault(text_of(dt), text_of(dt.find_next_sibling("dd")))
    return found


def test_a_paid_bills_receipt_says_everything_in_english(app, holder):
    add_bank(app, "RJHI", "Al Rajhi Bank")
    bill = issue(app, holder.account, amount=123450, vat=16102, service="traffic_violation",
                 reference="TV-5521")
    assert pay(app, bill, reference="RJ-2026-000917", paid_at=PAID_AT) is bills.Outcome.PAID
    response = holder.get(f"/{bill.number}/receipt")
    assert response.status_code == 200
    shown = facts(response)
    assert shown["Bill number"] == bill.number
    assert shown["Service"] == "Traffic violation payment"
    assert shown["For"] == "The fine of traffic violation TV-5521."
    assert shown["Beneficiary"] == "Sarah Mohammed Alotaibi"
    assert shown["Beneficiary's ID number"] == holder.account.national_id
    assert shown["Amount"] == "1,234.50 SAR" and shown["Of which VAT"] == "161.02 SAR"
    assert shown["Paid through"] == "Al Rajhi Bank"
    assert shown["Bank reference"] == "RJ-2026-000917"
    assert shown["Paid on"] == "5 December 2026 (25 Jumada al-Akhirah 1448 AH) at 12:00"
    assert shown["State"] == "Paid"
    assert "Refund" not in text_of(parse(response).main)
    soup = parse(response)
    assert soup.select_one("article.receipt bdi[dir=ltr]").get_text() == bill.number


def test_the_arabic_receipt_writes_riyals_and_the_hijri_date(app, holder):
    add_bank(app, "RJHI", "Al Rajhi Bank")
    bill = issue(app, holder.account, amount=30000, service="visa_extension")
    pay(app, bill, reference="RJ-1", paid_at=PAID_AT)
    holder.lang = "ar"
    response = holder.get(f"/{bill.number}/receipt")
    assert response.status_code == 200 and parse(response).html["lang"] == "ar"
    shown = facts(response)
    assert shown["المبلغ"] == "300.00 ر.س"
    assert shown["منها ضريبة القيمة المضافة"] == "0.00 ر.س"
    assert shown["الخدمة"] == "إمداد تأشيرة الزيارة"
    assert shown["تاريخ السداد"] == "5 ديسمبر 2026 (25 جمادى الآخرة 1448 هـ)، الساعة 12:00"
    assert shown["رقم الفاتورة"] == bill.number
    assert parse(response).h1.get_text(strip=True) == "إيصال سداد"


def test_a_bank_missing_from_the_registry_is_named_by_its_code(app, holder):
    bill = issue(app, holder.account)
    pay(app, bill, bank="NCBK")
    assert facts(holder.get(f"/{bill.number}/receipt"))["Paid through"] == "NCBK"


def test_a_refund_shows_its_state_dates_and_reference(app, holder):
    add_bank(app)
    going = issue(app, holder.account, amount=10050)
    pay(app, going, reference="RJ-7")
    refund(app, going)
    shown = facts(holder.get(f"/{going.number}/receipt"))
    assert shown["State"] == "Refund in progress"
    assert shown["Reason"] == "You cancelled the request."
    assert "Refund requested on" in shown and "Refunded on" not in shown
    back = issue(app, holder.account, amount=10050)
    pay(app, back, reference="RJ-8")
    refund(app, back, done_reference="RF-2026-4411")
    response = holder.get(f"/{back.number}/receipt")
    shown = facts(response)
    assert shown["State"] == "Refunded" and shown["Refund reference"] == "RF-2026-4411"
    assert " AH) at " in shown["Refunded on"]
    assert shown["Amount"] == "100.50 SAR"
    assert parse(response).find("h2", string="Refund")


def test_a_bill_never_paid_has_no_receipt(app, holder):
    owed = issue(app, holder.account)
    dropped = issue(app, holder.account)
    with app.app_context(), db.transaction() as session:
        from absher_web.models import Bill

        bills.move(session, session.get(Bill, dropped.id), BillStatus.UNPAID,
                   BillStatus.CANCELLED, utcnow())
    for bill, state in ((owed, "Unpaid"), (dropped, "Cancelled")):
        response = holder.get(f"/{bill.number}/receipt")
        assert response.status_code == 404
        main = text_of(parse(response).main)
        assert "only a paid bill has one" in main and f"Its state: {state}." in main
        assert parse(response).select_one("article.receipt") is None


def test_another_holders_receipt_is_forbidden(app, holder, make_account):
    other = make_account(state=ActivationState.ACTIVE)
    theirs = issue(app, other)
    pay(app, theirs, reference="RJ-SECRET-1")
    response = holder.get(f"/{theirs.number}/receipt")
    assert response.status_code == 403
    assert "RJ-SECRET-1" not in response.get_data(as_text=True)


def test_the_receipt_prints_on_its_own_without_javascript(app, holder):
    bill = issue(app, holder.account)
    pay(app, bill)
    response = holder.get(f"/{bill.number}/receipt")
    soup = parse(response)
    # Without JavaScript the print button stays hidden, and the page says what to do.
    button = soup.select_one("button[data-print]")
    assert button.has_attr("hidden") and button["type"] == "button"
    assert "use your browser's Print command" in text_of(soup.select_one(".no-print"))
    assert not soup.select("script:not([src])") and not soup.select("[style]")
    # The stylesheet every page carries inline hides all but the receipt in print.
    style = soup.head.style.get_text()
    print_rules = style[style.index("@media print"):]
    for hidden in (".site-header", ".site-footer", ".account-nav", ".no-print"):
        assert hidden in print_rules.split("{", 2)[1]
    assert "background: transparent !important" in print_rules
    assert "@page { size: A4" in style
    script = (PROJECT_ROOT / "static" / "js" / "app.js").read_text(encoding="utf-8")
    assert 'querySelectorAll("[data-print]")' in script and "window.print()" in script
