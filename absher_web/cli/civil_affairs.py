"""Civil Affairs' operator commands: `delivered` marks a birth registration's documents
printed and sent (or waiting at the office), and the holder is texted."""

from __future__ import annotations

import click

from absher_web.cli.base import absher
from absher_web.extensions import db
from absher_web.models import utcnow


@absher.command("delivered")
@click.argument("number", metavar="REQUEST_NUMBER")
def delivered(number: str) -> None:
    """Mark an approved birth registration delivered: its birth certificate printed and sent
    to the national address, or waiting at the office. The holder is texted; the delivery
    fee is then no longer refunded by run-due."""
    from absher_web.services import births

    number = number.strip()
    outcome = births.mark_delivered(db.session, number, utcnow())
    shown = number[:20]
    if outcome is births.Delivered.DONE:
        click.echo(f"Request {shown} is delivered; the holder was texted.")
        return
    problems = {
        births.Delivered.UNKNOWN: f"No birth registration request is numbered {shown!r}.",
        births.Delivered.ALREADY: f"Request {shown} was delivered before. Nothing changed.",
        births.Delivered.NOT_APPROVED: f"Request {shown} is not approved (submitted, with an "
                                       "officer, refused or cancelled). Nothing changed.",
    }
    raise click.ClickException(problems[outcome])
