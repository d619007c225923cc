"""The operators' commands: settings, schema and static files, the activation API's clients,
officers, locked accounts and the runner of due jobs."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from absher_web.cli.base import (
    absher,
    client_key,
    installed_version,
    send_signed,
    table,
    utc,
)
from absher_web.extensions import db
from absher_web.models import utcnow


@absher.command("check-config")
def check_config() -> None:
    """Print the effective settings (secrets masked); the app only starts if they are valid."""
    from absher_web.settings_check import effective_settings

    for name, value in effective_settings(current_app.config):
        click.echo(f"{name}={value}")
    click.echo("The settings are valid.")



@absher.command("version")
def version() -> None:
    """Print the version."""
    click.echo(f"absher-web {installed_version()}")


@absher.command("migrate")
def migrate() -> None:
    """Bring the database schema up to date (safe to run again)."""
    from absher_web.migrate import upgrade_database

    upgrade_database(current_app.config["DATABASE_URL"])
    click.echo("The database schema is up to date.")


@absher.command("collect-static")
@click.option("--keep", default=2, show_default=True, type=click.IntRange(min=1),
              help="How many releases' files stay, this one included.")
def collect_static(keep: int) -> None:
    """Write this release's hashed static files where nginx serves them, keeping the
    previous release's (ABSHER_INSTANCE_DIR/static; safe to run again)."""
    from absher_web import assets

    directory = Path(current_app.config["RETAINED_STATIC_DIR"])
    try:
        report = assets.collect_static(current_app.extensions["absher_assets"], directory,
                                       f"absher-web {installed_version()}", keep)
    except (OSError, RuntimeError) as error:
        raise click.ClickException(f"{directory}: {error}") from None
    click.echo(f"{report.files} static files of build {report.build} in {directory} "
               f"({report.written} new); builds kept: {', '.join(report.releases)}; "
               f"{report.removed} old file(s) removed.")


# --- activation: banks, kiosks, officers and the due-jobs runner -------------------

def _add_api_client(code: str, name: str, new_key: bool, kind_name: str) -> None:
    from absher_web.models import ApiClientKind
    from absher_web.services import api_clients

    cipher = api_clients.cipher_from_config(current_app.config)
    try:
        with db.transaction() as session:
            client, key = api_clients.add_client(session, cipher, code, ApiClientKind(kind_name),
                                                 name, utcnow(), replace_key=new_key)
            code = client.code
    except api_clients.ClientError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{kind_name.capitalize()} {code} can now sign activation requests.")
    click.echo("Its signing key follows. It is shown this once only; give it to the "
               f"{kind_name} over a secure channel:")
    click.echo(key)


@absher.command("add-bank")
@click.argument("code")
@click.option("--name", default="", help="The bank's name, for operators.")
@click.option("--new-key", is_flag=True, help="Replace the key of an existing bank.")
def add_bank(code: str, name: str, new_key: bool) -> None:
    """Let a bank send ATM activations; prints its signing key once."""
    _add_api_client(code, name, new_key, "bank")


@absher.command("add-kiosk-operator")
@click.argument("code")
@click.option("--name", default="", help="The operator's name, for operators.")
@click.option("--new-key", is_flag=True, help="Replace the key of an existing operator.")
def add_kiosk_operator(code: str, name: str, new_key: bool) -> None:
    """Let a kiosk operator send kiosk activations; prints its signing key once."""
    _add_api_client(code, name, new_key, "kiosk")


def _simulate(path: str, client_field: str, terminal_field: str, code: str, terminal: str,
              national_id: str, mobile: str, reference: str | None, key: str | None,
              url: str) -> None:
    import json
    import uuid

    key = client_key(code.upper(), key)
    body = json.dumps({
        "national_id": national_id, "mobile": mobile, client_field: code.upper(),
        terminal_field: terminal, "reference": reference or f"SIM-{uuid.uuid4().hex[:16]}",
        "requested_at": utcnow().isoformat(timespec="seconds").replace("+00:00", "Z"),
    }).encode()
    status, answer = send_signed(url, path, code.upper(), key, body)
    click.echo(f"HTTP {status}")
    click.echo(answer.decode("utf-8", "replace"))
    if status >= 300:
        sys.exit(1)


