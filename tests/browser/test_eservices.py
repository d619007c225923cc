"""The e-services in a real browser: every service's page and answer (and the foreign
vehicle form's errors) in both languages at 1280 and 320 px with axe, and an enquiry
with JavaScript off; answers swapped in place with JavaScript, focus on their heading; two
holders completing a driving authorisation, a visa extension and an absence report, in each
language, one at 1280 px with JavaScript and one at 320 px without."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_web.extensions import db
from absher_web.models import (
    ActivationState,
    SponsoredKind,
    Sponsorship,
    TrafficViolation,
    Vehicle,
    ViolationStatus,
)
from absher_web.web.eservices import REGISTRY
from tests.conftest import fresh_national_id
from tests.days import riyadh_today

from .conftest import allow_browser_error, assert_no_axe_violations
from .test_account import sign_in


def give_records(app, owner: str) -> str:
    """Vehicles in every state, violations, an impounded car, a foreign car (its plate is
    returned), and people under the holder's sponsorship."""
    today = riyadh_today()
    plate = fresh_national_id()[-4:]
    with app.app_context(), db.transaction() as session:
        camry = Vehicle(plate_country="SAU", plate_letters="ABJ", plate_number=plate,
                        make="Toyota", model="Camry", year=2021, colour="white", owner_id=owner,
                        insurance_company="Tawuniya",
                        insurance_expiry=today + timedelta(days=10),
                        impounded_since=today - timedelta(days=3),
                        impound_place="حجز جدة - الخمرة")
        foreign = Vehicle(plate_country="KWT", plate_letters="", plate_number=f"K{plate}",
                          make="Nissan", model="Sunny", year=2019, colour="red")
        session.add_all([camry, foreign])
        session.flush()
        for vehicle, kind in ((camry, "speeding"), (foreign, "red_light")):
            session.add(TrafficViolation(
                reference=f"B{vehicle.id}{plate}", vehicle_id=vehicle.id, kind=kind, amount=300,
                committed_on=today - timedelta(days=20), place="جدة",
                status=ViolationStatus.UNPAID))
        for kind, person in ((SponsoredKind.WORKER, fresh_national_id("2")),
                             (SponsoredKind.VISITOR, "31" + fresh_national_id()[2:])):
            session.add(Sponsorship(
                sponsor_id=owner, person_id=person, name_ar="ماريا سانتوس",
                name_en="Maria Santos", kind=kind, nationality="PHL",
                permit_expiry=today - timedelta(days=2), health_insurer="Bupa Arabia",
                health_insurance_expiry=today + timedelta(days=90)))
    return f"K{plate}"


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_every_eservice_and_its_answer_is_accessible(live_server, make_account, page_factory,
                                                     lang, width):
    account = make_account(language=lang, state=ActivationState.ACTIVE)
    foreign_plate = give_records(live_server.app, account.national_id)
    page = page_factory(width=width)
    allow_browser_error(page, r"status of 422")
    sign_in(page, live_server, account, lang)
    for service in REGISTRY:
        page.goto(f"/{lang}/account/services/{service.slug}")
        assert_no_axe_violations(page)
        if service.overview:  # it changes things: test_two_holders_... below
            continue
        if service.slug == "foreign-vehicle-violations":
            page.locator("main form[action*='/account/services/'] button[type=submit]").click()
            page.locator("[data-error-summary]").wait_for()
            assert_no_axe_violations(page)
            page.select_option("#country", "KWT")
            page.fill("#plate", foreign_plate)
        page.locator("main form[action*='/account/services/'] button[type=submit]").click()
        page.locator("#answer-heading").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= "
                             "document.documentElement.clientWidth"), service.slug
        assert_no_axe_violations(page)


def test_an_enquiry_works_without_javascript(live_server, make_account, page_factory):
    account = make_account(language="en", state=ActivationState.ACTIVE)
    give_records(live_server.app, account.national_id)
    page = page_factory(javascript=False)
    sign_in(page, live_server, account, "en")
    page.get_by_role("link", name="My vehicles").click()
    page.get_by_role("button", name="Enquire").click()
    answer = page.locator("section").inner_text()
    assert "Toyota Camry 2021" in answer and "Expires soon" in answer
    page.goto("/en/account/")
    assert "My vehicles enquiry used" in page.locator("main table").inner_text()


# What a swap leaves: the same document (a page load would drop the mark), where focus is,
# and what the page's one live region says.
AFTER_SWAP = """() => ({same: window.answeredInPlace === true,
    focused: document.activeElement.matches("[data-error-summary]") ? "error summary"
        : document.activeElement.id || document.activeElement.tagName,
    regions: document.querySelectorAll("[aria-live], [role=status]:not(.notice)").length,
    said: document.getElementById("live-region").textContent.trim()})"""


