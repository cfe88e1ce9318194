"""The store: migrations match the schema, SQLite pragmas, invite codes and the lockout."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.store.migrate import upgrade
from bot.store.schema import metadata
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import Role
from tests.workflow.conftest import WIB

TABLES = {
    "telegram_prompts",
    "periods",
    "bidang_reports",
    "people",
    "invite_codes",
    "invite_attempts",
    "audit",
    "snapshots",
    "rekomendasi",
    "tindak_lanjut",
    "outbox",
    "sheet_memory",
    "timers_fired",
    "poll_state",
    "alembic_version",
}


def test_migrations_build_exactly_the_schema(tmp_path: Path) -> None:
    engine = upgrade(f"sqlite:///{tmp_path / 'a' / 'k.db'}")
    upgrade(f"sqlite:///{tmp_path / 'a' / 'k.db'}").dispose()  # a second start changes nothing
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == TABLES
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0006_sheet_memory"
    engine.dispose()


def test_aware_times_round_trip_and_naive_is_refused(store) -> None:
    at = datetime(2026, 4, 1, 8, 0, tzinfo=WIB)
    with store.transaction() as tx:
        tx.set_cursor("drive", "tok", at)
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT updated_at FROM poll_state")).scalar()
    assert str(stored).startswith("2026-04-01 01:00:00")
    with store.transaction() as tx:
        assert tx.conn.execute(text("SELECT 1")).scalar() == 1
    with pytest.raises(Exception, match="naive"), store.transaction() as tx:
        tx.set_cursor("drive", "tok", datetime(2026, 4, 1))


def test_invite_code_single_use_and_expiry(service, clock) -> None:
    now = datetime.now(WIB)
    directory = service.directory
    code = directory.create_invite(Role.STAF, "PTK", "Budi Santoso", now)
    actor = directory.redeem_invite(777, code.lower(), now)
    assert (actor.role, actor.bidang, actor.nama, actor.telegram_id) == ("staf", "PTK", "Budi Santoso", 777)
    assert directory.actor_for_telegram(777) == actor
    with pytest.raises(ActionRefused, match="sudah dipakai"):
        directory.redeem_invite(778, code, now)
    old = directory.create_invite(Role.KEPALA_DINAS, None, "Drs. Arief Ridwan, MM", now)
    with pytest.raises(ActionRefused, match="kedaluwarsa"):
        directory.redeem_invite(779, old, now + timedelta(days=8))
    with pytest.raises(ActionRefused, match="bidang"):
        directory.create_invite(Role.STAF, None, "Tanpa Bidang", now)


def test_five_wrong_codes_lock_out_for_an_hour(service) -> None:
    now = datetime.now(WIB)
    directory = service.directory
    good = directory.create_invite(Role.KEPALA_BIDANG, "LAT", "Hendro Wibowo, S.T.", now)
    for i in range(5):
        with pytest.raises(ActionRefused, match="tidak dikenal"):
            directory.redeem_invite(900, f"SALAH{i}", now + timedelta(minutes=i))
    with pytest.raises(ActionRefused, match="Terlalu banyak"):
        directory.redeem_invite(900, good, now + timedelta(minutes=10))
    actor = directory.redeem_invite(900, good, now + timedelta(minutes=65))
    # The configured Kepala LAT row is re-bound, not duplicated.
    assert actor.role == "kepala_bidang" and directory.actor_for_telegram(100000031) is None


def test_upgrade_from_0002_keeps_pending_prompts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lama.db'}"
    engine = upgrade(url, "0002_telegram_prompts")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO telegram_prompts (chat_id, message_id, telegram_user_id, action, period_id, created_at)"
                " VALUES (7, 41, 7, 'kb', 1, '2026-04-01 01:00:00')"
            )
        )
    engine.dispose()
    engine = upgrade(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT message_id, prompt_text FROM telegram_prompts")).one()
    engine.dispose()
    assert tuple(row) == (41, None)
