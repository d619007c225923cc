"""Two hands on one account at once: every path locks the account row first (PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    Activation,
    ActivationRequestStatus,
    AuditEvent,
    StaffUser,
    utcnow,
)
from absher_web.services import activation, staff
from tests.account.concurrency import at_once
from tests.conftest import POSTGRES_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs ABSHER_TEST_DATABASE_URL (PostgreSQL)"),
]


def done_activations(app, account) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Activation).where(
            Activation.account_id == account.id,
            Activation.status == ActivationRequestStatus.DONE))


def activated_events(app, account) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.account_id == account.id, AuditEvent.kind == "account_activated"))


def test_an_officers_double_click_activates_and_texts_once(app, make_account, sms_outbox):
    account = make_account()
    with app.app_context():
        officer = staff.create_officer(db.session, "officer7", "Officer", "Riyadh",
                                       "Passports-Desk-77", 4, utcnow())
        db.session.commit()
        officer_id = officer.id

    def click():
        with app.app_context():
            found = activation.account_by_national_id(db.session, account.national_id)
            outcome = activation.activate_in_person(
                db.session, found, db.session.get(StaffUser, officer_id), utcnow(), None)
            if isinstance(outcome, Activation):
                activation.save_and_notify(db.session, found, utcnow())
            db.session.rollback()  # a refusal changed nothing: let the lock go

    at_once([click, click])
    assert done_activations(app, account) == 1
    assert activated_events(app, account) == 1
    assert len(sms_outbox.messages()) == 1


def test_a_kiosk_racing_the_runner_activates_once(app, bank, kiosk, make_account, sms_outbox):
    account = make_account()
    assert bank.send(bank.body(account)).status_code == 202
    later = utcnow() + timedelta(days=3)

    def runner():
        with app.app_context():
            activation.run_due(db.transaction, activation.Settings.from_config(app.config),
                               later)

    def at_the_kiosk():
        kiosk.client = app.test_client()
        assert kiosk.send(kiosk.body(account)).status_code in (201, 409)

    at_once([runner, at_the_kiosk])
    assert done_activations(app, account) == 1
    assert activated_events(app, account) == 1
    assert len(sms_outbox.messages()) == 1
