"""The e-services, bills, family, sale offers, inbox, officer queues and /verify stay index
lookups at scale: PostgreSQL's own plans say so.

Every table that grows with the holders is filled with 100,000 rows (generate_series) and
ANALYZEd; then a holder signs in through the test client and opens each e-service's page
(and its enquiry), My family, Payments (each group), My requests, Documents, the inbox; a
bank sends a payment notice; each officer role signs in and opens its queues (Tahseen's
too); /verify checks an issued document. PostgreSQL's plan of every statement those
requests sent must be index lookups (tests/query_plans.py says how that is judged).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from absher_web.extensions import db
from absher_web.models import Account, ApiClientKind, Bill, StaffUser, utcnow
from absher_web.passwords import hash_password
from absher_web.services import bills, issued_documents, requests, staff
from tests.account.conftest import Citizen, csrf_of
from tests.activation.conftest import add_caller
from tests.conftest import PASSWORD, POSTGRES_URL, SmsOutbox
from tests.query_plans import (
    assert_only_index_lookups,
    filled_app,
    serial_sequences_follow,
    statements_sent,
)
from tests.staff.conftest import OFFICER_PASSWORD, Console

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs ABSHER_TEST_DATABASE_URL (PostgreSQL)"),
]

ROWS = 100_000  # people, accounts and every table that grows with them
HOLDER = 4242  # an account among them: their vehicle, bills, family, requests are rows i
CITIES = "ARRAY['الرياض', 'جدة', 'مكة المكرمة', 'المدينة المنورة', 'الدمام']"
CITY = "الرياض"
# The services that bill and those whose requests officers decide (bills.SERVICES and
# requests.KINDS once the app is made).
BILLED = ["birth_registration", "decorum_fine", "exit_reentry_extension", "exit_reentry_visa",
          "iqama_renewal", "passport", "premium_visit_visa", "traffic_violation",
          "vehicle_sale", "visa_extension"]
# A page reads at most this many rows in any step: a list of 100, a count capped at 1,000.
PAGE_ROWS = 1000
SERVICES = ["birth_registration", "decorum_objection", "family_record_marriage",
            "family_record_mother", "job_application", "passport", "premium_visit_visa"]


def person_id(i: str) -> str:
    return f"'1' || lpad(({i})::text, 9, '0')"


FILL = [
    f"""INSERT INTO people (national_id, kind, name_ar, name_en, birth_date, nationality,
                           id_expiry, city, district)
        SELECT {person_id('i')}, 'citizen', 'سارة', 'Sarah',
               DATE '1960-01-01' + i * interval '3 hours', 'SAU', DATE '2031-01-01',
               ({CITIES})[i % 5 + 1], 'العليا'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO accounts (id, national_id, username, mobile, email, password_hash,
                             preferred_language, activation_state, session_token,
                             consecutive_failures, lockouts, failures_since_recovery,
                             recovery_wrong_answers, created_at)
        SELECT i, {person_id('i')}, 'Person' || lpad(i::text, 7, '0'),
               '+9665' || lpad(i::text, 8, '0'), 'p' || i || '@example.sa', 'x', 'en',
               'active', md5(i::text), 0, 0, 0, 0, now() - i * interval '1 minute'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO security_answers (account_id, question_key, answer_hash, created_at)
        SELECT i, q, 'x', now() FROM generate_series(1, {ROWS}) AS i,
               unnest(ARRAY['first_school', 'childhood_street', 'first_car']) AS q""",
    f"""INSERT INTO staff_users (id, username, full_name, office, password_hash, session_token,
                                is_active, consecutive_failures, lockouts, created_at, roles,
                                city)
        SELECT i, 'officer' || i, 'Officer', 'Office', 'x', md5(i::text), true, 0, 0, now(),
               json_build_array((ARRAY{list(staff.ROLES)})[i % {len(staff.ROLES)} + 1]),
               ({CITIES})[i % 5 + 1]
        FROM generate_series(1, 20000) AS i""",
    f"""INSERT INTO vehicles (id, plate_country, plate_letters, plate_number, make, model, year,
                             colour, owner_id, usage, registration_expiry, inspection_expiry)
        SELECT i, 'SAU', chr(65 + i / 9999) || 'BJ', (i % 9999 + 1)::text,
               'Toyota', 'Camry', 2020, 'white', {person_id('i')}, 'private',
               DATE '2030-01-01', DATE '2030-01-01'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO traffic_violations (id, reference, vehicle_id, kind, amount, committed_on,
                                       place, status)
        SELECT i, 'TV' || i, i, 'speeding', 300, DATE '2024-01-01', 'الرياض',
               CASE WHEN i % 10 = 0 THEN 'unpaid' ELSE 'paid' END
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO sponsorships (id, sponsor_id, person_id, name_ar, name_en, kind,
                                 nationality, permit_expiry)
        SELECT i, {person_id('i')}, '2' || lpad(i::text, 9, '0'), 'عامل', 'Worker',
               (ARRAY['domestic_worker', 'worker', 'visitor'])[i % 3 + 1], 'IND',
               DATE '2030-01-01'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO passports (id, person_id, number, issuing_country, issued_on, expires_on,
                              status)
        SELECT i, {person_id('i')}, 'A' || lpad(i::text, 8, '0'), 'SAU', DATE '2022-01-01',
               DATE '2032-01-01', 'valid'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO parent_links (id, parent_id, child_id, relation, child_sex)
        SELECT i, {person_id('i')}, {person_id(f'i % {ROWS} + 1')}, 'father', 'male'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO marriages (id, husband_id, wife_id, married_on)
        SELECT i, {person_id('i')}, {person_id(f'(i + {ROWS // 2}) % {ROWS} + 1')},
               DATE '2010-01-01'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO custodies (id, child_id, custodian_id, since)
        SELECT i, {person_id(f'i % {ROWS} + 1')}, {person_id('i')}, DATE '2015-01-01'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO bills (id, number, service, request_key, details, account_id,
                          beneficiary_id, amount, vat, status, created_at, expires_at,
                          changed_at, paid_at, bank_code, bank_reference, fulfilled_at,
                          fulfil_attempts, refund_attempts)
        SELECT i, '5' || lpad(i::text, 12, '0'),
               (ARRAY{BILLED})[i % {len(BILLED)} + 1], 'request-' || i,
               '{{}}', i % {ROWS // 10} + 1, {person_id(f'i % {ROWS // 10} + 1')}, 10000, 0,
               'paid', now() - i * interval '50 minutes', now() - i * interval '50 minutes'
               + interval '3 days', now() - i * interval '50 minutes',
               now() - i * interval '50 minutes', (ARRAY['RJHI', 'NCBK'])[i % 2 + 1],
               'PAY-' || i, now() - i * interval '50 minutes', 0, 0
        FROM generate_series(1, {ROWS}) AS i""",
    # Family records: each person heads one, their wife (the marriage's) is its member.
    f"""INSERT INTO family_records (id, number, head_id, kind, marriage_id, issued_at)
        SELECT i, '9' || lpad(i::text, 10, '0'), {person_id('i')}, 'marriage', i,
               now() - i * interval '1 hour'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO family_record_members (id, record_id, person_id, relation)
        SELECT i, i, {person_id(f'(i + {ROWS // 2}) % {ROWS} + 1')}, 'wife'
        FROM generate_series(1, {ROWS}) AS i""",
    # Requests: one in four waits for an officer (5,000 in each city, thousands a queue,
    # as a city of a national-size registry has), spread over the cities and services.
    f"""INSERT INTO service_requests (id, number, service, request_key, account_id,
                                     beneficiary_id, status, office_city, details, created_at,
                                     changed_at)
        SELECT i, lpad(i::text, 10, '0'), (ARRAY{SERVICES})[i % {len(SERVICES)} + 1],
               'key-' || i, i % {ROWS // 10} + 1, {person_id(f'i % {ROWS // 10} + 1')},
               CASE WHEN i % 4 = 0 THEN 'under_review'
                    WHEN i % 20 = 1 THEN 'approved' ELSE 'delivered' END,
               ({CITIES})[i / 7 % 5 + 1], '{{}}', now() - i * interval '1 minute',
               now() - i * interval '1 minute'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO inbox_messages (id, public_id, account_id, topic, body, language, link,
                                   created_at, read_at)
        SELECT i, left(md5('m' || i), 16), i % {ROWS // 10} + 1, 'passport_notice',
               'Absher: notice', 'en', 'passports.page', now() - i * interval '1 minute',
               CASE WHEN i % 100 = 0 THEN NULL ELSE now() END
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO vehicle_sales (id, vehicle_id, seller_account_id, buyer_account_id, price,
                                  seller_iban, status, created_at, changed_at, answer_by,
                                  payout_attempts)
        SELECT i, i, i, i % {ROWS} + 1, 5000000, 'SA0380000000608010167519', 'completed',
               now() - i * interval '1 hour', now() - i * interval '1 hour',
               now() - i * interval '1 hour' + interval '3 days', 0
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO driving_authorisations (id, vehicle_id, owner_account_id, driver_account_id,
                                           starts_on, ends_on, status, created_at)
        SELECT i, i, i, i % {ROWS} + 1, DATE '2024-01-01', DATE '2030-01-01', 'accepted',
               now() - i * interval '1 hour'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO issued_documents (id, number, kind, source, account_id, facts, issued_at)
        SELECT i, lpad(i::text, 16, '0'), 'payment_receipt', i::text, i % {ROWS // 10} + 1,
               '[]', now() - i * interval '1 hour'
        FROM generate_series(1, {ROWS}) AS i""",
    f"""INSERT INTO decorum_violations (id, number, national_id, article, repeat, fine, city, place,
                                       occurred_at, recorded_at, recorded_by, status,
                                       changed_at)
        SELECT i, 'DV' || i, {person_id('i')}, '1', false, 100, ({CITIES})[i % 5 + 1], 'سوق',
               now() - i * interval '1 hour', now() - i * interval '1 hour', 1,
               CASE WHEN i % 20 = 0 THEN 'objected' ELSE 'paid' END,
               now() - i * interval '1 hour'
        FROM generate_series(1, {ROWS}) AS i""",
    # Tahseen tickets: one in four open (5,000 waiting in each city), as the queues' requests.
    f"""INSERT INTO tahseen_tickets (id, number, account_id, kind, topic, text, status,
                                    office_city, created_at, changed_at)
        SELECT i, lpad(i::text, 12, '0'), i % {ROWS // 10} + 1, 'question', 'national_id',
               'When is my card ready?', CASE WHEN i % 4 = 0 THEN 'open' ELSE 'answered' END,
               ({CITIES})[i / 7 % 5 + 1], now() - i * interval '1 minute',
               now() - i * interval '1 minute'
        FROM generate_series(1, {ROWS}) AS i""",
    *serial_sequences_follow("accounts", "staff_users", "security_answers", "vehicles",
                             "traffic_violations", "sponsorships", "passports", "parent_links",
                             "marriages", "custodies", "bills", "service_requests",
                             "inbox_messages", "vehicle_sales", "family_records",
                             "family_record_members", "driving_authorisations",
                             "issued_documents", "decorum_violations", "tahseen_tickets"),
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Iterator:
    sms_file = tmp_path_factory.mktemp("sms") / "sms.jsonl"
    with filled_app("absher_service_plans", FILL, SMS_FILE=str(sms_file)) as app:
        with app.app_context():
            add_holder_and_officers(app)
        app.extensions["sms_outbox"] = SmsOutbox(str(sms_file))
        yield app


def add_holder_and_officers(app) -> None:
    """The holder's password, and an officer of each role (Riyadh's where a role has a
    city), added as the site does."""
    # The site's own services (other test modules register services named "…test…").
    assert sorted(name for name in bills.SERVICES if "test" not in name) == BILLED
    assert sorted(name for name in requests.KINDS if "test" not in name) == SERVICES
    rounds = app.config["BCRYPT_ROUNDS"]
    db.session.execute(text("UPDATE accounts SET password_hash = :hash WHERE id = :id"),
                       {"hash": hash_password(PASSWORD, rounds), "id": HOLDER})
    for role in staff.ROLES:
        staff.create_officer(db.session, f"plans.{role}", "Officer", "Office",
                             OFFICER_PASSWORD, rounds, utcnow(), roles=(role,),
                             city=CITY if role in staff.CITY_ROLES or role == staff.PASSPORTS
                             else None)
    db.session.commit()


@pytest.fixture(scope="module")
def holder(filled):
    """The holder's browser, signed in once for the module."""
    with filled.app_context():
        account = db.session.get(Account, HOLDER)
    citizen = Citizen(filled.test_client(), account, filled.extensions["sms_outbox"])
    citizen.sign_in()
    return citizen


def opened(app, client, paths: list[str]) -> list[tuple[str, dict]]:
    """The statements sent while the client GETs each path (each must answer 200)."""
    with statements_sent(app) as sent:
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code,
                                                  response.get_data(as_text=True)[:300])
    return sent


PAGES = ["services/vehicles", "services/foreign-vehicle-violations",
         "services/driving-authorisations", "services/vehicle-sale",
         "services/workers-and-visitors", "services/health-insurance",
         "services/visit-visa-extension", "services/domestic-worker-absence",
         "services/residency-and-visas", "services/fingerprint"]


@pytest.mark.parametrize("page", PAGES)
def test_each_eservice_page_is_lookups(filled, holder, page):
    sent = opened(filled, holder.client, [f"/en/account/{page}"])
    assert_only_index_lookups(sent, filled, PAGE_ROWS)


# The enquiries that ask nothing but the holder's own records, and the foreign plate's.
ENQUIRIES = {"services/vehicles": {}, "services/workers-and-visitors": {},
             "services/health-insurance": {}, "services/fingerprint": {},
             "services/foreign-vehicle-violations": {"country": "ARE", "plate": "ABC123"}}


@pytest.mark.parametrize("page", ENQUIRIES)
def test_each_enquiry_is_lookups(filled, holder, page):
    form = holder.client.get(f"/en/account/{page}")
    with statements_sent(filled) as sent:
        answer = holder.client.post(f"/en/account/{page}", data={
            "csrf_token": csrf_of(form), **ENQUIRIES[page]})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert_only_index_lookups(sent, filled, PAGE_ROWS)


def test_family_payments_requests_documents_and_the_inbox_are_lookups(filled, holder):
    sent = opened(filled, holder.client, [
        "/en/account/", "/en/account/family", "/en/account/payments",
        *[f"/en/account/payments/{group}"
          for group in ("unpaid", "paid", "refunds", "expired", "cancelled")],
        "/en/account/requests", "/en/account/documents", "/en/account/inbox",
        "/en/account/passports", "/en/account/decorum-violations"])
    assert_only_index_lookups(sent, filled, PAGE_ROWS)


def test_a_banks_payment_notice_is_lookups(filled):
    bank = add_caller(filled, "RJHI", ApiClientKind.BANK)
    with filled.app_context():
        bill = bills.issue(db.session, service="traffic_violation", request_key="plans-bill",
                           account=db.session.get(Account, HOLDER),
                           beneficiary_id=f"1{HOLDER:09d}", amount=30000, now=utcnow(),
                           lifetime=timedelta(days=3))
        db.session.commit()
        body = {"bill_number": bill.number, "amount": bill.amount, "bank_code": "RJHI",
                "reference": "FT-PLANS-1", "paid_at": utcnow().isoformat(timespec="seconds")}
    with statements_sent(filled) as sent:
        response = bank.send(body, "/api/v1/bill-payments")
    assert response.status_code in (200, 202), response.get_data(as_text=True)
    assert_only_index_lookups(sent, filled, PAGE_ROWS)


def test_verify_finds_an_issued_document(filled):
    with filled.test_request_context():
        number = issued_documents.issue(db.session, issued_documents.Kind.PAYMENT,
                                        db.session.scalar(select(Bill.id).limit(1)), [],
                                        utcnow(), HOLDER).number
        db.session.commit()
    sent = opened(filled, filled.test_client(), [f"/en/verify/{number}",
                                                 f"/en/verify?number={number}"])
    assert_only_index_lookups(sent, filled, PAGE_ROWS)


@pytest.mark.parametrize("role, page", [
    (staff.PASSPORTS, "passports"), (staff.PASSPORTS, "passports/requests"),
    (staff.CIVIL_AFFAIRS, "civil-affairs"), (staff.RECRUITER, "recruitment"),
    (staff.DECORUM_OFFICER, "decorum/record"),
    (staff.OBJECTIONS_COMMITTEE, "decorum-objections"), (staff.CIVIL_AFFAIRS, "tahseen")])
def test_each_officer_queue_is_lookups(filled, role, page):
    console = Console(filled.test_client(), StaffUser(username=f"plans.{role}"))
    console.sign_in()
    sent = opened(filled, console.client, [f"/en/staff/{page}"])
    assert_only_index_lookups(sent, filled, PAGE_ROWS)
