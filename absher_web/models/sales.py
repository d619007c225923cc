"""Vehicle sales between two holders (services/vehicle_sales.py): the offer, its answer,
the price held in trust, the transfer of ownership and the payout to the seller."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from absher_web.models.accounts import Account
from absher_web.models.agencies import Vehicle
from absher_web.models.base import Base, UTCDateTime, enum_column


class SaleStatus(enum.StrEnum):
    OFFERED = "offered"  # waiting for the buyer's answer until answer_by
    ACCEPTED = "accepted"  # the buyer's bills wait to be paid until pay_by
    REJECTED = "rejected"
    LAPSED = "lapsed"  # not answered, or not paid, in time
    PAID = "paid"  # price and fees paid: the two meet to hand the vehicle over
    COMPLETED = "completed"  # the vehicle is the buyer's, the price goes to the seller
    CANCELLED = "cancelled"  # by either, before completion: every amount paid refunded


OPEN_SALE = (SaleStatus.OFFERED, SaleStatus.ACCEPTED, SaleStatus.PAID)


class VehicleSale(Base):
    """One sale of one vehicle from its owner to another holder.

    Every change of ``status`` is one conditional UPDATE on the status it leaves
    (services/vehicle_sales.py); a partial unique index keeps one open sale per vehicle.
    """

    __tablename__ = "vehicle_sales"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"),
                                            index=True)
    seller_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    buyer_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    price: Mapped[int] = mapped_column(Integer)  # halalas
    seller_iban: Mapped[str] = mapped_column(String(24))  # where the price is paid out
    status: Mapped[SaleStatus] = mapped_column(enum_column(SaleStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer_by: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    pay_by: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Who called it off: "seller" or "buyer".
    cancelled_by: Mapped[str | None] = mapped_column(String(10))

    # The payout of the price to the seller once completed (claimed and retried by run-due).
    payout_bank: Mapped[str | None] = mapped_column(String(20))
    payout_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    payout_attempts: Mapped[int] = mapped_column(Integer, default=0)
    payout_error: Mapped[str | None] = mapped_column(String(200))
    paid_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payout_reference: Mapped[str | None] = mapped_column(String(40))

    vehicle: Mapped[Vehicle] = relationship()
    seller: Mapped[Account] = relationship(foreign_keys=[seller_account_id])
    buyer: Mapped[Account] = relationship(foreign_keys=[buyer_account_id])


def open_sale():  # noqa: ANN201 (a SQL condition)
    """Offered, accepted or paid, as literal SQL so both databases use the partial index."""
    return literal_column("status IN ('offered', 'accepted', 'paid')")


# One open sale per vehicle, however many offers arrive at once.
Index("uq_vehicle_sales_open_vehicle", VehicleSale.vehicle_id, unique=True,
      postgresql_where=open_sale(), sqlite_where=open_sale())
