"""`flask absher import premium-residencies FILE`: each holder's Premium Residency, every bad
row named by its line and column, a later import replacing a holder's record; the demo's
holders; migration 0021's table."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from absher_web.agencies import premium_residencies
from absher_web.agencies.civil_registry import DEMO_IDS
from absher_web.dates import local_today
from absher_web.models import PremiumKind, PremiumResidency, PremiumStatus

FAMILY = Path(__file__).parent.parent / "family"
HEADER = "person_id,certificate_number,kind,issued_on,expires_on,status"
RESIDENT, OTHER_RESIDENT, CITIZEN = "2900000015", "2900000023", "1900000017"


def absher(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def write(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "premium.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def stored(session) -> dict[str, PremiumResidency]:
    session.rollback()  # see what the command committed
    return {r.person_id: r for r in session.scalars(select(PremiumResidency))}


@pytest.fixture
def people(app):
    result = absher(app, "import", "registry", str(FAMILY / "people.csv"))
    assert result.exit_code == 0, result.output


def test_holders_are_imported_and_a_later_row_replaces_the_record(app, people, session,
                                                                   tmp_path):
    result = absher(app, "import", "premium-residencies", write(
        tmp_path, f"{RESIDENT},PR-2024-000153,permanent,2024-03-01,,active",
        f"{OTHER_RESIDENT},pr-2025-000007,Limited,2025-06-01,2026-06-01,active"))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    found = stored(session)
    assert found[RESIDENT].kind is PremiumKind.PERMANENT and found[RESIDENT].expires_on is None
    assert found[OTHER_RESIDENT].certificate_number == "PR-2025-000007"
    result = absher(app, "import-premium-residencies", write(
        tmp_path, f"{OTHER_RESIDENT},PR-2025-000007,limited,2025-06-01,2027-06-01,cancelled"))
    assert result.exit_code == 0 and "1 updated" in result.output, result.output
    assert stored(session)[OTHER_RESIDENT].status is PremiumStatus.CANCELLED


def test_every_bad_row_is_named_and_nothing_is_imported(app, people, session, tmp_path):
    future = (local_today() + timedelta(days=3)).isoformat()
    result = absher(app, "import", "premium-residencies", write(
        tmp_path,
        f"{CITIZEN},P1,permanent,2024-01-01,,active",
        f"{RESIDENT},PR-2024-000153,golden,2024-01-01,,active",
        f"{RESIDENT},PR-2024-000154,permanent,2024-01-01,2030-01-01,active",
        f"{RESIDENT},PR-2024-000155,limited,2024-01-01,,active",
        f"{RESIDENT},PR-2024-000156,limited,{future},2030-01-01,paused",
        "2000000000,PR-2024-000157,permanent,2024-01-01,,active"))
    assert result.exit_code == 1
    errors = result.stderr
    assert "row 2" in errors and "not a valid iqama number" in errors
    assert "certificate_number 'P1'" in errors
    assert "kind 'golden'" in errors
    assert "expires_on must be empty for a permanent" in errors
    assert "a limited Premium Residency has an expiry" in errors
    assert "is in the future" in errors and "status 'paused'" in errors
    assert stored(session) == {}


def test_someone_not_in_the_registry_or_another_holders_certificate_is_refused(
        app, people, session, tmp_path):
    absher(app, "import", "premium-residencies",
           write(tmp_path, f"{RESIDENT},PR-2024-000153,permanent,2024-03-01,,active"))
    result = absher(app, "import", "premium-residencies", write(
        tmp_path, f"{OTHER_RESIDENT},PR-2024-000153,permanent,2024-03-01,,active",
        "2900000049,PR-2024-000999,permanent,2024-03-01,,active"))
    assert result.exit_code == 1
    assert f"the certificate of {RESIDENT}" in result.stderr
    assert "not in the civil registry" in result.stderr


def test_a_certificate_may_pass_to_another_holder_listed_before_its_old_one(
        app, people, session, tmp_path):
    absher(app, "import", "premium-residencies",
           write(tmp_path, f"{RESIDENT},PR-2024-000153,permanent,2024-03-01,,active"))
    # The certificate number is unique: the old holder's row must free it first.
    result = absher(app, "import", "premium-residencies", write(
        tmp_path, f"{OTHER_RESIDENT},PR-2024-000153,permanent,2024-03-01,,active",
        f"{RESIDENT},PR-2025-000200,permanent,2025-01-01,,active"))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated, 0 unchanged" in result.output
    found = stored(session)
    assert found[OTHER_RESIDENT].certificate_number == "PR-2024-000153"
    assert found[RESIDENT].certificate_number == "PR-2025-000200"


def test_two_holders_swapping_certificates_in_one_file_are_told_to_split_it(
        app, people, session, tmp_path):
    # Each row passes its checks (each certificate's holder is listed with another), but
    # the two cannot both be stored at once: a clear refusal, not a traceback.
    absher(app, "import", "premium-residencies", write(
        tmp_path, f"{RESIDENT},PR-2024-000153,permanent,2024-03-01,,active",
        f"{OTHER_RESIDENT},PR-2024-000999,permanent,2024-03-01,,active"))
    result = absher(app, "import", "premium-residencies", write(
        tmp_path, f"{RESIDENT},PR-2024-000999,permanent,2024-03-01,,active",
        f"{OTHER_RESIDENT},PR-2024-000153,permanent,2024-03-01,,active"))
    assert result.exit_code == 1
    assert "clash with each other or with stored records" in result.stderr
    assert "nothing was imported" in result.stderr and "Traceback" not in result.output
    found = stored(session)
    assert found[RESIDENT].certificate_number == "PR-2024-000153"
    assert found[OTHER_RESIDENT].certificate_number == "PR-2024-000999"


def test_seed_demo_gives_the_demo_resident_premium_residency(app, session):
    result = absher(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "Premium Residency holders" in result.output
    found = stored(session)
    assert found[DEMO_IDS[2]].kind is PremiumKind.PERMANENT
    today = local_today()
    validity = sorted(premium_residencies.is_valid(r, today) for r in found.values())
    assert validity == [False, True, True]
    again = absher(app, "seed-demo")
    assert again.exit_code == 0
    assert session.scalar(select(func.count()).select_from(PremiumResidency)) == 3
