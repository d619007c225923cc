"""`flask absher import visas FILE`: the Passports registry's visas (used ones known only
from it), every bad row named by line and column, one open visa a person; the demo's
visas; a visa imported as used frees its holder for a new one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from absher_web.dates import local_today
from absher_web.models import Visa, VisaStatus

HERE = Path(__file__).parent
HEADER = "number,person_id,kind,status,issued_on,valid_until"
RESIDENT = "2900000015"  # in tests/family/people.csv
NOT_IN_REGISTRY = "2900000999"


def absher(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args])


def write(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "visas.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def stored(session) -> list[Visa]:
    session.rollback()
    return list(session.scalars(select(Visa).order_by(Visa.number)))


@pytest.fixture
def people(app):
    result = absher(app, "import", "registry", str(HERE / "family" / "people.csv"))
    assert result.exit_code == 0, result.output


def test_visas_are_imported_and_a_later_import_updates_their_state(app, people, session,
                                                                   tmp_path):
    first = write(tmp_path, f"4100000017,{RESIDENT},single,issued,2026-01-10,2026-03-10")
    assert absher(app, "import", "visas", first).exit_code == 0
    visa, = stored(session)
    assert (visa.status, visa.open_for, visa.issued_by, visa.fee) == \
        (VisaStatus.ISSUED, RESIDENT, None, 0)
    used = write(tmp_path, f"4100000017,{RESIDENT},single,used,2026-01-10,2026-03-10",
                 f"4100000025,{RESIDENT},multiple,issued,2026-04-01,2026-07-01")
    result = absher(app, "import", "visas", used)
    assert result.exit_code == 0, result.output
    first_visa, second = stored(session)
    assert (first_visa.status, first_visa.open_for) == (VisaStatus.USED, None)
    assert second.open_for == RESIDENT


def test_every_bad_row_is_named(app, people, session, tmp_path):
    path = write(tmp_path,
                 f"12,{RESIDENT},single,issued,2026-01-10,2026-03-10",
                 "4100000033,1012345672,single,issued,2026-01-10,2026-03-10",
                 f"4100000041,{RESIDENT},tourist,issued,2026-01-10,2026-03-10",
                 f"4100000058,{RESIDENT},single,lost,2026-01-10,2026-03-10",
                 f"4100000066,{RESIDENT},single,issued,2026-03-10,2026-01-10",
                 f"4100000074,{NOT_IN_REGISTRY},single,issued,2026-01-10,2026-03-10",
                 f"4100000082,{RESIDENT},single,issued,9999-01-10,9999-03-10")
    result = absher(app, "import", "visas", path)
    assert result.exit_code != 0
    for words in ("10-digit visa number", "not a valid iqama number", "kind 'tourist'",
                  "status 'lost'", "valid_until is not after issued_on",
                  "not in the civil registry", "is in the future"):
        assert words in result.output, words
    assert stored(session) == []


def test_a_second_open_visa_of_one_person_is_refused(app, people, session, tmp_path):
    path = write(tmp_path, f"4100000017,{RESIDENT},single,issued,2026-01-10,2026-03-10",
                 f"4100000025,{RESIDENT},multiple,issued,2026-01-12,2026-04-10")
    result = absher(app, "import", "visas", path)
    assert result.exit_code != 0
    assert "already has open visa 4100000017" in result.output


def test_a_new_open_visa_may_come_before_the_row_that_closes_the_old_one(
        app, people, session, tmp_path):
    # One person holds one open visa: the stored one is closed (used) by the second row,
    # so the first row's new visa must be stored after it, whatever the file's order.
    assert absher(app, "import", "visas", write(
        tmp_path, f"4100000017,{RESIDENT},single,issued,2026-01-10,2026-03-10")).exit_code == 0
    result = absher(app, "import", "visas", write(
        tmp_path, f"4100000025,{RESIDENT},multiple,issued,2026-04-01,2026-07-01",
        f"4100000017,{RESIDENT},single,used,2026-01-10,2026-03-10"))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated, 0 unchanged" in result.output
    first_visa, second = stored(session)
    assert (first_visa.status, first_visa.open_for) == (VisaStatus.USED, None)
    assert (second.status, second.open_for) == (VisaStatus.ISSUED, RESIDENT)


def test_seed_demo_gives_the_demo_resident_visas_once(app, session):
    assert absher(app, "seed-demo").exit_code == 0
    visas = stored(session)
    assert [v.status for v in visas] == [VisaStatus.USED, VisaStatus.CANCELLED]
    assert all(v.valid_until < local_today() for v in visas)
    assert absher(app, "seed-demo").exit_code == 0
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Visa)) == 2
