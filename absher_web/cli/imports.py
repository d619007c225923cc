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


def _import(source_name: str, csv_file: Path, skip_bad_rows: bool) -> None:
    source = SOURCES[source_name]

    def report(error: str) -> None:
        click.echo(error, err=True)

    # Binary, so that each line is decoded alone and a byte that is not UTF-8 is named
    # by its line; the csv module handles line breaks inside quoted fields.
    with csv_file.open("rb") as stream, db.new_session() as session:
        # Skipping bad rows, each batch is committed: a failure loses one batch at most
        # and the same command resumes (csv_source.Checkpoint).
        checkpoint = (csv_source.Checkpoint(session, source.name, csv_file)
                      if skip_bad_rows else None)
        if checkpoint is not None and checkpoint.line > 1:
            click.echo(f"Resuming the import of {csv_file} after row {checkpoint.line}, "
                       "where an earlier run stopped.")
        try:
            result = csv_source.import_csv(session, csv_source.utf8_lines(stream), source,
                                           report, on_moved=ownership.follow_new_holders,
                                           checkpoint=checkpoint)
        # The bulk merge on PostgreSQL (agencies/storing.py) runs on the driver's own cursor.
        except (IntegrityError, psycopg.errors.IntegrityError) as error:
            # Rows that pass every check one by one and still clash once stored together
            # (two holders swapping their certificates in one file): the batch is not
            # stored, and the operator is told which rule it broke.
            session.rollback()
            click.echo(f"Stopped: rows of {csv_file} clash with each other or with stored "
                       f"records ({broken_rule(error)}); {stored_so_far(checkpoint)}. Split "
                       "the change over two files, the old values freed in the first.",
                       err=True)
            sys.exit(1)
        if result.keep(skip_bad_rows):
            session.commit()
        else:
            session.rollback()
    if not result.keep(skip_bad_rows):
        click.echo(f"{result.skipped} bad row(s) in {csv_file}; {stored_so_far(checkpoint)}.",
                   err=True)
        sys.exit(1)
    skipped = f" {result.skipped} bad row(s) skipped." if result.skipped else ""
    click.echo(f"Imported {result.total} {source.noun} from {csv_file}: {result.added} added, "
               f"{result.updated} updated, {result.unchanged} unchanged.{skipped}")


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


@absher.command("import")
@click.argument("source", type=click.Choice(list(SOURCES)))
@CSV_FILE
@SKIP_BAD_ROWS
def import_source(source: str, csv_file: Path, skip_bad_rows: bool) -> None:
    """Add or update a government source's records from a UTF-8 CSV file (README gives
    each header); imports nothing if any row is bad, unless --skip-bad-rows."""
    _import(source, csv_file, skip_bad_rows)


def _alias(source: str) -> None:
    # The command each source had before `import <source>`, kept for existing scripts.
    @absher.command(f"import-{source}", help=f"The same as `import {source} FILE`.")
    @CSV_FILE
    @SKIP_BAD_ROWS
    def alias(csv_file: Path, skip_bad_rows: bool) -> None:
        _import(source, csv_file, skip_bad_rows)


for _source in SOURCES:
    _alias(_source)
