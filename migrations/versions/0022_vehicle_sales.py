"""Vehicle sale: offers between two holders, the price held in trust, transfer of ownership.

The vehicles record gains what a sale checks (how the vehicle is registered, the
registration's and the inspection's expiry, a police report); vehicle_sales holds each sale,
one open sale per vehicle.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vehicles") as batch_op:
        batch_op.add_column(sa.Column("usage", sa.String(length=20), nullable=False,
                                      server_default="private"))
        batch_op.add_column(sa.Column("registration_expiry", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("inspection_expiry", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reported", sa.String(length=20), nullable=True))
    op.create_table(
        "vehicle_sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("seller_account_id", sa.Integer(), nullable=False),
        sa.Column("buyer_account_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("seller_iban", sa.String(length=24), nullable=False),
        sa.Column("status", sa.Enum("offered", "accepted", "rejected", "lapsed", "paid",
                                    "completed", "cancelled", name="salestatus",
                                    native_enum=False, create_constraint=False, length=20),
                  nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("answer_by", UTCDateTime(), nullable=False),
        sa.Column("pay_by", UTCDateTime(), nullable=True),
        sa.Column("cancelled_by", sa.String(length=10), nullable=True),
        sa.Column("payout_bank", sa.String(length=20), nullable=True),
        sa.Column("payout_next_at", UTCDateTime(), nullable=True),
        sa.Column("payout_attempts", sa.Integer(), nullable=False),
        sa.Column("payout_error", sa.String(length=200), nullable=True),
        sa.Column("paid_out_at", UTCDateTime(), nullable=True),
        sa.Column("payout_reference", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], ondelete="CASCADE",
                                name=op.f("fk_vehicle_sales_vehicle_id_vehicles")),
        sa.ForeignKeyConstraint(["seller_account_id"], ["accounts.id"],
                                name=op.f("fk_vehicle_sales_seller_account_id_accounts")),
        sa.ForeignKeyConstraint(["buyer_account_id"], ["accounts.id"],
                                name=op.f("fk_vehicle_sales_buyer_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_sales")),
    )
    for column in ("vehicle_id", "seller_account_id", "buyer_account_id", "status",
                   "answer_by", "pay_by", "payout_next_at"):
        op.create_index(op.f(f"ix_vehicle_sales_{column}"), "vehicle_sales", [column])
    still_open = sa.text("status IN ('offered', 'accepted', 'paid')")
    op.create_index("uq_vehicle_sales_open_vehicle", "vehicle_sales", ["vehicle_id"],
                    unique=True, postgresql_where=still_open, sqlite_where=still_open)


def downgrade() -> None:
    op.drop_index("uq_vehicle_sales_open_vehicle", table_name="vehicle_sales")
    for column in ("vehicle_id", "seller_account_id", "buyer_account_id", "status",
                   "answer_by", "pay_by", "payout_next_at"):
        op.drop_index(op.f(f"ix_vehicle_sales_{column}"), table_name="vehicle_sales")
    op.drop_table("vehicle_sales")
    with op.batch_alter_table("vehicles") as batch_op:
        for column in ("reported", "inspection_expiry", "registration_expiry", "usage"):
            batch_op.drop_column(column)
