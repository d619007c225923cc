"""The holder's Payments page: their bills by group, in both languages, right to the halala;
a long list a page at a time; cancelling an unpaid bill, refused once a bank paid it; and
nobody else's bills, whatever the address holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import ActivationState, AuditEvent, Bill, BillStatus, utcnow
from absher_web.services import bills
from tests.account.conftest import csrf_of
from tests.pages import parse
from tests.payments.payments_pages import (
    Holder,
    add_bank,
    issue,
    pay,
    refund,
    section,
    signed_in_holder,
    stored,
    text_of,
)


@pytest.fixture
def holder(client, make_account, sms_outbox) -> Holder:
    return signed_in_holder(client, make_account, sms_outbox)


def expire(app, bill) -> None:
    with app.app_context():
        assert bills.expire_due(db.transaction, bill.expires_at) >= 1


def bills_of_every_group(app, account):
    """One bill in each group: (unpaid, paid, refunding, expired, cancelled)."""
    owed = issue(app, account, amount=123450, vat=16102, service="traffic_violation",
                 reference="TV-99812")
    paid = issue(app, account, amount=30000, service="visa_extension",
                 new_expiry="2027-01-10")
    assert pay(app, paid) is bills.Outcome.PAID
    refunded = issue(app, account, amount=5075)
    pay(app, refunded, reference="RJ-2")
    refund(app, refunded)
    late = issue(app, account, amount=20000, created=utcnow() - timedelta(days=4))
    expire(app, late)
    dropped = issue(app, account, amount=15000)
    with app.app_context(), db.transaction() as session:
        assert bills.move(session, session.get(Bill, dropped.id), BillStatus.UNPAID,
                          BillStatus.CANCELLED, utcnow())
    return owed, paid, refunded, late, dropped


def test_each_group_lists_its_bills_with_exact_amounts_in_english(app, holder):
    owed, paid, refunded, late, dropped = bills_of_every_group(app, holder.account)
    page = holder.get()
    assert page.status_code == 200
    unpaid = text_of(section(page, "unpaid"))
    assert owed.number in unpaid and "Traffic violation payment" in unpaid
    assert "Amount 1,234.50 SAR" in unpaid and "Of which VAT 161.02 SAR" in unpaid
    assert "The fine of traffic violation TV-99812." in unpaid
    assert f"Pay 1,234.50 SAR from your bank's app, online banking or an ATM: choose SADAD " \
           f"bill payment, then the biller Ministry of Interior, and enter bill number " \
           f"{owed.number} ." in unpaid
    assert "Sarah Mohammed Alotaibi" in unpaid and holder.account.national_id in unpaid
    assert "Pay before" in unpaid and " AH) at " in unpaid
    paid_text = text_of(section(page, "paid"))
    assert paid.number in paid_text and "300.00 SAR" in paid_text
    assert "Visit visa extension" in paid_text and "VAT" not in paid_text
    assert "until 10 January 2027" in paid_text
    assert text_of(section(page, "refunds")).count("50.75 SAR") == 1
    assert "Refund in progress" in text_of(section(page, "refunds"))
    assert late.number in text_of(section(page, "expired"))
    assert "200.00 SAR" in text_of(section(page, "expired"))
    cancelled = text_of(section(page, "cancelled"))
    assert dropped.number in cancelled and "150.00 SAR" in cancelled
    # Each bill in its own group only, its number isolated left-to-right.
    soup = parse(page)
    for bill in (owed, paid, refunded, late, dropped):
        assert len(soup.find_all("bdi", string=bill.number)) >= 1
        assert sum(bill.number in text_of(section(page, group)) for group in
                   ("unpaid", "paid", "refunds", "expired", "cancelled")) == 1
    receipts = {a["href"] for a in soup.select("a[href$='/receipt']")}
    assert receipts == {f"/en/account/payments/{bill.number}/receipt" for bill in (paid, refunded)}
    assert {a["href"] for a in soup.select("a[href$='/cancel']")} == \
        {f"/en/account/payments/{owed.number}/cancel"}


def test_the_arabic_page_writes_amounts_with_riyal_sign_and_arabic_names(app, holder):
    owed, paid, *_ = bills_of_every_group(app, holder.account)
    holder.lang = "ar"
    page = holder.get()
    assert page.status_code == 200 and parse(page).html["dir"] == "rtl"
    unpaid = text_of(section(page, "unpaid"))
    assert "1,234.50 ر.س" in unpaid and "161.02 ر.س" in unpaid and "SAR" not in unpaid
    assert "سداد المخالفات المرورية" in unpaid and "وزارة الداخلية" in unpaid
    assert "إمداد تأشيرة الزيارة" in text_of(section(page, "paid"))
    assert "300.00 ر.س" in text_of(section(page, "paid"))
    assert parse(page).h1.get_text(strip=True) == "المدفوعات"


def test_a_holder_without_bills_is_told_where_they_will_appear(holder):
    page = holder.get()
    assert page.status_code == 200
    assert "You have no bills yet." in text_of(parse(page).main)
    assert section(page, "unpaid") is None


def test_a_bill_past_its_expiry_is_not_offered_for_payment_before_the_runner_ends_it(
        app, holder):
    bill = issue(app, holder.account, created=utcnow() - timedelta(days=4))
    listed = text_of(section(holder.get(), "unpaid"))
    assert bill.number in listed and "Expired on" in listed
    assert "from your bank's app" not in listed and "Cancel bill" not in listed


def test_nothing_to_pay_is_said_when_every_bill_is_settled(app, holder):
    bill = issue(app, holder.account)
    pay(app, bill)
    assert "You have nothing to pay." in text_of(section(holder.get(), "unpaid"))


def test_the_page_is_in_the_account_menu_and_anonymous_visitors_sign_in(client, holder):
    home = parse(holder.client.get("/en/account/"))
    assert home.select_one(".account-nav a[href='/en/account/payments']")
    page = parse(holder.get())
    assert page.select_one(".account-nav a[aria-current='page']").get_text() == "Payments"
    anonymous = holder.client.application.test_client().get("/en/account/payments")
    assert anonymous.status_code in (302, 303) and "login" in anonymous.headers["Location"]


def test_a_long_list_shows_fifty_and_the_rest_a_page_at_a_time(app, holder):
    made = [issue(app, holder.account, amount=100 + n,
                  created=utcnow() - timedelta(minutes=60 - n)) for n in range(53)]
    page = holder.get()
    listed = section(page, "unpaid")
    assert len(listed.select("li.bill")) == 50
    assert made[-1].number in text_of(listed) and made[0].number not in text_of(listed)
    more = listed.find("a", href="/en/account/payments/unpaid?page=2")
    assert more and "53 in all" in more.get_text()
    second = holder.get("/unpaid?page=2")
    assert second.status_code == 200
    rest = section(second, "unpaid")
    assert {text_of(li.find("bdi")) for li in rest.select("li.bill")} == \
        {bill.number for bill in made[:3]}
    assert "Page 2 of 2." in text_of(rest)
    assert rest.find("a", rel="prev")["href"] == "/en/account/payments/unpaid?page=1"
    for odd in ("0", "-4", "999999999999999999999", "abc", "\x00", "٢"):
        response = holder.get("/unpaid", query_string={"page": odd})
        assert response.status_code == 200, odd
    assert holder.get("/nonsense").status_code == 404


def test_cancelling_an_unpaid_bill_asks_then_cancels_once(app, holder):
    bill = issue(app, holder.account, amount=7525)
    confirm = holder.get(f"/{bill.number}/cancel")
    assert confirm.status_code == 200
    form = parse(confirm).find("form", action=f"/en/account/payments/{bill.number}/cancel")
    assert form["method"] == "post" and form.find("input", attrs={"name": "csrf_token"})
    assert "75.25 SAR" in text_of(parse(confirm).main)
    done = holder.client.post(f"/en/account/payments/{bill.number}/cancel",
                              data={"csrf_token": csrf_of(confirm)})
    assert done.status_code == 303 and done.headers["Location"].endswith("/en/account/payments")
    assert stored(app, bill).status is BillStatus.CANCELLED
    after = holder.get()
    assert f"Bill {bill.number} is cancelled." in text_of(parse(after).select_one(".notice"))
    assert bill.number in text_of(section(after, "cancelled"))
    assert "Bill" not in text_of(parse(holder.get()).select_one(".notice"))  # said once
    with app.app_context():
        kinds = [e.kind for e in db.session.query(AuditEvent).filter_by(
            account_id=holder.account.id)]
    assert kinds.count("bill_cancelled") == 1
    assert "Unpaid bill cancelled" in text_of(parse(holder.client.get("/en/account/")).main)
    again = holder.cancel(bill.number)
    assert again.status_code == 409 and "already cancelled" in text_of(parse(again).main)


def test_a_bill_paid_meanwhile_is_not_cancelled_nor_refunded(app, holder):
    bill = issue(app, holder.account)
    confirm = holder.get(f"/{bill.number}/cancel")
    pay(app, bill)  # the bank's notice arrives while the holder reads the page
    refused = holder.client.post(f"/en/account/payments/{bill.number}/cancel",
                                 data={"csrf_token": csrf_of(confirm)})
    assert refused.status_code == 409
    summary = parse(refused).select_one("[data-error-summary]")
    assert f"Bill {bill.number} was not cancelled: it has been paid." in text_of(summary)
    assert parse(refused).title.get_text().startswith("Error:")
    kept = stored(app, bill)
    assert kept.status is BillStatus.PAID and kept.refund_requested_at is None
    assert holder.get(f"/{bill.number}/cancel").status_code == 409


def test_a_bill_past_its_expiry_is_expired_rather_than_cancelled(app, holder):
    bill = issue(app, holder.account, created=utcnow() - timedelta(days=4))
    refused = holder.cancel(bill.number)
    assert refused.status_code == 409 and "already expired" in text_of(parse(refused).main)
    assert stored(app, bill).status is BillStatus.EXPIRED


def test_a_cancellation_without_its_token_changes_nothing(app, holder):
    bill = issue(app, holder.account)
    response = holder.client.post(f"/en/account/payments/{bill.number}/cancel", data={})
    assert response.status_code == 400
    assert stored(app, bill).status is BillStatus.UNPAID


def test_another_holders_bill_is_forbidden_whether_it_exists_or_not(app, holder, client,
                                                                     make_account):
    other = make_account(state=ActivationState.ACTIVE)
    theirs = issue(app, other)
    add_bank(app)
    paid = issue(app, other)
    pay(app, paid)
    unknown = bills.new_number()
    page = holder.get()
    for number in (theirs.number, paid.number, unknown):
        for path in (f"/{number}/cancel", f"/{number}/receipt"):
            response = holder.get(path)
            assert response.status_code == 403, (number, path)
            assert theirs.number not in text_of(parse(response).main)
        response = holder.client.post(f"/en/account/payments/{number}/cancel",
                                      data={"csrf_token": csrf_of(page)})
        assert response.status_code == 403
    assert stored(app, theirs).status is BillStatus.UNPAID
    assert theirs.number not in holder.get().get_data(as_text=True)


@pytest.mark.parametrize("number", [
    "%00", "1234%00", "9" * 5000, "١٢٣٤٥٦٧٨٩٠١٢٣", "%E2%80%AE1234567890123",
    "1234567890123%E2%80%AC", "..%2F..%2Fadmin", "-1", "１２３４５６７８９０１２３", "%FF%FE"])
def test_hostile_bill_numbers_in_the_address_are_refused_without_an_error(holder, number):
    for path in (f"/{number}/cancel", f"/{number}/receipt"):
        response = holder.client.get(f"/en/account/payments{path}")
        assert response.status_code in (403, 404), (number, path, response.status_code)
        assert parse(response).html["lang"] == "en"
    page = holder.get()
    response = holder.client.post(f"/en/account/payments/{number}/cancel",
                                  data={"csrf_token": csrf_of(page)})
    assert response.status_code in (403, 404)
