"""The `absher` command group every module of cli/ adds its commands to, and what they
share."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

import click
from flask.cli import AppGroup

absher = AppGroup("absher", help="Absher Web operator commands.")


def installed_version() -> str:
    try:
        return package_version("absher-web")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"



def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                   .rstrip())


def utc(moment) -> str:  # noqa: ANN001 (a datetime)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


# --- sending as a bank or kiosk would (atm-simulate, kiosk-simulate, pay-bill) -----------

def client_key(code: str, key: str | None) -> str:
    """``key``, or else the client's signing key as this portal keeps it (the operator's
    machine can read it), or a click error naming what to do."""
    from flask import current_app

    from absher_web.extensions import db
    from absher_web.services import api_clients

    if key is not None:
        return key
    with db.transaction() as session:
        client = api_clients.find_client(session, code)
        key = api_clients.signing_key(
            api_clients.cipher_from_config(current_app.config), client) if client else None
    if key is None:
        raise click.ClickException(f"No key for {code}: add it first, or pass --key.")
    return key


def send_signed(url: str, path: str, code: str, key: str, body: bytes) -> tuple[int, bytes]:
    """POST ``body`` signed as client ``code``: the HTTP status and the answer's bytes.

    Called with no database transaction open (the portal may be this very process)."""
    import time
    import urllib.error
    import urllib.request

    from absher_web import signing

    headers = signing.signed_headers(code, key, body, time.time())
    request = urllib.request.Request(url.rstrip("/") + path, data=body, headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except urllib.error.URLError as error:
        raise click.ClickException(f"Could not reach {url}: {error.reason}") from None
