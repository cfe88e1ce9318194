"""Master list versions (APBD Murni, each APBD Perubahan) and acting officials (Plh).

``master_versions`` keeps every version of a year's master list of indicators, so an approved
TW stays measured against the targets it was approved under while later TWs take a revision.
``plh`` keeps who acts for an official, and when; ``audit.atas_nama`` and
``outbox.recipient_atas_nama`` name the holder a Plh acted or received a message for.

Revision ID: 0011_master_versions_and_plh
Revises: 0010_poll_queue
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_master_versions_and_plh"
down_revision = "0010_poll_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "master_versions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("versi", sa.Integer),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("berlaku_mulai", sa.Date),
        sa.Column("mulai_tw", sa.Integer, nullable=False),
        sa.Column("sumber", sa.Text, nullable=False),
        sa.Column("indikator", sa.JSON, nullable=False),
        sa.Column("ringkasan", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by_person_id", sa.Integer),
        sa.Column("created_by_nama", sa.String(200), nullable=False),
        sa.Column("applied_at", sa.DateTime),
        sa.Column("audit_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_master_versions"),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"], ["people.id"], name="fk_master_versions_created_by_person_id_people"
        ),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name="fk_master_versions_audit_id_audit"),
        sa.UniqueConstraint("tahun", "versi", name="uq_master_versions_tahun_versi"),
    )
    op.create_table(
        "plh",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("bidang", sa.String(12)),
        sa.Column("holder_person_id", sa.Integer),
        sa.Column("holder_nama", sa.String(200), nullable=False),
        sa.Column("acting_person_id", sa.Integer, nullable=False),
        sa.Column("mulai", sa.Date, nullable=False),
        sa.Column("selesai", sa.Date, nullable=False),
        sa.Column("mulai_at", sa.DateTime, nullable=False),
        sa.Column("sampai_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("sumber", sa.String(10), nullable=False),
        sa.Column("created_by_nama", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime),
        sa.PrimaryKeyConstraint("id", name="pk_plh"),
        sa.ForeignKeyConstraint(["holder_person_id"], ["people.id"], name="fk_plh_holder_person_id_people"),
        sa.ForeignKeyConstraint(["acting_person_id"], ["people.id"], name="fk_plh_acting_person_id_people"),
    )
    op.create_index("ix_plh_role_bidang", "plh", ["role", "bidang"])
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("atas_nama", sa.String(200)))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("recipient_atas_nama", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("recipient_atas_nama")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("atas_nama")
    op.drop_index("ix_plh_role_bidang", table_name="plh")
    op.drop_table("plh")
    op.drop_table("master_versions")
