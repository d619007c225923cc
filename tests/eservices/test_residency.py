"""Exit and re-entry visas: the fee to the halala (single and multiple, by months or by a
return-before day), every condition refused with its rule, the bill and the visa issued by
itself once paid, extension, cancellation with a refund, nobody else's resident, and
races that have exactly one effect."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import (
    Bill,
    BillStatus,
    Passport,
    Person,
    Visa,
    VisaKind,
    VisaStatus,
    utcnow,
)
from absher_web.services import bills, iqamas, residency
from absher_web.services.eservices import local_today
from absher_web.services.policies import ResidencyPolicy
from tests.account.conftest import csrf_of
from tests.eservices.billing import bills_of, pay, queued_notices, stored, the_bill
from tests.eservices.conftest import Holder
from tests.eservices.residents import URL, Worker, add_worker
from tests.eservices.test_driving import at_once, main_text, refusal_of
from tests.pages import parse

# Those of these tests that ask for no database run once, in the SQLite run.
pytestmark = pytest.mark.database_free

POLICY = ResidencyPolicy()


@pytest.fixture
def sponsor(app, holder, make_person) -> tuple[Holder, Worker]:
    return holder, add_worker(app, make_person, holder.account.national_id)


# --- the fee --------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "months", "halalas"), [
    (VisaKind.SINGLE, 1, 20000), (VisaKind.SINGLE, 2, 20000), (VisaKind.SINGLE, 3, 30000),
    (VisaKind.SINGLE, 6, 60000), (VisaKind.MULTIPLE, 1, 50000), (VisaKind.MULTIPLE, 3, 50000),
    (VisaKind.MULTIPLE, 4, 70000), (VisaKind.MULTIPLE, 12, 230000),
])
def test_the_fee_is_the_base_then_each_further_month(kind, months, halalas):
    assert residency.visa_fee(POLICY, kind, months) == halalas


@pytest.mark.parametrize(("today", "until", "months"), [
    (date(2026, 1, 31), date(2026, 2, 28), 1), (date(2026, 1, 31), date(2026, 3, 1), 2),
    (date(2026, 6, 1), date(2026, 6, 2), 1), (date(2026, 6, 1), date(2026, 8, 1), 2),
    (date(2026, 6, 1), date(2026, 8, 2), 3), (date(2026, 12, 15), date(2027, 3, 15), 3),
])
def test_a_return_before_day_is_charged_for_each_month_begun(today, until, months):
    assert residency.months_until(today, until) == months


def test_months_are_calendar_months():
    assert residency.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert residency.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


# --- the pages ---------------------------------------------------------------------------------


def check(holder, person_id: str, kind="single", by="months", months="3", until=""):
    page = holder.client.get(URL)
    return holder.client.post(URL, data={"csrf_token": csrf_of(page), "person": person_id,
                                         "kind": kind, "by": by, "months": months,
                                         "until": until})


def confirm(holder, person_id: str, until: date, fee: int, kind="single"):
    page = holder.client.get(URL)
    return holder.client.post(f"{URL}/confirm", data={
        "csrf_token": csrf_of(page), "person": person_id, "kind": kind,
        "until": until.isoformat(), "fee": str(fee)})


def act(holder, action: str, **fields):
    page = holder.client.get(URL)
    return holder.client.post(f"{URL}/{action}", data={"csrf_token": csrf_of(page), **fields})


def visas(app) -> list[Visa]:
    with app.app_context():
        found = list(db.session.scalars(select(Visa).order_by(Visa.id)))
        db.session.expunge_all()
    return found


def today() -> date:
    return local_today(utcnow())


def issue_paid(app, holder, worker, months=3, kind="single") -> tuple[Visa, Bill]:
    until = residency.add_months(today(), months)
    fee = residency.visa_fee(POLICY, VisaKind(kind), months)
    assert confirm(holder, worker.person_id, until, fee, kind).status_code == 303
    bill = [b for b in bills_of(app, residency.VISA_BILLS) if b.status is BillStatus.UNPAID][-1]
    assert pay(app, bill, reference=f"ISSUE-{bill.id}") is bills.Outcome.PAID
    return [v for v in visas(app) if v.status is VisaStatus.ISSUED][-1], bill


def test_a_sponsor_sees_the_fee_and_dates_then_the_bill_then_the_visa(app, sponsor):
    holder, worker = sponsor
    page = holder.client.get(URL)
    assert page.status_code == 200
    text = main_text(page)
    assert "Raju Kumar" in text and worker.person_id in text
    assert "No visa is recorded." in text

    checked = check(holder, worker.person_id, months="3")
    assert checked.status_code == 200
    quote = parse(checked).find("section", attrs={"aria-labelledby": "quote-heading"})
    quoted = quote.get_text(" ", strip=True)
    until = residency.add_months(today(), 3)
    assert "300.00 SAR" in quoted and "Months charged 3" in quoted
    assert str(until.year) in quoted

    done = confirm(holder, worker.person_id, until, 30000)
    assert done.status_code == 303
    bill = the_bill(app, residency.VISA_BILLS)
    assert (bill.status, bill.amount, bill.beneficiary_id) == \
        (BillStatus.UNPAID, 30000, worker.person_id)
    assert visas(app) == []
    after = holder.client.get(URL)
    assert "The bill for the visa of Raju Kumar is issued." in main_text(after)
    # A double submit gets the same bill.
    assert confirm(holder, worker.person_id, until, 30000).status_code == 303
    assert the_bill(app, residency.VISA_BILLS).number == bill.number

    assert pay(app, bill) is bills.Outcome.PAID
    visa, = visas(app)
    assert (visa.kind, visa.status, visa.valid_until, visa.fee, visa.months, visa.open_for) == \
        (VisaKind.SINGLE, VisaStatus.ISSUED, until, 30000, 3, worker.person_id)
    assert stored(app, bill.id).fulfilled_at is not None
    notice, = queued_notices(app, "residency_notice")
    assert notice.body == (f"Absher: we received your payment of 300.00 SAR. Exit and re-entry "
                           f"visa {visa.number} is issued for Raju Kumar: return before "
                           f"{until.isoformat()}.")
    # Paid again: nothing more.
    assert pay(app, bill, reference="NCB-1", bank="NCB") is bills.Outcome.ALREADY_PAID
    assert len(visas(app)) == 1
    text = main_text(holder.client.get(URL))
    assert visa.number in text and "Issued, not used" in text
    # The printable visa, in both languages.
    printed = holder.client.get(f"{URL}/visa/{visa.id}")
    assert printed.status_code == 200
    printed_text = main_text(printed)
    assert visa.number in printed_text and "Single exit and re-entry" in printed_text
    assert "AH" in printed_text and "راجو كومار" in printed_text
    arabic = holder.client.get(f"/ar/account/services/residency-and-visas/visa/{visa.id}")
    assert arabic.status_code == 200 and "هـ" in main_text(arabic)


def test_a_return_before_day_and_a_multiple_visa(app, sponsor):
    holder, worker = sponsor
    until = today() + timedelta(days=100)
    checked = check(holder, worker.person_id, kind="multiple", by="date",
                    until=until.isoformat())
    assert checked.status_code == 200
    months = residency.months_until(today(), until)
    fee = residency.visa_fee(POLICY, VisaKind.MULTIPLE, months)
    assert f"{fee // 100:,}.00 SAR" in main_text(checked)
    assert confirm(holder, worker.person_id, until, fee, "multiple").status_code == 303
    assert the_bill(app, residency.VISA_BILLS).amount == fee


@pytest.mark.parametrize(("worker_kwargs", "form", "words"), [
    ({"iqama_days": 40}, {"months": "3"}, "It must stay valid until the visa's last day"),
    ({"iqama_days": -1}, {"months": "1"}, "Renew the iqama first"),
    ({"passport_days": None}, {"months": "1"}, "holds no passport"),
    ({"passport_days": 150}, {"months": "3"}, "must stay valid 90 days after"),
    ({}, {"months": "25"}, "lasts at most 24 months"),
    ({}, {"by": "date", "until": "2020-01-01"}, "must be after today"),
])
def test_each_rule_refuses_with_its_reason(app, holder, make_person, worker_kwargs, form,
                                            words):
    worker = add_worker(app, make_person, holder.account.national_id, **worker_kwargs)
    refused = check(holder, worker.person_id, **form)
    assert refused.status_code == 422
    assert words in main_text(refused)
    assert bills_of(app, residency.VISA_BILLS) == []


HIDDEN = "characters that cannot be used"


@pytest.mark.parametrize(("value", "words"), [
    ("", "Enter the number of months"), ("abc", "Enter the number of months"),
    ("9" * 40, "Enter the number of months"), ("٣٠٠٠", "Enter the number of months"),
    ("1\x00", HIDDEN)])
def test_hostile_months_get_a_message(app, sponsor, value, words):
    holder, worker = sponsor
    answer = check(holder, worker.person_id, months=value)
    assert answer.status_code == 422
    assert words in main_text(answer)


@pytest.mark.parametrize(("value", "words"), [
    ("2026-13-45", "Enter a real date"), ("x" * 5000, "Enter a real date"),
    ("20261231", "Enter a real date"), ("\u202e2026-01-01", HIDDEN)])
def test_hostile_dates_get_a_message(app, sponsor, value, words):
    holder, worker = sponsor
    answer = check(holder, worker.person_id, by="date", until=value)
    assert answer.status_code == 422
    assert words in main_text(answer)


def test_arabic_indic_months_are_read(app, sponsor):
    holder, worker = sponsor
    assert check(holder, worker.person_id, months="٣").status_code == 200


def test_nobody_else_acts_for_the_worker(app, sponsor, make_account, make_person):
    holder, worker = sponsor
    # A forged iqama number: someone else's worker, or nobody's.
    other = add_worker(app, make_person, make_person())
    answer = check(holder, other.person_id)
    assert answer.status_code == 403 and "You may not act for this person" in main_text(answer)
    assert check(holder, "2999999999").status_code in (403, 422)
    visa, _ = issue_paid(app, holder, worker)
    stranger = Holder(app.test_client(), make_account(state=holder.account.activation_state),
                      holder.sms_outbox)
    stranger.sign_in()
    assert stranger.client.get(f"{URL}/visa/{visa.id}").status_code == 403
    page = stranger.client.get(URL)
    cancel = stranger.client.post(f"{URL}/cancel", data={"csrf_token": csrf_of(page),
                                                         "item": str(visa.id)})
    assert cancel.status_code == 403
    assert visas(app)[0].status is VisaStatus.ISSUED


def test_an_open_visa_blocks_another_and_the_visa_is_extended_once_paid(app, sponsor):
    holder, worker = sponsor
    visa, _ = issue_paid(app, holder, worker, months=2)
    refused = check(holder, worker.person_id, months="1")
    assert refused.status_code == 422 and "already has a visa valid until" in main_text(refused)

    checked = act(holder, "extend", item=str(visa.id), months="2")
    assert checked.status_code == 200
    new_until = residency.add_months(visa.valid_until, 2)
    assert "200.00 SAR" in main_text(checked)  # 2 months at 100 riyals
    done = act(holder, "extend-confirm", item=str(visa.id), months="2",
               until=new_until.isoformat())
    assert done.status_code == 303
    bill = the_bill(app, residency.EXTENSION_BILLS)
    assert bill.amount == 20000
    assert visas(app)[0].valid_until == visa.valid_until  # not before it is paid
    assert pay(app, bill, reference="EXTEND-1") is bills.Outcome.PAID
    extended, = visas(app)
    assert (extended.valid_until, extended.months, extended.fee) == (new_until, 4, 40000)
    assert len(queued_notices(app, "residency_notice")) == 2


def test_cancelling_an_unused_visa_refunds_every_fee_once(app, sponsor):
    holder, worker = sponsor
    visa, first = issue_paid(app, holder, worker, months=2)
    new_until = residency.add_months(visa.valid_until, 1)
    act(holder, "extend-confirm", item=str(visa.id), months="1", until=new_until.isoformat())
    extension = the_bill(app, residency.EXTENSION_BILLS)
    pay(app, extension, reference="EXTEND-1")
    done = act(holder, "cancel", item=str(visa.id))
    assert done.status_code == 303
    assert "is cancelled. Every fee paid for it is refunded" in main_text(holder.client.get(URL))
    cancelled, = visas(app)
    assert (cancelled.status, cancelled.open_for) == (VisaStatus.CANCELLED, None)
    assert stored(app, first.id).status is BillStatus.REFUNDING
    assert stored(app, extension.id).status is BillStatus.REFUNDING
    again = act(holder, "cancel", item=str(visa.id))
    assert again.status_code == 422 and "no longer issued and unused" in refusal_of(again)
    # A new visa may be issued now.
    assert check(holder, worker.person_id, months="1").status_code == 200


def test_a_paid_visa_that_can_no_longer_be_issued_is_refunded(app, sponsor):
    holder, worker = sponsor
    until = residency.add_months(today(), 3)
    assert confirm(holder, worker.person_id, until, 30000).status_code == 303
    with app.app_context(), db.transaction() as session:
        session.get(Passport, session.scalar(select(Passport.id).where(
            Passport.person_id == worker.person_id))).expires_on = today() + timedelta(days=10)
    bill = the_bill(app, residency.VISA_BILLS)
    assert pay(app, bill) is bills.Outcome.PAID
    assert visas(app) == []
    refunded = stored(app, bill.id)
    assert refunded.status is BillStatus.REFUNDING
    assert refunded.refund_reason == "visa_passport_short"


# --- races ------------------------------------------------------------------------------------


def test_twenty_payments_at_once_issue_one_visa(app, sponsor):
    holder, worker = sponsor
    until = residency.add_months(today(), 3)
    assert confirm(holder, worker.person_id, until, 30000).status_code == 303
    bill = the_bill(app, residency.VISA_BILLS)
    outcomes = at_once([lambda n=n: pay(app, bill, reference=f"R-{n}") for n in range(20)])
    assert outcomes.count(bills.Outcome.PAID) == 1
    assert len(visas(app)) == 1
    assert len(queued_notices(app, "residency_notice")) == 1


def test_twenty_different_paid_bills_for_one_person_issue_one_visa(app, sponsor,
                                                                   make_person):
    """Two guardians, or one sponsor confirming different visas, each paying: one visa,
    every other bill refunded."""
    holder, _ = sponsor
    worker = add_worker(app, make_person, holder.account.national_id, iqama_days=900,
                        passport_days=1200)
    numbers = []
    for months in range(1, 21):
        until = residency.add_months(today(), months)
        fee = residency.visa_fee(POLICY, VisaKind.SINGLE, months)
        assert confirm(holder, worker.person_id, until, fee).status_code == 303
        numbers.append(until)
    issued = bills_of(app, residency.VISA_BILLS)
    assert len(issued) == 20
    at_once([lambda b=b: pay(app, b, reference=f"X-{b.id}") for b in issued])
    assert len(visas(app)) == 1
    states = [stored(app, b.id).status for b in issued]
    assert states.count(BillStatus.PAID) == 1 and states.count(BillStatus.REFUNDING) == 19


def test_cancel_and_extension_payments_at_once_have_one_outcome(app, sponsor):
    holder, worker = sponsor
    visa, _ = issue_paid(app, holder, worker, months=2)
    new_until = residency.add_months(visa.valid_until, 1)
    act(holder, "extend-confirm", item=str(visa.id), months="1", until=new_until.isoformat())
    extension = the_bill(app, residency.EXTENSION_BILLS)

    def cancel_once():
        with app.app_context():
            me = db.session.merge(holder.account, load=True)
            result = residency.cancel(db.session, me, visa.id, utcnow(), "race")
            db.session.rollback()
            return isinstance(result, Visa)

    results = at_once([cancel_once] * 10
                      + [lambda n=n: pay(app, extension, reference=f"E-{n}") for n in range(10)])
    assert results[:10].count(True) == 1
    final, = visas(app)
    assert final.status is VisaStatus.CANCELLED
    # The extension was either made before the cancellation (then refunded with it) or
    # refused after it (refunded as undeliverable): refunded either way, once.
    assert stored(app, extension.id).status is BillStatus.REFUNDING


def test_iqama_expiry_is_read_from_the_civil_registry(app, sponsor):
    holder, worker = sponsor
    with app.app_context(), db.transaction() as session:
        session.get(Person, worker.person_id).id_expiry = today() + timedelta(days=20)
    refused = check(holder, worker.person_id, months="1")
    assert refused.status_code == 422 and "The iqama of Raju Kumar ends on" in main_text(refused)



# --- iqama renewal ---------------------------------------------------------------------------


def renew(holder, person_id: str, years="1"):
    return act(holder, "renew", person=person_id, years=years)


def test_an_iqama_renewal_is_billed_then_renewed_in_both_registries_once(app, holder,
                                                                         make_person):
    from absher_web.models import Sponsorship
    worker = add_worker(app, make_person, holder.account.national_id, iqama_days=30)
    expiry = today() + timedelta(days=30)
    checked = renew(holder, worker.person_id, "2")
    assert checked.status_code == 200
    new_expiry = residency.add_months(expiry, 24)
    text = main_text(checked)
    assert "1,300.00 SAR" in text and str(new_expiry.year) in text
    done = act(holder, "renew-confirm", person=worker.person_id, years="2",
               until=new_expiry.isoformat())
    assert done.status_code == 303
    bill = the_bill(app, iqamas.RENEWAL_BILLS)
    assert bill.amount == 130000
    assert "The bill for renewing the iqama of Raju Kumar is issued." in \
        main_text(holder.client.get(URL))
    outcomes = at_once([lambda n=n: pay(app, bill, reference=f"IQ-{n}") for n in range(20)])
    assert outcomes.count(bills.Outcome.PAID) == 1
    with app.app_context():
        assert db.session.get(Person, worker.person_id).id_expiry == new_expiry
        assert db.session.get(Sponsorship, worker.sponsorship_id).permit_expiry == new_expiry
    notice, = queued_notices(app, "residency_notice")
    assert f"renewed until {new_expiry.isoformat()}" in notice.body
    assert stored(app, bill.id).fulfilled_at is not None


def test_an_expired_iqama_is_renewed_from_today(app, holder, make_person):
    worker = add_worker(app, make_person, holder.account.national_id, iqama_days=-5)
    checked = renew(holder, worker.person_id, "1")
    assert checked.status_code == 200
    assert str(residency.add_months(today(), 12).year) in main_text(checked)


@pytest.mark.parametrize(("worker_kwargs", "years", "words"), [
    ({"iqama_days": 400}, "1", "can be renewed only in the last 180 days"),
    ({"iqama_days": 30, "insured_days": None}, "1", "No health insurance is recorded"),
    ({"iqama_days": 30, "insured_days": -1}, "1", "renew the insurance first"),
    ({"iqama_days": 30, "passport_days": -1}, "1", "Renew the passport first"),
    ({"iqama_days": 30, "passport_days": None}, "1", "holds no passport"),
    ({"iqama_days": 30}, "4", "renewed for 3 years at most"),
])
def test_each_renewal_rule_refuses_with_its_reason(app, holder, make_person, worker_kwargs,
                                                   years, words):
    worker = add_worker(app, make_person, holder.account.national_id, **worker_kwargs)
    refused = renew(holder, worker.person_id, years)
    assert refused.status_code == 422 and words in main_text(refused)


def test_unpaid_traffic_fines_stop_a_renewal(app, holder, make_person):
    from absher_web.models import TrafficViolation, Vehicle, ViolationStatus
    worker = add_worker(app, make_person, holder.account.national_id, iqama_days=30)
    with app.app_context(), db.transaction() as session:
        car = Vehicle(plate_country="SAU", plate_letters="ABD", plate_number="1234",
                      make="Toyota", model="Camry", year=2020, colour="white",
                      owner_id=worker.person_id)
        session.add(car)
        session.flush()
        session.add(TrafficViolation(reference="TV-2026-999001", vehicle_id=car.id,
                                     kind="speeding", amount=300, committed_on=today(),
                                     place="الرياض", status=ViolationStatus.UNPAID))
    refused = renew(holder, worker.person_id)
    assert refused.status_code == 422
    assert "unpaid traffic fines of 300.00 SAR" in main_text(refused)


def test_a_renewal_paid_after_the_iqama_changed_is_refunded(app, holder, make_person):
    worker = add_worker(app, make_person, holder.account.national_id, iqama_days=30)
    new_expiry = residency.add_months(today() + timedelta(days=30), 12)
    act(holder, "renew-confirm", person=worker.person_id, years="1",
        until=new_expiry.isoformat())
    bill = the_bill(app, iqamas.RENEWAL_BILLS)
    with app.app_context(), db.transaction() as session:
        session.get(Person, worker.person_id).id_expiry = today() + timedelta(days=31)
    pay(app, bill)
    assert stored(app, bill.id).status is BillStatus.REFUNDING


# --- final exit -------------------------------------------------------------------------------


def test_a_final_exit_closes_the_residency_until_cancelled(app, sponsor):
    holder, worker = sponsor
    checked = act(holder, "final-exit", person=worker.person_id)
    assert checked.status_code == 200 and "A final exit visa is free." in main_text(checked)
    until = today() + timedelta(days=POLICY.final_exit_days)
    done = act(holder, "final-exit-confirm", person=worker.person_id, until=until.isoformat())
    assert done.status_code == 303
    visa, = visas(app)
    assert (visa.kind, visa.status, visa.valid_until, visa.fee) == \
        (VisaKind.FINAL_EXIT, VisaStatus.ISSUED, until, 0)
    page = main_text(holder.client.get(URL))
    assert "Their residency is closed." in page and "Closed by a final exit visa" in page
    for refused in (check(holder, worker.person_id, months="1"), renew(holder, worker.person_id)):
        assert refused.status_code == 422 and "closed by a final exit visa" in main_text(refused)
    assert act(holder, "cancel", item=str(visa.id)).status_code == 303
    assert check(holder, worker.person_id, months="1").status_code == 200


def test_a_final_exit_waits_for_an_open_visa_to_be_cancelled(app, sponsor):
    holder, worker = sponsor
    issue_paid(app, holder, worker)
    refused = act(holder, "final-exit", person=worker.person_id)
    assert refused.status_code == 422 and "already has a visa valid until" in main_text(refused)


def test_only_the_sponsor_issues_a_final_exit(app, holder, make_person):
    """A head of household acts for his resident wife's exit and re-entry visas, never her
    final exit."""
    from absher_web.models import Marriage
    wife = make_person("2", name_en="Fatima Ali")
    with app.app_context(), db.transaction() as session:
        session.add(Marriage(husband_id=holder.account.national_id, wife_id=wife,
                             married_on=date(2015, 1, 1)))
        session.add(Passport(person_id=wife, number="P7777777", issuing_country="EGY",
                             issued_on=date(2024, 1, 1), expires_on=today() + timedelta(
                                 days=1500)))
    assert "Fatima Ali" in main_text(holder.client.get(URL))
    assert check(holder, wife, months="1").status_code == 200
    assert act(holder, "final-exit", person=wife).status_code == 403


def test_twenty_final_exits_at_once_issue_one(app, sponsor):
    holder, worker = sponsor
    until = today() + timedelta(days=POLICY.final_exit_days)

    def issue_once():
        with app.app_context():
            me = db.session.merge(holder.account, load=True)
            result = iqamas.issue_final_exit(db.session, POLICY, me, worker.person_id,
                                                until, utcnow(), "race")
            db.session.rollback()
            return isinstance(result, Visa)

    assert at_once([issue_once] * 20).count(True) == 1
    assert len(visas(app)) == 1


def test_with_htmx_the_answer_is_the_step_alone(app, sponsor):
    holder, worker = sponsor
    page = holder.client.get(URL)
    answer = holder.client.post(URL, data={
        "csrf_token": csrf_of(page), "person": worker.person_id, "kind": "single",
        "by": "months", "months": "2", "until": ""}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert "<html" not in body and "quote-heading" in body and "200.00 SAR" in body
    # Without a CSRF token nothing is checked.
    refused = holder.client.post(URL, data={"person": worker.person_id, "months": "2"})
    assert refused.status_code in (400, 422) and "quote-heading" not in \
        refused.get_data(as_text=True)
