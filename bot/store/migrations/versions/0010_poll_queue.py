"""Changed workbooks still to be read: the poll's durable to-read list.

Sheets allows 60 read requests per minute per user. A poll that had to read every changed
workbook in one cycle failed past that (and failed again on the same workbook every cycle after).
The poll now keeps each changed workbook here, with the Drive cursor, in one transaction, reads
a bounded number per cycle and carries the rest to the next: nothing changed is lost, every cycle
makes progress.

Revision ID: 0010_poll_queue
Revises: 0009_prompt_origin_links
Create Date: 2026-12-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_poll_queue"
down_revision = "0009_prompt_origin_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_queue",
        sa.Column("spreadsheet_id", sa.String(128), nullable=False),
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("queued_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("spreadsheet_id", name="pk_poll_queue"),
    )
    op.create_index("ix_poll_queue_seq", "poll_queue", ["seq"])


def downgrade() -> None:
    op.drop_index("ix_poll_queue_seq", table_name="poll_queue")
    op.drop_table("poll_queue")
