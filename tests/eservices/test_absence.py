"""الإبلاغ عن تغيب العمالة المنزلية: report, show on the worker's record, withdraw in time;
every refusal; nobody else's worker; races make one report and one withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from absher_web.extensions import db
from absher_web.models import AbsenceReport, ActivationState, AuditEvent, SponsoredKind, utcnow
from absher_web.services.eservices import NotYours, absence, local_today
from absher_web.services.policies import EServicePolicy
from tests.account.conftest import csrf_of
from tests.eservices.conftest import Holder, answer_text
from tests.eservices.test_driving import at_once, main_text, refusal_of
from tests.eservices.test_visa import add_visitor

URL = "/en/account/services/domestic-worker-absence"


def add_worker(app, sponsor: str, entered: int | None = 100) -> int:
    return add_visitor(app, sponsor, expires_in=300, entered=entered,
                       kind=SponsoredKind.DOMESTIC_WORKER)


def report(holder: Holder, item, last_seen):
    page = holder.client.get(URL)
    return holder.client.post(URL, data={"csrf_token": csrf_of(page), "item": item,
                                         "last_seen": str(last_seen)})


def withdraw(holder: Holder, item):
    page = holder.client.get(URL)
    return holder.client.post(f"{URL}/withdraw", data={"csrf_token": csrf_of(page),
                                                       "item": item})


def the_report(app) -> AbsenceReport:
    with app.app_context():
        return db.session.scalars(select(AbsenceReport)).one()


@pytest.fixture
def sponsor(app, holder):
    return holder, add_worker(app, holder.account.national_id)


def test_a_report_shows_on_the_workers_record_until_it_is_withdrawn(app, sponsor):
    holder, worker = sponsor
    yesterday = local_today(utcnow()) - timedelta(days=1)
    assert "Not reported absent" in main_text(holder.client.get(URL))
    assert report(holder, worker, yesterday).status_code == 303
    page = main_text(holder.client.get(URL))
    assert "The absence of Maria Santos is reported." in page
    assert "Reported absent: last seen on" in page and "Withdraw the report" in page
    record = answer_text(holder.enquire("workers-and-visitors"))
    assert "Reported absent: last seen on" in record

    assert withdraw(holder, the_report(app).id).status_code == 303
    assert "The absence report of Maria Santos is withdrawn." in main_text(
        holder.client.get(URL))
    assert "Reported absent" not in answer_text(holder.enquire("workers-and-visitors"))
    activity = holder.client.get("/en/account/").get_data(as_text=True)
    assert "Domestic worker reported absent" in activity and "Absence report withdrawn" in activity
    # Withdrawn twice: nothing more changes.
    again = withdraw(holder, the_report(app).id)
    assert again.status_code == 422 and "already been withdrawn" in refusal_of(again)


def test_every_refusal_of_a_report_is_explained(app, sponsor):
    holder, worker = sponsor
    today = local_today(utcnow())
    cases = [
        (today + timedelta(days=1), "cannot be in the future"),
        (today - timedelta(days=101), "entered the Kingdom on"),
        ("", "Enter the date the worker was last seen"),
        ("yesterday", "Enter a real date"),
    ]
    for last_seen, words in cases:
        response = report(holder, worker, last_seen)
        assert response.status_code == 422, words
        assert words in refusal_of(response)
    assert report(holder, worker, today - timedelta(days=100)).status_code == 303  # entry day
    twice = report(holder, worker, today)
    assert twice.status_code == 422 and "already reported absent" in refusal_of(twice)
    # With no entry day recorded, any past day will do.
    unknown = add_worker(app, holder.account.national_id, entered=None)
    assert report(holder, unknown, today - timedelta(days=3000)).status_code == 303


def test_a_report_can_be_withdrawn_only_within_the_window(app, sponsor):
    holder, worker = sponsor
    report(holder, worker, local_today(utcnow()))
    made = the_report(app)
    with app.app_context():
        me = db.session.merge(holder.account)
        late = utcnow() + timedelta(days=16)
        refused = absence.withdraw(db.session, EServicePolicy(), me, made.id, late, None)
        assert refused.reason is absence.Refusal.TOO_LATE
        assert absence.withdraw(db.session, EServicePolicy(), me, made.id,
                                utcnow() + timedelta(days=14), None).withdrawn_at is not None


def test_nobody_else_reaches_a_worker_or_a_report(app, sponsor, make_account, sms_outbox):
    holder, worker = sponsor
    report(holder, worker, local_today(utcnow()))
    made = the_report(app).id
    other = Holder(app.test_client(), make_account(state=ActivationState.ACTIVE), sms_outbox)
    other.sign_in()
    assert report(other, worker, local_today(utcnow())).status_code == 403
    assert withdraw(other, made).status_code == 403
    assert withdraw(other, 2**31 - 1).status_code == 403
    assert "Maria Santos" not in main_text(other.client.get(URL))
    visitor = add_visitor(app, holder.account.national_id)  # not a domestic worker
    assert report(holder, visitor, local_today(utcnow())).status_code == 403
    with app.app_context():
        assert db.session.get(AbsenceReport, made).withdrawn_at is None
        with pytest.raises(NotYours):
            absence.report(db.session, db.session.merge(other.account), worker,
                           local_today(utcnow()), utcnow(), None)


def test_twenty_reports_at_once_make_one_and_twenty_withdrawals_withdraw_once(app, sponsor):
    holder, worker = sponsor

    def make():
        with app.app_context():
            me = db.session.merge(holder.account, load=True)
            absence.report(db.session, me, worker, local_today(utcnow()), utcnow(), "race")
            db.session.rollback()

    at_once([make] * 20)
    made = the_report(app)  # exactly one

    def take_back():
        with app.app_context():
            me = db.session.merge(holder.account, load=True)
            absence.withdraw(db.session, EServicePolicy(), me, made.id, utcnow(), "race")
            db.session.rollback()

    at_once([take_back] * 20)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == absence.WITHDRAWN)) == 1
        assert db.session.get(AbsenceReport, made.id).withdrawn_at is not None
