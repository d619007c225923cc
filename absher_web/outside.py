"""Calls that leave the process (the SMS provider today; banks and other gateways later).

The rule: no outside call starts while a database transaction is open. A provider that
hangs would otherwise hold the transaction as long: on SQLite every writer of the site
waits behind it, on PostgreSQL the rows written before the call stay locked. ``call``
commits the caller's work, then calls; when the call fails, the caller undoes what must
be undone in a new transaction (or leaves the message to the outbox).

Sessions holding a transaction are tracked per thread (SQLAlchemy's session events), so
a call made while *any* session of the thread holds one is noticed: logged as an error
here, and a failed test under the suite's guard (tests/conftest.py), naming the call site.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)
T = TypeVar("T")

_threads = threading.local()
_watchers: list[Callable[[str], None]] = []
PACKAGE = str(Path(__file__).resolve().parent)
# Where the call goes out, not where it is made.
NOT_CALLERS = {__file__, str(Path(PACKAGE) / "sms_gateway.py")}


def _held() -> dict[int, Session]:
    held = getattr(_threads, "sessions", None)
    if held is None:
        held = _threads.sessions = {}
    return held


def _began(session: Session, _transaction: SessionTransaction, _connection) -> None:  # noqa: ANN001
    _held()[id(session)] = session


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: its connection is given back
        _held().pop(id(session), None)


def track_transactions() -> None:
    """Listen to every session's transactions (once per process)."""
    for name, listener in (("after_begin", _began), ("after_transaction_end", _ended)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def open_transactions() -> list[Session]:
    """The sessions of this thread that hold a database transaction now."""
    return [session for session in _held().values() if session.in_transaction()]


def call_site(also_not: tuple[str, ...] = ()) -> str:
    """Where the call was made: the innermost frame of this project outside this module
    and the gateways (else the innermost frame outside the libraries and ``also_not``:
    a test's)."""
    frames = traceback.extract_stack()[:-1]
    ours = [frame for frame in frames
            if frame.filename.startswith(PACKAGE) and frame.filename not in NOT_CALLERS]
    if not ours:
        ours = [frame for frame in frames
                if not frame.filename.startswith((sys.prefix, sys.base_prefix))
                and frame.filename not in NOT_CALLERS and frame.filename not in also_not
                and not frame.filename.startswith(PACKAGE)]
    frame = (ours or frames)[-1]
    return f"{frame.filename}:{frame.lineno} in {frame.name}"


def starting(what: str, site: str | None = None) -> None:
    """Say that an outside call starts now: a problem if a transaction is open."""
    if not open_transactions():
        return
    problem = (f"{what} started at {site or call_site()} while a database transaction "
               "is open (commit first: absher_web.outside.call)")
    log.error(problem)
    for watcher in list(_watchers):
        watcher(problem)


def watched() -> bool:
    return bool(_watchers)


@contextmanager
def watching(watcher: Callable[[str], None]) -> Iterator[None]:
    """Hand every outside call made inside a transaction to ``watcher`` (the tests' guard)."""
    _watchers.append(watcher)
    try:
        yield
    finally:
        _watchers.remove(watcher)


def call(what: str, do: Callable[[], T], session: Session | None = None) -> T:
    """Commit ``session`` (the caller's work so far), then make the outside call ``do``.

    The only way out of the process: every sender (code SMS, the notices' outbox) calls
    through here, so no transaction is ever held while a provider answers.
    """
    if session is not None:
        session.commit()
    starting(what)
    return do()
