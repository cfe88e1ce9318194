"""The store: migrations match the schema, SQLite pragmas, invite codes and the lockout."""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import DBAPIError

from bot.store.migrate import head_revision, upgrade
from bot.store.repository import Store
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
    "poll_queue",
    "store_identity",
    "intentions",
    "master_versions",
    "plh",
    "alembic_version",
}


def test_migrations_build_exactly_the_schema(empty_database_url: str) -> None:
    engine = upgrade(empty_database_url)
    upgrade(empty_database_url).dispose()  # a second start changes nothing
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == TABLES
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()


def test_sqlite_file_in_a_new_folder(tmp_path: Path) -> None:
    engine = upgrade(f"sqlite:///{tmp_path / 'a' / 'k.db'}")
    engine.dispose()
    assert (tmp_path / "a" / "k.db").exists()


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


def test_upgrade_from_0002_keeps_pending_prompts(empty_database_url: str) -> None:
    url = empty_database_url
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


BIG = 6_100_000_001  # a Telegram user id beyond 2^31, as real ones are today
HUGE = 2**52 - 1  # the largest a Telegram id may become


def test_upgrade_from_0004_keeps_rows_and_takes_64_bit_ids(empty_database_url: str) -> None:
    """Migration 0005 on a database in use: every row and reference kept, 64-bit ids accepted after."""
    url = empty_database_url
    engine = upgrade(url, "0004_outbox_parts_sent")
    at = datetime(2026, 4, 1, 1, 0)  # as the store writes it: naive UTC

    def row(conn: Any, table: str, **values: Any) -> None:
        names = ", ".join(values)
        conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)

    with engine.begin() as conn:
        row(conn, "periods", id=1, tahun=2026, tw=1, state="x", since=at, step_since=at, opened_at=at)
        row(
            conn,
            "people",
            id=1,
            role="staf",
            nama="A",
            telegram_id=42,
            unreachable=False,
            source="config",
            created_at=at,
        )
        row(conn, "audit", id=1, period_id=1, machine="bidang", actor_role="staf", actor_person_id=1, actor_nama="A",
            telegram_user_id=42, event="ajukan", at=at)  # fmt: skip
        row(conn, "tindak_lanjut", id=1, period_id=1, bidang="PTK", teks="t", created_at=at, actor_person_id=1,
            audit_id=1)  # fmt: skip
        row(conn, "invite_attempts", telegram_id=42, at=at)
        row(conn, "telegram_prompts", chat_id=42, message_id=7, telegram_user_id=42, action="kb", period_id=1,
            origin_message_id=6, created_at=at)  # fmt: skip
    engine.dispose()
    engine = upgrade(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT telegram_id FROM people")).scalar_one() == 42
        assert conn.execute(text("SELECT actor_person_id, telegram_user_id FROM audit")).one() == (1, 42)
        assert conn.execute(text("SELECT audit_id FROM tindak_lanjut")).scalar_one() == 1
        conn.execute(text("UPDATE people SET telegram_id = :big"), {"big": BIG})
        conn.execute(text("UPDATE audit SET telegram_user_id = :big"), {"big": HUGE})
        conn.execute(text("UPDATE invite_attempts SET telegram_id = :big"), {"big": HUGE})
        conn.execute(text("UPDATE telegram_prompts SET message_id = :big, origin_message_id = :big"), {"big": HUGE})
        assert conn.execute(text("SELECT telegram_id FROM people")).scalar_one() == BIG
        assert conn.execute(text("SELECT origin_message_id FROM telegram_prompts")).scalar_one() == HUGE
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    engine.dispose()


def test_a_telegram_id_beyond_32_bits_binds_and_acts(service, clock) -> None:
    """An invite redeemed by a 52-bit Telegram id; the id is found again, in the audit trail too."""
    now = datetime.now(WIB)
    code = service.directory.create_invite(Role.STAF, "PTK", "Budi Santoso", now)
    actor = service.directory.redeem_invite(HUGE, code, now)
    assert actor.telegram_id == HUGE
    assert service.directory.actor_for_telegram(HUGE) == actor
    with service.store.transaction() as tx:
        assert tx.person_by_telegram(HUGE) is not None


def test_insert_if_absent_and_trusted_updates_answer_alike(store) -> None:
    """What the workflow trusts: the first insert is reported, the second is not (psycopg 3 too)."""
    at = datetime(2026, 4, 1, 8, 0, tzinfo=WIB)
    with store.transaction() as tx:
        assert tx.fire_timer("t1", at) is True
        assert tx.fire_timer("t1", at) is False
        assert tx.timer_fired("t1")
        row = {"recipient_role": "staf", "recipient_nama": "A", "kind": "k", "payload": {}, "created_at": at}
        assert tx.enqueue(dedupe_key="d1", next_attempt_at=at, **row) is True
        assert tx.enqueue(dedupe_key="d1", next_attempt_at=at, **row) is False
        [queued] = tx.outbox_rows()
        assert tx.mark_sent(queued.id, at) is True
        assert tx.mark_sent(queued.id, at) is False
        tx.set_cursor("drive", "a", at)
        tx.set_cursor("drive", "b", at)
        assert tx.get_cursor("drive") == "b"
        invite = tx.insert_invite(code_hash="h", role="staf", nama="A", created_at=at, expires_at=at)
        assert tx.use_invite(invite, at, BIG) is True
        assert tx.use_invite(invite, at, BIG + 1) is False


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        pytest.param([], (0, 0), id="no-reports"),
        pytest.param(["approved", "approved"], (2, 2), id="all-approved"),
        pytest.param(["approved", "returned", "approved"], (3, 2), id="one-returned"),
        pytest.param(["submitted"], (1, 0), id="none-approved"),
    ],
)
def test_the_reports_of_a_period_are_tallied_by_the_database(
    store, states: list[str], expected: tuple[int, int]
) -> None:
    """Every approval asks whether all are approved: one counted row, another period's reports apart."""
    at = datetime(2026, 4, 1, 8, 0, tzinfo=WIB)
    with store.transaction() as tx:
        period = dict(state="collecting", since=at, step_since=at, opened_at=at)
        mine, other = tx.insert_period(tahun=2026, tw=1, **period), tx.insert_period(tahun=2026, tw=2, **period)
        for index, state in enumerate(states):
            tx.insert_report(period_id=mine, bidang=f"B{index}", state=state, since=at, step_since=at)
        tx.insert_report(period_id=other, bidang="B0", state="approved", since=at, step_since=at)
        assert tx.tally_reports(mine, "approved") == expected
        assert tx.tally_reports(other, "approved") == (1, 1)


