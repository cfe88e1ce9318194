"""The store's identity: one row with a random id, written when the database is migrated to it.

The running service reads the id at start and checks on every scheduler cycle that its database
still holds it (``bot.store.identity``). A database file deleted while the service runs, or a
database replaced by another one, is then noticed and the service stops with a non-zero exit
code instead of answering every action with "no such table".

Revision ID: 0007_store_identity
Revises: 0006_sheet_memory
Create Date: 2026-12-09
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_store_identity"
down_revision = "0006_sheet_memory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_identity",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("instance_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_store_identity"),
    )
    # Naive UTC, as every time the store keeps (bot.store.schema.UtcDateTime).
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(table, [{"id": 1, "instance_id": uuid.uuid4().hex, "created_at": now}])


def downgrade() -> None:
    op.drop_table("store_identity")
