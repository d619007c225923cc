"""The Alembic migration and the models describe the same schema, on every database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from absher_web.extensions import db
from absher_web.models import Account, Base, Language, Person, PersonKind, utcnow
from tests.days import riyadh_today


# SQLite cannot reflect the lower(username) index; its behaviour is tested below instead.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection:sqlalchemy.exc.SAWarning")
@pytest.mark.filterwarnings("ignore:autogenerate skipping:UserWarning")
def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection:sqlalchemy.exc.SAWarning")
def test_every_migration_can_be_undone_and_done_again(empty_database):
    """On SQLite in the SQLite run and on PostgreSQL in the PostgreSQL run: a downgrade can
    break on one only (an index, a type, a constraint named differently)."""
    from alembic import command

    from absher_web.migrate import alembic_config, upgrade_database

    upgrade_database(empty_database)
    command.downgrade(alembic_config(empty_database), "base")
    upgrade_database(empty_database)


def make_person(national_id: str) -> Person:
    return Person(
        national_id=national_id, kind=PersonKind.CITIZEN, name_ar="اسم", name_en="Name",
        birth_date=date(1990, 1, 1), nationality="SAU",
        id_expiry=riyadh_today() + timedelta(days=900), city="الرياض", district="حي النخيل",
    )


def make_account(national_id: str, username: str, mobile: str) -> Account:
    return Account(
        national_id=national_id, username=username, mobile=mobile, email="a@example.com",
        password_hash="x", preferred_language=Language.ARABIC, session_token="t",
    )


def test_usernames_are_unique_whatever_their_case(session):
    session.add_all([make_person("1000000008"), make_person("1000000016")])
    session.add(make_account("1000000008", "Absheruser1", "+966500000001"))
    session.commit()
    session.add(make_account("1000000016", "ABSHERUSER1", "+966500000002"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_mobile_and_national_id_are_unique(session):
    session.add_all([make_person("1000000008"), make_person("1000000016")])
    session.add(make_account("1000000008", "Absheruser1", "+966500000001"))
    session.commit()
    session.add(make_account("1000000016", "Absheruser2", "+966500000001"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(make_account("1000000008", "Absheruser3", "+966500000003"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_datetimes_come_back_in_utc(session):
    session.add(make_person("1000000008"))
    account = make_account("1000000008", "Absheruser1", "+966500000001")
    account.last_sign_in_at = utcnow()
    session.add(account)
    session.commit()
    session.expire_all()
    stored = session.scalars(select(Account)).one()
    assert stored.last_sign_in_at.tzinfo is not None
    assert stored.created_at.utcoffset() == timedelta(0)
