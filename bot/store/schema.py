"""The state store's tables (SQLAlchemy Core). Migrations in ``bot/store/migrations`` build them.

Times are stored as naive UTC and come back as aware UTC datetimes (:class:`UtcDateTime`), so
SQLite and PostgreSQL behave alike. Every column that holds a Telegram user/chat id or a message id
is a BigInteger (64-bit on every engine; Telegram user ids exceed 2^31), migration 0005.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        return stored.replace(tzinfo=UTC)


periods = Table(
    "periods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tahun", Integer, nullable=False),
    Column("tw", Integer, nullable=False),
    Column("state", String(40), nullable=False),
    Column("since", UtcDateTime, nullable=False),
    Column("step_since", UtcDateTime, nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("distributed_at", UtcDateTime),
    Column("deadline", UtcDateTime),
    Column("catatan_analisis", Text),
    Column("last_reason", Text),
    Column("rekap_url", Text),
    Column("rekap_spreadsheet_id", String(200)),
    Column("rekap_summary", JSON),
    Column("archive_url", Text),
    Column("closed_at", UtcDateTime),
    UniqueConstraint("tahun", "tw", name="uq_periods_tahun_tw"),
)

bidang_reports = Table(
    "bidang_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period_id", Integer, ForeignKey("periods.id", ondelete="CASCADE"), nullable=False),
    Column("bidang", String(12), nullable=False),
    Column("state", String(40), nullable=False),
    Column("since", UtcDateTime, nullable=False),
    Column("step_since", UtcDateTime, nullable=False),
    Column("holder_role", String(20)),
    Column("workbook_url", Text),
    Column("spreadsheet_id", String(200)),
    Column("last_reason", Text),
    Column("submission", JSON),
    UniqueConstraint("period_id", "bidang", name="uq_bidang_reports_period_bidang"),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role", String(20), nullable=False),
    Column("bidang", String(12)),
    Column("nama", String(200), nullable=False),
    Column("telegram_id", BigInteger, unique=True),
    Column("unreachable", Boolean, nullable=False, default=False),
    Column("source", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

invite_codes = Table(
    "invite_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("bidang", String(12)),
    Column("nama", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    Column("used_by_telegram_id", BigInteger),
)

invite_attempts = Table(
    "invite_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_id", BigInteger, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_invite_attempts_telegram_at", "telegram_id", "at"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period_id", Integer, ForeignKey("periods.id", ondelete="CASCADE")),
    Column("bidang", String(12)),
    Column("machine", String(10), nullable=False),
    Column("sop_step", Integer),
    Column("actor_role", String(20), nullable=False),
    Column("actor_person_id", Integer, ForeignKey("people.id")),
    Column("actor_nama", String(200), nullable=False),
    Column("telegram_user_id", BigInteger),
    Column("event", String(40), nullable=False),
    Column("from_state", String(40)),
    Column("to_state", String(40)),
    Column("at", UtcDateTime, nullable=False),
    Column("duration_seconds", Float),
    Column("mutu_baku_seconds", Float),
    Column("within", Boolean),
    Column("reason", Text),
    Column("note", Text),
    # The holder's name when a Plh acted for them (migration 0011): "Plh. ...: <actor_nama> (atas nama <this>)".
    Column("atas_nama", String(200)),
    Index("ix_audit_period", "period_id", "id"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period_id", Integer, ForeignKey("periods.id", ondelete="CASCADE"), nullable=False),
    Column("bidang", String(12), nullable=False),
    Column("tahun", Integer, nullable=False),
    Column("tw", Integer, nullable=False),
    Column("values", JSON, nullable=False),
    Column("values_hash", String(64), nullable=False),
    Column("approved_at", UtcDateTime, nullable=False),
    Column("audit_id", Integer, ForeignKey("audit.id")),
    UniqueConstraint("period_id", "bidang", name="uq_snapshots_period_bidang"),
)

# What the workflow's intake last knew of a bidang's workbook of a year (bot.workflow.intake.SheetMemory
# as JSON): the hashes last seen, submitted and reported per TW, where the notes go. Written once the
# events a poll found in that workbook are handled, so the Google edge itself remembers nothing.
sheet_memory = Table(
    "sheet_memory",
    metadata,
    Column("tahun", Integer, primary_key=True),
    Column("bidang", String(12), primary_key=True),
    Column("memory", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

rekomendasi = Table(
    "rekomendasi",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period_id", Integer, ForeignKey("periods.id", ondelete="CASCADE"), nullable=False),
    Column("bidang", String(12)),
    Column("teks", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("audit_id", Integer, ForeignKey("audit.id")),
)

tindak_lanjut = Table(
    "tindak_lanjut",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period_id", Integer, ForeignKey("periods.id", ondelete="CASCADE"), nullable=False),
    Column("bidang", String(12), nullable=False),
    Column("teks", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("actor_person_id", Integer, ForeignKey("people.id")),
    Column("audit_id", Integer, ForeignKey("audit.id")),
    UniqueConstraint("period_id", "bidang", name="uq_tindak_lanjut_period_bidang"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("period_id", Integer, ForeignKey("periods.id", ondelete="SET NULL")),
    Column("recipient_role", String(20), nullable=False),
    Column("recipient_bidang", String(12)),
    Column("recipient_person_id", Integer, ForeignKey("people.id")),
    Column("recipient_nama", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("sent_at", UtcDateTime),
    Column("failed_at", UtcDateTime),
    Column("parts_sent", Integer, nullable=False, default=0, server_default=text("0")),
    # Set when the recipient gets it as Plh of someone (migration 0011): the holder's name.
    Column("recipient_atas_nama", String(200)),
    Index("ix_outbox_pending", "sent_at", "failed_at", "next_attempt_at"),
)

timers_fired = Table(
    "timers_fired",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("fired_at", UtcDateTime, nullable=False),
)

poll_state = Table(
    "poll_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("cursor", Text),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Changed workbooks still to be read (migration 0010): the poll lists Drive's changes, keeps each
# changed workbook here with the new cursor in one transaction, and reads at most
# ``google.maks_baca_per_polling`` of them per cycle (Sheets allows 60 reads per minute), oldest
# ``seq`` first; a row goes once its workbook is read and taken in. Nothing changed is lost when
# a cycle cannot read everything.
poll_queue = Table(
    "poll_queue",
    metadata,
    Column("spreadsheet_id", String(128), primary_key=True),
    Column("tahun", Integer, nullable=False),
    Column("bidang", String(12), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("queued_at", UtcDateTime, nullable=False),
    Index("ix_poll_queue_seq", "seq"),
)


# Pending ForceReply prompts of the Telegram edge (reason, note, rekomendasi, tindak lanjut): kept
# here so a restart loses none (migration 0002).
telegram_prompts = Table(
    "telegram_prompts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    # NULL between recording the prompt and Telegram accepting it (see migration 0003).
    Column("message_id", BigInteger),
    Column("telegram_user_id", BigInteger, nullable=False),
    Column("action", String(8), nullable=False),
    Column("period_id", Integer, nullable=False),
    Column("bidang", String(12)),
    Column("origin_message_id", BigInteger),
    Column("origin_text", Text),
    # The URL buttons of the origin message, JSON [[label, url], ...], kept on it after the outcome (0009).
    Column("origin_links", Text),
    Column("prompt_text", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("answered_at", UtcDateTime),
    UniqueConstraint("chat_id", "message_id", name="uq_telegram_prompts_chat_message"),
)

# The store's identity (migration 0007): one row written when the database is created, with a
# random id. The running service checks on every scheduler cycle that its database still holds
# the id it read at start (``bot.store.identity``): a deleted or replaced database stops it.
store_identity = Table(
    "store_identity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)


# The master list of indicators of each year, one row per version (migration 0011): version 1 is
# the APBD Murni list the year's workbooks were built from; each APBD Perubahan adds the next,
# measured from TW ``mulai_tw`` on. A draft (``status`` "draf", ``versi`` NULL) is a revision read
# and shown to the Kasubbag but not applied yet. ``indikator`` holds the list's rows as JSON.
master_versions = Table(
    "master_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tahun", Integer, nullable=False),
    Column("versi", Integer),
    Column("status", String(10), nullable=False),
    Column("label", String(100), nullable=False),
    Column("berlaku_mulai", Date),
    Column("mulai_tw", Integer, nullable=False),
    Column("sumber", Text, nullable=False),
    Column("indikator", JSON, nullable=False),
    Column("ringkasan", JSON),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by_person_id", Integer, ForeignKey("people.id")),
    Column("created_by_nama", String(200), nullable=False),
    Column("applied_at", UtcDateTime),
    Column("audit_id", Integer, ForeignKey("audit.id")),
    UniqueConstraint("tahun", "versi", name="uq_master_versions_tahun_versi"),
)

# Acting officials (Plh) (migration 0011): the person acting for the holder of ``role`` (of
# ``bidang``) from ``mulai_at`` until ``sampai_at`` (exclusive; the office's days ``mulai`` to
# ``selesai``). ``status``: "menunggu" (named by the official, not yet accepted), "berlaku",
# "ditolak", "dibatalkan". :meth:`bot.workflow.people.Directory.acting_for` reads it.
plh = Table(
    "plh",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role", String(20), nullable=False),
    Column("bidang", String(12)),
    Column("holder_person_id", Integer, ForeignKey("people.id")),
    Column("holder_nama", String(200), nullable=False),
    Column("acting_person_id", Integer, ForeignKey("people.id"), nullable=False),
    Column("mulai", Date, nullable=False),
    Column("selesai", Date, nullable=False),
    Column("mulai_at", UtcDateTime, nullable=False),
    Column("sampai_at", UtcDateTime, nullable=False),
    Column("status", String(12), nullable=False),
    Column("sumber", String(10), nullable=False),
    Column("created_by_nama", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Index("ix_plh_role_bidang", "role", "bidang"),
)


# Durable intentions (migration 0008): an action that needs Google, recorded before Google is
# touched and closed in the transaction that moves the state (``bot.workflow.intentions``).
intentions = Table(
    "intentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period_id", Integer, ForeignKey("periods.id"), nullable=False),
    Column("bidang", String(12)),
    Column("operation", String(40), nullable=False),
    Column("effect", String(40), nullable=False),
    Column("actor", JSON, nullable=False),
    Column("text", Text),
    Column("khusus", JSON),
    Column("status", String(12), nullable=False, index=True),
    Column("needs_reconcile", Boolean, nullable=False, server_default=text("false")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
