"""The commands for payments: `pay-bill` signs and sends a bank's payment notice over HTTP
(for demos and tests, like atm-simulate); for operators, where each bank takes refunds, the
bills and the work they wait for, and the reconciliation of a bank's daily statement."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask_babel import force_locale

from absher_web.cli.base import absher, client_key, send_signed, table, utc
from absher_web.extensions import db
from absher_web.models import utcnow
from absher_web.money import money

PATH = "/api/v1/bill-payments"


def bill_amount(number: str) -> int:
    """The bill's amount in halalas, as this portal's database has it."""
    from absher_web.services import bills

    with db.transaction() as session:
        bill = bills.find(session, number)
        amount = bill.amount if bill is not None else None
    if amount is None:
        raise click.ClickException(f"No bill numbered {number} here: pass --amount to send "
                                   "the notice anyway.")
    return amount


def in_riyals(halalas: int) -> str:
    with force_locale("en"):
        return money(halalas)


@absher.command("pay-bill")
@click.argument("number", metavar="BILL")
@click.option("--bank", "code", required=True, help="The paying bank's code, e.g. RJHI.")
@click.option("--amount", type=int, default=None,
              help="In halalas (default: the bill's amount, read from this portal's database).")
@click.option("--reference", default=None,
              help="The bank's payment reference (default: a new random one).")
@click.option("--paid-at", default=None,
              help="When the bank took the payment, RFC 3339 (default: now). A bank's retry "
                   "sends the same reference and time.")
@click.option("--key", envvar="ABSHER_SIMULATE_KEY", default=None,
              help="Signing key (default: read from this portal's database).")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True,
              help="The portal to send to.")
def pay_bill(number: str, code: str, amount: int | None, reference: str | None,
             paid_at: str | None, key: str | None, url: str) -> None:
    """Sign and send a bank's payment notice for bill BILL; print the portal's answer.

    Exits with status 1 when the portal refuses the payment.
    """
    code = code.upper()
    key = client_key(code, key)
    if amount is None:
        amount = bill_amount(number)
    reference = reference or f"PAY-{uuid.uuid4().hex[:16]}"
    body = json.dumps({
        "bill_number": number, "amount": amount, "bank_code": code, "reference": reference,
        "paid_at": paid_at or utcnow().isoformat(timespec="seconds").replace("+00:00", "Z"),
    }).encode()
    status, raw = send_signed(url, PATH, code, key, body)
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if status == 200 and isinstance(answer, dict):
        click.echo(f"Paid: bill {answer['bill_number']}, {in_riyals(answer['amount'])}, "
                   f"bank {code}, reference {answer['reference']}, at {answer['paid_at']}.")
        return
    error = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(error, dict):
        click.echo(f"Refused: {error.get('code')} (HTTP {status}). {error.get('message')}")
        for field, problem in (error.get("fields") or {}).items():
            click.echo(f"  {field or 'body'}: {problem}")
    else:
        click.echo(f"Refused (HTTP {status}): {raw.decode('utf-8', 'replace')[:500]}")
    sys.exit(1)


def refund_url_problem(url: str, local_allowed: bool) -> str | None:
    """Why ``url`` cannot be a bank's refund URL, or None."""
    if not url.isascii() or not url.isprintable() or len(url) > 300:
        return "The URL must be at most 300 printable ASCII characters."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        return f"{url!r} is not a URL."
    if parts.username or parts.password:
        return "The URL must not carry a user name or password."
    if parts.scheme == "https" and parts.hostname:
        return None
    if local_allowed:
        if parts.scheme == "http" and parts.hostname == "127.0.0.1":
            return None
        return ("The URL must start with https:// (or, in development, http://127.0.0.1 for "
                "a stand-in bank on this machine).")
    return "The URL must start with https://: refund instructions never travel unencrypted."


