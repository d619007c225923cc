"""What holders do in e-services: driving authorisations, visit visa extensions and
absence reports of domestic workers; a sponsored person's date of entry.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN_REPORT = sa.text("withdrawn_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("sponsorships") as batch_op:
        batch_op.add_column(sa.Column("entry_date", sa.Date(), nullable=True))
    op.create_table(
        "driving_authorisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("owner_account_id", sa.Integer(), nullable=False),
        sa.Column("driver_account_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Enum("pending", "accepted", "declined", "cancelled",
                                    name="authorisationstatus", native_enum=False,
                                    create_constraint=False, length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], ondelete="CASCADE",
                                name=op.f("fk_driving_authorisations_vehicle_id_vehicles")),
        sa.ForeignKeyConstraint(["owner_account_id"], ["accounts.id"],
                                name=op.f("fk_driving_authorisations_owner_account_id_accounts")),
        sa.ForeignKeyConstraint(["driver_account_id"], ["accounts.id"],
                                name=op.f("fk_driving_authorisations_driver_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_driving_authorisations")),
    )
    for column in ("vehicle_id", "owner_account_id", "driver_account_id"):
        op.create_index(op.f(f"ix_driving_authorisations_{column}"), "driving_authorisations",
                        [column], unique=False)
    op.create_table(
        "visa_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsorship_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("previous_expiry", sa.Date(), nullable=False),
        sa.Column("new_expiry", sa.Date(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sponsorship_id"], ["sponsorships.id"], ondelete="CASCADE",
                                name=op.f("fk_visa_extensions_sponsorship_id_sponsorships")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_visa_extensions_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visa_extensions")),
    )
    for column in ("sponsorship_id", "account_id", "created_at"):
        op.create_index(op.f(f"ix_visa_extensions_{column}"), "visa_extensions", [column],
                        unique=False)
    op.create_table(
        "absence_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sponsorship_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_on", sa.Date(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["sponsorship_id"], ["sponsorships.id"], ondelete="CASCADE",
                                name=op.f("fk_absence_reports_sponsorship_id_sponsorships")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_absence_reports_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence_reports")),
    )
    for column in ("sponsorship_id", "account_id", "withdrawn_at"):
        op.create_index(op.f(f"ix_absence_reports_{column}"), "absence_reports", [column],
                        unique=False)
    op.create_index("uq_absence_reports_open", "absence_reports", ["sponsorship_id"],
                    unique=True, postgresql_where=OPEN_REPORT, sqlite_where=OPEN_REPORT)


def downgrade() -> None:
    op.drop_index("uq_absence_reports_open", table_name="absence_reports")
    for column in ("sponsorship_id", "account_id", "withdrawn_at"):
        op.drop_index(op.f(f"ix_absence_reports_{column}"), table_name="absence_reports")
    op.drop_table("absence_reports")
    for column in ("sponsorship_id", "account_id", "created_at"):
        op.drop_index(op.f(f"ix_visa_extensions_{column}"), table_name="visa_extensions")
    op.drop_table("visa_extensions")
    for column in ("vehicle_id", "owner_account_id", "driver_account_id"):
        op.drop_index(op.f(f"ix_driving_authorisations_{column}"),
                      table_name="driving_authorisations")
    op.drop_table("driving_authorisations")
    with op.batch_alter_table("sponsorships") as batch_op:
        batch_op.drop_column("entry_date")
