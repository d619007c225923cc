"""Family records (سجل الأسرة): a husband's after a marriage, a mother's for the children
in her custody, and their members.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=20)


def upgrade() -> None:
    op.create_table(
        "family_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("head_id", sa.String(length=10), nullable=False),
        sa.Column("kind", _enum("familyrecordkind", "marriage", "mother"), nullable=False),
        sa.Column("marriage_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["head_id"], ["people.national_id"],
                                name=op.f("fk_family_records_head_id_people")),
        sa.ForeignKeyConstraint(["marriage_id"], ["marriages.id"],
                                name=op.f("fk_family_records_marriage_id_marriages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_records")),
        sa.UniqueConstraint("number", name=op.f("uq_family_records_number")),
        sa.UniqueConstraint("marriage_id", name=op.f("uq_family_records_marriage_id")),
        sa.UniqueConstraint("head_id", "kind", name=op.f("uq_family_records_head_id")),
    )
    op.create_index(op.f("ix_family_records_head_id"), "family_records", ["head_id"])
    op.create_table(
        "family_record_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=10), nullable=False),
        sa.Column("relation", _enum("familyrelation", "wife", "son", "daughter"),
                  nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["family_records.id"],
                                name=op.f("fk_family_record_members_record_id_family_records")),
        sa.ForeignKeyConstraint(["person_id"], ["people.national_id"],
                                name=op.f("fk_family_record_members_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_record_members")),
        sa.UniqueConstraint("record_id", "person_id",
                            name=op.f("uq_family_record_members_record_id")),
    )
    op.create_index(op.f("ix_family_record_members_person_id"), "family_record_members",
                    ["person_id"])


def downgrade() -> None:
    op.drop_table("family_record_members")
    op.drop_table("family_records")
