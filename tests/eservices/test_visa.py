"""إمداد تأشيرة الزيارة: the rules (every refusal), the check-then-confirm pages, the bill
that confirming issues and its payment that extends the visa (once, or refunded when the
visa changed meanwhile), nobody else's visitor, and races that bill and extend once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    Bill,
    BillStatus,
    SponsoredKind,
    Sponsorship,
    VisaExtension,
    utcnow,
)
from absher_web.services import bills
from absher_web.services.eservices import RIYADH, NotYours, local_today, visa
from absher_web.services.policies import EServicePolicy
from tests.account.conftest import csrf_of
from tests.conftest import fresh_national_id
from tests.eservices.billing import (
    bills_of,
    pay,
    queued_notices,
    run_due,
    stored,
    the_bill,
)
from tests.eservices.conftest import Holder
from tests.eservices.test_driving import at_once, main_text, refusal_of
from tests.pages import parse

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

URL = "/en/account/services/visit-visa-extension"
POLICY = EServicePolicy()  # window 30 days, 90 days more, 180 days' stay, fee 100 riyals


def add_visitor(app, sponsor: str, expires_in: int = 20, entered: int | None = 70,
                insured_for: int | None = 200, kind=SponsoredKind.VISITOR) -> int:
    today = local_today(utcnow())
    with app.app_context(), db.transaction() as session:
        record = Sponsorship(
            sponsor_id=sponsor,
            person_id=("31" + fresh_national_id()[2:]) if kind is SponsoredKind.VISITOR
            else fresh_national_id("2"),
            name_ar="ماريا سانتوس", name_en="Maria Santos", kind=kind, nationality="PHL",
            permit_expiry=today + timedelta(days=expires_in),
            entry_date=today - timedelta(days=entered) if entered is not None else None,
            health_insurer="Bupa Arabia" if insured_for is not None else None,
            health_insurance_expiry=(today + timedelta(days=insured_for)
                                     if insured_for is not None else None))
        session.add(record)
        session.flush()
        return record.id


def record(expires_in=20, entered=70, insured_for=200, today=date(2026, 6, 1)) -> Sponsorship:
    return Sponsorship(
        person_id="3100000000", name_ar="م", name_en="M", kind=SponsoredKind.VISITOR,
        nationality="PHL", permit_expiry=today + timedelta(days=expires_in),
        entry_date=today - timedelta(days=entered) if entered is not None else None,
        health_insurance_expiry=today + timedelta(days=insured_for)
        if insured_for is not None else None)


# --- the rules ---------------------------------------------------------------------------

TODAY = date(2026, 6, 1)


def test_an_extension_adds_the_set_days_for_the_set_fee():
    quote = visa.rule(POLICY, record(expires_in=20, entered=10), TODAY)
    assert quote.new_expiry == TODAY + timedelta(days=110) and quote.fee == 10000  # halalas
    assert quote.days == 90


def test_an_extension_is_shortened_to_the_longest_stay():
    quote = visa.rule(POLICY, record(expires_in=20, entered=100), TODAY)
    assert quote.new_expiry == TODAY + timedelta(days=80)  # 180 days from entry


@pytest.mark.parametrize(("kwargs", "reason", "on"), [
    ({"expires_in": -1}, visa.Refusal.EXPIRED, TODAY - timedelta(days=1)),
    ({"expires_in": 31}, visa.Refusal.TOO_EARLY, TODAY + timedelta(days=1)),
    ({"entered": None}, visa.Refusal.ENTRY_UNKNOWN, None),
    ({"expires_in": 20, "entered": 160}, visa.Refusal.MAX_STAY, TODAY - timedelta(days=160)),
    ({"insured_for": None}, visa.Refusal.NO_INSURANCE, TODAY + timedelta(days=110)),
    ({"insured_for": 100}, visa.Refusal.INSURANCE_SHORT, TODAY + timedelta(days=110)),
])
def test_every_refusal_names_its_reason_and_day(kwargs, reason, on):
    refused = visa.rule(POLICY, record(**kwargs), TODAY)
    assert isinstance(refused, visa.Refused)
    assert (refused.reason, refused.on) == (reason, on)


def test_the_last_day_of_the_visa_and_the_first_of_the_window_are_allowed():
    assert isinstance(visa.rule(POLICY, record(expires_in=0), TODAY), visa.Quote)
    assert isinstance(visa.rule(POLICY, record(expires_in=30), TODAY), visa.Quote)


# --- the pages ---------------------------------------------------------------------------


@pytest.fixture
def sponsor(app, holder) -> tuple[Holder, int]:
    return holder, add_visitor(app, holder.account.national_id)


def check(holder: Holder, item) -> object:
    page = holder.client.get(URL)
    return holder.client.post(URL, data={"csrf_token": csrf_of(page), "item": item})


def confirm(holder: Holder, item, new_expiry: str):
    page = holder.client.get(URL)
    return holder.client.post(f"{URL}/confirm", data={
        "csrf_token": csrf_of(page), "item": item, "new_expiry": new_expiry})


def new_expiry_of_default_visitor() -> date:
    return local_today(utcnow()) + timedelta(days=110)


def extensions(app) -> list[VisaExtension]:
    with app.app_context():
        found = list(db.session.scalars(select(VisaExtension)))
        db.session.expunge_all()
    return found


def expiry_of(app, item: int) -> date:
    with app.app_context():
        return db.session.get(Sponsorship, item).permit_expiry


def test_confirming_issues_a_bill_and_extends_nothing_until_it_is_paid(app, sponsor,
                                                                        sms_outbox):
    holder, item = sponsor
    page = parse(holder.client.get(URL))
    assert "Maria Santos" in page.find("main").get_text(" ")
    assert page.find("section", attrs={"aria-labelledby": "quote-heading"}) is None

    checked = check(holder, item)
    assert checked.status_code == 200
    quote = parse(checked).find("section", attrs={"aria-labelledby": "quote-heading"})
    text = quote.get_text(" ", strip=True)
    new_expiry = new_expiry_of_default_visitor()
    assert "100.00 SAR" in text and "Days added 90" in text
    assert "The visa is extended once the bill is paid." in text
    assert str(new_expiry.year) in text
    before = expiry_of(app, item)

    done = confirm(holder, item, new_expiry.isoformat())
    assert done.status_code == 303
    bill = the_bill(app, visa.SERVICE)
    assert (bill.status, bill.amount, bill.vat) == (BillStatus.UNPAID, 10000, 0)
    assert bill.beneficiary_id == add_visitor_border_number(app, item)
    assert bill.request_key == f"{item}:{new_expiry.isoformat()}"
    assert bill.account_id == holder.account.id
    assert timedelta(hours=71) < bill.expires_at - utcnow() <= timedelta(hours=72)
    after = holder.client.get(URL)
    assert "The bill for extending the visit visa of Maria Santos is issued." in main_text(after)
    panel = parse(after).find("section", attrs={"aria-labelledby": f"bill-{bill.id}-heading"})
    panel_text = panel.get_text(" ", strip=True)
    grouped = f"{bill.number[:4]} {bill.number[4:8]} {bill.number[8:12]} {bill.number[12:]}"
    assert grouped in panel_text and panel.find("bdi", attrs={"dir": "ltr"})
    assert "100.00 SAR" in panel_text and "Ministry of Interior (وزارة الداخلية)" in panel_text
    assert "The visa is extended as soon as your bank's payment reaches us" in panel_text
    # Nothing is extended, recorded or texted before the payment.
    assert expiry_of(app, item) == before and extensions(app) == []
    assert queued_notices(app, "visa_extension_notice") == []
    # The same confirmation again (a double submit) gets the same bill.
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    assert the_bill(app, visa.SERVICE).number == bill.number

    assert pay(app, bill) is bills.Outcome.PAID
    assert expiry_of(app, item) == new_expiry
    extension, = extensions(app)
    assert (extension.fee, extension.new_expiry, extension.previous_expiry) == \
        (10000, new_expiry, before)
    paid = stored(app, bill.id)
    assert paid.status is BillStatus.PAID and paid.fulfilled_at is not None
    notice, = queued_notices(app, "visa_extension_notice")
    assert notice.body == (f"Absher: we received your payment of 100.00 SAR. The visit visa of "
                           f"Maria Santos is extended until {new_expiry.isoformat()}.")
    run_due(app)
    assert [m["body"] for m in sms_outbox.messages()].count(notice.body) == 1
    # The same notice again, or another bank's, changes nothing more.
    assert pay(app, bill) is bills.Outcome.REPEATED
    assert pay(app, bill, reference="NCB-9", bank="NCB") is bills.Outcome.ALREADY_PAID
    assert len(extensions(app)) == 1 and expiry_of(app, item) == new_expiry
    assert len(queued_notices(app, "visa_extension_notice")) == 1

    page = holder.client.get(URL)
    assert "fee 100.00 SAR" in main_text(page) and "Paid on" in main_text(page)
    assert parse(page).find("section", attrs={"aria-labelledby": f"bill-{bill.id}-heading"}) \
        is None
    # Extended: a new check is too early now.
    again = confirm(holder, item, new_expiry.isoformat())
    assert again.status_code == 422
    assert "can be extended only in the last 30 days" in refusal_of(again)
    activity = parse(holder.client.get("/en/account/")).find("table").get_text(" ")
    assert "Visit visa extended" in activity
    assert "Bill issued for a visit visa extension" in activity


def add_visitor_border_number(app, item: int) -> str:
    with app.app_context():
        return db.session.get(Sponsorship, item).person_id


def test_an_arabic_sponsor_reads_the_fee_and_the_text_in_arabic_to_the_halala(
        app, client, make_account, sms_outbox):
    app.config["VISA_EXTENSION_FEE"] = 1234
    holder = Holder(client, make_account(state=ActivationState.ACTIVE, language="ar"),
                    sms_outbox, lang="ar")
    holder.sign_in()
    item = add_visitor(app, holder.account.national_id)
    url = "/ar/account/services/visit-visa-extension"
    page = holder.client.get(url)
    checked = holder.client.post(url, data={"csrf_token": csrf_of(page), "item": item})
    assert "1,234.00 ر.س" in main_text(checked)
    form = parse(checked).select_one("form[action$='/confirm']")
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert holder.client.post(f"{url}/confirm", data=fields).status_code == 303
    bill = the_bill(app, visa.SERVICE)
    assert bill.amount == 123400
    text = main_text(holder.client.get(url))
    assert "1,234.00 ر.س" in text and "وزارة الداخلية" in text and "SAR" not in text
    english = Holder(app.test_client(), holder.account, sms_outbox)
    english.sign_in()
    assert "1,234.00 SAR" in main_text(english.client.get(URL))
    assert pay(app, bill, amount=123399) is bills.Outcome.AMOUNT_WRONG
    assert pay(app, bill, amount=123401) is bills.Outcome.AMOUNT_WRONG
    assert pay(app, bill) is bills.Outcome.PAID
    notice, = queued_notices(app, "visa_extension_notice")
    assert "1,234.00 ر.س" in notice.body and "ماريا سانتوس" in notice.body
    assert notice.body.startswith("أبشر:")


@pytest.mark.parametrize(("change", "reason"), [
    # Extended (or shortened) by the Passports registry between the bill and the payment.
    ({"permit_expiry": 25}, "visa_changed"),
    ({"health_insurance_expiry": 60}, "visa_insurance_short"),
    ({"sponsor_id": "other"}, "sponsor_changed"),
])
def test_a_visa_changed_between_the_bill_and_its_payment_is_refunded_not_extended(
        app, sponsor, make_person, change, reason):
    holder, item = sponsor
    new_expiry = new_expiry_of_default_visitor()
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    bill = the_bill(app, visa.SERVICE)
    today = local_today(utcnow())
    with app.app_context(), db.transaction() as session:
        record = session.get(Sponsorship, item)
        for name, value in change.items():
            setattr(record, name, make_person() if value == "other"
                    else today + timedelta(days=value))
        changed_expiry = record.permit_expiry
    assert pay(app, bill) is bills.Outcome.PAID
    refunded = stored(app, bill.id)
    assert refunded.status is BillStatus.REFUNDING and refunded.refund_reason == reason
    assert expiry_of(app, item) == changed_expiry and extensions(app) == []
    assert queued_notices(app, "visa_extension_notice") == []


def test_a_bill_is_payable_no_later_than_the_visas_last_day(app, holder):
    item = add_visitor(app, holder.account.national_id, expires_in=0)
    today = local_today(utcnow())
    new_expiry = today + timedelta(days=90)
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    bill = the_bill(app, visa.SERVICE)
    last_moment = datetime.combine(today + timedelta(days=1), time(), RIYADH)
    assert bill.expires_at == last_moment
    assert pay(app, bill, now=last_moment) is bills.Outcome.EXPIRED


def test_a_confirmation_that_no_longer_matches_is_refused(app, sponsor):
    holder, item = sponsor
    response = confirm(holder, item, "2099-01-01")
    assert response.status_code == 422
    assert "has changed since you checked it" in refusal_of(response)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"expires_in": -3}, "An expired visa cannot be extended online"),
    ({"expires_in": 60}, "can be extended only in the last 30 days"),
    ({"entered": None}, "entered the Kingdom is not recorded"),
    ({"entered": 170}, "the longest stay a visit visa allows: 180 days"),
    ({"insured_for": None}, "No health insurance is recorded for Maria Santos"),
    ({"insured_for": 50}, "It must be valid until"),
])
def test_each_refusal_is_explained_on_the_page(app, holder, kwargs, words):
    item = add_visitor(app, holder.account.national_id, **kwargs)
    response = check(holder, item)
    assert response.status_code == 422
    assert words in refusal_of(response)
    assert parse(response).find("section", attrs={"aria-labelledby": "quote-heading"}) is None


def test_nobody_else_reaches_a_visitor(app, sponsor, make_account, sms_outbox, client):
    holder, item = sponsor
    other = Holder(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    other.sign_in()
    assert check(other, item).status_code == 403
    assert confirm(other, item, "2030-01-01").status_code == 403
    assert confirm(other, item, new_expiry_of_default_visitor().isoformat()).status_code == 403
    assert "Maria Santos" not in main_text(other.client.get(URL))
    # A worker is not a visitor: no visa to extend.
    worker = add_visitor(app, holder.account.national_id, kind=SponsoredKind.WORKER)
    assert check(holder, worker).status_code == 403
    assert check(holder, "").status_code == 422
    assert client.post(f"{URL}/confirm", data={"item": item}).status_code in (302, 400)
    assert bills_of(app, visa.SERVICE) == [] and extensions(app) == []


def test_the_service_refuses_someone_elses_visitor(app, sponsor, make_account):
    holder, item = sponsor
    stranger = make_account(state=ActivationState.ACTIVE)
    with app.app_context(), pytest.raises(NotYours):
        visa.quote(db.session, POLICY, db.session.merge(stranger), item, utcnow())


def test_an_unpaid_bill_past_its_expiry_is_shown_expired_and_a_new_one_issued(app, sponsor):
    holder, item = sponsor
    new_expiry = new_expiry_of_default_visitor()
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    first = the_bill(app, visa.SERVICE)
    with app.app_context(), db.transaction() as session:
        session.get(Bill, first.id).expires_at = utcnow() - timedelta(minutes=1)
    page = holder.client.get(URL)
    assert parse(page).find("section", attrs={"aria-labelledby": f"bill-{first.id}-heading"}) \
        is None
    assert "Expired unpaid on" in main_text(page)
    assert pay(app, first) is bills.Outcome.EXPIRED
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    old, new = bills_of(app, visa.SERVICE)
    assert old.status is BillStatus.EXPIRED and new.status is BillStatus.UNPAID
    assert new.number != old.number
    assert pay(app, new) is bills.Outcome.PAID and expiry_of(app, item) == new_expiry


def test_a_paid_extension_is_refundable_only_until_the_visa_is_extended(app, sponsor):
    holder, item = sponsor
    new_expiry = new_expiry_of_default_visitor()
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    bill = the_bill(app, visa.SERVICE)
    assert pay(app, bill) is bills.Outcome.PAID
    with app.app_context(), db.transaction() as session:
        assert bills.cancel(session, session.get(Bill, bill.id), utcnow()) \
            is bills.Cancelled.NOT_REFUNDABLE
    # Paid, not yet carried on (the notice applied; the extension not yet made): refundable.
    other = add_visitor(app, holder.account.national_id)
    assert confirm(holder, other, new_expiry.isoformat()).status_code == 303
    waiting = bills_of(app, visa.SERVICE)[-1]
    with app.app_context(), db.transaction() as session:
        bills.pay(session, bills.Payment(waiting.number, waiting.amount, "RJHI", "W-1",
                                         utcnow()), utcnow())
    with app.app_context(), db.transaction() as session:
        assert bills.cancel(session, session.get(Bill, waiting.id), utcnow()) \
            is bills.Cancelled.REFUNDING
    with app.app_context():
        bills.carry_on(db.transaction, waiting.id, utcnow())  # too late: nothing happens
    assert expiry_of(app, other) == local_today(utcnow()) + timedelta(days=20)
    assert len(extensions(app)) == 1


def test_twenty_confirmations_at_once_issue_one_bill(app, sponsor):
    holder, item = sponsor
    new_expiry = new_expiry_of_default_visitor()

    def confirm_once():
        with app.app_context():
            me = db.session.merge(holder.account, load=True)
            issued = visa.bill(db.session, POLICY, me, item, new_expiry, utcnow(), "race")
            number = issued.number
            db.session.rollback()
            return number

    numbers = at_once([confirm_once] * 20)
    assert len(set(numbers)) == 1
    assert the_bill(app, visa.SERVICE).number == numbers[0]
    assert extensions(app) == []


def test_twenty_payments_at_once_extend_once(app, sponsor, sms_outbox):
    holder, item = sponsor
    new_expiry = new_expiry_of_default_visitor()
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    bill = the_bill(app, visa.SERVICE)
    outcomes = at_once([lambda n=n: pay(app, bill, reference=f"REF-{n}") for n in range(20)])
    assert sorted(outcomes).count(bills.Outcome.PAID) == 1
    assert len(extensions(app)) == 1 and expiry_of(app, item) == new_expiry
    assert len(queued_notices(app, "visa_extension_notice")) == 1
