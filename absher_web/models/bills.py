"""Government fees: each is a bill that a bank pays with a signed payment notice.

A bill's life (services/bills.py declares the moves):
    unpaid -> paid -> (refunding -> refunded)
    unpaid -> expired | cancelled
Amounts are integers of halalas (1 riyal = 100 halalas), never floats.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.accounts import Account
from absher_web.models.base import Base, UTCDateTime, enum_column


class BillStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDING = "refunding"  # cancelled after payment: the refund is on its way to the bank
    REFUNDED = "refunded"


class Bill(Base):
    """One fee for one request: what it pays for, for whom, how much, and what became of it.

    ``service`` names the fee-bearing service (a key of services.bills.SERVICES) and
    ``request_key`` the request inside it (a visitor and the expiry asked for, a violation's
    reference); ``details`` holds what the service needs to go on once the bill is paid.
    """

    __tablename__ = "bills"
    __table_args__ = (UniqueConstraint("bank_code", "bank_reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What people type at an ATM or in their bank's app: digits, the last a check digit.
    number: Mapped[str] = mapped_column(String(16), unique=True)
    service: Mapped[str] = mapped_column(String(30))
    request_key: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Whose fee it is: a national ID, an iqama or a visitor's border number.
    beneficiary_id: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(Integer)  # halalas, VAT included
    vat: Mapped[int] = mapped_column(Integer, default=0)  # halalas, the part of amount that is VAT
    status: Mapped[BillStatus] = mapped_column(enum_column(BillStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The last change of status; retention counts from it.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    # The payment, from the bank's notice.
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bank_code: Mapped[str | None] = mapped_column(String(20))
    bank_reference: Mapped[str | None] = mapped_column(String(40))

    # The request going on once paid: done once (fulfilled_at), retried by run-due on failure.
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfil_attempts: Mapped[int] = mapped_column(Integer, default=0)
    fulfil_error: Mapped[str | None] = mapped_column(String(200))
    fulfil_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    # The refund, once a paid bill is cancelled before its service was delivered.
    refund_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why: "cancelled" by the holder, or the service's code for a request that could no
    # longer be delivered once paid (services.bills.Undeliverable).
    refund_reason: Mapped[str | None] = mapped_column(String(40))
    # How much goes back, in halalas, when it is a part of the amount (a birth
    # registration's delivery fee, not its fine); None: the whole amount.
    refund_amount: Mapped[int | None] = mapped_column(Integer)
    refund_attempts: Mapped[int] = mapped_column(Integer, default=0)
    refund_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    refund_error: Mapped[str | None] = mapped_column(String(200))
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refund_reference: Mapped[str | None] = mapped_column(String(40))

    account: Mapped[Account] = relationship()

    @property
    def refunded_amount(self) -> int:
        """What a refund gives back: the part named, or the whole amount."""
        return self.amount if self.refund_amount is None else self.refund_amount


def open_bill():  # noqa: ANN201 (a SQL condition)
    """Unpaid bills, as literal SQL so both databases use the partial index."""
    return literal_column("status = 'unpaid'")


# One unpaid bill per request, however many submits arrive at once.
Index("uq_bills_open_request", Bill.service, Bill.request_key, unique=True,
      postgresql_where=open_bill(), sqlite_where=open_bill())

# A bank's payments of one day, for the daily reconciliation (services/reconciliation.py).
Index("ix_bills_bank_paid_at", Bill.bank_code, Bill.paid_at)
# A holder's bills of one service, the newest first (each e-service's own list of them).
Index("ix_bills_account_service_created", Bill.account_id, Bill.service, Bill.created_at)
