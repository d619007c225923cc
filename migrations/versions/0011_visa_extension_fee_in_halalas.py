"""Visit visa extensions record their fee in halalas, as the bill that paid it does.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Until now the fee was whole riyals (the setting's unit); 1 riyal = 100 halalas.
    op.execute("UPDATE visa_extensions SET fee = fee * 100")


def downgrade() -> None:
    # Extensions made since are paid bills of whole riyals too (ABSHER_VISA_EXTENSION_FEE).
    op.execute("UPDATE visa_extensions SET fee = fee / 100")
