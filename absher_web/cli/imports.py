"""`flask absher import <source> FILE`: the government's records from CSV files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import psycopg
from sqlalchemy.exc import IntegrityError

from absher_web.agencies import csv_source
from absher_web.agencies.sources import SOURCES
from absher_web.cli.base import absher
from absher_web.extensions import db
from absher_web.services import ownership


def _import(source_name: str, csv_file: Path, skip_bad_rows: bool,
            part: csv_source.Part | None) -> None:
    source = SOURCES[source_name]
    if part is not None:
        _check_part(source, skip_bad_rows)
    # What the messages call the file: a part names itself, several running at once.
    named = f"{csv_file} (part {part})" if part else str(csv_file)

    def report(error: str) -> None:
        click.echo(error, err=True)

    # Binary, so that each line is decoded alone and a byte that is not UTF-8 is named
    # by its line; the csv module handles line breaks inside quoted fields.
    with csv_file.open("rb") as stream, db.new_session() as session:
        # Skipping bad rows, each batch is committed: a failure loses one batch at most
        # and the same command resumes (csv_source.Checkpoint); each part of a file has a
        # checkpoint of its own.
        checkpoint = (csv_source.Checkpoint(
            session, f"{source.name} {part}" if part else source.name, csv_file)
            if skip_bad_rows else None)
        if checkpoint is not None and checkpoint.line > 1:
            click.echo(f"Resuming the import of {named} after row {checkpoint.line}, "
                       "where an earlier run stopped.")
        try:
            result = csv_source.import_csv(session, csv_source.utf8_lines(stream), source,
                                           report, on_moved=ownership.follow_new_holders,
                                           checkpoint=checkpoint, part=part)
        # The bulk merge on PostgreSQL (agencies/storing.py) runs on the driver's own cursor.
        except (IntegrityError, psycopg.errors.IntegrityError) as error:
            # Rows that pass every check one by one and still clash once stored together
            # (two holders swapping their certificates in one file): the batch is not
            # stored, and the operator is told which rule it broke.
            session.rollback()
            click.echo(f"Stopped: rows of {named} clash with each other or with stored "
                       f"records ({broken_rule(error)}); {stored_so_far(checkpoint)}. Split "
                       "the change over two files, the old values freed in the first.",
                       err=True)
            sys.exit(1)
        if result.keep(skip_bad_rows):
            session.commit()
        else:
            session.rollback()
    if not result.keep(skip_bad_rows):
        click.echo(f"{result.skipped} bad row(s) in {named}; {stored_so_far(checkpoint)}.",
                   err=True)
        sys.exit(1)
    skipped = f" {result.skipped} bad row(s) skipped." if result.skipped else ""
    click.echo(f"Imported {result.total} {source.noun} from {named}: {result.added} added, "
               f"{result.updated} updated, {result.unchanged} unchanged.{skipped}")


def _check_part(source: csv_source.Source, skip_bad_rows: bool) -> None:
    if source.raw_key is None:
        can = ", ".join(name for name, each in SOURCES.items() if each.raw_key is not None)
        raise click.UsageError(
            f"--part: {source.name} files are imported whole (a row is checked against rows "
            f"of other keys, which could be in another part); these sources can be imported "
            f"in parts: {can}.")
    if not skip_bad_rows:
        # Without it each part would be all or nothing on its own: a bad row in one part
        # would leave the others stored and the file half imported.
        raise click.UsageError("--part needs --skip-bad-rows: each part then stores its good "
                               "rows in committed batches and resumes alone.")


def _part(_context: click.Context, _option: click.Parameter, value: str | None
          ) -> csv_source.Part | None:
    if value is None:
        return None
    try:
        return csv_source.Part.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def stored_so_far(checkpoint: csv_source.Checkpoint | None) -> str:
    if checkpoint is not None and checkpoint.line > 1:
        return f"the rows up to row {checkpoint.line} are stored, none after them"
    return "nothing was imported"


def broken_rule(error: Exception) -> str:
    """The constraint a statement broke, as the database names it."""
    cause = getattr(error, "orig", error)
    named = getattr(getattr(cause, "diag", None), "constraint_name", None)
    return named or str(cause).splitlines()[0]


CSV_FILE = click.argument("csv_file",
                          type=click.Path(exists=True, dir_okay=False, path_type=Path))
SKIP_BAD_ROWS = click.option(
    "--skip-bad-rows", is_flag=True,
    help="Store the good rows of a file that has bad ones (each bad row is still named).")
PART = click.option(
    "--part", metavar="K/N", callback=_part,
    help="Import only part K of N (with --skip-bad-rows): run N commands at once, one a "
         "core, K from 1 to N, to import a large file faster; each row falls in one part.")


@absher.command("import")
@click.argument("source", type=click.Choice(list(SOURCES)))
@CSV_FILE
@SKIP_BAD_ROWS
@PART
def import_source(source: str, csv_file: Path, skip_bad_rows: bool,
                  part: csv_source.Part | None) -> None:
    """Add or update a government source's records from a UTF-8 CSV file (README gives
    each header); imports nothing if any row is bad, unless --skip-bad-rows."""
    _import(source, csv_file, skip_bad_rows, part)


def _alias(source: str) -> None:
    # The command each source had before `import <source>`, kept for existing scripts.
    @absher.command(f"import-{source}", help=f"The same as `import {source} FILE`.")
    @CSV_FILE
    @SKIP_BAD_ROWS
    @PART
    def alias(csv_file: Path, skip_bad_rows: bool, part: csv_source.Part | None) -> None:
        _import(source, csv_file, skip_bad_rows, part)


for _source in SOURCES:
    _alias(_source)
