"""How far an unfinished import of a government source's file got
(agencies/csv_source.py): what lets `flask absher import` resume after a failure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from absher_web.models.base import Base, UTCDateTime, utcnow


class ImportCheckpoint(Base):
    """One file being imported in committed batches. Each batch commits its rows with
    this row, so after a crash the rows up to ``line`` are stored and nothing after it;
    the row is deleted with the last batch, so a finished file imports afresh."""

    __tablename__ = "import_checkpoints"
    __table_args__ = (UniqueConstraint("source", "file_size", "file_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # the name the operator types
    # Which file: its size and the SHA-256 of its first mebibyte, enough to tell a
    # corrected or another file from the same one without reading gigabytes.
    file_size: Mapped[int] = mapped_column(BigInteger)
    file_digest: Mapped[str] = mapped_column(String(64))
    line: Mapped[int] = mapped_column(BigInteger)  # the last line stored (header: 1)
    added: Mapped[int] = mapped_column(BigInteger, default=0)
    updated: Mapped[int] = mapped_column(BigInteger, default=0)
    unchanged: Mapped[int] = mapped_column(BigInteger, default=0)
    skipped: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
