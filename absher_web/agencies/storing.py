"""Storing a batch of a government source's rows (agencies/csv_source.py reads them):
each row added, or the stored row of its natural key overwritten where a value differs,
and counted as added, updated or unchanged.

`upsert` is what every source calls. On PostgreSQL a batch is copied into a temporary
staging table and merged from it in one INSERT ... ON CONFLICT, whatever the batch's
size; anything else a source needs of the stored rows (which rows pass to a new holder)
is asked of the staging table in one statement too. Elsewhere (SQLite) the stored rows
of the batch are looked up a few hundred keys a query (`stored_by`) and compared in
Python (`write_rows`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import islice
from typing import TypeVar

import sqlalchemy
from sqlalchemy import Table, UniqueConstraint, any_, bindparam, insert, select, tuple_
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement

T = TypeVar("T")
# SQLite allows 32766 bound parameters (999 before 3.32): lookups go in chunks under both.
CHUNK = 500

# A natural key: one unique column, or the columns of a unique constraint.
Key = InstrumentedAttribute | tuple[InstrumentedAttribute, ...]


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # bad rows left out, when the operator asked for it
    # The file ended in a wrong header, broken CSV or text not UTF-8: what follows
    # could not be read, so nothing of it is stored, even when skipping bad rows.
    broken: bool = False

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged

    def keep(self, skip_bad_rows: bool) -> bool:
        """Whether the records stored may be committed: none of a file with bad rows,
        unless the operator skips them and the file could be read to its end."""
        return not self.skipped or (skip_bad_rows and not self.broken)

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(self.added + other.added, self.updated + other.updated,
                            self.unchanged + other.unchanged, self.skipped + other.skipped,
                            self.broken or other.broken)


def in_chunks(values: Iterable[T]) -> Iterator[list[T]]:
    """Values for an IN (...) clause, a few hundred at a time."""
    values = iter(values)
    while chunk := list(islice(values, CHUNK)):
        yield chunk


def _columns(key: Key) -> tuple[InstrumentedAttribute, ...]:
    return key if isinstance(key, tuple) else (key,)


def _natural_key(key: Key, values: Mapping[str, object]) -> object:
    """A row's natural key: its value, or the tuple of values of a composite key."""
    if isinstance(key, tuple):
        return tuple(values[column.key] for column in key)
    return values[key.key]


def _stored_key(key: Key, row: object) -> object:
    """A stored row's natural key, as `_natural_key` gives a new row's."""
    if isinstance(key, tuple):
        return tuple(getattr(row, column.key) for column in key)
    return getattr(row, key.key)


def stored_by(session: Session, key: Key, keys: Iterable[object],
              only: Sequence[InstrumentedAttribute] = ()) -> dict:
    """The stored rows whose natural ``key`` (a unique column, or a tuple of columns) holds
    one of ``keys``, by that value: what a batch needs of its table, a few hundred keys a
    query. ``only``: just these columns (and the key's), as plain rows rather than objects
    the session tracks, when the batch only looks them up."""
    columns = _columns(key)
    model = columns[0].class_
    found = {}
    for chunk in in_chunks(set(keys)):
        where = (tuple_(*columns).in_(chunk) if isinstance(key, tuple)
                 else one_of(session, key, chunk))
        rows = (session.execute(select(*columns, *only).where(where)) if only
                else session.scalars(select(model).where(where)))
        for row in rows:
            found[_stored_key(key, row)] = row
    return found


def one_of(session: Session, column: InstrumentedAttribute, values: list
           ) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL ``column = ANY (values)``, one array
    parameter: a few hundred bound values would each be rendered by SQLAlchemy and read
    by the driver, batch after batch."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def write_rows(session: Session, model: type, rows_by_key: Mapping[object, dict[str, object]],
               stored: Mapping[object, object],
               update_only: Sequence[str] | None = None) -> ImportResult:
    """Adds a ``model`` row for each key not in ``stored`` and overwrites the stored row
    of the others where a value differs (of the columns ``update_only`` names, if given)."""
    new = []
    updated = unchanged = 0
    for key, values in rows_by_key.items():
        row = stored.get(key)
        if row is None:
            new.append(values)
            continue
        changes = {name: value for name, value in values.items()
                   if (update_only is None or name in update_only)
                   and getattr(row, name) != value}
        for name, value in changes.items():
            setattr(row, name, value)
        updated += bool(changes)
        unchanged += not changes
    session.flush()
    if new:
        # One multi-row INSERT per few hundred rows, and no object kept for any of them.
        session.execute(insert(model), new)
    return ImportResult(len(new), updated, unchanged)


def upsert(session: Session, key: Key, rows_by_key: Mapping[object, dict[str, object]],
           update_only: Sequence[str] | None = None) -> ImportResult:
    """Adds a row of ``key``'s table for each natural key not stored and overwrites the
    stored row of the others where a value differs; ``key`` is a unique column or the
    tuple of a unique constraint's columns, and every row's values include it. A stored
    row takes only the columns ``update_only`` names, when given (the others are the
    row's as it was first added)."""
    return _upsert(session, key, rows_by_key, update_only, holder=None)[0]


def upsert_moving(session: Session, key: Key, rows_by_key: Mapping[object, dict[str, object]],
                  holder: InstrumentedAttribute) -> tuple[ImportResult, list]:
    """`upsert`, and the stored rows whose ``holder`` (an owner, a sponsor) the batch
    changed, as loaded after the change: what the old holder set up on them must end."""
    return _upsert(session, key, rows_by_key, None, holder)


