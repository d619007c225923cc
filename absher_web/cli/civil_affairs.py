"""Civil Affairs' operator commands: `delivered` marks a birth registration's documents
printed and sent (or waiting at the office), and the holder is texted; `waiting-requests`
shows what each office has to decide, and which have no officer to decide it;
`waiting-tickets` the same for Tahseen tickets."""

from __future__ import annotations

import click

from absher_web.cli.base import absher, table, utc
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


@absher.command("waiting-requests")
def waiting_requests() -> None:
    """Requests waiting for an officer, by role and city, the oldest first, with how many
    active officers can decide them. Exit status 1 when a city has requests and no officer
    (create one with create-officer --role ROLE --city CITY)."""
    from absher_web.services import requests

    with db.transaction() as session:
        waiting = requests.waiting_by_office(session)
    if not waiting:
        click.echo("No request is waiting for an officer.")
        return
    table(("ROLE", "CITY", "WAITING", "OLDEST SINCE", "OFFICERS"),
          [(w.role, w.office_city or "-", str(w.count), utc(w.oldest),
            str(w.officers) if w.officers else "none") for w in waiting])
    nobody = [w for w in waiting if not w.officers]
    if nobody:
        click.echo(f"{len(nobody)} office(s) have requests and no officer to decide them.",
                   err=True)
        raise SystemExit(1)


@absher.command("waiting-tickets")
def waiting_tickets() -> None:
    """Tahseen tickets waiting for an answer, by city, the oldest first, with how many active
    Civil Affairs officers can answer them. Exit status 1 when a city has tickets and no
    officer (create one with create-officer --role civil_affairs --city CITY)."""
    from absher_web.services import tahseen

    with db.transaction() as session:
        waiting = tahseen.waiting_by_office(session)
    if not waiting:
        click.echo("No Tahseen ticket is waiting for an answer.")
        return
    table(("CITY", "WAITING", "OLDEST SINCE", "OFFICERS"),
          [(w.office_city, str(w.count), utc(w.oldest), str(w.officers) if w.officers
            else "none") for w in waiting])
    nobody = [w for w in waiting if not w.officers]
    if nobody:
        click.echo(f"{len(nobody)} city(ies) have Tahseen tickets and no officer to answer "
                   "them.", err=True)
        raise SystemExit(1)
