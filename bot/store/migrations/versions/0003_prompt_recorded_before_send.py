"""A ForceReply prompt is recorded before it is sent, so a crash in between loses none.

Until the send returns, the row has no ``message_id``; the answer is then matched by the prompt's
text (Telegram quotes it in ``reply_to_message``). Existing rows keep their message id; their text
is unknown and stays NULL (they are matched by message id, as before).

Revision ID: 0003_prompt_recorded_before_send
Revises: 0002_telegram_prompts
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_prompt_recorded_before_send"
down_revision = "0002_telegram_prompts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite cannot drop NOT NULL in place: batch mode rebuilds the table (rows copied).
    with op.batch_alter_table("telegram_prompts") as batch:
        batch.alter_column("message_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("prompt_text", sa.Text))


def downgrade() -> None:
    op.execute("DELETE FROM telegram_prompts WHERE message_id IS NULL")
    with op.batch_alter_table("telegram_prompts") as batch:
        batch.drop_column("prompt_text")
        batch.alter_column("message_id", existing_type=sa.Integer, nullable=False)