def test_a_read_does_not_wait_for_the_writer_and_cannot_write(store) -> None:
    """Store.read() takes no write lock: it reads the last commit while a writer holds the lock."""
    at = datetime(2026, 4, 1, 8, 0, tzinfo=WIB)
    with store.transaction() as tx:
        tx.set_cursor("drive", "a", at)
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.transaction() as tx:
            tx.set_cursor("drive", "b", at)
            holding.set()
            release.wait(60)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(60)
        # Behind the write lock this would wait until the busy timeout and fail: the writer only
        # lets go after this read.
        with store.read() as tx:
            assert tx.get_cursor("drive") == "a"
    finally:
        release.set()
        thread.join()
    with store.read() as tx:
        assert tx.get_cursor("drive") == "b"
    with pytest.raises(DBAPIError, match=r"(?i)read.only|readonly"), store.read() as tx:
        tx.set_cursor("drive", "c", at)
    with store.transaction() as tx:  # the connection writes again afterwards
        tx.set_cursor("drive", "d", at)
        assert tx.get_cursor("drive") == "d"


def test_sqlite_writers_of_one_process_queue_instead_of_polling(tmp_path: Path) -> None:
    """Writers of one process wait for each other on the store's own queue, not SQLite's busy handler.

    With SQLite's busy timeout set to 0, a writer that met another one's lock inside SQLite would
    fail at once ("database is locked"); twenty threads writing together all succeed, in turn.
    """
    engine = upgrade(f"sqlite:///{tmp_path / 'k.db'}")

    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    engine.dispose()  # the pooled connections reconnect with the listener above
    store = Store(engine)
    at = datetime(2026, 4, 1, 8, 0, tzinfo=WIB)
    start, failures = threading.Barrier(20), []

    def writer(index: int) -> None:
        start.wait(60)
        try:
            for round_ in range(5):
                with store.transaction() as tx:
                    tx.set_cursor(f"writer-{index}", str(round_), at)
        except DBAPIError as err:
            failures.append(err)

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    with store.read() as tx:
        assert [tx.get_cursor(f"writer-{index}") for index in range(20)] == ["4"] * 20
    engine.dispose()


