"""Officers' roles and city from the operator's commands: create-officer --role --city,
set-officer-roles, their refusals (an unknown city, role or officer), and migration 0016
giving every officer made before it the Passports role."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from absher_web.agencies.civil_registry import city_named
from absher_web.extensions import db
from absher_web.models import AuditEvent, StaffUser
from tests.staff.conftest import OFFICER_PASSWORD, add_officer


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["absher", *args],
                                        env={"ABSHER_OFFICER_PASSWORD": OFFICER_PASSWORD})


def officer_named(app, username: str) -> StaffUser | None:
    with app.app_context():
        return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def test_an_officer_is_a_passports_officer_unless_told_otherwise(app):
    result = invoke(app, "create-officer", "k.alharbi", "--name", "Khalid", "--office", "Olaya")
    assert result.exit_code == 0, result.output
    officer = officer_named(app, "k.alharbi")
    assert officer.roles == ["passports"] and officer.city is None


@pytest.mark.parametrize("city", ["Riyadh", "riyadh", " RIYADH ", "الرياض"])
def test_a_civil_affairs_officer_with_a_city_in_english_or_arabic(app, city):
    result = invoke(app, "create-officer", "h.q", "--name", "Hanan", "--office", "Malaz",
                    "--role", "civil_affairs", "--role", "passports", "--city", city)
    assert result.exit_code == 0, result.output
    assert "passports, civil_affairs" in result.output
    officer = officer_named(app, "h.q")
    assert officer.roles == ["passports", "civil_affairs"] and officer.city == "الرياض"


def test_english_names_with_al_and_arabic_spellings_are_found():
    assert city_named("Al-Ahsa") == city_named("ahsa") == city_named("الأحساء") == "الأحساء"
    assert city_named("Makkah") == "مكة المكرمة"
    assert city_named("") is None and city_named("Atlantis") is None


@pytest.mark.parametrize(("args", "problem"), [
    (("--role", "civil_affairs", "--city", "Atlantis"), "Unknown city 'Atlantis'"),
    (("--role", "civil_affairs"), "needs --city"),
    (("--role", "janitor"), "Unknown role janitor"),
])
def test_bad_roles_and_cities_are_refused_clearly(app, args, problem):
    result = invoke(app, "create-officer", "x.y", "--name", "X", "--office", "O", *args)
    assert result.exit_code == 1
    assert problem in result.output and "Traceback" not in result.output
    assert officer_named(app, "x.y") is None


def test_set_officer_roles_changes_roles_and_city_and_is_audited(app):
    add_officer(app, username="k.alharbi")
    result = invoke(app, "set-officer-roles", "k.alharbi", "--role", "civil_affairs",
                    "--city", "Jeddah")
    assert result.exit_code == 0, result.output
    assert "civil_affairs" in result.output and "جدة" in result.output
    officer = officer_named(app, "k.alharbi")
    assert officer.roles == ["civil_affairs"] and officer.city == "جدة"
    # The city stays when not given again.
    assert invoke(app, "set-officer-roles", "k.alharbi", "--role", "passports",
                  "--role", "civil_affairs").exit_code == 0
    assert officer_named(app, "k.alharbi").city == "جدة"
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.kind == "officer_roles_set")).all()
    assert len(events) == 2 and events[0].detail["by"] == "operator"
    listed = invoke(app, "list-officers").output
    assert "passports,civil_affairs" in listed and "جدة" in listed


def test_set_officer_roles_refuses_an_unknown_officer_and_a_bad_city(app):
    result = invoke(app, "set-officer-roles", "nobody", "--role", "passports")
    assert result.exit_code == 1 and "No officer has the username 'nobody'" in result.output
    add_officer(app, username="k.alharbi")
    result = invoke(app, "set-officer-roles", "k.alharbi", "--role", "civil_affairs",
                    "--city", "Gotham")
    assert result.exit_code == 1 and "Unknown city 'Gotham'" in result.output
    assert officer_named(app, "k.alharbi").roles == ["passports"]
    assert invoke(app, "set-officer-roles", "k.alharbi").exit_code == 2  # --role is required


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection:sqlalchemy.exc.SAWarning")
def test_migration_0016_makes_every_existing_officer_a_passports_officer(empty_database):
    from alembic import command

    from absher_web.migrate import alembic_config

    config = alembic_config(empty_database)
    command.upgrade(config, "0015")
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO staff_users (username, full_name, office, password_hash, "
            "session_token, is_active, consecutive_failures, lockouts, created_at) VALUES "
            "('old.officer', 'Old', 'Olaya', 'x', 't', true, 0, 0, '2026-01-01 00:00:00')"))
    command.upgrade(config, "0016")
    with engine.connect() as connection:
        roles, city = connection.execute(sa.text(
            "SELECT roles, city FROM staff_users WHERE username = 'old.officer'")).one()
    assert roles in ('["passports"]', ["passports"]) and city is None
    command.downgrade(config, "0015")
    with engine.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("staff_users")}
    assert "roles" not in columns and "city" not in columns
    engine.dispose()
