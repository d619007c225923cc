"""The `flask absher ...` commands for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup

absher = AppGroup("absher", help="Absher Web operator commands.")


@absher.command("version")
def version() -> None:
    """Print the version."""
    click.echo("absher-web 0.1.0")
