"""مبايعة المركبات in real browsers: the seller with JavaScript at 1280 px, the buyer
without at 320 px, from offer to the car in the buyer's "My vehicles", with the bills paid
by a bank's signed notices; axe on every step, in each language."""

from __future__ import annotations

import pytest

from absher_web.models import ActivationState, ApiClientKind
from tests.activation.conftest import add_caller
from tests.payments.notices import PATH, notice
from tests.vehicle_sales.helpers import add_vehicle, sale_bills

from .conftest import allow_browser_error, assert_no_axe_violations
from .test_account import sign_in
from .test_eservices import submit


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_two_holders_sell_and_buy_a_car(live_server, make_account, page_factory, lang):
    app = live_server.app
    seller = make_account(language=lang, state=ActivationState.ACTIVE)
    buyer = make_account(language=lang, state=ActivationState.ACTIVE)
    add_vehicle(app, seller.national_id)
    add_vehicle(app, seller.national_id, usage="taxi", make="Hyundai", model="Accent")
    url = f"/{lang}/account/services/vehicle-sale"

    wide = page_factory(width=1280)
    allow_browser_error(wide, r"status of 422")
    sign_in(wide, live_server, seller, lang)
    wide.goto(url)
    assert_no_axe_violations(wide)
    wide.fill("#buyer_id", buyer.national_id)
    wide.fill("#buyer_birth_date", "1992-05-18")  # not the buyer's: one message
    wide.fill("#price", "٤٥٬٠٠٠")
    wide.fill("#iban", "SA03 8000 0000 6080 1016 7519")
    submit(wide)
    wide.locator("[data-error-summary]").wait_for()
    assert_no_axe_violations(wide)
    wide.fill("#buyer_birth_date", "١٤١٢-١١-١٥")  # 17 May 1992, in Hijri
    submit(wide)
    wide.locator(".notice[role=status]").wait_for()
    assert_no_axe_violations(wide)

    narrow = page_factory(width=320, javascript=False)
    sign_in(narrow, live_server, buyer, lang)
    narrow.goto(url)
    assert_no_axe_violations(narrow)
    submit(narrow, "accept")
    assert narrow.locator(".notice[role=status]").count() == 1
    assert narrow.locator("main section.card").count() == 3
    assert narrow.evaluate("document.documentElement.scrollWidth <= "
                           "document.documentElement.clientWidth")
    assert_no_axe_violations(narrow)

    bank = add_caller(app, "RJHI", ApiClientKind.BANK)
    sale_id = int(narrow.locator("main form[action$='/cancel'] input[name=item]")
                  .get_attribute("value"))
    for part, bill in sale_bills(app, sale_id).items():
        assert bank.send(notice(bill, reference=f"FT-{part}"), path=PATH).status_code == 200

    wide.reload()
    submit(wide, "complete")
    wide.locator(".notice[role=status]").wait_for()
    assert_no_axe_violations(wide)
    narrow.goto(f"/{lang}/account/services/vehicles")
    narrow.locator("main form[action$='/vehicles'] button[type=submit]").click()
    narrow.wait_for_load_state()
    assert "Camry" in narrow.locator("main").inner_text()
