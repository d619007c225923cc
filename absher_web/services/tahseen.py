"""Tahseen (خدمة تحسين): a signed-in holder sends a complaint, a question or a suggestion to
Civil Affairs, and a Civil Affairs officer of the holder's city answers it.

A ticket is a request with a state machine of its own (MOVES, the shape of
services/requests.py): OPEN, then ANSWERED or CLOSED by an officer (their words required,
texted to the holder in their language through the outbox), or WITHDRAWN by the holder
while it is open. Each move is one conditional UPDATE on the state it leaves, so two
officers answering at once make one answer, and the loser is told. Every move is audited,
an officer's with their staff id and name.

- ``send`` gives the ticket its number at once (eleven random digits and a Luhn digit:
  drawn with ``secrets``, so one holder's number says nothing of another's; only its holder
  and the officers of its city ever see it). A holder may have ``open_max`` open tickets
  (TAHSEEN_OPEN_MAX); their sends wait for each other (a lock on their account row), so
  simultaneous sends never pass it.
- ``of_holder_by_number`` finds a ticket for its holder only: anyone else's number reads as
  none (the pages answer 404, the same as a number that does not exist).
- A ticket may hold one file (PURPOSE: a photo or a PDF, checked by services/uploads),
  downloaded by its holder and by Civil Affairs officers; it goes with the ticket when the
  purge removes it (services/retention.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from absher_web.agencies import civil_registry
from absher_web.identity import luhn_check_digit
from absher_web.models import (
    Account,
    StaffUser,
    TahseenTicket,
    TicketKind,
    TicketStatus,
    Upload,
)
from absher_web.models.tahseen import TICKET_NUMBER_LENGTH, TICKET_TEXT_MAX
from absher_web.services import audit, notices, requests, staff, uploads

T = TicketStatus
MOVES: dict[TicketStatus, frozenset[TicketStatus]] = {
    T.OPEN: frozenset({T.ANSWERED, T.CLOSED, T.WITHDRAWN}),
    T.ANSWERED: frozenset(),
    T.CLOSED: frozenset(),
    T.WITHDRAWN: frozenset(),
}
ENDED = (T.ANSWERED, T.CLOSED, T.WITHDRAWN)
TEXT_MAX = TICKET_TEXT_MAX
ROLE = staff.CIVIL_AFFAIRS
QUEUE_SHOWN = 100  # an office's queue shows its oldest tickets, answered first
AUDIT_SENT = "tahseen_sent"
AUDIT_ANSWERED = "tahseen_answered"
AUDIT_CLOSED = "tahseen_closed"
AUDIT_WITHDRAWN = "tahseen_withdrawn"
# One optional file a ticket (a photo or a PDF), read by the Civil Affairs officers.
PURPOSE = "tahseen"
ATTACHMENTS_MAX = 1
uploads.register_purpose(PURPOSE, staff_roles=(ROLE,))

# TRANSLATORS: The name of the Tahseen service (خدمة تحسين) as its pages head it.
TITLE = _l("Tahseen service")

KIND_NAMES = {
    # TRANSLATORS: A kind of Tahseen ticket, chosen by the holder.
    TicketKind.COMPLAINT: _l("Complaint"),
    # TRANSLATORS: A kind of Tahseen ticket, chosen by the holder.
    TicketKind.QUESTION: _l("Question"),
    # TRANSLATORS: A kind of Tahseen ticket, chosen by the holder.
    TicketKind.SUGGESTION: _l("Suggestion"),
}
# What a ticket may be about, in the order the form lists them (stored by key).
TOPICS = {
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "national_id": _l("National ID card"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "family_record": _l("Family record"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "births": _l("Registering a birth"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "deaths": _l("Registering a death"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "marriage_divorce": _l("Marriage and divorce"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "personal_data": _l("Correcting personal data"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "appointments": _l("Office appointments"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs: the way an office or its staff
    # served the holder.
    "office_service": _l("Service at an office"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "eservices": _l("Civil Affairs services on Absher"),
    # TRANSLATORS: A topic of a Tahseen ticket to Civil Affairs.
    "other": _l("Something else"),
}
STATUS_NAMES = {
    # TRANSLATORS: The state of a Tahseen ticket: no officer has answered it yet.
    T.OPEN: _l("Waiting for an answer"),
    # TRANSLATORS: The state of a Tahseen ticket.
    T.ANSWERED: _l("Answered"),
    # TRANSLATORS: The state of a Tahseen ticket: an officer closed it without an answer,
    # saying why.
    T.CLOSED: _l("Closed"),
    # TRANSLATORS: The state of a Tahseen ticket: the holder withdrew it.
    T.WITHDRAWN: _l("Withdrawn"),
}


class NotAllowed(Exception):
    """The officer does not answer this ticket (not their role or city): 403."""


@dataclass(frozen=True)
class TooMany:
    """The holder has ``limit`` open tickets already: one must be answered first."""

    limit: int


def new_number() -> str:
    body = str(secrets.randbelow(9 * 10 ** (TICKET_NUMBER_LENGTH - 2))
               + 10 ** (TICKET_NUMBER_LENGTH - 2))
    return body + luhn_check_digit(body)


def is_number(number: str) -> bool:
    return (len(number) == TICKET_NUMBER_LENGTH and number.isascii() and number.isdigit()
            and luhn_check_digit(number[:-1]) == number[-1])


def open_count(session: Session, account: Account) -> int:
    return session.scalar(select(func.count()).select_from(TahseenTicket).where(
        TahseenTicket.account_id == account.id, TahseenTicket.status == T.OPEN)) or 0


def _hold_holder(session: Session, account: Account) -> None:
    """Until this transaction ends, the holder's other sends wait (an UPDATE that changes
    nothing: a row lock on PostgreSQL, the write lock on SQLite), so their open tickets are
    counted once each and never pass the limit."""
    session.execute(update(Account).where(Account.id == account.id)
                    .values(national_id=Account.national_id)
                    .execution_options(synchronize_session=False))


def holder_of(ticket: TahseenTicket) -> str:
    """How the ticket's files name it (services/uploads.attach)."""
    return f"{PURPOSE}:{ticket.id}"


