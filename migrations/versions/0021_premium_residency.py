"""Premium Residency: holders' records and the visit visas they request for relatives.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""
from collections.abc import Sequence

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
