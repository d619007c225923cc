"""Every hot path stays an index lookup at scale: PostgreSQL's own plans say so.

The tables are filled with 100,000 people and accounts and 100,000 rows in every other
table that grows (generate_series, about ten seconds), ANALYZEd, and then the real service
functions run: sign-in by username and by ID (citizens and officers), the registration
checks, recovery start, the code-challenge lookups and budgets, the runner's due query and
the purge. PostgreSQL's plan of every statement they sent must be index lookups
(tests/query_plans.py says how that is judged).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from absher_web.extensions import db
from absher_web.models import CodePurpose, utcnow
from absher_web.services import (
    activation,
    api_clients,
    bill_jobs,
    otp,
    reconciliation,
    recovery,
    registration,
    retention,
    signin,
    staff,
)
from absher_web.services.policies import current_policies
from tests.conftest import POSTGRES_URL, fresh_national_id
from tests.query_plans import (
    assert_only_index_lookups,
    filled_app,
    serial_sequences_follow,
    statements_sent,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs ABSHER_TEST_DATABASE_URL (PostgreSQL)"),
]

PEOPLE = 100_000  # people and accounts
ROWS = 100_000  # every other table that grows
OFFICERS = 20_000

# The tables as a busy site holds them between two purges: almost nothing is past keeping.
FILL = [
    f"""INSERT INTO people (national_id, kind, name_ar, name_en, birth_date, nationality,
                           id_expiry, city, district)
        SELECT '1' || lpad(i::text, 9, '0'), 'citizen', 'سارة', 'Sarah', DATE '1990-01-01',
               'SAU', DATE '2031-01-01', 'RUH', 'D1'
        FROM generate_series(1, {PEOPLE}) AS i""",
    f"""INSERT INTO accounts (id, national_id, username, mobile, email, password_hash,
                             preferred_language, activation_state, session_token,
                             consecutive_failures, lockouts, failures_since_recovery,
                             recovery_wrong_answers, created_at)
        SELECT i, '1' || lpad(i::text, 9, '0'), 'Person' || lpad(i::text, 7, '0'),
               '+9665' || lpad(i::text, 8, '0'), 'p' || i || '@example.sa', 'x', 'ar',
               'active', md5(i::text), 0, 0, 0, 0, now() - i * interval '1 minute'
        FROM generate_series(1, {PEOPLE}) AS i""",
    f"""INSERT INTO security_answers (account_id, question_key, answer_hash, created_at)
        SELECT i, 'first_school', 'x', now() FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO staff_users (id, username, full_name, office, password_hash, session_token,
                                is_active, consecutive_failures, lockouts, created_at, roles,
                                city)
        SELECT i, 'officer' || i, 'Officer', 'Riyadh', 'x', md5(i::text), true, 0, 0, now(),
               CASE WHEN i % 2 = 0 THEN '["passports"]' ELSE '["civil_affairs"]' END::json,
               CASE WHEN i % 2 = 0 THEN NULL ELSE 'الرياض' END
        FROM generate_series(1, {OFFICERS}) AS i""",
    f"""INSERT INTO pending_registrations (id, national_id, mobile, username, email,
                                          password_hash, preferred_language, created_at,
                                          expires_at)
        SELECT md5('p' || i), '2' || lpad(i::text, 9, '0'), '+9665' || lpad(i::text, 8, '0'),
               'Pending' || i, 'e@example.sa', 'x', 'ar', now() - (i % 7200) * interval '1 s',
               now() + interval '30 min' - (i % 7200) * interval '1 s'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO code_challenges (id, purpose, flow_id, mobile, code_hmac, attempts,
                                    created_at, expires_at)
        SELECT md5('c' || i), 'sign_in', i || '.' || md5('f' || i),
               '+9665' || lpad(i::text, 8, '0'), md5(i::text), 0,
               now() - (i % 7200) * interval '1 s',
               now() + interval '5 min' - (i % 7200) * interval '1 s'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO recovery_flows (id, account_id, step, without_visual_code, created_at,
                                   expires_at)
        SELECT md5('r' || i), i, 'code', false, now() - (i % 7200) * interval '1 s',
               now() + interval '15 min' - (i % 7200) * interval '1 s'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO spent_tokens (token_id, expires_at)
        SELECT md5('t' || i), now() + interval '10 min' + (i % 600) * interval '1 s'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO sms_budgets (scope, window_start, used)
        SELECT 'number:+9665' || lpad(i::text, 8, '0'),
               date_trunc('hour', now()) - (i % 2) * interval '1 hour', 1
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO api_requests (id, client_code, reference, body_digest, status_code,
                                 response, created_at)
        SELECT i, 'RJHI', 'ref-' || i, md5(i::text), 202, '{{}}',
               now() - (i % 2500000) * interval '1 s'
        FROM generate_series(1, {ROWS}) AS i""",
    # Code messages older than ten minutes are redacted already; notices were all sent.
    f"""INSERT INTO sms_messages (id, "to", body, purpose, status, attempts, retryable,
                                 created_at, sent_at)
        SELECT i, '+9665' || lpad(i::text, 8, '0'),
               CASE WHEN i % 2 = 0 THEN '{retention.REDACTED}' ELSE 'Absher: notice' END,
               CASE WHEN i % 2 = 0 THEN 'sign_in_code' ELSE 'lock_notice' END,
               'sent', 1, i % 2 = 1, now() - interval '1 hour' - i * interval '1 minute',
               now() - interval '1 hour' - i * interval '1 minute'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO audit_events (id, account_id, kind, client_address, detail, created_at)
        SELECT i, i, 'signed_in', '192.0.2.1', '{{}}', now() - i * interval '5 minutes'
        FROM generate_series(1, {ROWS}) AS i""",
    # Activations done long ago, each with its own bank reference.
    f"""INSERT INTO activations (id, account_id, channel, status, requested_at, effective_at,
                                completed_at, client_code, terminal_id, reference)
        SELECT i, i, 'atm', 'done', now() - i * interval '10 minutes',
               now() - i * interval '10 minutes' + interval '2 days',
               now() - i * interval '10 minutes' + interval '2 days', 'RJHI', 'ATM1',
               'act-' || i
        FROM generate_series(1, {ROWS}) AS i
        WHERE now() - i * interval '10 minutes' + interval '2 days' < now()""",
    # Bills of nine and a half years (one every 50 minutes: none past keeping), four banks:
    # nearly all paid and carried on, one in a thousand being refunded (not yet due), and
    # in the last two years one in 997 unpaid and long expired.
    f"""INSERT INTO bills (id, number, service, request_key, details, account_id,
                          beneficiary_id, amount, vat, status, created_at, expires_at,
                          changed_at, paid_at, bank_code, bank_reference, fulfilled_at,
                          fulfil_attempts, refund_requested_at, refund_reason,
                          refund_attempts, refund_next_at)
        SELECT i, '5' || lpad(i::text, 12, '0'), 'visa_extension', 'request-' || i, '{{}}',
               i, '1' || lpad(i::text, 9, '0'), 10000, 0,
               CASE WHEN i % 1000 = 0 THEN 'refunding'
                    WHEN i % 997 = 0 AND i < 20000 THEN 'unpaid'
                    ELSE 'paid' END,
               now() - i * interval '50 minutes',
               now() - i * interval '50 minutes' + interval '3 days',
               now() - i * interval '50 minutes',
               CASE WHEN i % 997 <> 0 OR i >= 20000 OR i % 1000 = 0
                    THEN now() - i * interval '50 minutes' + interval '5 minutes' END,
               CASE WHEN i % 997 <> 0 OR i >= 20000 OR i % 1000 = 0
                    THEN (ARRAY['RJHI', 'NCBK', 'SABB', 'ALRA'])[i % 4 + 1] END,
               CASE WHEN i % 997 <> 0 OR i >= 20000 OR i % 1000 = 0 THEN 'PAY-' || i END,
               CASE WHEN i % 997 <> 0 OR i >= 20000 OR i % 1000 = 0
                    THEN now() - i * interval '50 minutes' + interval '6 minutes' END,
               0,
               CASE WHEN i % 1000 = 0 THEN now() END,
               CASE WHEN i % 1000 = 0 THEN 'cancelled' END, 0,
               CASE WHEN i % 1000 = 0 THEN now() + interval '1 hour' END
        FROM generate_series(1, {ROWS}) AS i""",
    # The inbox: 100,000 messages, one account in a hundred with unread ones (a thousand of
    # them for account 7, past the header's 99+).
    f"""INSERT INTO inbox_messages (id, public_id, account_id, topic, body, language, link,
                                   created_at, read_at)
        SELECT i, left(md5('m' || i), 16), CASE WHEN i <= 1000 THEN 7 ELSE i END, 'passport_notice',
               'Absher: notice', 'ar', 'passports.page', now() - i * interval '1 minute',
               CASE WHEN i <= 1000 OR i % 100 = 0 THEN NULL ELSE now() END
        FROM generate_series(1, {ROWS}) AS i""",
    # Signed-in sessions: one live and one signed out per account, for a tenth of them.
    f"""INSERT INTO device_sessions (id, public_id, account_id, device, browser,
                                    first_of_device, new_device, created_at, last_seen_at,
                                    signed_out_at)
        SELECT md5('d' || i) || md5('e' || i), left(md5('p' || i), 22), i % {PEOPLE // 10} + 1,
               'iphone', 'safari', i <= {PEOPLE // 10}, false,
               now() - (i % 600) * interval '1 minute', now() - (i % 600) * interval '1 minute',
               CASE WHEN i > {PEOPLE // 10} THEN now() - interval '1 hour' END
        FROM generate_series(1, {PEOPLE // 5}) AS i""",
    # The sequences carry on after the filled ids.
    *serial_sequences_follow("accounts", "staff_users", "api_requests", "sms_messages",
                             "audit_events", "activations", "security_answers", "bills",
                             "inbox_messages"),
]


@pytest.fixture(scope="module")
def filled() -> Iterator:
    with filled_app("absher_plans", FILL) as app:
        yield app


@pytest.fixture
def context(filled):
    with filled.test_request_context("/ar/"):
        yield filled
        db.session.rollback()


@pytest.mark.parametrize("identifier", ["Person0012345", "Nobody0000001", "person0012345",
                                        "1000012345", "1999999999"])
def test_sign_in_by_username_or_id_is_a_lookup(context, identifier):
    with statements_sent(context) as sent:
        found = signin.find_account(db.session, identifier)
    assert (found is not None) == (identifier in ("Person0012345", "1000012345"))
    assert_only_index_lookups(sent)


@pytest.mark.parametrize("username", ["officer12345", "nobody"])
def test_an_officers_sign_in_is_a_lookup(context, username):
    with statements_sent(context) as sent:
        staff.find_officer(db.session, username)
    assert_only_index_lookups(sent)


def test_the_registration_checks_are_lookups(context):
    free_id = fresh_national_id("2")
    db.session.execute(text(
        "INSERT INTO people (national_id, kind, name_ar, name_en, birth_date, nationality, "
        "id_expiry, city, district) VALUES (:id, 'resident', 'س', 'S', DATE '1990-01-01', "
        "'EGY', DATE '2031-01-01', 'RUH', 'D1')"), {"id": free_id})
    with statements_sent(context) as sent:
        taken = registration.availability_problems(db.session, "1000012345", "+966500012345",
                                                   "PERSON0012345")
        free = registration.availability_problems(db.session, free_id, "+966599999999",
                                                  "Newcomer2026")
    assert free == {}
    assert set(taken) == {"national_id", "mobile", "username"}
    assert_only_index_lookups(sent)


def test_recovery_start_is_a_lookup(context):
    with statements_sent(context) as sent:
        outcome = recovery.start(db.session, current_policies(), "1000012345", "0500012345",
                                 utcnow(), without_visual_code=False)
        missed = recovery.start(db.session, current_policies(), "1000012345", "0500012346",
                                utcnow(), without_visual_code=False)
    assert outcome.flow is not None and missed.flow is None
    assert_only_index_lookups(sent)


def test_code_challenges_and_budgets_are_lookups(context):
    policy = current_policies().codes
    with statements_sent(context) as sent:
        assert otp.latest_challenge(db.session, CodePurpose.SIGN_IN, "123.unknown") is None
        assert otp.seconds_until_resend(db.session, CodePurpose.SIGN_IN,
                                        f"77.{_md5('f77')}", utcnow()) >= 0
        taken, refusal = otp.take_budgets(db.session, policy, "+966500000077", "1000000077",
                                          utcnow())
        otp.give_back(db.session, taken, utcnow())
        otp.check_code(db.session, policy, CodePurpose.SIGN_IN, f"77.{_md5('f77')}", "123456",
                       utcnow())
    assert refusal is None
    assert_only_index_lookups(sent)


def test_the_runners_due_query_is_a_lookup(context):
    now = utcnow()
    # Two ATM activations whose two days are up, among 100,000 done long ago.
    for account_id in (5, 6):
        db.session.execute(text(
            "UPDATE accounts SET activation_state = 'pending' WHERE id = :id"), {"id": account_id})
        db.session.execute(text(
            "INSERT INTO activations (account_id, channel, status, requested_at, effective_at, "
            "client_code, terminal_id, reference) VALUES (:id, 'atm', 'pending', :at, :at, "
            "'RJHI', 'ATM1', :ref)"),
            {"id": account_id, "at": now - timedelta(days=2), "ref": f"due-{account_id}"})
    db.session.commit()
    settings = activation.Settings.from_config(context.config)
    with statements_sent(context) as sent:
        report = activation.run_due(db.transaction, settings, now)
    assert report.activated == 2
    assert_only_index_lookups(sent)


def test_each_signed_in_request_and_the_devices_and_activity_pages_are_lookups(context):
    from absher_web.models import Account
    from absher_web.services import activity, devices

    account = db.session.get(Account, 1234)
    now = utcnow()
    with statements_sent(context) as sent:
        assert devices.signed_in(db.session, "1234", "token", "no such secret") is None
        devices.live(db.session, account, now, timedelta(minutes=15), timedelta(hours=12),
                     timedelta(minutes=5))
        events, cursor = activity.page(db.session, 1234, activity.Filters("sign_ins"), None, 20)
        activity.page(db.session, 1234, activity.Filters(
            "services", now.date() - timedelta(days=30), now.date()),
            activity.Cursor(now, 2**31 - 1), 20)
        devices.open_session(db.session, account, "Firefox/128.0", None, now, None)
        devices.end_all(db.session, 1234, now)
    db.session.rollback()
    assert_only_index_lookups(sent)


def test_the_purge_is_lookups(context):
    policy = retention.RetentionPolicy.from_config(context.config)
    with statements_sent(context) as sent:
        retention.purge(db.transaction, policy, utcnow())
    assert_only_index_lookups(sent)


def test_the_bill_jobs_and_the_waiting_work_are_lookups(context):
    cipher = api_clients.cipher_from_config(context.config)
    with statements_sent(context) as sent:
        report = bill_jobs.run(db.transaction, utcnow(), cipher, 1)
        with db.transaction() as session:
            waiting = bill_jobs.waiting(session)
            bill_jobs.stuck(session)
    assert report.expired == 20000 // 997
    assert waiting.refunds["no_refund_url"] == ROWS // 1000
    assert_only_index_lookups(sent)


def test_a_days_reconciliation_reads_that_days_payments_only(context, tmp_path):
    day = (utcnow() - timedelta(days=400)).astimezone(reconciliation.RIYADH).date()
    statement = tmp_path / "statement.csv"
    statement.write_text("bill,amount,reference,time\n")
    with statements_sent(context) as sent:
        report = reconciliation.reconcile(db.transaction, statement, "RJHI",
                                          lambda _line: None, day)
    assert 5 <= report.paid_here <= 9  # 29 payments a day, a quarter of them this bank's
    assert_only_index_lookups(sent)


def _md5(value: str) -> str:
    import hashlib

    return hashlib.md5(value.encode()).hexdigest()


def test_the_inbox_count_pages_and_reads_are_lookups(context):
    from absher_web.services import inbox

    with statements_sent(context) as sent:
        assert inbox.unread_count(db.session, 7) == inbox.UNREAD_SHOWN_MAX + 1
        first = inbox.page_of(db.session, 7, 20)
        later = inbox.page_of(db.session, 7, 20, first.older)
        assert len(later.messages) == 20
        assert inbox.own(db.session, 7, later.messages[0].public_id) is not None
        assert inbox.mark_read(db.session, later.messages[0], utcnow())
        inbox.page_of(db.session, 50_000, 20)
        inbox.unread_count(db.session, 50_000)
    assert_only_index_lookups(sent)
