"""How many messages of a multi-message notification Telegram accepted, kept per outbox row.

A notification with a chart sends the picture and then the text; before this step the progress
lived in the worker's memory, so a restart between the two sent the picture again.

Revision ID: 0004_outbox_parts_sent
Revises: 0003_prompt_recorded_before_send
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_outbox_parts_sent"
down_revision = "0003_prompt_recorded_before_send"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("parts_sent", sa.Integer, nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("parts_sent")
