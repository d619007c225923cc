"""Who looked at my data: every time an officer opens a holder's record, one row saying
when, in which role and office, and why (the reason the officer's screen asked for before
it showed the record). The holder reads them on their account ("Who looked at my data"),
newest first, a page at a time; the officer's name stays internal (staff_user_id, and the
audit), as Estonia's Data Tracker shows its citizens.

A staff screen that shows a holder's record asks for a reason first (forms/staff.py:
look_reason_field and look_note_field, the template macro in staff/_look_reason.html),
then calls ``record`` in the transaction that shows the record. Rows are kept
RETAIN_STAFF_LOOKS long (services/retention.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from absher_web.models import StaffLook, StaffUser
from absher_web.text import has_control_characters

NOTE_MAX = 200
OTHER = "other"

# The reasons an officer chooses from (stored by key; the holder reads them translated).
REASONS = {
    # TRANSLATORS: A reason an officer gives before opening a holder's record, which the
    # holder later reads on "Who looked at my data".
    "holder_at_office": _l("The holder came to the office and asked for a service"),
    # TRANSLATORS: A reason an officer gives before opening a holder's record (see above).
    "deciding_request": _l("To decide a request the holder made"),
    # TRANSLATORS: A reason an officer gives before opening a holder's record (see above).
    "official_letter": _l("An official letter from another government agency or a court"),
    # TRANSLATORS: A reason an officer gives before opening a holder's record: any other,
    # which the officer then writes in their own words.
    OTHER: _l("Another reason, written below"),
}

# Each role as the holder reads it; a role not named here reads as ROLE_UNNAMED.
ROLE_NAMES = {
    # TRANSLATORS: On "Who looked at my data": which kind of officer opened the record.
    "passports": _l("Passports officer"),
    # TRANSLATORS: On "Who looked at my data": which kind of officer opened the record.
    "civil_affairs": _l("Civil Affairs officer"),
    # TRANSLATORS: On "Who looked at my data": a recruiter of the Ministry of Interior opened
    # the record, reading a job application (Absher Employment).
    "recruiter": _l("Recruiter of the Ministry of Interior"),
    # TRANSLATORS: On "Who looked at my data": a member of the committee that decides
    # objections to public decorum violations opened the record.
    "objections_committee": _l("Objections committee member"),
    # TRANSLATORS: On "Who looked at my data": which kind of officer opened the record.
    "decorum_officer": _l("Public decorum officer"),
}
# TRANSLATORS: On "Who looked at my data": an officer of a role without a name of its own.
ROLE_UNNAMED = _l("Government officer")

PAGE_SIZE = 20


@dataclass(frozen=True)
class Reason:
    """What the officer's screen asked for: a key of REASONS, and their words, if any."""

    key: str
    note: str | None = None

    def __post_init__(self) -> None:
        if self.key not in REASONS:
            raise ValueError(f"Unknown reason {self.key!r}: one of {', '.join(REASONS)}")
        if self.key == OTHER and not (self.note or "").strip():
            raise ValueError("Another reason needs the officer's words.")
        if self.note is not None and len(self.note) > NOTE_MAX:
            raise ValueError(f"A note holds at most {NOTE_MAX} characters.")
        if self.note is not None and has_control_characters(self.note):
            # The holder reads it; a form refuses such text beside the field, and a carried
            # (hidden) note holding it was altered.
            raise ValueError("A note holds no control or bidi-override characters.")


def reason_of(form) -> Reason:  # noqa: ANN001 (a form with look_reason and look_note)
    """The reason a validated form holds (look_reason_field, look_note_field)."""
    note = (form.look_note.data or "").strip() or None
    return Reason(form.look_reason.data, note)


def reason_or_none(form) -> Reason | None:  # noqa: ANN001 (as reason_of)
    """The reason a form carries, or None when it is missing or not one (altered)."""
    try:
        return reason_of(form)
    except (ValueError, TypeError, AttributeError):
        return None


def record(session: Session, *, staff: StaffUser, person_national_id: str, reason: Reason,
           now: datetime, role: str | None = None) -> StaffLook:
    """One look by ``staff`` at the record of ``person_national_id``, in ``role`` (the
    screen's; by default the officer's first), for ``reason``. Added to the session, in the
    transaction that shows the record; the caller commits."""
    roles = staff.roles or []
    look = StaffLook(staff_user_id=staff.id, person_id=person_national_id,
                     role=role or (roles[0] if roles else ""), office=staff.office[:100],
                     reason=reason.key, note=reason.note, created_at=now)
    session.add(look)
    return look


def looked_since(session: Session, staff: StaffUser, national_id: str,
                 since: datetime) -> bool:
    """Whether ``staff`` recorded a look at ``national_id``'s record since ``since`` (a
    screen asks once in each officer session, not at each page of the same record)."""
    return session.scalar(select(StaffLook.id).where(
        StaffLook.person_id == national_id, StaffLook.created_at >= since,
        StaffLook.staff_user_id == staff.id).limit(1)) is not None


@dataclass(frozen=True)
class Page:
    looks: list[StaffLook]
    next_cursor: str | None  # the cursor of the next (older) page, if there is one


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def cursor_of(look: StaffLook) -> str:
    """Where the next page starts: the last look's time (in microseconds) and id."""
    return f"{(look.created_at - EPOCH) // MICROSECOND}.{look.id}"


def parse_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) a cursor names; None for none or one altered by hand."""
    parts = cursor.split(".") if isinstance(cursor, str) and len(cursor) <= 40 else []
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    try:
        return EPOCH + int(parts[0]) * MICROSECOND, int(parts[1])
    except OverflowError:
        return None


def of_person(session: Session, national_id: str, cursor: str | None = None,
              size: int = PAGE_SIZE) -> Page:
    """A page of the looks at ``national_id``'s record, newest first, older than the
    cursor's (keyset pagination: every page as quick as the first)."""
    query = select(StaffLook).where(StaffLook.person_id == national_id)
    after = parse_cursor(cursor)
    if after is not None:
        query = query.where(tuple_(StaffLook.created_at, StaffLook.id) < after)
    found = list(session.scalars(
        query.order_by(StaffLook.created_at.desc(), StaffLook.id.desc()).limit(size + 1)))
    return Page(found[:size], cursor_of(found[size - 1]) if len(found) > size else None)


def role_name(role: str) -> object:
    return ROLE_NAMES.get(role, ROLE_UNNAMED)


def reason_text(look: StaffLook) -> object:
    return REASONS.get(look.reason, REASONS[OTHER])
