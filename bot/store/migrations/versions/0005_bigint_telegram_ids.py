"""Telegram user ids and message ids become 64-bit integers on every engine.

Telegram user ids exceed 2^31 (they may use up to 52 bits); PostgreSQL's INTEGER is 32-bit, so
``run`` stopped with "integer out of range" for an id such as 6100000001. SQLite stores any
integer in up to 8 bytes whatever the declared type; there the batch mode rebuilds the tables
only so that the declared types match the schema (``bot.store.migrate`` runs SQLite migrations
with foreign keys off and checks them afterwards, as Alembic's batch mode requires for tables
that others reference, such as ``people``).

Revision ID: 0005_bigint_telegram_ids
Revises: 0004_outbox_parts_sent
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_bigint_telegram_ids"
down_revision = "0004_outbox_parts_sent"
branch_labels = None
depends_on = None

# table -> the columns holding a Telegram user id or a Telegram message id
COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("telegram_id",),
    "invite_codes": ("used_by_telegram_id",),
    "invite_attempts": ("telegram_id",),
    "audit": ("telegram_user_id",),
    "telegram_prompts": ("message_id", "origin_message_id"),
}


def _change(to_type: type[sa.types.TypeEngine[int]], from_type: type[sa.types.TypeEngine[int]]) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, existing_type=from_type(), type_=to_type())


def upgrade() -> None:
    _change(sa.BigInteger, sa.Integer)


def downgrade() -> None:
    _change(sa.Integer, sa.BigInteger)
