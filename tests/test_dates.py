"""Dates on the Riyadh clock, Gregorian and Hijri, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from absher_web import dates

LATE_EVENING_UTC = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # 01:30 on the 25th in Riyadh


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "25 November 2026 (15 Jumada al-Akhirah 1448 AH)"),
    ("ar", "25 نوفمبر 2026 (15 جمادى الآخرة 1448 هـ)"),
])
def test_a_moment_is_shown_on_the_day_it_is_in_riyadh(app, lang, expected):
    with app.test_request_context(f"/{lang}/"):
        from flask import g

        g.lang = lang
        assert dates.both(LATE_EVENING_UTC) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "25 November 2026, 01:30"), ("ar", "25 نوفمبر 2026، 01:30")])
def test_date_and_time_use_riyadh_time_and_the_languages_comma(app, lang, expected):
    with app.test_request_context(f"/{lang}/"):
        from flask import g

        g.lang = lang
        assert dates.date_and_time(LATE_EVENING_UTC) == expected


def test_a_calendar_date_is_not_moved(app):
    with app.test_request_context("/en/"):
        assert dates.both(date(2031, 3, 1)).startswith("1 March 2031")


def test_the_account_home_shows_the_riyadh_day_of_a_pending_activation(
        client, make_account, sms_outbox):
    import time_machine

    from absher_web.extensions import db
    from absher_web.models import (
        Activation,
        ActivationChannel,
        ActivationRequestStatus,
        ActivationState,
    )
    from tests.account.conftest import Citizen

    account = make_account(state=ActivationState.PENDING)
    with client.application.app_context():
        with db.transaction() as session:
            session.add(Activation(account_id=account.id, channel=ActivationChannel.ATM,
                                   status=ActivationRequestStatus.PENDING,
                                   requested_at=datetime(2026, 11, 22, 22, 30, tzinfo=UTC),
                                   effective_at=LATE_EVENING_UTC, client_code="RJHI",
                                   terminal_id="ATM1", reference="ref-1"))
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        citizen = Citizen(client, account, sms_outbox)
        citizen.enter_password()
        citizen.enter_code()
        home = client.get("/en/account/").get_data(as_text=True)
    assert "25 November 2026" in home and "24 November 2026" not in home


def test_the_suite_knows_how_far_midnight_in_riyadh_is():
    # The suite waits for midnight in Riyadh rather than straddle it (tests/conftest.py).
    from tests.conftest import until_riyadh_midnight

    assert until_riyadh_midnight(datetime(2026, 12, 6, 20, 59, tzinfo=UTC)) == timedelta(minutes=1)
    assert until_riyadh_midnight(datetime(2026, 12, 6, 21, 0, tzinfo=UTC)) == timedelta(days=1)
    assert until_riyadh_midnight(datetime(2026, 12, 6, 9, 0, tzinfo=UTC)) == timedelta(hours=12)
