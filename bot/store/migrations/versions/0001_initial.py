"""Initial schema: periods, reports, people, invites, audit, snapshots, rekomendasi, outbox, timers.

Revision ID: 0001_initial
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "periods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("tw", sa.Integer, nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("since", sa.DateTime, nullable=False),
        sa.Column("step_since", sa.DateTime, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("distributed_at", sa.DateTime),
        sa.Column("deadline", sa.DateTime),
        sa.Column("catatan_analisis", sa.Text),
        sa.Column("last_reason", sa.Text),
        sa.Column("rekap_url", sa.Text),
        sa.Column("rekap_spreadsheet_id", sa.String(200)),
        sa.Column("rekap_summary", sa.JSON),
        sa.Column("archive_url", sa.Text),
        sa.Column("closed_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_periods"),
        sa.UniqueConstraint("tahun", "tw", name="uq_periods_tahun_tw"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("bidang", sa.String(12)),
        sa.Column("nama", sa.String(200), nullable=False),
        sa.Column("telegram_id", sa.Integer),
        sa.Column("unreachable", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("telegram_id", name="uq_people_telegram_id"),
    )
    op.create_table(
        "bidang_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_id", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("since", sa.DateTime, nullable=False),
        sa.Column("step_since", sa.DateTime, nullable=False),
        sa.Column("holder_role", sa.String(20)),
        sa.Column("workbook_url", sa.Text),
        sa.Column("spreadsheet_id", sa.String(200)),
        sa.Column("last_reason", sa.Text),
        sa.Column("submission", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_bidang_reports"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            ondelete="CASCADE",
            name="fk_bidang_reports_period_id_periods",
        ),
        sa.UniqueConstraint("period_id", "bidang", name="uq_bidang_reports_period_bidang"),
    )
    op.create_table(
        "invite_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("bidang", sa.String(12)),
        sa.Column("nama", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime),
        sa.Column("used_by_telegram_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_invite_codes"),
        sa.UniqueConstraint("code_hash", name="uq_invite_codes_code_hash"),
    )
    op.create_table(
        "invite_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("telegram_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invite_attempts"),
    )
    op.create_index("ix_invite_attempts_telegram_at", "invite_attempts", ["telegram_id", "at"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_id", sa.Integer),
        sa.Column("bidang", sa.String(12)),
        sa.Column("machine", sa.String(10), nullable=False),
        sa.Column("sop_step", sa.Integer),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("actor_person_id", sa.Integer),
        sa.Column("actor_nama", sa.String(200), nullable=False),
        sa.Column("telegram_user_id", sa.Integer),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("from_state", sa.String(40)),
        sa.Column("to_state", sa.String(40)),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("duration_seconds", sa.Float),
        sa.Column("mutu_baku_seconds", sa.Float),
        sa.Column("within", sa.Boolean),
        sa.Column("reason", sa.Text),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], ondelete="CASCADE", name="fk_audit_period_id_periods"),
        sa.ForeignKeyConstraint(["actor_person_id"], ["people.id"], name="fk_audit_actor_person_id_people"),
    )
    op.create_index("ix_audit_period", "audit", ["period_id", "id"])
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_id", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12), nullable=False),
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("tw", sa.Integer, nullable=False),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("values_hash", sa.String(64), nullable=False),
        sa.Column("approved_at", sa.DateTime, nullable=False),
        sa.Column("audit_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], ondelete="CASCADE", name="fk_snapshots_period_id_periods"
        ),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name="fk_snapshots_audit_id_audit"),
        sa.UniqueConstraint("period_id", "bidang", name="uq_snapshots_period_bidang"),
    )
    op.create_table(
        "rekomendasi",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_id", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12)),
        sa.Column("teks", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("audit_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_rekomendasi"),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], ondelete="CASCADE", name="fk_rekomendasi_period_id_periods"
        ),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name="fk_rekomendasi_audit_id_audit"),
    )
    op.create_table(
        "tindak_lanjut",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period_id", sa.Integer, nullable=False),
        sa.Column("bidang", sa.String(12), nullable=False),
        sa.Column("teks", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("actor_person_id", sa.Integer),
        sa.Column("audit_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_tindak_lanjut"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            ondelete="CASCADE",
            name="fk_tindak_lanjut_period_id_periods",
        ),
        sa.ForeignKeyConstraint(["actor_person_id"], ["people.id"], name="fk_tindak_lanjut_actor_person_id_people"),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name="fk_tindak_lanjut_audit_id_audit"),
        sa.UniqueConstraint("period_id", "bidang", name="uq_tindak_lanjut_period_bidang"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("period_id", sa.Integer),
        sa.Column("recipient_role", sa.String(20), nullable=False),
        sa.Column("recipient_bidang", sa.String(12)),
        sa.Column("recipient_person_id", sa.Integer),
        sa.Column("recipient_nama", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("failed_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], ondelete="SET NULL", name="fk_outbox_period_id_periods"),
        sa.ForeignKeyConstraint(["recipient_person_id"], ["people.id"], name="fk_outbox_recipient_person_id_people"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
    )
    op.create_index("ix_outbox_pending", "outbox", ["sent_at", "failed_at", "next_attempt_at"])
    op.create_table(
        "timers_fired",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fired_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_timers_fired"),
    )
    op.create_table(
        "poll_state",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("cursor", sa.Text),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_poll_state"),
    )


def downgrade() -> None:
    for table in (
        "poll_state",
        "timers_fired",
        "outbox",
        "tindak_lanjut",
        "rekomendasi",
        "snapshots",
        "audit",
        "invite_attempts",
        "invite_codes",
        "bidang_reports",
        "people",
        "periods",
    ):
        op.drop_table(table)
