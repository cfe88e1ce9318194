"""A prompt remembers the URL buttons of the message it came from ("Buka laporan", "Buka rekap").

When the answer to a prompt settles that message, its action buttons give way to the outcome and
its URL buttons stay; the answer may come after a restart, so the buttons are stored with the
prompt, as a JSON list of ``[label, url]``. Existing rows have none (NULL: nothing to keep).

Revision ID: 0009_prompt_origin_links
Revises: 0008_intentions
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_prompt_origin_links"
down_revision = "0008_intentions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("telegram_prompts") as batch:
        batch.add_column(sa.Column("origin_links", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("telegram_prompts") as batch:
        batch.drop_column("origin_links")