def test_answers_are_swapped_in_place_with_focus_on_their_heading(live_server, make_account,
                                                                   page_factory):
    account = make_account(language="ar", state=ActivationState.ACTIVE)
    foreign_plate = give_records(live_server.app, account.national_id)
    give_changeables(live_server.app, account.national_id)
    page = page_factory(width=1280)
    allow_browser_error(page, r"status of 422")
    sign_in(page, live_server, account, "ar")
    base = "/ar/account/services"

    page.goto(f"{base}/foreign-vehicle-violations")
    page.evaluate("() => { window.answeredInPlace = true; }")
    page.locator("#eservice-step form button[type=submit]").click()
    page.locator("[data-error-summary]").wait_for()
    after = page.evaluate(AFTER_SWAP)
    assert after["same"] and after["focused"] == "error summary", after
    page.select_option("#country", "KWT")
    page.fill("#plate", foreign_plate)
    page.locator("#eservice-step form button[type=submit]").click()
    page.locator("#answer-heading").wait_for()
    after = page.evaluate(AFTER_SWAP)
    assert after["same"] and after["focused"] == "answer-heading" and after["regions"] == 1, after
    assert page.url.endswith(f"{base}/foreign-vehicle-violations")
    assert foreign_plate in page.locator("section[aria-labelledby=answer-heading]").inner_text()
    assert_no_axe_violations(page)

    # A change: checked (the fee and new expiry, focus on their heading), then confirmed
    # (the page again, its notice said by the live region, focus on the page's heading).
    page.goto(f"{base}/visit-visa-extension")
    page.evaluate("() => { window.answeredInPlace = true; }")
    # The visitor whose visa can be extended (the other one's has expired).
    page.select_option("#item", page.locator("#item option", has_text="سيتي نور")
                       .get_attribute("value"))
    submit(page)
    page.locator("#quote-heading").wait_for()
    after = page.evaluate(AFTER_SWAP)
    assert after["same"] and after["focused"] == "quote-heading", after
    submit(page, "confirm")
    page.locator(".notice[role=status]").wait_for()
    after = page.evaluate(AFTER_SWAP)
    notice = page.locator(".notice[role=status]").inner_text().strip()
    assert after["same"] and after["focused"] == "H1" and after["said"] == notice, after
    assert page.locator("#quote-heading").count() == 0
    assert_no_axe_violations(page)


def give_changeables(app, owner: str) -> None:
    """A car to authorise, a visitor whose visa can be extended, a domestic worker."""
    today = riyadh_today()
    with app.app_context(), db.transaction() as session:
        session.add(Vehicle(plate_country="SAU", plate_letters="KLZ",
                            plate_number=fresh_national_id()[-4:], make="Hyundai",
                            model="Sonata", year=2022, colour="white", owner_id=owner,
                            insurance_company="Tawuniya",
                            insurance_expiry=today + timedelta(days=200)))
        for kind, person, entered in ((SponsoredKind.VISITOR, "31" + fresh_national_id()[2:], 70),
                                      (SponsoredKind.DOMESTIC_WORKER, fresh_national_id("2"),
                                       300)):
            session.add(Sponsorship(
                sponsor_id=owner, person_id=person, name_ar="سيتي نور", name_en="Siti Nur",
                kind=kind, nationality="IDN", permit_expiry=today + timedelta(days=20),
                entry_date=today - timedelta(days=entered), health_insurer="Bupa Arabia",
                health_insurance_expiry=today + timedelta(days=200)))


def submit(page, action: str = "") -> None:
    """The page's form posting to its service (or to one of its actions), and the page after."""
    selector = (f"main form[action$='/{action}'] button[type=submit]" if action
                else "main form[aria-labelledby] button[type=submit]")
    page.locator(selector).first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_two_holders_authorise_extend_and_report(live_server, make_account, page_factory, lang):
    owner = make_account(language=lang, state=ActivationState.ACTIVE)
    driver = make_account(language=lang, state=ActivationState.ACTIVE)
    give_changeables(live_server.app, owner.national_id)
    base = f"/{lang}/account/services"

    wide = page_factory(width=1280)
    allow_browser_error(wide, r"status of 422")
    sign_in(wide, live_server, owner, lang)
    wide.goto(f"{base}/driving-authorisations")
    assert_no_axe_violations(wide)
    wide.fill("#national_id", "1000000008")  # no account: refused, naming nobody
    wide.fill("#until", (riyadh_today() + timedelta(days=30)).isoformat())
    submit(wide)
    wide.locator("[data-error-summary]").wait_for()
    assert_no_axe_violations(wide)
    wide.fill("#national_id", driver.national_id)
    submit(wide)
    wide.locator(".notice[role=status]").wait_for()
    assert_no_axe_violations(wide)

    narrow = page_factory(width=320, javascript=False)
    sign_in(narrow, live_server, driver, lang)
    narrow.goto(f"{base}/driving-authorisations")
    assert_no_axe_violations(narrow)
    submit(narrow, "accept")
    assert narrow.locator(".notice[role=status]").count() == 1
    assert narrow.evaluate("document.documentElement.scrollWidth <= "
                           "document.documentElement.clientWidth")
    assert_no_axe_violations(narrow)
    wide.reload()
    assert wide.locator("main form[action$='/cancel']").count() == 1

    # The visa extension and the absence report, with JavaScript at 1280 px.
    wide.goto(f"{base}/visit-visa-extension")
    assert_no_axe_violations(wide)
    submit(wide)
    wide.locator("#quote-heading").wait_for()
    assert_no_axe_violations(wide)
    submit(wide, "confirm")
    wide.locator(".notice[role=status]").wait_for()
    wide.goto(f"{base}/domestic-worker-absence")
    wide.fill("#last_seen", (riyadh_today() + timedelta(days=2)).isoformat())
    submit(wide)
    wide.locator("[data-error-summary]").wait_for()
    assert_no_axe_violations(wide)
    wide.fill("#last_seen", riyadh_today().isoformat())
    submit(wide)
    wide.locator("main form[action$='/withdraw']").wait_for()
    assert_no_axe_violations(wide)
    # The extension and the report without JavaScript, at 320 px, by the owner too.
    bare = page_factory(width=320, javascript=False)
    sign_in(bare, live_server, owner, lang)
    bare.goto(f"{base}/domestic-worker-absence")
    submit(bare, "withdraw")
    assert bare.locator(".notice[role=status]").count() == 1
    assert_no_axe_violations(bare)
    bare.goto(f"{base}/visit-visa-extension")
    assert_no_axe_violations(bare)
