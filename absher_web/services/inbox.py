"""The holder's inbox: a copy of every notice the site sent them, kept in their account.

- Every notice queued for a holder (services/notices.queue, which every SMS notice goes
  through: send, send_each, the requests' tell_after_commit, the runners) is written here in
  the same transaction as the notice and the change it tells of, in the words the holder
  was sent, in their language at that moment. One inbox message per text message (a unique
  key on the message's id): a send tried again, failed or given up changes nothing here.
- The one-time messages a page shows after an action on the holder's records (a request
  withdrawn, a bill cancelled, an e-service's change) are kept too (``keep``).
- Codes never come here: code messages are sent by services/otp.py, not through notices.
- Opening a message marks it read with a conditional UPDATE (``read_at`` set only while it
  is empty): repeating it, or two tabs at once, changes nothing more.
- Kept for ABSHER_RETAIN_INBOX (services/retention.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ScalarSelect, Select, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from absher_web.models import Account, InboxMessage, Language, SmsMessage, unread_message

# The header says "99+" above this: the count reads at most this many index entries + 1.
UNREAD_SHOWN_MAX = 99
PAGE_NOTICE = "page_notice"  # the topic of a one-time message a page showed

# The page each notice is about (an endpoint taking only the language), by its purpose.
# A notice may name its own (notices.Notice.link); a purpose not listed has no link.
LINKS = {
    "lock_notice": "changes.password",
    "recovery_lock_notice": "account.home",
    "password_changed_notice": "account.home",
    "mobile_changed_notice": "account.home",
    "account_activated_notice": "account.home",
    "driving_authorisation_notice": "eservices.driving_authorisations",
    "absence_report_notice": "eservices.domestic_worker_absence",
    "visa_extension_notice": "eservices.visit_visa_extension",
    "residency_notice": "eservices.residency_and_visas",
    "traffic_violation_notice": "eservices.vehicles",
    "bill_refunded_notice": "payments.index",
    "family_record_notice": "family.page",
    "request_decided_notice": "my_requests.index",
    "birth_registered_notice": "births.page",
    "birth_delivered_notice": "births.page",
    "vehicle_sale_notice": "eservices.vehicle_sale",
    "passport_notice": "passports.page",
}


def new_public_id() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 random bits


def keep(session: Session, account: Account | int, topic: str, body: str,
         language: Language, now: datetime, link: str | None = None,
         sms_message_id: int | None = None) -> InboxMessage:
    """Add a message to the holder's inbox, in the caller's transaction."""
    message = InboxMessage(
        public_id=new_public_id(), topic=topic[:40], body=body, language=language,
        account_id=account if isinstance(account, int) else account.id,
        link=link, sms_message_id=sms_message_id, created_at=now)
    session.add(message)
    return message


def keep_sent(session: Session, account: Account, sms: SmsMessage, language: Language,
              link: str | None = None) -> InboxMessage:
    """The inbox copy of a notice just queued (services/notices.queue): its words as sent."""
    return keep(session, account, sms.purpose, sms.body, language, sms.created_at,
                link or LINKS.get(sms.purpose), sms.id)


@dataclass(frozen=True)
class Page:
    messages: list[InboxMessage]
    older: int | None  # the cursor of the next (older) page, if there is one


def page_of(session: Session, account_id: int, size: int,
            before: int | None = None) -> Page:
    """A page of the holder's inbox, newest first, older than ``before`` (keyset: the
    index on account and id is walked from where the last page ended)."""
    query = select(InboxMessage).where(InboxMessage.account_id == account_id)
    if before is not None:
        query = query.where(InboxMessage.id < before)
    found = list(session.scalars(query.order_by(InboxMessage.id.desc()).limit(size + 1)))
    older = found[size - 1].id if len(found) > size else None
    return Page(found[:size], older)


def own(session: Session, account_id: int, public_id: str) -> InboxMessage | None:
    """The holder's message with this id; None for another's, or none (the same answer)."""
    if not public_id.isascii() or len(public_id) > 24:
        return None
    return session.scalar(select(InboxMessage).where(InboxMessage.public_id == public_id,
                                                     InboxMessage.account_id == account_id))


def mark_read(session: Session, message: InboxMessage, now: datetime) -> bool:
    """Mark the message read, once: True when this call did (the caller commits)."""
    done = session.execute(
        update(InboxMessage).where(InboxMessage.id == message.id, unread_message())
        .values(read_at=now).execution_options(synchronize_session=False))
    if done.rowcount == 1:
        set_committed_value(message, "read_at", now)
        return True
    return False


def mark_all_read(session: Session, account_id: int, now: datetime) -> int:
    """Mark every unread message of the holder read; how many this call marked."""
    done = session.execute(
        update(InboxMessage).where(InboxMessage.account_id == account_id, unread_message())
        .values(read_at=now).execution_options(synchronize_session=False))
    return done.rowcount


def unread_count(session: Session, account_id: int, cap: int = UNREAD_SHOWN_MAX) -> int:
    """Unread messages, counted up to ``cap`` + 1 (shown as "99+"): never more than that
    many entries of the partial index of unread messages are read."""
    return session.scalar(_unread(account_id, cap)) or 0


def unread_counted(account_id: int, cap: int = UNREAD_SHOWN_MAX) -> ScalarSelect[int]:
    """``unread_count`` as a subquery another query carries (the signed-in session's: the
    header's count in the same round trip)."""
    return _unread(account_id, cap).scalar_subquery()


def _unread(account_id: int, cap: int) -> Select[tuple[int]]:
    unread = (select(InboxMessage.id)
              .where(InboxMessage.account_id == account_id, unread_message())
              .limit(cap + 1).subquery())
    return select(func.count()).select_from(unread)


def for_export(session: Session, account: Account) -> list[dict]:
    """The holder's inbox, oldest first, for the copy of their data they take away."""
    found = session.scalars(select(InboxMessage).where(InboxMessage.account_id == account.id)
                            .order_by(InboxMessage.id))
    return [{"id": message.public_id, "topic": message.topic, "text": message.body,
             "language": message.language.value, "sent_at": message.created_at.isoformat(),
             "read_at": message.read_at.isoformat() if message.read_at else None}
            for message in found]