def attachments(session: Session, ticket: TahseenTicket) -> list[Upload]:
    return uploads.held_by(session, holder_of(ticket))


def send(session: Session, account: Account, *, kind: TicketKind, topic: str, text: str,
         open_max: int, now: datetime, attached: list[Upload] | tuple = (),
         client_address: str | None = None) -> TahseenTicket | TooMany:
    """The holder's new ticket (its number at once) holding the files ``attached``
    (accepted by services/uploads for PURPOSE), or TooMany (the files go with the rolled
    back transaction). Commits."""
    if topic not in TOPICS:
        raise ValueError(f"no Tahseen topic is named {topic!r}")
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        raise ValueError("a ticket's text is 1 to TEXT_MAX characters")
    _hold_holder(session, account)
    if open_count(session, account) >= open_max:
        session.rollback()
        return TooMany(open_max)
    city = civil_registry.office_city(account.person.city)
    for _ in range(5):  # a number already taken is drawn again
        ticket = TahseenTicket(number=new_number(), account_id=account.id, kind=kind,
                               topic=topic, text=text, status=T.OPEN, office_city=city,
                               created_at=now, changed_at=now)
        try:
            with session.begin_nested():
                session.add(ticket)
        except IntegrityError:
            continue
        uploads.attach(session, attached, holder_of(ticket), now)
        audit.record(session, AUDIT_SENT, now, account.id, client_address,
                     ticket=ticket.number, ticket_kind=kind.value, topic=topic,
                     files=len(attached))
        session.commit()
        return ticket
    raise RuntimeError("could not draw a free ticket number")


