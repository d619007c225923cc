"""Password recovery: a row per recovery, and the wrong-answer count on accounts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "recovery_flows",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Enum("question", "code", "new_password", "done",
                                  name="recoverystep", native_enum=False, length=20),
                  nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=True),
        sa.Column("without_visual_code", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_recovery_flows_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_flows")),
    )
    with op.batch_alter_table("recovery_flows") as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_flows_account_id"), ["account_id"])
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("recovery_wrong_answers", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_column("recovery_wrong_answers")
    with op.batch_alter_table("recovery_flows") as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_flows_account_id"))
    op.drop_table("recovery_flows")
