"""Officers' roles and city: which consoles and queues each officer may open, and the city
whose requests they decide. Every officer so far worked at a Passports office.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("roles", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("city", sa.String(length=100), nullable=True))
    staff_users = sa.table("staff_users", sa.column("roles", sa.JSON()))
    op.execute(staff_users.update().values(roles=["passports"]))
    with op.batch_alter_table("staff_users") as batch:
        batch.alter_column("roles", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("city")
        batch.drop_column("roles")
