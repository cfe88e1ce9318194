"""What the workflow's intake last knew of each bidang workbook, kept in the store.

Before this step the Google adapter remembered, in memory, the hashes it had last seen and
reported per workbook, and rolled that memory back when a poll was replayed. The workflow's
intake now keeps it here, written once a workbook's events are handled.

Revision ID: 0006_sheet_memory
Revises: 0005_bigint_telegram_ids
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sheet_memory"
down_revision = "0005_bigint_telegram_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sheet_memory",
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12), nullable=False),
        sa.Column("memory", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("tahun", "bidang", name="pk_sheet_memory"),
    )


def downgrade() -> None:
    op.drop_table("sheet_memory")
