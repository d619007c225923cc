"""Why an absence report was closed, when its sponsor did not withdraw it (the worker
moved to another sponsor: services/ownership.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("absence_reports") as batch_op:
        batch_op.add_column(sa.Column("closed_because", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("absence_reports") as batch_op:
        batch_op.drop_column("closed_because")
