"""Vehicle sale: offers between two holders, the price held in trust, transfer of ownership.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""
from collections.abc import Sequence

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