SIMULATE_OPTIONS = [
    click.option("--id", "national_id", required=True, help="ID or iqama number."),
    click.option("--mobile", required=True, help="Registered mobile, +9665XXXXXXXX."),
    click.option("--reference", default=None, help="Default: a new random reference."),
    click.option("--key", envvar="ABSHER_SIMULATE_KEY", default=None,
                 help="Signing key (default: read from this portal's database)."),
    click.option("--url", default="http://127.0.0.1:5000", show_default=True,
                 help="The portal to send to."),
]


def _with_simulate_options(command):
    for option in reversed(SIMULATE_OPTIONS):
        command = option(command)
    return command


@absher.command("atm-simulate")
@click.option("--bank", "code", required=True, help="The bank's code, e.g. RJHI.")
@click.option("--atm-id", default="ATM-0001", show_default=True)
@_with_simulate_options
def atm_simulate(code: str, atm_id: str, **request) -> None:
    """Sign and send an ATM activation exactly as a bank would."""
    _simulate("/api/v1/atm-activations", "bank_code", "atm_id", code, atm_id, **request)


@absher.command("kiosk-simulate")
@click.option("--operator", "code", required=True, help="The kiosk operator's code.")
@click.option("--kiosk-id", default="KIOSK-0001", show_default=True)
@_with_simulate_options
def kiosk_simulate(code: str, kiosk_id: str, **request) -> None:
    """Sign and send a kiosk activation exactly as a kiosk would."""
    _simulate("/api/v1/kiosk-activations", "operator_code", "kiosk_id", code, kiosk_id,
              **request)


@absher.command("run-due")
def run_due() -> None:
    """Expire unpaid bills past their expiry, carry paid requests on, send due refunds,
    activate accounts whose ATM activation is due, and send failed notices again.

    Safe to run from cron on several machines at once: every item is claimed by one runner.
    """
    from absher_web.observability import RUN_DUE
    from absher_web.services import activation, api_clients, bill_jobs

    now = utcnow()
    # Bills first: the notices they save (a refund's SMS) go out with the others below.
    payments = bill_jobs.run(db.transaction, now,
                             api_clients.cipher_from_config(current_app.config),
                             current_app.config["BANK_TIMEOUT_SECONDS"])
    # Copies of holders' data (Download my data): files past their time deleted, those asked
    # for prepared; their text messages go out with the notices below.
    exports = data_export_jobs(now)
    report = activation.run_due(db.transaction,
                                activation.Settings.from_config(current_app.config), now)
    for result, count in (("activated", report.activated),
                          ("notice_sent", report.notices_sent),
                          ("notice_failed", report.notices_failed),
                          ("bill_expired", payments.expired),
                          ("bill_carried_on", payments.carried_on),
                          ("bill_carry_on_failed", payments.carry_on_failed),
                          ("bill_refunded", payments.refunded),
                          ("bill_refund_failed", payments.refund_failed)):
        RUN_DUE.labels(result).inc(count)
    click.echo(f"Bills: {payments.expired} expired; {payments.carried_on} paid request(s) "
               f"carried on, {payments.carry_on_failed} failed and will be tried again; "
               f"{payments.refunded} refund(s) taken by the bank, {payments.refund_failed} "
               f"failed and {payments.refunds_deferred} left for the next run (their bank "
               "is failing).")
    click.echo(f"Services: {payments.service_work} refund(s) started for fees of requests "
               "not delivered in time or refused.")
    click.echo(f"Activated {report.activated} account(s); sent {report.notices_sent} "
               f"message(s); {report.notices_failed} message(s) failed and will be tried "
               "again.")
    click.echo(f"Data exports: {exports[0]} prepared, {exports[1]} expired and deleted.")
    # Forgetting on time needs no cron line of its own.
    print_purge(purge_now())


def data_export_jobs(now) -> tuple[int, int]:  # noqa: ANN001 (an aware datetime)
    """run-due's part for Download my data: how many exports it prepared and expired."""
    from datetime import timedelta

    from absher_web.observability import RUN_DUE
    from absher_web.services import data_exports

    expired = data_exports.expire(db.transaction, now)
    prepared = data_exports.prepare_due(
        db.transaction, now, timedelta(seconds=current_app.config["DATA_EXPORT_KEEP_SECONDS"]))
    RUN_DUE.labels("data_export_prepared").inc(prepared)
    RUN_DUE.labels("data_export_expired").inc(expired)
    return prepared, expired


