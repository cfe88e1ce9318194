"""Durable intentions: an action that needs Google is recorded before Google is touched.

A row is written in the transaction that checks the action (who pressed what, on which period and
bidang, with which text) and closed in the transaction that moves the state. A row still pending
when the service starts belongs to an action a stop interrupted: the service carries it out again
(every Google effect is idempotent) or undoes its Google effect, and tells the person either way
(``bot.workflow.intentions``).

Revision ID: 0008_intentions
Revises: 0007_store_identity
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_intentions"
down_revision = "0007_store_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intentions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("period_id", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12)),
        sa.Column("operation", sa.String(40), nullable=False),
        sa.Column("effect", sa.String(40), nullable=False),
        sa.Column("actor", sa.JSON, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("khusus", sa.JSON),
        # pending -> done (moved) | undone (refused or failed; the Google effect compensated)
        sa.Column("status", sa.String(12), nullable=False),
        # An undone intention whose compensation could not reach Google yet.
        sa.Column("needs_reconcile", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_intentions"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], name="fk_intentions_period_id_periods"),
    )
    op.create_index("ix_intentions_status", "intentions", ["status"])


def downgrade() -> None:
    op.drop_index("ix_intentions_status", table_name="intentions")
    op.drop_table("intentions")
