"""Documents the site issues (services/issued_documents.py): each with its signed number and
a snapshot of exactly what the printed document shows, for /verify."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, UTCDateTime


class IssuedDocument(Base):
    """One issued document. ``number`` is the signed number (digits only, its check part
    included); ``source`` names the live record its validity is read from (a visa's id, a
    bill's id, a request's number...). A later issue for the same source (a visa extended,
    a family record with a new member) sets ``superseded_at`` on the earlier ones."""

    __tablename__ = "issued_documents"
    __table_args__ = (Index("ix_issued_documents_kind_source", "kind", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(40))
    # The holders who may open its printable page (a sale's seller and buyer: both).
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    other_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"),
                                                         index=True)
    facts: Mapped[list] = mapped_column(JSON, default=list)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
