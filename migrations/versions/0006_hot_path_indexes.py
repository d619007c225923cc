"""Indexes for every hot path: the runner's due activations and notices, and the purge.

Sign-in by username needs none: it compares lower(username), which the unique index of
0001 already holds.

Revision ID: 0006_hot_path_indexes
Revises: 0005_outbox
Create Date: 2026-11-25
"""
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import SAWarning

revision: str = "0006_hot_path_indexes"
down_revision: Union[str, Sequence[str], None] = "0005_outbox"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# As absher_web.models writes them; literal SQL, so both databases match queries to it.
UNREDACTED_CODE_MESSAGE = sa.text(
    "purpose LIKE '%\\_code' ESCAPE '\\' AND "
    "body != '[code message: body removed once the code expired]'")
# Plain indexes: (table, index name, columns).
INDEXES = [
    ("pending_registrations", "ix_pending_registrations_expires_at", ["expires_at"]),
    ("pending_registrations", "ix_pending_registrations_completed_at", ["completed_at"]),
    ("code_challenges", "ix_code_challenges_expires_at", ["expires_at"]),
    ("recovery_flows", "ix_recovery_flows_expires_at", ["expires_at"]),
    ("sms_budgets", "ix_sms_budgets_window_start", ["window_start"]),
    ("sms_messages", "ix_sms_messages_status_id", ["status", "id"]),
]


@contextmanager
def ignore_expression_index_warning() -> Iterator[None]:
    # SQLite's batch mode reflects the tables around the one it changes; SQLAlchemy cannot
    # reflect the lower(username) index on accounts and says so. That index is untouched.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        yield


def upgrade() -> None:
    for table, name, columns in INDEXES:
        with ignore_expression_index_warning(), op.batch_alter_table(table) as batch_op:
            batch_op.create_index(name, columns)
    with ignore_expression_index_warning(), op.batch_alter_table("activations") as batch_op:
        # The due query filters on status too: the old index walked every done activation.
        batch_op.drop_index("ix_activations_effective_at")
        batch_op.create_index("ix_activations_due", ["status", "effective_at", "id"])
    op.create_index("ix_sms_messages_unredacted_codes", "sms_messages", ["created_at"],
                    postgresql_where=UNREDACTED_CODE_MESSAGE,
                    sqlite_where=UNREDACTED_CODE_MESSAGE)


def downgrade() -> None:
    op.drop_index("ix_sms_messages_unredacted_codes", table_name="sms_messages")
    with ignore_expression_index_warning(), op.batch_alter_table("activations") as batch_op:
        batch_op.drop_index("ix_activations_due")
        batch_op.create_index("ix_activations_effective_at", ["effective_at"])
    for table, name, _columns in reversed(INDEXES):
        with ignore_expression_index_warning(), op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(name)
