"""Premium Residency: holders' records and the visit visas they request for relatives.

The visit visa requests themselves are service requests (service_requests), their
relative, passport and visa number in its details.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "premium_residencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("certificate_number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.national_id"],
                                name=op.f("fk_premium_residencies_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_premium_residencies")),
        sa.UniqueConstraint("certificate_number",
                            name=op.f("uq_premium_residencies_certificate_number")),
        sa.UniqueConstraint("person_id", name=op.f("uq_premium_residencies_person_id")),
    )


def downgrade() -> None:
    op.drop_table("premium_residencies")
