"""Pending Telegram ForceReply prompts, so a restart loses none.

Revision ID: 0002_telegram_prompts
Revises: 0001_initial
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_telegram_prompts"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_prompts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger, nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("period_id", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12)),
        sa.Column("origin_message_id", sa.Integer),
        sa.Column("origin_text", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("answered_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_telegram_prompts"),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_telegram_prompts_chat_message"),
    )


def downgrade() -> None:
    op.drop_table("telegram_prompts")
