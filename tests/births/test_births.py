"""Birth registration: the father's notifications, the name and its four parts, the review,
the bill paid at a bank, the child in the registry and on My family with a valid ID, the
SMS; the fine of a late registration; an officer for a name not on the list; nothing to pay
with the office pickup; a resident sent to an office; nobody seeing another family's birth."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.identity import is_valid_national_id
from absher_web.models import (
    Bill,
    BillStatus,
    FamilyRecord,
    ParentLink,
    RequestStatus,
    utcnow,
)
from absher_web.services import bills, births
from tests.births.conftest import LATE, LIST_URL, NEWBORN, TODAY, child_of, the_request
from tests.eservices.billing import pay
from tests.pages import parse


def text_of(response) -> str:
    return parse(response).get_text(" ", strip=True)


def texts_to(sms_outbox, mobile: str) -> list[str]:
    return [m["body"] for m in sms_outbox.messages() if m["to"] == mobile]


def test_the_father_sees_his_notifications_and_my_family_links_them(father):
    page = text_of(father.client.get(LIST_URL.format(lang="en")))
    assert NEWBORN in page and LATE in page
    assert "Register this birth" in page
    assert "a late registration fine applies" in page
    family = parse(father.client.get("/en/account/family"))
    assert family.find("a", href="/en/account/family/births") is not None


def test_the_form_shows_the_rest_of_the_four_part_name_from_the_registry(father):
    for lang, rest in (("en", "Mohammed Abdullah Al-Otaibi"), ("ar", "محمد عبدالله العتيبي")):
        response = father.page(lang=lang)
        assert response.status_code == 200
        assert rest in text_of(response)


def test_mohammed_registers_his_son_pays_the_bill_and_sees_him_in_my_family(
        app, father, sms_outbox):
    review = father.choose()
    assert review.status_code == 200
    page = text_of(review)
    assert "Saad Mohammed Abdullah Al-Otaibi" in page
    assert "سعد محمد عبدالله العتيبي" in page
    assert "30.00" in page and "Confirm the registration" in page
    assert the_request(app) is None  # nothing saved before the confirmation

    confirmed = father.confirm()
    assert confirmed.status_code == 303
    made = the_request(app)
    assert made.status is RequestStatus.SUBMITTED
    assert made.details["first_name_ar"] == "سعد" and made.details["first_name_en"] == "Saad"
    page = text_of(father.page())
    assert "Bill number" in page and made.number in page
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        db.session.expunge(bill)
    assert bill.amount == 3000 and bill.details["fine"] == 0

    assert pay(app, bill) is bills.Outcome.PAID
    made = the_request(app)
    assert made.status is RequestStatus.APPROVED
    child = child_of(app)
    assert child is not None
    assert is_valid_national_id(child.national_id) and child.national_id.startswith("1")
    assert child.name_ar == "سعد محمد عبدالله العتيبي"
    assert child.name_en == "Saad Mohammed Abdullah Al-Otaibi"
    assert child.birth_date == TODAY - timedelta(days=5)
    with app.app_context():
        links = {link.relation.value: link.parent_id for link in db.session.scalars(
            select(ParentLink).where(ParentLink.child_id == child.national_id))}
    assert links == {"father": father.account.national_id,
                     "mother": father.people["wife"]}

    family = text_of(father.client.get("/en/account/family"))
    assert "Saad Mohammed Abdullah Al-Otaibi" in family and child.national_id in family
    page = text_of(father.page())
    assert child.national_id in page and "The birth is registered" in page

    app.test_cli_runner().invoke(args=["absher", "run-due"])
    [text] = [t for t in texts_to(sms_outbox, father.account.mobile) if "registered" in t]
    assert child.national_id in text and "Saad Mohammed Abdullah Al-Otaibi" in text


def test_the_sms_is_in_the_fathers_language(app, make_account, father_family, client,
                                            sms_outbox):
    account, _ = father_family
    with app.app_context():
        from absher_web.models import Account, Language
        stored = db.session.get(Account, account.id)
        stored.preferred_language = Language.ARABIC
        db.session.commit()
    from tests.births.conftest import Father
    holder = Father(client, account, sms_outbox)
    holder.sign_in()
    assert holder.confirm(delivery="office", total=0).status_code == 303
    child = child_of(app)
    [text] = [t for t in texts_to(sms_outbox, account.mobile) if child.national_id in t]
    assert "سعد محمد عبدالله العتيبي" in text and "أبشر" in text


def test_collecting_at_an_office_costs_nothing_and_registers_at_once(app, father, sms_outbox):
    review = text_of(father.choose(delivery="office"))
    assert "There is nothing to pay" in review
    assert father.confirm(delivery="office", total=0).status_code == 303
    assert the_request(app).status is RequestStatus.APPROVED
    assert the_request(app).bill_id is None
    child = child_of(app)
    assert any(child.national_id in t for t in texts_to(sms_outbox, father.account.mobile))


def test_a_late_registration_adds_the_fine_and_says_why(app, father):
    for lang, why in (("en", "born 40 days ago"), ("ar", "40")):
        page = text_of(father.choose(number=LATE, lang=lang))
        assert why in page
    page = text_of(father.choose(number=LATE))
    assert "late registration fine of 100.00" in page and "130.00" in page
    assert father.confirm(number=LATE, total=13000).status_code == 303
    made = the_request(app)
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        db.session.expunge(bill)
    assert (bill.amount, bill.details["delivery_fee"], bill.details["fine"]) == (13000, 3000,
                                                                                 10000)
    assert "a Civil Affairs officer reviews it once the bill is paid" in page
    pay(app, bill)
    # Late: an officer reviews it (staff/test_civil_affairs.py approves such cases).
    made = the_request(app)
    assert made.status is RequestStatus.UNDER_REVIEW
    assert made.reason == births.LATE_REGISTRATION
    assert child_of(app, LATE) is None


def test_a_late_fine_alone_is_billed_for_an_office_pickup(app, father):
    assert father.confirm(number=LATE, delivery="office", total=10000).status_code == 303
    made = the_request(app)
    assert made.status is RequestStatus.SUBMITTED and made.bill_id is not None


def test_an_amount_that_changed_is_shown_again_before_anything_is_saved(app, father):
    response = father.confirm(total=0)  # the review showed nothing to pay
    assert response.status_code == 200
    assert "The amounts have changed" in text_of(response)
    assert the_request(app) is None


def test_a_name_not_on_the_list_goes_to_an_officer(app, father):
    page = text_of(father.choose(first_ar="غيث", first_en="Ghaith"))
    assert "not on the list of names registered at once" in page
    father.confirm(first_ar="غيث", first_en="Ghaith", delivery="office", total=0)
    made = the_request(app)
    assert made.status is RequestStatus.UNDER_REVIEW and made.reason == births.NAME_NOT_LISTED
    assert made.details["name_ar"] == "غيث محمد عبدالله العتيبي"
    assert made.office_city == "الرياض"
    assert child_of(app) is None
    page = text_of(father.page())
    assert "with a Civil Affairs officer" in page and "a Civil Affairs officer checks it" in page


def test_an_officers_approval_creates_the_child(app, father):
    father.confirm(first_ar="غيث", first_en="Ghaith", delivery="office", total=0)
    from absher_web.services import requests
    with app.app_context():
        made = requests.find(db.session, births.SERVICE, NEWBORN)
        assert requests.move(db.session, made, RequestStatus.APPROVED, utcnow())
        db.session.commit()
    assert child_of(app).name_en == "Ghaith Mohammed Abdullah Al-Otaibi"


def test_the_child_joins_the_fathers_family_record(app, father):
    father.client.post("/en/account/family/records/marriage",
                       data={"csrf_token": father.token()})
    father.confirm(delivery="office", total=0)
    child = child_of(app)
    with app.app_context():
        record = db.session.scalars(select(FamilyRecord)).one()
        assert child.national_id in {m.person_id for m in record.members}


def test_htmx_answers_the_steps_in_place(app, father):
    review = father.choose(htmx=True)
    assert review.status_code == 200
    body = review.get_data(as_text=True)
    assert "<html" not in body and "Check the registration" in body
    invalid = father.choose(first_ar="", htmx=True)
    assert invalid.status_code == 422 and "There is a problem" in invalid.get_data(as_text=True)


def test_the_change_button_keeps_the_values(father):
    response = father.client.post(
        "/en/account/family/births/" + NEWBORN + "/confirm",
        data={"csrf_token": father.token(), "first_name_ar": "سعد", "first_name_en": "Saad",
              "delivery": "post", "total": "3000", "change": "1"})
    page = parse(response)
    assert page.find("input", attrs={"name": "first_name_en"})["value"] == "Saad"


def test_an_expired_bill_can_be_issued_again(app, father):
    father.confirm()
    made = the_request(app)
    with app.app_context():
        bill = db.session.get(Bill, made.bill_id)
        bill.status = BillStatus.EXPIRED
        db.session.commit()
    assert "expired unpaid" in text_of(father.page())
    response = father.client.post(f"/en/account/family/births/{NEWBORN}/bill",
                                  data={"csrf_token": father.token()})
    assert response.status_code == 303
    assert the_request(app).bill_id != made.bill_id


def test_the_registration_is_in_the_fathers_security_activity(app, father):
    father.confirm(delivery="office", total=0)
    for lang, words in (("en", "Newborn's birth registered"), ("ar", "تسجيل ميلاد مولود")):
        home = text_of(father.client.get(f"/{lang}/account/"))
        assert words in home
    from absher_web.models import AuditEvent
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "birth_registered")).one()
        assert event.account_id == father.account.id
        assert event.detail["for_person"] == child_of(app).national_id


def test_an_english_spelling_the_list_does_not_give_goes_to_an_officer(app, father):
    page = text_of(father.choose(first_ar="محمد", first_en="Zzz", delivery="office"))
    assert "Zzz is not a spelling of محمد on the list" in page
    father.confirm(first_ar="محمد", first_en="Zzz", delivery="office", total=0)
    made = the_request(app)
    assert made.status is RequestStatus.UNDER_REVIEW and made.reason == births.NAME_NOT_LISTED
    assert child_of(app) is None
