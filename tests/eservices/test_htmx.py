"""E-service forms sent through htmx (JavaScript on): the page's step comes back alone, to be
swapped in place under the account menu: the answer with its heading marked for focus,
the refusal (422) with its error summary, and after a change the page with its notice,
said once through the live region. Each fragment fits the 3 KB (compressed) budget.
Without the HX-Request header the same posts answer as before: whole pages, and a 303
after a change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from absher_web.models import ActivationState
from absher_web.web.eservices import REGISTRY
from tests.account.conftest import Citizen, csrf_of
from tests.days import riyadh_today
from tests.eservices.billing import pay, the_bill
from tests.eservices.conftest import Holder
from tests.eservices.test_driving import add_vehicle
from tests.eservices.test_visa import add_visitor
from tests.pages import parse
from tests.registration.test_budgets import BUDGET, compressed_size

HTMX = {"HX-Request": "true"}
ENQUIRIES = [service for service in REGISTRY if not service.overview]


def post(holder: Holder, url: str, htmx: bool = True, page: str | None = None, **fields):
    """A form of the page at ``page`` (the service's own by default) posted to ``url``."""
    opened = holder.client.get(page or url)
    return holder.client.post(url, data={"csrf_token": csrf_of(opened), **fields},
                              headers=HTMX if htmx else {})


def assert_fragment(response, status: int) -> object:
    """The step alone, within budget: no page around it, a title for the tab."""
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    assert b"<html" not in response.data and b"account-nav" not in response.data
    assert compressed_size(response) <= BUDGET, compressed_size(response)
    fragment = parse(response)
    assert fragment.find("title") is not None
    assert fragment.find("form", attrs={"data-hx-target": "#eservice-step"}) is not None
    return fragment


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_enquiry_answers_in_place_with_its_heading_marked_for_focus(
        app, client, make_account, sms_outbox, lang):
    holder = Holder(client, make_account(state=ActivationState.ACTIVE, language=lang),
                    sms_outbox, lang=lang)
    holder.sign_in()
    for service in ENQUIRIES:
        fields = {"country": "KWT", "plate": "K1234"} \
            if service.slug == "foreign-vehicle-violations" else {}
        fragment = assert_fragment(post(holder, holder.url(service.slug), **fields), 200)
        heading = fragment.select_one("section[aria-labelledby=answer-heading] h2")
        assert heading.has_attr("data-answer-heading") and heading["tabindex"] == "-1"
        assert fragment.h1.has_attr("data-step-heading")
        # Without JavaScript: the whole page, with the same answer.
        page = post(holder, holder.url(service.slug), htmx=False, **fields)
        assert page.status_code == 200 and b"<html" in page.data
        assert parse(page).select_one("#eservice-step section").get_text(" ", strip=True) \
            == heading.find_parent("section").get_text(" ", strip=True)


def test_a_form_with_errors_comes_back_in_place_with_its_summary(holder):
    response = post(holder, holder.url("foreign-vehicle-violations"), country="", plate="")
    fragment = assert_fragment(response, 422)
    summary = fragment.select_one("[data-error-summary]")
    assert [a["href"] for a in summary.select("a")] == ["#country", "#plate"]
    assert fragment.select_one("#plate")["aria-invalid"] == "true"
    assert fragment.title.get_text().startswith("Error:")
    assert fragment.find("section") is None


def test_a_driving_authorisation_refused_then_given_in_place(app, holder, make_account):
    vehicle = add_vehicle(app, holder.account.national_id)
    url = holder.url("driving-authorisations")
    until = (riyadh_today() + timedelta(days=30)).isoformat()
    refused = post(holder, url, vehicle=vehicle, national_id="1000000008", until=until)
    summary = assert_fragment(refused, 422).select_one("[data-error-summary]")
    assert "cannot be authorised" in summary.get_text()

    driver = make_account(state=ActivationState.ACTIVE)
    given = post(holder, url, vehicle=vehicle, national_id=driver.national_id, until=until)
    # The redirect of the full-page post: htmx's fetch follows it with its own headers,
    # and the page's step comes back with what the change did.
    assert given.status_code == 303 and "HX-Redirect" not in given.headers
    after = holder.client.get(given.headers["Location"], headers=HTMX)
    fragment = assert_fragment(after, 200)
    notice = "The authorisation is sent."
    assert notice in fragment.select_one(".notice[role=status]").get_text()
    live = fragment.select_one("#live-region")
    assert live["data-hx-swap-oob"] == "innerHTML" and notice in live.get_text()
    assert len(fragment.select("form[action$='/cancel']")) == 1  # the list is new too
    # Said once: the next look at the page has no notice.
    assert "The authorisation is sent." not in holder.client.get(url).get_data(as_text=True)


def test_a_visa_extension_checked_and_confirmed_in_place(app, holder):
    item = add_visitor(app, holder.account.national_id)
    url = holder.url("visit-visa-extension")
    quote = assert_fragment(post(holder, url, item=item), 200)
    heading = quote.select_one("#quote-heading")
    assert heading.has_attr("data-answer-heading") and heading["tabindex"] == "-1"
    confirm = quote.select_one("form[action$='/confirm']")
    assert confirm["data-hx-post"] == f"{url}/confirm"
    fields = {i["name"]: i["value"] for i in confirm.select("input[type=hidden]")}
    done = holder.client.post(f"{url}/confirm", data=fields, headers=HTMX)
    assert done.status_code == 303
    fragment = assert_fragment(holder.client.get(done.headers["Location"], headers=HTMX), 200)
    assert "is issued" in fragment.select_one("#live-region").get_text()
    assert "Bill number" in fragment.select_one("section.card").get_text()
    # Once the visa is extended, confirming the same quote again is refused in place,
    # naming the visitor.
    pay(app, the_bill(app, "visa_extension"))
    again = holder.client.post(f"{url}/confirm", data=fields, headers=HTMX)
    assert "The visit visa of Maria Santos" in \
        assert_fragment(again, 422).select_one("[data-error-summary]").get_text()


def test_an_absence_reported_refused_and_withdrawn_in_place(app, holder):
    from tests.eservices.test_absence import add_worker

    item = add_worker(app, holder.account.national_id)
    url = holder.url("domestic-worker-absence")
    future = (riyadh_today() + timedelta(days=2)).isoformat()
    refused = assert_fragment(post(holder, url, item=item, last_seen=future), 422)
    assert refused.select_one("#last_seen")["aria-invalid"] == "true"
    reported = post(holder, url, item=item, last_seen=riyadh_today().isoformat())
    assert reported.status_code == 303
    fragment = assert_fragment(holder.client.get(reported.headers["Location"], headers=HTMX),
                               200)
    withdraw = fragment.select_one("form[action$='/withdraw']")
    assert withdraw["data-hx-target"] == "#eservice-step"
    withdrawn = post(holder, f"{url}/withdraw", page=url, item=withdraw.select_one(
        "input[name=item]")["value"])
    assert withdrawn.status_code == 303
    after = assert_fragment(holder.client.get(withdrawn.headers["Location"], headers=HTMX), 200)
    assert "is withdrawn" in after.select_one("#live-region").get_text()


def test_without_javascript_a_change_is_still_a_full_page_post_and_redirect(app, holder):
    item = add_visitor(app, holder.account.national_id)
    url = holder.url("visit-visa-extension")
    quote = post(holder, url, htmx=False, item=item)
    assert quote.status_code == 200 and b"<html" in quote.data
    form = parse(quote).select_one("form[action$='/confirm']")
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    done = holder.client.post(f"{url}/confirm", data=fields)
    assert done.status_code == 303 and done.headers["Location"].endswith(url)
    page = holder.client.get(url)
    assert b"<html" in page.data and b'id="live-region" data-hx-swap-oob' not in page.data
    assert "is issued" in parse(page).select_one(".notice[role=status]").get_text()


def test_an_account_no_longer_active_gets_the_activation_step_in_place(
        client, make_account, sms_outbox):
    citizen = Citizen(client, make_account(), sms_outbox)
    citizen.sign_in()
    url = "/en/account/services/fingerprint"
    response = client.post(url, data={"csrf_token": csrf_of(client.get(url))}, headers=HTMX)
    assert response.status_code == 200 and b"<html" not in response.data
    fragment = parse(response)
    assert "This service needs an activated account." in fragment.get_text(" ")
    assert fragment.h1.has_attr("data-step-heading") and fragment.find("form") is None


def test_a_post_without_the_form_token_gets_the_error_in_place(holder):
    response = holder.client.post(holder.url("fingerprint"), data={}, headers=HTMX)
    assert response.status_code == 400 and b"<html" not in response.data
    assert parse(response).find("section", attrs={"aria-labelledby": "answer-heading"}) is None


def test_the_per_account_limit_counts_changes_made_through_htmx(app, holder, make_account):
    url = holder.url("driving-authorisations")
    until = (riyadh_today() + timedelta(days=30)).isoformat()
    driver = make_account(state=ActivationState.ACTIVE)
    app.config["RATELIMIT_DRIVING_AUTHORISATION"] = "1 per day"
    try:
        first = post(holder, url, vehicle=add_vehicle(app, holder.account.national_id),
                     national_id=driver.national_id, until=until)
        assert first.status_code == 303
        second = post(holder, url, vehicle=add_vehicle(app, holder.account.national_id),
                      national_id=driver.national_id, until=until)
        assert second.status_code == 429 and b"<html" not in second.data
    finally:
        app.config["RATELIMIT_DRIVING_AUTHORISATION"] = "10 per day"