def move(session: Session, ticket: TahseenTicket, to: TicketStatus, now: datetime,
         **values: object) -> bool:
    """Move ``ticket`` to ``to`` from the state it is in: True if this call made the move
    (False when another officer, or the holder, moved it first)."""
    leaving = ticket.status
    if to not in MOVES[leaving]:
        return False
    changed = session.execute(
        update(TahseenTicket).where(TahseenTicket.id == ticket.id,
                                    TahseenTicket.status == leaving)
        .values(status=to, changed_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(ticket)
    return changed == 1


# --- the holder's side -------------------------------------------------------------------


def of_holder(session: Session, account: Account, limit: int = 100) -> list[TahseenTicket]:
    """The holder's tickets, the newest first."""
    return list(session.scalars(select(TahseenTicket).where(
        TahseenTicket.account_id == account.id)
        .order_by(TahseenTicket.created_at.desc(), TahseenTicket.id.desc()).limit(limit)))


def of_holder_by_number(session: Session, account: Account,
                        number: str) -> TahseenTicket | None:
    """The holder's ticket of that number; None for anyone else's (or none at all)."""
    if not is_number(number):
        return None
    return session.scalars(select(TahseenTicket).where(
        TahseenTicket.number == number, TahseenTicket.account_id == account.id)).first()


def withdraw(session: Session, ticket: TahseenTicket, account: Account, now: datetime,
             client_address: str | None = None) -> bool:
    """The holder withdraws their open ticket; True if this call did. Commits."""
    if ticket.account_id != account.id:
        raise NotAllowed(ticket.number)
    made = move(session, ticket, T.WITHDRAWN, now)
    if made:
        audit.record(session, AUDIT_WITHDRAWN, now, account.id, client_address,
                     ticket=ticket.number)
    session.commit()
    return made


# --- the officers' side ------------------------------------------------------------------


def may_answer(officer: StaffUser, ticket: TahseenTicket) -> bool:
    """Whether ``officer`` answers this ticket: a Civil Affairs officer of its city."""
    return officer.city is not None and may_answer_in(officer, ticket.office_city)


def by_number(session: Session, number: str) -> TahseenTicket | None:
    if not is_number(number):
        return None
    return session.scalars(select(TahseenTicket).where(TahseenTicket.number == number)).first()


# Oldest first, in the order of the queue index (status and city are fixed by _waiting), the
# only index on these columns (migration 0033): one walk of QUEUE_SHOWN entries.
_QUEUE_ORDER = (TahseenTicket.status, TahseenTicket.office_city, TahseenTicket.created_at,
                TahseenTicket.id)


def _waiting(office_city: str):  # noqa: ANN202 (a condition)
    return (TahseenTicket.status == T.OPEN) & (TahseenTicket.office_city == office_city)


def waiting(session: Session, office_city: str,
            limit: int = QUEUE_SHOWN) -> list[TahseenTicket]:
    """The open tickets of one city's office, the oldest first."""
    return list(session.scalars(select(TahseenTicket).where(_waiting(office_city))
                                .order_by(*_QUEUE_ORDER).limit(limit)))


def waiting_count(session: Session, office_city: str,
                  cap: int = requests.QUEUE_COUNTED_MAX) -> int:
    """How many tickets the office's queue holds, counted up to ``cap`` + 1 (shown as
    "more than ``cap``"), like the requests' queues."""
    counted = (select(TahseenTicket.id).where(_waiting(office_city))
               .order_by(*_QUEUE_ORDER).limit(cap + 1).subquery())
    return session.scalar(select(func.count()).select_from(counted)) or 0


def waiting_by_office(session: Session) -> list[requests.Waiting]:
    """Open tickets by city, the oldest first, each with how many active Civil Affairs
    officers of that city can answer them (`flask absher waiting-tickets`)."""
    rows = session.execute(
        select(TahseenTicket.office_city, func.count(), func.min(TahseenTicket.created_at))
        .where(TahseenTicket.status == T.OPEN).group_by(TahseenTicket.office_city)).all()
    officers = list(session.scalars(select(StaffUser).where(StaffUser.is_active.is_(True))))
    return sorted((requests.Waiting(ROLE, city, count, oldest,
                                    sum(1 for o in officers if may_answer_in(o, city)))
                   for city, count, oldest in rows), key=lambda waiting: waiting.oldest)


def may_answer_in(officer: StaffUser, city: str) -> bool:
    return staff.has_role(officer, ROLE) and officer.city == city


def answer(session: Session, ticket: TahseenTicket, officer: StaffUser, text: str,
           now: datetime, *, close: bool = False, client_address: str | None = None) -> bool:
    """The officer answers the open ticket (or, ``close``, closes it saying why): True if
    this was the answer made (False: answered, closed or withdrawn first). NotAllowed when
    the ticket is not of the officer's role and city. The holder's SMS is queued; the
    caller commits and sends it with ``requests.commit_and_tell``."""
    if not may_answer(officer, ticket):
        raise NotAllowed(ticket.number)
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        raise ValueError("an answer is 1 to TEXT_MAX characters")
    if not move(session, ticket, T.CLOSED if close else T.ANSWERED, now, answer=text,
                answered_by=officer.id, answered_at=now):
        return False
    audit.record(session, AUDIT_CLOSED if close else AUDIT_ANSWERED, now, ticket.account_id,
                 client_address, staff_user_id=officer.id, ticket=ticket.number,
                 officer=officer.username, officer_name=officer.full_name)
    notice = notices.TAHSEEN_CLOSED if close else notices.TAHSEEN_ANSWERED
    requests.tell_after_commit(session, notices.queue(session, notice, ticket.account, now,
                                                      ticket=ticket.number))
    return True


def officer_of(session: Session, ticket: TahseenTicket) -> StaffUser | None:
    return session.get(StaffUser, ticket.answered_by) if ticket.answered_by else None


# --- the holder's data -------------------------------------------------------------------


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's tickets as JSON-safe values (the export of their data)."""
    return [{"section": "tahseen_tickets", "number": ticket.number, "kind": ticket.kind.value,
             "kind_name": str(KIND_NAMES[ticket.kind]), "topic": ticket.topic,
             "topic_name": str(TOPICS.get(ticket.topic, ticket.topic)), "text": ticket.text,
             "status": ticket.status.value, "status_name": str(STATUS_NAMES[ticket.status]),
             "office_city": ticket.office_city, "answer": ticket.answer,
             "attachments": [{"public_id": upload.public_id, "name": upload.display_name,
                              "media_type": upload.media_type, "size": upload.size}
                             for upload in attachments(session, ticket)],
             "answered_at": ticket.answered_at.isoformat() if ticket.answered_at else None,
             "sent_at": ticket.created_at.isoformat(),
             "changed_at": ticket.changed_at.isoformat()}
            for ticket in of_holder(session, account, limit=10_000)]
