"""Apply the Alembic migrations from Python (used by `make run`, the CLI and tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from absher_web.config import ALEMBIC_INI, MIGRATIONS_DIR


def alembic_config(database_url: str) -> AlembicConfig:
    # The checkout's files, or the installed package's (absher_web.config finds them).
    config = AlembicConfig(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would read a % in a password as a placeholder.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
