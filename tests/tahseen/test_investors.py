"""Foreign investor services: `flask absher import investors FILE` (every bad row named by
its line and column, a later row replacing a licence), the demo's investors, and the page:
a visitor asked to sign in, a holder with no licence, a valid one, an expired one, each with
what to do and the services that apply; the export of the holder's licences."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from absher_web.agencies import investors as registry
from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.agencies.investors import InvestorEntry
from absher_web.dates import local_today
from absher_web.extensions import db
from absher_web.models import Account, ActivationState, InvestorLicence, InvestorLicenceKind
from absher_web.services import investors
from tests.account.conftest import Citizen
from tests.pages import parse

FAMILY = Path(__file__).parent.parent / "family"
HEADER = "licence_number,person_id,kind,activity,expires_on"
RESIDENT, OTHER_RESIDENT = "2900000015", "2900000023"
PAGE = "/{lang}/account/investor"


def absher(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def write(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "investors.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def stored(session) -> dict[str, InvestorLicence]:
    session.rollback()  # see what the command committed
    return {r.licence_number: r for r in session.scalars(select(InvestorLicence))}


@pytest.fixture
def people(app):
    result = absher(app, "import", "registry", str(FAMILY / "people.csv"))
    assert result.exit_code == 0, result.output


def test_licences_are_imported_and_a_later_row_replaces_one(app, people, session, tmp_path):
    result = absher(app, "import", "investors", write(
        tmp_path, f"MISA-2024-000153,{RESIDENT},services,تقنية المعلومات,2027-03-01",
        f"misa-2025-000007,{OTHER_RESIDENT},Trading,\"Wholesale, retail\",2026-01-01"))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    found = stored(session)
    assert found["MISA-2024-000153"].kind is InvestorLicenceKind.SERVICES
    assert found["MISA-2025-000007"].activity == "Wholesale, retail"
    result = absher(app, "import-investors", write(
        tmp_path, f"MISA-2025-000007,{OTHER_RESIDENT},trading,Wholesale,2028-01-01"))
    assert result.exit_code == 0 and "1 updated" in result.output, result.output
    assert stored(session)["MISA-2025-000007"].expires_on.year == 2028


def test_every_bad_row_is_named_by_line_and_column(app, people, session, tmp_path):
    result = absher(app, "import", "investors", write(
        tmp_path,
        f"M1,{RESIDENT},services,IT,2027-01-01",
        "MISA-1,2900000010,services,IT,2027-01-01",
        f"MISA-2,{RESIDENT},mining,IT,2027-01-01",
        f"MISA-3,{RESIDENT},services,,2027-01-01",
        f"MISA-4,{RESIDENT},services,IT,01/01/2027",
        f"MISA-5,{RESIDENT},services,{'x' * 201},2027-01-01",
        f"MISA-6,{RESIDENT},services,bad\u202etext,2027-01-01",
        "MISA-7,2900000049,services,IT,2027-01-01"))
    assert result.exit_code == 1
    errors = result.stderr
    assert "row 2" in errors and "licence_number 'M1'" in errors
    assert "row 3" in errors and "not a valid ID or iqama number" in errors
    assert "row 4" in errors and "kind 'mining'" in errors
    assert "row 5" in errors and "activity is empty" in errors
    assert "row 6" in errors and "expires_on '01/01/2027'" in errors
    assert "row 7" in errors and "longer than 200" in errors
    assert "row 8" in errors and "control or formatting" in errors
    assert "not in the civil registry" in errors
    assert stored(session) == {}


def test_one_command_lists_the_investors_source(app):
    help_text = "".join(absher(app, "import", "--help").output.split())
    assert "investors" in help_text


def test_seed_demo_gives_the_demo_resident_a_valid_licence(app, session):
    result = absher(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "investment licences" in result.output
    found = {r.person_id: r for r in stored(session).values()}
    today = local_today()
    assert registry.is_valid(found[DEMO_IDS[2]], today)
    assert sorted(registry.is_valid(r, today) for r in found.values()) == [False, True]
    assert absher(app, "seed-demo").exit_code == 0
    assert session.scalar(select(func.count()).select_from(InvestorLicence)) == 2


def give_licence(app, national_id: str, days: int, number: str = "MISA-2025-000101") -> None:
    with app.app_context(), db.transaction() as session:
        registry.import_licences(session, [InvestorEntry(
            number, national_id, InvestorLicenceKind.INDUSTRIAL, "صناعة الأغذية",
            local_today() + timedelta(days=days))])


@pytest.fixture
def investor(client, make_account, sms_outbox) -> Citizen:
    found = Citizen(client, make_account(first_digit="2", state=ActivationState.ACTIVE),
                    sms_outbox)
    found.sign_in()
    return found


def main_text(response) -> str:
    return parse(response).find("main").get_text(" ", strip=True)


def test_a_visitor_reads_what_the_service_is_and_signs_in(client):
    for lang in ("en", "ar"):
        response = client.get(PAGE.format(lang=lang))
        assert response.status_code == 200
        assert parse(response).find("a", href=f"/{lang}/individuals/login") is not None
    assert "Ministry of Investment" in main_text(client.get(PAGE.format(lang="en")))


def test_a_holder_without_a_licence_is_told_what_to_do(investor):
    text = main_text(investor.client.get(PAGE.format(lang="en")))
    assert "has no investment licence in your name" in text
    assert "Services for you" not in text


def test_a_valid_licence_opens_the_services_that_apply(app, investor):
    give_licence(app, investor.account.national_id, 200)
    page = parse(investor.client.get(PAGE.format(lang="en")))
    text = page.find("main").get_text(" ", strip=True)
    assert "You hold a valid investment licence" in text and "MISA-2025-000101" in text
    links = {a["href"] for a in page.select("main .service-list a")}
    assert "/en/account/eservices/residency" in links or any(
        "residency" in link for link in links)
    assert "/en/account/family" in links
    for link in links:
        assert investor.client.get(link).status_code in (200, 303), link


def test_an_expired_licence_says_to_renew_it(app, investor):
    give_licence(app, investor.account.national_id, 200, number="MISA-2020-000001")
    give_licence(app, investor.account.national_id, -10, number="MISA-2019-000001")
    assert "valid investment licence" in main_text(investor.client.get(PAGE.format(lang="en")))
    with app.app_context():
        db.session.execute(InvestorLicence.__table__.delete().where(
            InvestorLicence.licence_number == "MISA-2020-000001"))
        db.session.commit()
    text = main_text(investor.client.get(PAGE.format(lang="ar")))
    assert "MISA-2019-000001" in text
    text = main_text(investor.client.get(PAGE.format(lang="en")))
    assert "expired on" in text and "Renew it with the Ministry of Investment" in text


def test_an_account_not_yet_active_is_asked_to_activate(client, make_account, sms_outbox):
    holder = Citizen(client, make_account(first_digit="2"), sms_outbox)
    holder.sign_in()
    assert "Once your account is activated" in main_text(client.get(PAGE.format(lang="en")))


def test_the_export_lists_the_holders_licences(app, investor):
    give_licence(app, investor.account.national_id, 200)
    with app.test_request_context("/en/"):
        account = db.session.get(Account, investor.account.id)
        exported = investors.for_export(db.session, account)
    assert exported == [{
        "section": "investor_licences", "licence_number": "MISA-2025-000101",
        "kind": "industrial", "kind_name": "Industrial", "activity": "صناعة الأغذية",
        "expires_on": (local_today() + timedelta(days=200)).isoformat()}]