def _upsert(session: Session, key: Key, rows_by_key: Mapping[object, dict[str, object]],
            update_only: Sequence[str] | None, holder: InstrumentedAttribute | None
            ) -> tuple[ImportResult, list]:
    if not rows_by_key:
        return ImportResult(), []
    model = _columns(key)[0].class_
    if session.get_bind().dialect.name == "postgresql":
        return _merge(session, key, rows_by_key, update_only, holder)
    by_key = {_natural_key(key, values): values for values in rows_by_key.values()}
    stored = stored_by(session, key, by_key)
    # Read before write_rows overwrites them; the rows themselves carry the new holder.
    moved = [stored[natural] for natural, values in by_key.items()
             if holder is not None and natural in stored
             and getattr(stored[natural], holder.key) != values[holder.key]]
    return write_rows(session, model, by_key, stored, update_only), moved


def _merge(session: Session, key: Key, rows_by_key: Mapping[object, dict[str, object]],
           update_only: Sequence[str] | None, holder: InstrumentedAttribute | None
           ) -> tuple[ImportResult, list]:
    """`upsert` on PostgreSQL: COPY into a staging table, then one INSERT ... ON CONFLICT
    that leaves a row whose values are all the same unwritten."""
    model = _columns(key)[0].class_
    table: Table = model.__table__
    columns = list(next(iter(rows_by_key.values())))
    key_names = [column.name for column in _columns(key)]
    # Columns the file does not give that have a default in the model (a creation time):
    # one value for the whole batch, as the ORM would give each row.
    defaults = {column.name: column.default.arg(None) if column.default.is_callable
                else column.default.arg
                for column in table.columns
                if column.name not in columns and column.default is not None
                and not column.default.is_sequence and not column.default.is_clause_element}
    names = ", ".join(f'"{name}"' for name in columns)
    staging = f"import_{table.name}"
    changed = [name for name in (columns if update_only is None else update_only)
               if name not in key_names]
    if not changed:
        raise ValueError(f"nothing of {table.name} to update beyond its key")
    on_key = ", ".join(f'"{name}"' for name in key_names)
    session.flush()
    cursor = session.connection().connection.dbapi_connection.cursor()
    cursor.execute(f'CREATE TEMPORARY TABLE IF NOT EXISTS "{staging}" ON COMMIT DELETE ROWS '
                   f'AS SELECT {names} FROM "{table.name}" WITH NO DATA')
    cursor.execute(f'TRUNCATE "{staging}"')
    # Enum columns hold the members' values (models.base.enum_column); only they need a
    # look at each row's value.
    enum_positions = [position for position, name in enumerate(columns)
                      if isinstance(table.c[name].type, sqlalchemy.Enum)]
    with cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN') as copy:
        for values in rows_by_key.values():
            row = list(values.values())
            for position in enum_positions:
                if isinstance(row[position], Enum):
                    row[position] = row[position].value
            copy.write_row(row)
    moved_ids = []
    if holder is not None:
        moved_ids = [row_id for (row_id,) in cursor.execute(
            f'SELECT stored.id FROM "{table.name}" AS stored JOIN "{staging}" AS incoming '
            f'USING ({on_key}) WHERE stored."{holder.name}" IS DISTINCT FROM '
            f'incoming."{holder.name}"')]
    order = ""
    if _other_unique(table, key_names):
        # Another unique column (a certificate number, a person's open visa) may pass from
        # a stored row to a new one in the same batch: the stored rows are merged first,
        # as write_rows flushes them before its INSERT, so the value is free in time.
        order = (f' ORDER BY NOT EXISTS (SELECT 1 FROM "{table.name}" AS present '
                 f'WHERE ({", ".join(f"present.{n}" for n in key_names)}) = '
                 f'({", ".join(f"incoming.{n}" for n in key_names)}))')
    targets = ", ".join([names, *(f'"{name}"' for name in defaults)])
    merged = cursor.execute(
        f'INSERT INTO "{table.name}" AS stored ({targets}) '
        f'SELECT {", ".join([names, *(["%s"] * len(defaults))])} FROM "{staging}" AS incoming'
        f'{order} ON CONFLICT ({on_key}) DO UPDATE SET '
        + ", ".join(f'"{name}" = excluded."{name}"' for name in changed)
        + f' WHERE ({", ".join(f"stored.{name}" for name in changed)}) IS DISTINCT FROM '
        f'({", ".join(f"excluded.{name}" for name in changed)}) '
        # xmax is 0 on a row this statement inserted, set on one it updated.
        'RETURNING (xmax = 0)', list(defaults.values())).fetchall()
    added = sum(1 for (inserted,) in merged if inserted)
    result = ImportResult(added, len(merged) - added, len(rows_by_key) - len(merged))
    moved = [row for chunk in in_chunks(moved_ids) for row in session.scalars(
        select(model).where(model.id.in_(chunk)).execution_options(populate_existing=True))]
    return result, moved


def _other_unique(table: Table, key_names: list[str]) -> bool:
    """Whether the table has a unique constraint or unique index other than the natural
    key's (a partial unique index counts: one open visa a person)."""
    uniques = [constraint.columns for constraint in table.constraints
               if isinstance(constraint, UniqueConstraint)]
    uniques += [index.columns for index in table.indexes if index.unique]
    return any([column.name for column in columns] != key_names for columns in uniques)


def values_of(record: object) -> dict[str, object]:
    """A record's slots as column values."""
    names, read = _slot_reader(type(record))
    return dict(zip(names, read(record), strict=True))


@functools.cache
def _slot_reader(record_type: type) -> tuple[tuple[str, ...], Callable[[object], tuple]]:
    # One attrgetter reads every slot in C: a row of a million costs one call, not one
    # getattr per column.
    names = tuple(record_type.__slots__)
    read = operator.attrgetter(*names)
    return names, read if len(names) > 1 else lambda record: (read(record),)
