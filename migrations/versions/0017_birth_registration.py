"""Birth registration: the child a hospital's birth notification was registered as, and
the part of a paid bill a refund gives back (a birth registration's delivery fee).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("birth_notifications") as batch:
        batch.add_column(sa.Column("child_id", sa.String(length=10), nullable=True))
        batch.create_foreign_key(op.f("fk_birth_notifications_child_id_people"), "people",
                                 ["child_id"], ["national_id"])
        batch.create_unique_constraint(op.f("uq_birth_notifications_child_id"), ["child_id"])
    with op.batch_alter_table("bills") as batch:
        batch.add_column(sa.Column("refund_amount", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bills") as batch:
        batch.drop_column("refund_amount")
    with op.batch_alter_table("birth_notifications") as batch:
        batch.drop_constraint(op.f("uq_birth_notifications_child_id"), type_="unique")
        batch.drop_constraint(op.f("fk_birth_notifications_child_id_people"),
                              type_="foreignkey")
        batch.drop_column("child_id")
