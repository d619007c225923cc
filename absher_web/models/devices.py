"""Where a holder is signed in: one row per signed-in session (services/devices.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.accounts import Account
from absher_web.models.base import Base, UTCDateTime, utcnow
from absher_web.models.security import AuditEvent


class DeviceSession(Base):
    """One signed-in session of a citizen's account.

    ``id`` is the SHA-256 of the secret the session cookie carries: the database alone
    cannot open a session. ``public_id`` names the row on the Devices page and in the
    security activity. ``device`` and ``browser`` are codes read from the User-Agent
    (services/devices.summary); the place, when a GeoIP file is configured, in English and,
    if the file has it, Arabic. ``first_of_device`` marks the account's first row with this
    device and browser: a partial unique index keeps it to one, however many sign-ins
    arrive at once (the new-device SMS goes with it).
    """

    __tablename__ = "device_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    device: Mapped[str] = mapped_column(String(20))
    browser: Mapped[str] = mapped_column(String(20))
    place_en: Mapped[str | None] = mapped_column(String(100))
    place_ar: Mapped[str | None] = mapped_column(String(100))
    first_of_device: Mapped[bool] = mapped_column(default=False)
    # A device the account had not used before, though it had signed in before: texted.
    new_device: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    account: Mapped[Account] = relationship()


FIRST_OF_DEVICE = text("first_of_device")
# One first row per account, device and browser: the new-device SMS goes once.
Index("uq_device_sessions_first_of_device", DeviceSession.account_id, DeviceSession.device,
      DeviceSession.browser, unique=True, postgresql_where=FIRST_OF_DEVICE,
      sqlite_where=FIRST_OF_DEVICE)
# The security activity page reads an account's events newest first, a page at a time.
Index("ix_audit_events_account_time", AuditEvent.account_id, AuditEvent.created_at,
      AuditEvent.id)
