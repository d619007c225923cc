"""`flask absher translate ...`: the message catalogs (TRANSLATING.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import current_app

from absher_web.cli.base import absher, installed_version
from absher_web.config import IS_CHECKOUT, PROJECT_ROOT


@absher.group("translate")
def translate() -> None:
    """Extract, update and compile the message catalogs (translations/)."""
    if not IS_CHECKOUT:
        raise click.ClickException("The catalogs are edited in a checkout of the source "
                                   "(make translations-update); an installed package "
                                   "carries compiled ones only.")


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
    from absher_web.catalogs import extract

    extract(output_file, PROJECT_ROOT, installed_version())


@translate.command("extract")
def translate_extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    TRANSLATIONS.mkdir(exist_ok=True)
    extract_messages(TEMPLATE)


@translate.command("update")
def translate_update() -> None:
    """Merge messages.pot into each language's catalog (creating missing ones)."""
    if not TEMPLATE.exists():
        raise click.ClickException("translations/messages.pot is missing; run extract first")
    for language in current_app.config["LANGUAGES"]:
        catalog = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        action = "update" if catalog.exists() else "init"
        # Obsolete (#~) entries are dropped: git keeps old translations.
        options = ["--no-fuzzy-matching", "--ignore-pot-creation-date", "--ignore-obsolete"]
        _pybabel(
            action,
            "--input-file", str(TEMPLATE.relative_to(PROJECT_ROOT)),
            "--output-dir", str(TRANSLATIONS.relative_to(PROJECT_ROOT)),
            "--locale", language,
            *(options if action == "update" else []),
        )  # fmt: skip


@translate.command("compile")
def translate_compile() -> None:
    """Build the .mo files the app reads; none at all while any catalog has a placeholder,
    plural or format mistake (each is named)."""
    from absher_web import catalog_check

    if catalog_check.main(["compile"]):
        raise SystemExit(1)


@translate.command("check")
def translate_check() -> None:
    """Run every catalog check (make translations-check; TRANSLATING.md explains each)."""
    from absher_web import catalog_check

    if catalog_check.main(["check"]):
        raise SystemExit(1)
