"""Files people send (services/uploads.py): one row a file, its bytes in the row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, UTCDateTime


class Upload(Base):
    """A file a holder sent, as stored after its checks (images re-encoded).

    ``held_by`` names the record the file belongs to once attached ("request:42", …); a file
    never attached is an orphan, purged after a while (services/retention.py). The bytes are
    read only through services/uploads.py's storage, never with the row (deferred).
    """

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unguessable: the only name a link or a form ever uses.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    purpose: Mapped[str] = mapped_column(String(40), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # The name the person's file had, cleaned (no path, controls or bidi marks) and capped;
    # shown and offered as the download's name, never used as a path.
    display_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    held_by: Mapped[str | None] = mapped_column(String(60), index=True)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