def purge_now() -> dict[str, int]:
    from absher_web.services import retention

    return retention.purge(db.transaction,
                           retention.RetentionPolicy.from_config(current_app.config), utcnow())


def print_purge(report: dict[str, int]) -> None:
    click.echo("Purged: " + ", ".join(f"{count} {what}" for what, count in report.items()) + ".")


@absher.command("purge")
def purge() -> None:
    """Delete (or redact) what is past its retention (SECURITY.md lists the rules).

    Run by run-due too; safe to run on several machines at once.
    """
    print_purge(purge_now())


_ROLE_HELP = ("A role: passports (the account lookup), civil_affairs (the Civil Affairs "
              "queue of the officer's city), recruiter (Absher Employment's job "
              "applications), decorum_officer (records public decorum violations) or "
              "objections_committee (decides objections to them). Repeat it for several; "
              "default passports.")
_CITY_HELP = ("The city of the officer's office, in English (Riyadh, Jeddah, Dammam...) or "
              "in Arabic; needed for civil_affairs, decorum_officer and "
              "objections_committee.")


@absher.command("create-officer")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The officer's full name.")
@click.option("--office", required=True, help="The office, e.g. 'Riyadh - Olaya'.")
@click.option("--role", "roles", multiple=True, default=("passports",), show_default=True,
              help=_ROLE_HELP)
@click.option("--city", default=None, help=_CITY_HELP)
@click.password_option(envvar="ABSHER_OFFICER_PASSWORD",
                       help="Asked for twice when not given.")
def create_officer(username: str, full_name: str, office: str, roles: tuple[str, ...],
                   city: str | None, password: str) -> None:
    """Create an officer who can sign in at /<lang>/staff."""
    from absher_web.services import staff

    try:
        with db.transaction() as session:
            officer = staff.create_officer(session, username, full_name, office, password,
                                           current_app.config["BCRYPT_ROUNDS"], utcnow(),
                                           roles=roles, city=city)
            granted = ", ".join(officer.roles)
    except staff.OfficerError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Officer {username} ({granted}) can now sign in at /ar/staff or /en/staff.")


@absher.command("set-officer-roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help=_ROLE_HELP)
@click.option("--city", default=None, help=_CITY_HELP + " Default: the city they have.")
def set_officer_roles(username: str, roles: tuple[str, ...], city: str | None) -> None:
    """Give an officer their roles (all of them: the ones not named are taken away)."""
    from absher_web.services import staff

    try:
        with db.transaction() as session:
            officer = staff.set_roles(session, username, roles, city, utcnow())
            granted, where = ", ".join(officer.roles), officer.city
    except staff.OfficerError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Officer {username} now has the roles {granted}"
               + (f", city {where}." if where else "."))


# --- operators' routine work: clients, keys, officers, locked accounts -----------------

@absher.command("list-clients")
def list_clients() -> None:
    """List the banks and kiosk operators that may call the activation API."""
    from absher_web.services import api_clients

    with db.transaction() as session:
        rows = [(client.code, client.kind.value,
                 "active" if client.is_active else "disabled",
                 utc(client.key_created_at), client.name)
                for client in api_clients.all_clients(session)]
    if not rows:
        click.echo("No banks or kiosk operators yet: add one with add-bank or "
                   "add-kiosk-operator.")
        return
    table(("CODE", "KIND", "STATUS", "KEY MADE", "NAME"), rows)


def _set_client(code: str, active: bool) -> None:
    from absher_web.services import api_clients

    try:
        with db.transaction() as session:
            changed = api_clients.set_active(session, code, active, utcnow())
    except api_clients.ClientError as error:
        raise click.ClickException(str(error)) from None
    code = code.strip().upper()
    if not changed:
        click.echo(f"{code} is already {'enabled' if active else 'disabled'}; nothing changed.")
    elif active:
        click.echo(f"{code} is enabled: its requests are accepted again, with its old key.")
    else:
        click.echo(f"{code} is disabled: every request it sends is refused from now on "
                   "(401 bad_signature). enable-client gives it back its access.")


@absher.command("disable-client")
@click.argument("code")
def disable_client(code: str) -> None:
    """Refuse every request of a bank or kiosk operator (its key is kept)."""
    _set_client(code, False)