def test_the_store_guard_notices_a_replaced_file_and_a_foreign_identity(tmp_path: Path) -> None:
    from bot.store.identity import StoreGuard, StoreMismatch

    path, other = tmp_path / "kinerja.db", tmp_path / "lain.db"
    engine = upgrade(f"sqlite:///{path}")
    guard = StoreGuard(engine)
    guard.check()  # its own store: nothing to say
    with engine.begin() as conn:
        conn.execute(text("UPDATE store_identity SET instance_id = 'orang-lain'"))
    with pytest.raises(StoreMismatch, match="bukan lagi basis data yang dibuka saat mulai"):
        guard.check()
    upgrade(f"sqlite:///{other}").dispose()
    os.replace(other, path)
    with pytest.raises(StoreMismatch, match="diganti dengan berkas lain"):
        guard.check()
    path.unlink()
    with pytest.raises(StoreMismatch, match="hilang saat bot berjalan"):
        guard.check()
    engine.dispose()
    assert not path.exists()


def test_an_invite_over_a_configured_binding_survives_a_restart_and_is_reported(
    service, settings, store, caplog: pytest.LogCaptureFixture
) -> None:
    """Agus (Kepala PTK, telegram_id 100000021 in the settings) binds a new account with an invite."""
    from bot.doctor.people import check_people
    from bot.doctor.report import CheckStatus, DoctorContext

    now = datetime.now(WIB)
    directory = service.directory
    code = directory.create_invite(Role.KEPALA_BIDANG, "PTK", "Agus Priyono, S.H.", now)
    directory.redeem_invite(555001, code, now)
    # Yuni (staf LAT) is bound by invite to the account the settings give to Hendro (Kepala LAT).
    code = directory.create_invite(Role.STAF, "LAT", "Yuni Astuti, A.Md.", now)
    directory.redeem_invite(100000031, code, now)
    with caplog.at_level("WARNING", logger="bot.workflow.people"):
        directory.sync_from_settings(now + timedelta(hours=1))  # the restart
    assert directory.actor_for_telegram(555001).nama == "Agus Priyono, S.H."
    assert directory.actor_for_telegram(100000021) is None
    assert directory.actor_for_telegram(100000031).nama == "Yuni Astuti, A.Md."
    assert "bound by invite to Telegram id 555001; the settings name 100000021" in caplog.text
    assert "Telegram id 100000031 is bound by invite to staf LAT (Yuni Astuti, A.Md.)" in caplog.text
    warning = {r.key: r for r in check_people(DoctorContext(settings, "settings.yaml", store=store))}["people.invite"]
    assert warning.status is CheckStatus.WARNING
    assert (
        "pengaturan menyebut telegram_id 100000021, tetapi terdaftar melalui kode undangan dengan ID 555001"
        in warning.detail
    )
    assert (
        "telegram_id 100000031 di pengaturan sudah terdaftar melalui kode undangan atas nama "
        "Staf LAT (Yuni Astuti, A.Md.)" in warning.detail
    )
