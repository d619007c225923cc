"""Family in the civil registry: marriages, parents, custody and hospitals' birth notices.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=20)


def _person(column: str, table: str, nullable: bool = False) -> list:
    return [sa.Column(column, sa.String(length=10), nullable=nullable),
            sa.ForeignKeyConstraint([column], ["people.national_id"],
                                    name=op.f(f"fk_{table}_{column}_people"))]


def upgrade() -> None:
    op.create_table(
        "marriages",
        sa.Column("id", sa.Integer(), nullable=False),
        *_person("husband_id", "marriages"),
        *_person("wife_id", "marriages"),
        sa.Column("married_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ended_by", _enum("marriageend", "divorce", "death"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marriages")),
        sa.UniqueConstraint("husband_id", "wife_id", "married_on",
                            name=op.f("uq_marriages_husband_id")),
    )
    op.create_index(op.f("ix_marriages_husband_id"), "marriages", ["husband_id"])
    op.create_index(op.f("ix_marriages_wife_id"), "marriages", ["wife_id"])
    op.create_table(
        "parent_links",
        sa.Column("id", sa.Integer(), nullable=False),
        *_person("parent_id", "parent_links"),
        *_person("child_id", "parent_links"),
        sa.Column("relation", _enum("parentrole", "father", "mother"), nullable=False),
        sa.Column("child_sex", _enum("sex", "male", "female"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_links")),
        sa.UniqueConstraint("child_id", "relation", name=op.f("uq_parent_links_child_id")),
    )
    op.create_index(op.f("ix_parent_links_parent_id"), "parent_links", ["parent_id"])
    op.create_table(
        "custodies",
        sa.Column("id", sa.Integer(), nullable=False),
        *_person("child_id", "custodies"),
        *_person("custodian_id", "custodies"),
        sa.Column("since", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custodies")),
        sa.UniqueConstraint("child_id", name=op.f("uq_custodies_child_id")),
    )
    op.create_index(op.f("ix_custodies_custodian_id"), "custodies", ["custodian_id"])
    op.create_table(
        "birth_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        *_person("father_id", "birth_notifications"),
        *_person("mother_id", "birth_notifications"),
        sa.Column("hospital", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", _enum("sex", "male", "female"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_birth_notifications")),
        sa.UniqueConstraint("number", name=op.f("uq_birth_notifications_number")),
    )
    op.create_index(op.f("ix_birth_notifications_father_id"), "birth_notifications",
                    ["father_id"])
    op.create_index(op.f("ix_birth_notifications_mother_id"), "birth_notifications",
                    ["mother_id"])


def downgrade() -> None:
    op.drop_table("birth_notifications")
    op.drop_table("custodies")
    op.drop_table("parent_links")
    op.drop_table("marriages")
