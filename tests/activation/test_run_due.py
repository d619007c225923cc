"""`flask absher run-due`: ATM activations take effect when due, failed notices go again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import (
    Account,
    Activation,
    ActivationRequestStatus,
    ActivationState,
    AuditEvent,
    utcnow,
)
from absher_web.services import activation


def run_due(app, now=None) -> activation.RunReport:
    with app.app_context():
        return activation.run_due(db.transaction, activation.Settings.from_config(app.config),
                                  now or utcnow())


def state_of(app, account) -> ActivationState:
    with app.app_context():
        return db.session.get(Account, account.id).activation_state


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_an_atm_activation_takes_effect_when_due_and_texts_the_holder(
        app, bank, make_account, sms_outbox):
    account = make_account(language="ar")
    bank.send(bank.body(account))

    assert run_due(app).activated == 0
    assert run_due(app, utcnow() + timedelta(hours=47, minutes=59)).activated == 0
    assert state_of(app, account) is ActivationState.PENDING

    report = run_due(app, utcnow() + timedelta(hours=48, seconds=1))
    assert (report.activated, report.notices_sent, report.notices_failed) == (1, 1, 0)
    assert state_of(app, account) is ActivationState.ACTIVE
    [message] = [m for m in sms_outbox.messages() if m["to"] == account.mobile]
    assert "أبشر" in message["body"]  # in the holder's language
    assert count(app, AuditEvent, AuditEvent.kind == "account_activated",
                 AuditEvent.account_id == account.id) == 1


def test_running_again_does_nothing_more(app, bank, make_account, sms_outbox):
    account = make_account()
    bank.send(bank.body(account))
    later = utcnow() + timedelta(days=3)
    run_due(app, later)
    report = run_due(app, later)
    assert (report.activated, report.notices_sent) == (0, 0)
    assert len(sms_outbox.messages()) == 1


def test_the_delay_is_a_setting(app, bank, make_account):
    app.config["ATM_ACTIVATION_DELAY_SECONDS"] = 60
    account = make_account()
    bank.send(bank.body(account))
    assert run_due(app, utcnow() + timedelta(seconds=61)).activated == 1


def test_an_activation_made_in_person_meanwhile_is_not_done_twice(app, bank, make_account,
                                                                   sms_outbox):
    from absher_web.models import StaffUser
    from absher_web.services import staff

    account = make_account()
    bank.send(bank.body(account))
    with app.app_context():
        officer = staff.create_officer(db.session, "officer7", "Officer", "Riyadh",
                                       "Passports-Desk-77", 4, utcnow())
        db.session.commit()
        officer = db.session.get(StaffUser, officer.id)
        activation.activate_in_person(db.session, db.session.get(Account, account.id), officer,
                                      utcnow(), "127.0.0.1")
        db.session.commit()
    report = run_due(app, utcnow() + timedelta(days=3))
    assert report.activated == 0 and sms_outbox.messages() == []
    assert count(app, Activation, Activation.status == ActivationRequestStatus.PENDING) == 0
