"""The notice an e-service change leaves for the next page travels in the session cookie,
which is signed but readable by anyone holding it: it carries a key and record ids, never a
sentence naming a worker, a visitor or a driver. The page still says it, once, in full."""

from __future__ import annotations

import json
from datetime import timedelta

from absher_web.models import ActivationState, utcnow
from absher_web.services.eservices import local_today
from absher_web.web.eservices.base import NOTICE_KEY
from tests.eservices.test_absence import URL as ABSENCE_URL
from tests.eservices.test_absence import add_worker, report, the_report, withdraw
from tests.eservices.test_driving import Driving, add_vehicle, main_text
from tests.eservices.test_visa import URL as VISA_URL
from tests.eservices.test_visa import add_visitor, confirm


def session_of(app, client) -> dict:
    """What anyone holding the cookie can read in it (no key needed: itsdangerous signs)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def readable(app, client) -> str:
    return json.dumps(session_of(app, client), ensure_ascii=False, default=str)


def test_a_workers_name_never_travels_in_the_cookie(app, holder):
    worker = add_worker(app, holder.account.national_id)
    yesterday = local_today(utcnow()) - timedelta(days=1)
    assert report(holder, worker, yesterday).status_code == 303
    made = the_report(app)
    stored = session_of(app, holder.client)[NOTICE_KEY]
    assert stored == {"service": "domestic-worker-absence", "key": "reported",
                      "values": {"report": made.id}}
    assert "Maria" not in readable(app, holder.client)
    assert "The absence of Maria Santos is reported." in main_text(holder.client.get(ABSENCE_URL))
    assert NOTICE_KEY not in session_of(app, holder.client)  # said once

    assert withdraw(holder, made.id).status_code == 303
    assert "Maria" not in readable(app, holder.client)
    assert "The absence report of Maria Santos is withdrawn." in main_text(
        holder.client.get(ABSENCE_URL))


def test_a_visitors_name_never_travels_in_the_cookie(app, holder):
    item = add_visitor(app, holder.account.national_id)
    new_expiry = local_today(utcnow()) + timedelta(days=110)
    assert confirm(holder, item, new_expiry.isoformat()).status_code == 303
    text = readable(app, holder.client)
    assert "Maria" not in text and "ماريا" not in text
    assert session_of(app, holder.client)[NOTICE_KEY]["key"] == "billed"
    assert "The bill for extending the visit visa of Maria Santos is issued." in main_text(
        holder.client.get(VISA_URL))


def test_a_drivers_number_never_travels_in_the_cookie(app, make_account, sms_outbox):
    owner = Driving(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    driver = make_account(state=ActivationState.ACTIVE)
    owner.sign_in()
    vehicle = add_vehicle(app, owner.account.national_id)
    assert owner.give(vehicle, driver.national_id).status_code == 303
    assert driver.national_id not in readable(app, owner.client)
    assert session_of(app, owner.client)[NOTICE_KEY]["key"] == "given"
    assert "The authorisation is sent." in main_text(owner.page())


def test_a_notice_from_another_service_or_of_another_shape_says_nothing(app, holder):
    """A cookie left by an older release (a sentence) or naming another service's notice,
    or a record that is not the holder's: the page shows, without a notice."""
    add_worker(app, holder.account.national_id)
    for stored in ("The absence of Someone is reported.",
                   {"service": "visit-visa-extension", "key": "reported", "values": {}},
                   {"service": "domestic-worker-absence", "key": "nope", "values": {}},
                   {"service": "domestic-worker-absence", "key": "reported",
                    "values": {"report": 999_999}},
                   {"service": "domestic-worker-absence", "key": "reported",
                    "values": {"report": "1", "extra": True}},
                   {"service": "domestic-worker-absence", "key": "reported", "values": []}):
        with holder.client.session_transaction() as session:
            session[NOTICE_KEY] = stored
        page = holder.client.get(ABSENCE_URL)
        assert page.status_code == 200, stored
        assert "is reported" not in main_text(page)
