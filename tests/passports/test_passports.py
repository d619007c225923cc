"""Absher Passports: the holder's page (theirs and their minor son's), each refusal with its
sentence, the fee before the bill, the bill paid by a bank, printing and delivery by a
Passports officer, the new passport in the registry, withdrawing (bill cancelled, or the fee
refunded until printed), and someone else's person (403)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import BillStatus, RequestStatus, SmsMessage, StaffUser
from tests.eservices.billing import pay
from tests.passports.conftest import (
    TODAY,
    add_ban,
    add_passport,
    add_unpaid_violation,
    bills_of,
    mark,
    passport_of,
    the_request,
)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_lists_the_holder_and_their_minor_son_in_both_languages(app, guardian):
    add_passport(app, guardian.me, TODAY + timedelta(days=60))
    page = text(guardian.list_page())
    assert "Mohammed Abdullah Saad Al-Otaibi" in page and "Saad Mohammed Al-Otaibi" in page
    assert "A12345678" in page and "Renew the passport" in page
    assert "Issue a passport" in page  # the son has none on record
    arabic = guardian.list_page(lang="ar")
    assert arabic.status_code == 200 and 'dir="rtl"' in text(arabic)


def test_someone_else_is_403_and_a_forged_id_too(app, guardian, make_person):
    stranger = make_person()
    assert guardian.page(stranger).status_code == 403
    assert guardian.page("1000000000").status_code == 403
    assert guardian.page("abc\x00").status_code in (403, 404)
    assert guardian.confirm(stranger).status_code == 403


def test_a_valid_passport_beyond_the_window_is_refused_with_the_date_to_come_back(
        app, guardian):
    add_passport(app, guardian.me, TODAY + timedelta(days=800))
    page = text(guardian.page())
    assert "is renewed only in the last 6 months before it expires" in page
    assert "<form" not in page.split("<h1", 1)[1].split("</main>", 1)[0] or \
        "Continue" not in page
    assert guardian.confirm().status_code == 303
    assert bills_of(app) == []


def test_a_travel_ban_and_unpaid_fines_refuse_until_lifted_or_paid(app, guardian):
    add_ban(app, guardian.me)
    assert "A travel ban on" in text(guardian.page())
    add_ban(app, guardian.me, lifted_on=TODAY)
    add_unpaid_violation(app, guardian.me, 500)
    page = text(guardian.page())
    assert "A travel ban" not in page
    assert "Traffic violations of" in page and "500.00" in page


def test_a_resident_is_told_passports_are_for_citizens(app, client, make_account, sms_outbox):
    from absher_web.models import ActivationState
    from tests.passports.conftest import Guardian
    resident = Guardian(client, make_account("2", state=ActivationState.ACTIVE)
                        if False else make_account(state=ActivationState.ACTIVE,
                                                   kind=__import__("absher_web.models", fromlist=[
                                                       "PersonKind"]).PersonKind.RESIDENT,
                                                   nationality="EGY"), sms_outbox)
    resident.sign_in()
    assert "Saudi passports to Saudi citizens only" in text(resident.page())


def test_a_minor_may_have_five_years_only(app, guardian):
    response = guardian.choose(guardian.son, years="10")
    assert response.status_code == 422
    assert "A passport valid 10 years is issued from the age of 21" in text(response)
    assert guardian.choose(guardian.son, years="5").status_code == 200


def test_hostile_choices_get_messages_never_a_500(app, guardian):
    for data in ({"years": "7"}, {"years": "\x00"}, {"delivery": "drone"},
                 {"delivery": "office", "office_city": "Atlantis"},
                 {"years": "١٠"}, {"office_city": "\u202eالرياض"}):
        response = guardian.choose(**{"years": "5", "delivery": "post", **data})
        assert response.status_code == 422, data
    assert guardian.confirm(fee=-1).status_code in (200, 422)


def test_the_fee_is_shown_then_billed_paid_printed_and_delivered(app, guardian, officer,
                                                                 sms_outbox):
    add_passport(app, guardian.me, TODAY + timedelta(days=30))
    review = guardian.choose(years="10", delivery="office", office_city="الرياض")
    assert review.status_code == 200 and "600.00" in text(review)
    assert guardian.confirm(years="10", delivery="office", office_city="الرياض",
                            fee=60000).status_code == 303
    asked = the_request(app)
    assert asked.status is RequestStatus.SUBMITTED and asked.office_city == "الرياض"
    (bill,) = bills_of(app)
    assert bill.amount == 60000 and bill.status is BillStatus.UNPAID
    assert "The passport&#39;s bill" in text(guardian.page()) or "bill" in text(guardian.page())
    pay(app, bill)
    assert the_request(app).status is RequestStatus.APPROVED
    queue = text(officer.client.get("/en/staff/passports"))
    assert asked.number in queue and "Mark printed" in queue
    assert mark(officer, asked.number, "printed").status_code == 303
    assert the_request(app).status is RequestStatus.PRINTED
    assert "Collect it at the Passports office in Riyadh" in sms_outbox.messages()[-1]["body"]
    # Once printed, the holder can no longer withdraw it.
    assert guardian.withdraw(asked.number).status_code == 303
    assert the_request(app).status is RequestStatus.PRINTED
    assert mark(officer, asked.number, "delivered").status_code == 303
    done = the_request(app)
    assert done.status is RequestStatus.DELIVERED
    renewed = passport_of(app, guardian.me)
    assert renewed.number != "A12345678" and renewed.number == done.details["passport_number"]
    assert renewed.issued_on == TODAY
    assert renewed.expires_on == TODAY.replace(year=TODAY.year + 10) - timedelta(days=1)
    assert renewed.number in sms_outbox.messages()[-1]["body"]
    with app.app_context():
        kinds = [m.purpose for m in db.session.scalars(select(SmsMessage))]
    assert kinds.count("passport_notice") == 2
    # The key is free again: the next renewal is refused only by the window.
    assert "is renewed only in the last" in text(guardian.page())


def test_a_minor_by_post_goes_to_the_office_of_his_address(app, guardian, officer):
    assert guardian.confirm(guardian.son).status_code == 303
    asked = the_request(app)
    assert asked.beneficiary_id == guardian.son and asked.office_city == "الرياض"
    assert asked.details["delivery"] == "post"


def test_withdrawing_unpaid_cancels_the_bill_and_paid_refunds_it(app, guardian):
    assert guardian.confirm().status_code == 303
    asked = the_request(app)
    guardian.withdraw(asked.number)
    assert the_request(app).status is RequestStatus.CANCELLED
    assert bills_of(app)[0].status is BillStatus.CANCELLED
    assert guardian.confirm().status_code == 303  # the key is free again
    second = [b for b in bills_of(app) if b.status is BillStatus.UNPAID][0]
    pay(app, second)
    number = [r for r in __import__("tests.passports.conftest", fromlist=["x"])
              .requests_of(app) if r.status is RequestStatus.APPROVED][0].number
    guardian.withdraw(number)
    assert [b.status for b in bills_of(app)] == [BillStatus.CANCELLED, BillStatus.REFUNDING]


def test_an_officer_of_another_city_or_role_may_not_act(app, guardian):
    from tests.passports.conftest import Console, add_officer
    assert guardian.confirm().status_code == 303
    pay(app, bills_of(app)[0])
    jeddah = Console(app.test_client(), add_officer(app, username="j.officer",
                                                    city="جدة"))
    jeddah.sign_in()
    assert guardian.confirm is not None
    number = the_request(app).number
    assert number not in text(jeddah.client.get("/en/staff/passports"))
    assert mark(jeddah, number, "printed").status_code == 403
    civil = Console(app.test_client(), add_officer(app, username="c.officer",
                                                   roles=("civil_affairs",), city="الرياض"))
    civil.sign_in()
    assert civil.client.get("/en/staff/passports").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(StaffUser.id).where(
            StaffUser.username == "j.officer")) is not None
    assert the_request(app).status is RequestStatus.APPROVED


def test_travel_bans_are_imported_from_csv_and_bad_rows_named(app, tmp_path, make_person):
    person = make_person()
    good = tmp_path / "bans.csv"
    good.write_text("person_id,since,authority,lifted_on\n"
                    f"{person},2026-01-05,النيابة العامة,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["absher", "import", "travel-bans", str(good)])
    assert result.exit_code == 0, result.output
    from absher_web.agencies import passports
    with app.app_context():
        assert person in passports.open_travel_bans(db.session, [person], TODAY)
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,since,authority,lifted_on\n"
                   f"{person},2099-01-05,,2000-01-01\n1234,x,\x00,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["absher", "import", "travel-bans", str(bad)])
    assert result.exit_code != 0
    assert "since 2099-01-05 is in the future" in result.output
    assert "person_id '1234' is not a valid ID" in result.output


def test_a_passport_status_column_may_be_left_out_or_given(app, tmp_path, make_person):
    person = make_person()
    file = tmp_path / "passports.csv"
    file.write_text("person_id,passport_number,issued_on,expires_on,issuing_country,status\n"
                    f"{person},A11112222,2020-01-01,2030-01-01,SAU,lost\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["absher", "import", "passports", str(file)])
    assert result.exit_code == 0, result.output
    from absher_web.models import PassportStatus
    assert passport_of(app, person).status is PassportStatus.LOST


def test_seed_demo_records_the_demo_travel_bans(app):
    result = app.test_cli_runner().invoke(args=["absher", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "2 travel bans" in result.output
    from absher_web.agencies import family_demo, passports
    with app.app_context():
        in_force = passports.open_travel_bans(
            db.session, [family_demo.AMAL, family_demo.YOUSEF], TODAY)
        assert set(in_force) == {family_demo.AMAL}


def test_a_husband_may_not_request_his_wifes_passport_she_asks_herself(app, guardian,
                                                                       mother):
    assert guardian.page(mother.me).status_code == 403
    assert "Noura Fahad Khalid Al-Qahtani" not in text(guardian.list_page())
    assert mother.page().status_code == 200
    # The son is both parents' to ask for.
    assert mother.page(guardian.son).status_code == 200


def test_with_htmx_the_review_is_a_fragment_and_my_requests_lists_the_request(
        app, guardian, officer):
    fragment = guardian.choose(htmx=True)
    assert fragment.status_code == 200
    body = text(fragment)
    assert "<html" not in body and "300.00" in body and "Confirm the request" in body
    assert guardian.confirm().status_code == 303
    pay(app, bills_of(app)[0])
    number = the_request(app).number
    mark(officer, number, "printed")
    mine = text(guardian.client.get("/en/account/requests"))
    assert number in mine and "Absher Passports" in mine and "Printed" in mine
    assert "Withdraw the request" not in mine.split(number, 1)[1][:600]
    arabic = text(guardian.client.get(f"/ar/account/passports/{guardian.me}"))
    assert "مطبوع" in arabic or "طُبع" in arabic


def test_a_lost_or_expired_passport_is_renewed_at_once(app, guardian):
    from absher_web.models import PassportStatus
    add_passport(app, guardian.me, TODAY + timedelta(days=2000), status=PassportStatus.LOST)
    page = text(guardian.page())
    assert "Reported lost" in page and "How many years is the passport valid?" in page
    add_passport(app, guardian.me, TODAY - timedelta(days=1))
    page = text(guardian.page())
    assert "Expired" in page and "How many years is the passport valid?" in page


def test_the_holder_is_texted_in_their_own_language(app, client, make_account, sms_outbox,
                                                    officer):
    from absher_web.models import ActivationState
    from tests.passports.conftest import Guardian
    holder = Guardian(client, make_account(state=ActivationState.ACTIVE, language="ar"),
                      sms_outbox)
    holder.sign_in()
    assert holder.confirm(delivery="office", office_city="جدة").status_code == 303
    asked = the_request(app)
    assert asked.office_city == "جدة"
    pay(app, bills_of(app)[0])
    from tests.passports.conftest import Console, add_officer
    jeddah = Console(app.test_client(), add_officer(app, username="j.desk", city="جدة"))
    jeddah.sign_in()
    assert mark(jeddah, asked.number, "printed").status_code == 303
    body = sms_outbox.messages()[-1]["body"]
    assert "استلمه من مكتب الجوازات في جدة" in body
