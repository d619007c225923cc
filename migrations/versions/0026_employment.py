"""Absher Employment: job openings and applications.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from absher_web.models.base import UTCDateTime

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=20)


QUALIFICATIONS = ("intermediate", "secondary", "diploma", "bachelor", "master", "doctorate")


def upgrade() -> None:
    op.create_table(
        "job_openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("title_ar", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("sector", _enum("jobsector", "public_security", "civil_defence",
                                  "border_guard", "passports", "prisons", "special_forces",
                                  "headquarters"), nullable=False),
        sa.Column("region", _enum("jobregion", "riyadh", "makkah", "madinah", "eastern",
                                  "qassim", "asir", "tabuk", "hail", "northern_borders",
                                  "jazan", "najran", "baha", "jouf"), nullable=False),
        sa.Column("qualification", _enum("qualification", *QUALIFICATIONS), nullable=False),
        sa.Column("closing_on", sa.Date(), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("saudi_only", sa.Boolean(), nullable=False),
        sa.Column("gender", _enum("jobgender", "men", "women"), nullable=True),
        sa.Column("conditions_ar", sa.String(length=1000), nullable=False),
        sa.Column("conditions_en", sa.String(length=1000), nullable=False),
        sa.Column("search_text", sa.String(length=450), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_openings")),
        sa.UniqueConstraint("number", name=op.f("uq_job_openings_number")),
    )
    op.create_index(op.f("ix_job_openings_closing_on"), "job_openings", ["closing_on"])
    op.create_index("ix_job_openings_sector_closing", "job_openings", ["sector", "closing_on"])
    op.create_index("ix_job_openings_region_closing", "job_openings", ["region", "closing_on"])
    op.create_index("ix_job_openings_qualification_closing", "job_openings",
                    ["qualification", "closing_on"])
    op.create_table(
        "job_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("qualification", _enum("qualification", *QUALIFICATIONS), nullable=False),
        sa.Column("cv_file", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["service_requests.id"],
                                name=op.f("fk_job_applications_request_id_service_requests")),
        sa.ForeignKeyConstraint(["opening_id"], ["job_openings.id"],
                                name=op.f("fk_job_applications_opening_id_job_openings")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_job_applications_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_applications")),
        sa.UniqueConstraint("request_id", name=op.f("uq_job_applications_request_id")),
    )
    for column in ("opening_id", "account_id", "created_at"):
        op.create_index(op.f(f"ix_job_applications_{column}"), "job_applications", [column])


def downgrade() -> None:
    for column in ("opening_id", "account_id", "created_at"):
        op.drop_index(op.f(f"ix_job_applications_{column}"), table_name="job_applications")
    op.drop_table("job_applications")
    for name in ("ix_job_openings_qualification_closing", "ix_job_openings_region_closing",
                 "ix_job_openings_sector_closing", "ix_job_openings_closing_on"):
        op.drop_index(name, table_name="job_openings")
    op.drop_table("job_openings")