@absher.command("enable-client")
@click.argument("code")
def enable_client(code: str) -> None:
    """Accept a disabled bank's or kiosk operator's requests again."""
    _set_client(code, True)


@absher.command("rotate-api-keys")
def rotate_api_keys() -> None:
    """Re-encrypt every stored signing key with the first key of
    ABSHER_API_KEY_ENCRYPTION_KEY.

    Set ABSHER_API_KEY_ENCRYPTION_KEY to "NEW,OLD" on every instance and restart, run this,
    then drop OLD. Keys that no configured key decrypts are named and left as they are
    (exit status 1).
    """
    from absher_web.services import api_clients

    cipher = api_clients.cipher_from_config(current_app.config)
    with db.transaction() as session:
        rotation = api_clients.rotate_keys(session, cipher, utcnow())
    click.echo(f"Re-encrypted {len(rotation.rotated)} signing key(s) with the first "
               "encryption key.")
    if len(api_clients.encryption_keys(current_app.config)) < 2:
        click.echo("Only one encryption key is configured: the keys stay under the same key.")
    if rotation.unreadable:
        raise click.ClickException(
            f"{len(rotation.unreadable)} key(s) could not be decrypted with any configured "
            f"encryption key and were left as they are: {', '.join(rotation.unreadable)}. "
            "Add the key they were encrypted with to ABSHER_API_KEY_ENCRYPTION_KEY and run "
            "this again, or give each client a new key (add-bank CODE --new-key).")


@absher.command("unlock-account")
@click.option("--id", "national_id", required=True, help="The holder's ID or iqama number.")
def unlock_account(national_id: str) -> None:
    """Lift the sign-in and password-recovery locks of an account (and start its counts
    again), at the ministry's request."""
    from absher_web.identity import is_valid_national_id, normalise_digits
    from absher_web.services import account_locks, activation

    digits = normalise_digits(national_id.strip())
    if not is_valid_national_id(digits):
        raise click.ClickException(f"{national_id!r} is not a valid ID or iqama number.")
    with db.transaction() as session:
        account = activation.account_by_national_id(session, digits)
        if account is None:
            raise click.ClickException(f"No account is registered for ID {digits}.")
        lifted = account_locks.unlock(session, account, utcnow())
    if not lifted.any:
        click.echo(f"The account of ID {digits} is not locked; nothing changed.")
        return
    names = {"sign_in": "sign-in (wrong passwords)",
             "needs_recovery": "sign-in until the password is recovered",
             "recovery": "password recovery (wrong answers)"}
    click.echo(f"The account of ID {digits} is unlocked. Locks lifted: "
               f"{'; '.join(names[name] for name in lifted.names())}.")


@absher.command("list-officers")
def list_officers() -> None:
    """List the officers, with their roles and city."""
    from absher_web.services import staff

    now = utcnow()
    with db.transaction() as session:
        rows = [(officer.username,
                 "disabled" if not officer.is_active
                 else f"locked until {utc(officer.locked_until)}"
                 if officer.locked_until and officer.locked_until > now else "active",
                 ",".join(officer.roles or []), officer.city or "-", officer.office,
                 officer.full_name)
                for officer in staff.all_officers(session)]
    if not rows:
        click.echo("No officers yet: add one with create-officer.")
        return
    table(("USERNAME", "STATUS", "ROLES", "CITY", "OFFICE", "NAME"), rows)


def _set_officer(username: str, active: bool) -> None:
    from absher_web.services import staff

    try:
        with db.transaction() as session:
            changed = staff.set_active(session, username, active, utcnow())
    except staff.OfficerError as error:
        raise click.ClickException(str(error)) from None
    username = username.strip()
    if not changed:
        click.echo(f"Officer {username} is already {'enabled' if active else 'disabled'}; "
                   "nothing changed.")
    elif active:
        click.echo(f"Officer {username} is enabled and can sign in again.")
    else:
        click.echo(f"Officer {username} is disabled: any open console session has ended, "
                   "and signing in is refused.")


@absher.command("disable-officer")
@click.argument("username")
def disable_officer(username: str) -> None:
    """Stop an officer signing in, and end their open sessions at once."""
    _set_officer(username, False)


@absher.command("enable-officer")
@click.argument("username")
def enable_officer(username: str) -> None:
    """Let a disabled officer sign in again."""
    _set_officer(username, True)
