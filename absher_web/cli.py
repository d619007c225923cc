"""The `flask absher ...` commands for operators.

Each command runs inside the app context (FlaskGroup pushes it), uses its own
short transaction, and exits non-zero when it did not do what was asked.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from absher_web.config import PROJECT_ROOT
from absher_web.extensions import db
from absher_web.services import registry

absher = AppGroup("absher", help="Absher Web operator commands.")


def _version() -> str:
    try:
        return package_version("absher-web")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


@absher.command("version")
def version() -> None:
    """Print the version."""
    click.echo(f"absher-web {_version()}")


@absher.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date (safe to run again)."""
    from absher_web.migrate import upgrade_database

    upgrade_database(current_app.config["DATABASE_URL"])
    click.echo("The database schema is up to date.")


@absher.command("seed-demo")
def seed_demo() -> None:
    """Fill the civil registry with synthetic demo people (safe to run again)."""
    with db.transaction() as session:
        added = registry.seed_demo(session)
        demo = [registry.find_person(session, national_id) for national_id in registry.DEMO_IDS]
        lines = [
            f"  {person.national_id}  {person.kind.value:<8}  {person.name_en}"
            for person in demo
            if person is not None
        ]
    click.echo(f"Added {added} demo people to the civil registry.")
    click.echo("Register with one of these ID or iqama numbers:")
    for line in lines:
        click.echo(line)


@absher.command("import-registry")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_registry(csv_file: Path) -> None:
    """Add or update people from a CSV file; imports nothing if any row is bad.

    The header must be: national_id,name_ar,name_en,birth_date,nationality,
    id_expiry,city,district (dates as yyyy-mm-dd, UTF-8 text).
    """
    try:
        # utf-8-sig drops the byte-order mark spreadsheets write; newline=""
        # lets the csv module handle line breaks inside quoted fields.
        with csv_file.open(encoding="utf-8-sig", newline="") as stream:
            people, errors = registry.parse_registry_csv(stream)
    except UnicodeDecodeError as exc:
        click.echo(f"{csv_file}: not UTF-8 text ({exc.reason} at byte {exc.start})", err=True)
        sys.exit(1)
    if errors:
        for error in errors:
            click.echo(error, err=True)
        click.echo(
            f"{len(errors)} bad row(s) in {csv_file}; nothing was imported.", err=True
        )
        sys.exit(1)
    with db.transaction() as session:
        result = registry.import_people(session, people)
    click.echo(
        f"Imported {result.total} people from {csv_file}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged."
    )


@absher.group("translate")
def translate() -> None:
    """Extract, update and compile the message catalogs (translations/)."""


TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    # The venv's own Babel, whatever pybabel happens to be first on PATH.
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, check=False)
    if completed.returncode:
        raise click.ClickException(f"pybabel {args[0]} failed (exit {completed.returncode})")


def extract_messages(output_file: Path) -> None:
    """Collect every translatable string from the code and templates into ``output_file``."""
    _pybabel(
        "extract",
        "--mapping-file", "babel.cfg",
        "--keyword", "_l",
        "--keyword", "lazy_gettext",
        "--keyword", "lazy_ngettext:1,2",
        "--add-comments", "TRANSLATORS:",
        # Locations change with every edit to a file; leaving them out keeps
        # catalog diffs to the strings that actually changed.
        "--no-location",
        "--sort-output",
        "--project", "Absher Web",
        "--version", _version(),
        "--output-file", str(output_file),
        ".",
    )  # fmt: skip


@translate.command("extract")
def translate_extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    TRANSLATIONS.mkdir(exist_ok=True)
    extract_messages(TEMPLATE.relative_to(PROJECT_ROOT))


@translate.command("update")
def translate_update() -> None:
    """Merge messages.pot into each language's catalog (creating missing ones)."""
    if not TEMPLATE.exists():
        raise click.ClickException("translations/messages.pot is missing; run extract first")
    for language in current_app.config["LANGUAGES"]:
        catalog = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        action = "update" if catalog.exists() else "init"
        options = ["--no-fuzzy-matching", "--ignore-pot-creation-date"]
        _pybabel(
            action,
            "--input-file", str(TEMPLATE.relative_to(PROJECT_ROOT)),
            "--output-dir", str(TRANSLATIONS.relative_to(PROJECT_ROOT)),
            "--locale", language,
            *(options if action == "update" else []),
        )  # fmt: skip


@translate.command("compile")
def translate_compile() -> None:
    """Build the .mo files the app reads."""
    if not any(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        raise click.ClickException("no catalogs in translations/; run extract and update first")
    _pybabel("compile", "--directory", str(TRANSLATIONS.relative_to(PROJECT_ROOT)), "--statistics")
