"""مبايعة المركبات in two browsers: the seller offers (Arabic-Indic digits, a Hijri birth
date), the buyer accepts and pays by signed bank notices, the seller completes, and the car
is in the buyer's "My vehicles"; refusals are words next to the field, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from absher_web.extensions import db
from absher_web.models import ActivationState, ApiClientKind, SaleStatus, VehicleSale
from tests.account.concurrency import at_once, same_browser
from tests.account.conftest import csrf_of
from tests.activation.conftest import add_caller
from tests.eservices.conftest import Holder
from tests.pages import parse
from tests.payments.notices import PATH, notice
from tests.vehicle_sales.helpers import add_vehicle, owner_of, sale, sale_bills

SLUG = "vehicle-sale"


class Party(Holder):
    def page(self):
        return self.open(SLUG)

    def text(self) -> str:
        return parse(self.page()).find("main").get_text(" ", strip=True)

    def offer(self, vehicle, buyer_id: str, birth: str = "1992-05-17", price: str = "45000",
              iban: str = "SA03 8000 0000 6080 1016 7519", client=None, **extra):
        page = self.page()
        return (client or self.client).post(self.url(SLUG), data={
            "csrf_token": csrf_of(page), "vehicle": vehicle, "buyer_id": buyer_id,
            "buyer_birth_date": birth, "price": price, "iban": iban, **extra})

    def act(self, action: str, item, client=None):
        page = self.page()
        return (client or self.client).post(f"{self.url(SLUG)}/{action}",
                                            data={"csrf_token": csrf_of(page), "item": item})


@pytest.fixture
def parties(app, make_account, sms_outbox):
    seller = Party(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    buyer = Party(app.test_client(), make_account(state=ActivationState.ACTIVE, language="ar"),
                  sms_outbox, lang="ar")
    seller.sign_in()
    buyer.sign_in()
    return seller, buyer


def only_sale_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(VehicleSale.id)).one()


def test_two_people_sell_and_buy_a_car_from_offer_to_transfer(app, parties):
    seller, buyer = parties
    bank = add_caller(app, "RJHI", ApiClientKind.BANK)
    vehicle = add_vehicle(app, seller.account.national_id)
    add_vehicle(app, seller.account.national_id, usage="taxi", make="Hyundai", model="Accent")
    text = seller.text()
    assert "Only a private or private transport vehicle can be sold online" in text

    # Arabic-Indic digits in the price, the buyer's birth date (17 May 1992) in Hijri.
    sent = seller.offer(vehicle, buyer.account.national_id, birth="١٤١٢-١١-١٥", price="٤٥٬٠٠٠")
    assert sent.status_code == 303, parse(sent).get_text(" ", strip=True)[:600]
    assert "The offer is sent to the buyer." in seller.text()
    sale_id = only_sale_id(app)
    assert sale(app, sale_id).price == 4_500_000

    home = parse(buyer.client.get("/ar/account/"))
    assert home.find("h2", string="عروض مركبات في انتظار ردك") is not None
    offers = parse(buyer.page())
    heading = offers.find("h2", string="العروض المقدمة لك")
    assert heading is not None
    listed = heading.find_next("ul").get_text(" ", strip=True)
    assert "ا ب ح" in listed and "A B J" in listed  # the plate in both scripts
    assert buyer.act("accept", sale_id).status_code == 303
    assert sale(app, sale_id).status is SaleStatus.ACCEPTED
    assert parse(buyer.client.get("/ar/account/")).find(
        "h2", string="عروض مركبات في انتظار ردك") is None
    assert len(parse(buyer.page()).select("section.card")) == 3  # the three bills

    for part, bill in sale_bills(app, sale_id).items():
        answer = bank.send(notice(bill, reference=f"FT-{part}"), path=PATH)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    assert sale(app, sale_id).status is SaleStatus.PAID
    assert "Complete the sale and transfer ownership" in seller.text()

    assert seller.act("complete", sale_id).status_code == 303
    assert owner_of(app, vehicle) == buyer.account.national_id
    mine = parse(buyer.enquire("vehicles")).find("main").get_text(" ", strip=True)
    assert "Camry" in mine
    theirs = parse(seller.enquire("vehicles")).find("main").get_text(" ", strip=True)
    assert "Camry" not in theirs


def test_a_wrong_birth_date_gets_one_message_next_to_the_field(app, parties):
    seller, buyer = parties
    vehicle = add_vehicle(app, seller.account.national_id)
    wrong = seller.offer(vehicle, buyer.account.national_id, birth="1992-05-18")
    assert wrong.status_code == 422
    error = parse(wrong).find(id="buyer_id-error").get_text(" ", strip=True)
    assert "do not match a holder of an active Absher account" in error


@pytest.mark.parametrize("fields", [
    {"price": "1e9"}, {"price": "\x00"}, {"price": "9" * 400}, {"birth": "1992-02-30"},
    {"birth": "\u202e1992-05-17"}, {"iban": "SA0380000000608010167518"},
    {"buyer_id": "٢" * 50}, {"vehicle": "99999999999999"}])
def test_hostile_input_gets_a_message_never_a_500(app, parties, fields):
    seller, buyer = parties
    vehicle = fields.pop("vehicle", add_vehicle(app, seller.account.national_id))
    answer = seller.offer(vehicle, fields.pop("buyer_id", buyer.account.national_id), **fields)
    assert answer.status_code == 422
    assert parse(answer).find(class_="error-message") is not None


def test_a_stranger_cannot_act_on_a_sale_or_sell_anothers_vehicle(app, parties, make_account,
                                                                  sms_outbox):
    seller, buyer = parties
    stranger = Party(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    stranger.sign_in()
    vehicle = add_vehicle(app, seller.account.national_id)
    assert stranger.offer(vehicle, buyer.account.national_id).status_code == 403
    assert seller.offer(vehicle, buyer.account.national_id).status_code == 303
    sale_id = only_sale_id(app)
    for action in ("accept", "reject", "cancel", "complete"):
        assert stranger.act(action, sale_id).status_code == 403
    assert seller.act("accept", sale_id).status_code == 403
    assert sale(app, sale_id).status is SaleStatus.OFFERED


def test_many_tabs_accepting_at_once_accept_once(app, parties):
    seller, buyer = parties
    vehicle = add_vehicle(app, seller.account.national_id)
    seller.offer(vehicle, buyer.account.national_id)
    sale_id = only_sale_id(app)
    token = csrf_of(buyer.page())
    tabs = same_browser(app, buyer.client, 20)
    app.config["RATELIMIT_DEFAULT"] = "10000 per minute"
    answers = at_once([lambda tab=tab: tab.post(f"{buyer.url(SLUG)}/accept", data={
        "csrf_token": token, "item": sale_id}) for tab in tabs])
    assert sorted(a.status_code for a in answers).count(303) == 1
    assert len(sale_bills(app, sale_id)) == 3