@absher.command("set-refund-url")
@click.argument("code")
@click.argument("url", required=False)
@click.option("--remove", is_flag=True, help="The bank takes no refunds: they wait.")
def set_refund_url(code: str, url: str | None, remove: bool) -> None:
    """Say where bank CODE takes refund instructions (an https:// URL).

    Refunds due to a bank without one wait (absher_refunds_waiting{state="no_refund_url"})
    and are sent by the next run-due once it has one.
    """
    from absher_web.models import ApiClientKind
    from absher_web.services import api_clients, audit

    if remove == bool(url):
        raise click.ClickException("Give the URL, or --remove (not both).")
    if url:
        problem = refund_url_problem(url.strip(), current_app.config["LOCAL_BANK_URLS"])
        if problem:
            raise click.ClickException(problem)
        url = url.strip()
    code = code.strip().upper()
    with db.transaction() as session:
        client = api_clients.find_client(session, code)
        if client is None or client.kind is not ApiClientKind.BANK:
            raise click.ClickException(f"No bank has the code {code!r} (add it with add-bank).")
        client.refund_url = url
        audit.record(session, "refund_url_set", utcnow(), by="operator", client=code,
                     url=url)
    if url:
        click.echo(f"Refunds to {code} go to {url} from the next run-due.")
    else:
        click.echo(f"{code} takes no refunds now: refunds due to it wait.")


@absher.command("bills")
@click.option("--stuck", is_flag=True,
              help="List the bills whose refund or carrying-on keeps failing.")
def bills_command(stuck: bool) -> None:
    """Bills by status, and the work waiting: refunds and paid requests to carry on."""
    from absher_web.services import bill_jobs

    with db.transaction() as session:
        counts = bill_jobs.status_counts(session)
        waiting = bill_jobs.waiting(session)
        failing = bill_jobs.stuck(session) if stuck else []
    if not stuck:
        table(("STATUS", "BILLS"), [(status, str(count)) for status, count in counts.items()])
        click.echo("")
    refunds, carry_ons = waiting.refunds, waiting.carry_ons
    click.echo(f"Refunds waiting: {sum(refunds.values())} ({refunds['queued']} queued, "
               f"{refunds['retrying']} retrying, {refunds['stuck']} stuck, "
               f"{refunds['no_refund_url']} for banks without a refund URL)"
               + since(waiting.refunds_oldest) + ".")
    click.echo(f"Paid requests waiting to go on: {sum(carry_ons.values())} "
               f"({carry_ons['queued']} queued, {carry_ons['retrying']} retrying, "
               f"{carry_ons['stuck']} waiting for an operator)"
               + since(waiting.carry_ons_oldest) + ".")
    if not stuck:
        return
    if not failing:
        click.echo("No bill's refund or carrying-on is failing.")
        return
    click.echo("")
    table(("BILL", "SERVICE", "WORK", "TRIES", "NEXT TRY", "LAST ERROR"),
          [(row.number, row.service, row.work, str(row.attempts),
            utc(row.next_at) if row.next_at else "operator", one_line(row.error))
           for row in failing])


@absher.command("retry-bill")
@click.argument("number")
def retry_bill(number: str) -> None:
    """Try a bill's waiting refund or carrying-on again at the next run-due (once its cause
    is fixed); a carry-on that stopped retrying gets its tries back. Audited."""
    from absher_web.services import bill_jobs

    with db.transaction() as session:
        work = bill_jobs.retry_now(session, number.strip(), utcnow())
    if work is None:
        raise click.ClickException(
            f"No bill numbered {number.strip()[:20]!r} waits for a refund or for its request to "
            "go on (flask absher bills --stuck lists those that do).")
    click.echo(f"The {work} of bill {number.strip()} will be tried at the next run-due.")


def since(oldest: datetime | None) -> str:
    return f", the oldest since {utc(oldest)}" if oldest else ""


def one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 80 else flat[:79] + "…"


@absher.command("reconcile")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--bank", "code", required=True, help="The bank whose statement it is.")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The Riyadh day the statement covers (default: the days of its times).")
def reconcile(file: Path, code: str, day: datetime | None) -> None:
    """Compare a bank's daily statement (CSV: bill,amount,reference,time; amounts in
    halalas) with the payments recorded here, and report every difference. Changes
    nothing.

    Exit status: 0 no differences, 1 differences, 2 the file cannot be read.
    """
    from absher_web.services import api_clients, reconciliation

    code = code.strip().upper()
    from absher_web.models import ApiClientKind

    with db.transaction() as session:
        client = api_clients.find_client(session, code)
        known = client is not None and client.kind is ApiClientKind.BANK
    if not known:
        click.echo(f"No bank has the code {code!r}.", err=True)
        sys.exit(2)
    the_day: date | None = day.date() if day else None
    try:
        report = reconciliation.reconcile(db.transaction, file, code, click.echo, the_day)
    except reconciliation.Unreadable as problem:
        click.echo(f"Cannot read the statement: {problem}", err=True)
        sys.exit(2)
    sys.exit(1 if report.differences else 0)
