"""The holder's inbox: every notice the site sent them (and the one-time messages about
their records), as they read it then, kept for the retention period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.accounts import Language
from absher_web.models.base import Base, UTCDateTime, enum_column, utcnow


class InboxMessage(Base):
    """One message in a holder's inbox: the words they were sent, in the language they
    had then, never a code (code messages are not kept here)."""

    __tablename__ = "inbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # In the message's address: random, so addresses say nothing about how many exist.
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(40))  # the notice's purpose, or "page_notice"
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[Language] = mapped_column(enum_column(Language))
    # The page the message is about, as an endpoint of this site (its address is built in
    # the reader's language when shown), or None.
    link: Mapped[str | None] = mapped_column(String(80))
    # The text message that carried it, if any: one inbox message per text message, however
    # often the text is tried again.
    sms_message_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def unread_message():
    """``read_at IS NULL``: the condition of the partial index below, written the same way
    by every query that should use it."""
    return InboxMessage.read_at.is_(None)


# A holder's inbox, newest first, a page at a time (keyset on id).
Index("ix_inbox_messages_account_id_id", InboxMessage.account_id, InboxMessage.id)
# The header's unread count: only the unread rows are in it.
Index("ix_inbox_messages_unread", InboxMessage.account_id,
      postgresql_where=unread_message(), sqlite_where=unread_message())
