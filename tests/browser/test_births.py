"""Birth registration in a real browser: with JavaScript, each step answered in place
(the refused names with focus on the error summary, the review, then the request once
confirmed); without JavaScript, the same through whole pages. axe on each step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_web.agencies.family import BirthEntry, ParentEntry
from absher_web.models import ActivationState, ParentRole, Sex, utcnow
from absher_web.services.eservices import local_today
from tests.births.conftest import add_family

from .conftest import allow_browser_error, assert_no_axe_violations
from .test_account import sign_in
from .test_eservices import AFTER_SWAP

NUMBER = "KFSH-2026-0777"


def father_with_newborn(app, make_account, make_person, language: str):
    from datetime import date
    account = make_account(language=language, state=ActivationState.ACTIVE,
                           name_ar="محمد عبدالله سعد العتيبي",
                           name_en="Mohammed Abdullah Saad Al-Otaibi")
    grandfather = make_person(name_ar="عبدالله سعد فهد العتيبي",
                              name_en="Abdullah Saad Fahad Al-Otaibi",
                              birth_date=date(1962, 1, 20))
    add_family(app, [ParentEntry(grandfather, account.national_id, ParentRole.FATHER,
                                 Sex.MALE),
                     BirthEntry(NUMBER, account.national_id, make_person(),
                                "مستشفى الملك فيصل التخصصي",
                                local_today(utcnow()) - timedelta(days=4), Sex.MALE)])
    return account


def test_the_steps_are_answered_in_place_with_javascript(live_server, make_account,
                                                         make_person, page_factory):
    account = father_with_newborn(live_server.app, make_account, make_person, "ar")
    page = page_factory(width=1280)
    allow_browser_error(page, r"status of 422")
    sign_in(page, live_server, account, "ar")
    url = f"/ar/account/family/births/{NUMBER}"
    page.goto(url)
    page.evaluate("() => { window.answeredInPlace = true; }")
    page.fill("#first_name_ar", "الأمير")
    page.fill("#first_name_en", "Al-Waleed")
    page.locator("#birth-step form button[type=submit]").click()
    page.locator("[data-error-summary]").wait_for()
    after = page.evaluate(AFTER_SWAP)
    assert after["same"] and after["focused"] == "error summary", after
    assert page.input_value("#first_name_en") == "Al-Waleed"
    assert_no_axe_violations(page)

    page.fill("#first_name_ar", "سعد")
    page.fill("#first_name_en", "Saad")
    page.check("#delivery-0")  # by post
    page.locator("#birth-step form button[type=submit]").click()
    page.get_by_text("سعد محمد عبدالله العتيبي").wait_for()
    after = page.evaluate(AFTER_SWAP)
    assert after["same"], after
    assert page.url.endswith(url)
    assert_no_axe_violations(page)

    page.locator("#birth-step form button[type=submit]").first.click()
    page.get_by_text("رقم الطلب").wait_for()
    assert page.evaluate(AFTER_SWAP)["same"]
    assert "فاتورة التسجيل" in page.locator("#birth-step").inner_text()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [320])
def test_the_same_without_javascript(live_server, make_account, make_person, page_factory,
                                     width):
    account = father_with_newborn(live_server.app, make_account, make_person, "en")
    page = page_factory(javascript=False, width=width)
    sign_in(page, live_server, account, "en")
    page.goto("/en/account/family")
    page.get_by_role("link", name="Register a newborn").click()
    page.get_by_role("link", name="Register this birth").click()
    page.fill("#first_name_ar", "سعد")
    page.fill("#first_name_en", "Saad")
    page.get_by_label("I will collect it at a Civil Affairs office").check()
    page.get_by_role("button", name="Continue").click()
    assert "Saad Mohammed Abdullah Al-Otaibi" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm the registration").click()
    text = page.locator("main").inner_text()
    assert "The birth is registered" in text
    assert_no_axe_violations(page)
