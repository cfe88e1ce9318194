"""The store's repository: one :class:`Tx` per transaction, all reads and writes the core needs.

``Store.transaction()`` opens one database transaction: a state change, its audit row and its
outbox rows are written through the same :class:`Tx` and commit or roll back together.
Transactions are serialised alike on both engines (``BEGIN IMMEDIATE`` on SQLite, the store's
advisory lock on PostgreSQL), so a decision re-checked inside its transaction is taken once.
``Store.read()`` opens a read-only transaction for views and checks: one consistent view of the
store without the write lock (a deferred ``BEGIN`` on SQLite, whose WAL lets it read beside a
writer; ``READ ONLY`` and no advisory lock on PostgreSQL), so fifty people reading never queue
behind one writer. A check made there promises nothing: the action checks again under the lock.

A statement whose result the code trusts ("was it inserted?", "was it still unused?") reads the
rows of its ``RETURNING`` clause, never the driver's rowcount: psycopg 3 reports -1 for
``INSERT ... ON CONFLICT DO NOTHING RETURNING``, and SQLAlchemy adds such a RETURNING on
PostgreSQL by itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, bindparam, case, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.store import schema as s
from bot.store.db import READ_ONLY, SQLITE_BUSY_TIMEOUT_SECONDS

logger = logging.getLogger(__name__)


class Store:
    """The database behind the workflow: an Engine and transactions on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite lets one writer in at a time and makes the others poll: its busy handler sleeps
        # 1, 2, 5 ... up to 100 ms between tries, so with fifty presses at once most writers sleep
        # long after the lock is free (a burst's p95 went to seconds). The writers of this process
        # queue on a lock of their own instead and go in as soon as the previous one commits;
        # SQLite's busy timeout still orders them against other processes (a CLI command).
        # PostgreSQL's advisory lock already wakes its waiters at once.
        self._writers = threading.Lock() if engine.dialect.name == "sqlite" else None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One transaction; commits when the block ends normally, rolls back on an exception."""
        queued = self._writers is not None and self._writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
        try:
            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    _take_write_lock(connection)
                yield Tx(connection)
        finally:
            if queued:
                assert self._writers is not None
                self._writers.release()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction (views, checks): a consistent view, without the write lock."""
        with self.engine.connect() as connection:
            options: dict[str, Any] = {READ_ONLY: True}
            if connection.dialect.name == "postgresql":
                # BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY: one snapshot for every statement, as
                # on SQLite, and a write here fails loudly. A read-only transaction never fails to serialise.
                options |= {"postgresql_readonly": True, "isolation_level": "REPEATABLE READ"}
            connection.execution_options(**options)
            with connection.begin():
                yield Tx(connection)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


# Key of the PostgreSQL advisory lock that serialises the store's transactions ("KINERJA" in ASCII).
WRITE_LOCK_KEY = 0x4B494E45524A41
WRITE_LOCK_TIMEOUT = "30s"  # as SQLite's busy timeout (bot.store.db.SQLITE_BUSY_TIMEOUT_SECONDS)


def _take_write_lock(connection: Connection) -> None:
    """PostgreSQL's equivalent of SQLite's ``BEGIN IMMEDIATE``: one store transaction at a time.

    The workflow checks a decision in one transaction, calls Google, then re-checks and writes it
    in a second one; SQLite serialises those second transactions, so the re-check of the later
    one sees the earlier one's decision. On PostgreSQL (READ COMMITTED) two of them would both
    see "not yet decided" and both write it. A transaction-scoped advisory lock, taken as the
    first statement, gives the same order as SQLite and needs nothing from the workflow code:
    every statement after it sees what the previous holder committed (READ COMMITTED takes a
    new snapshot per statement, see ``bot.store.db``); it is released at commit or rollback, also
    when the process dies; and it covers every bot instance on the same database. Row locks
    (SELECT ... FOR UPDATE) would have to be added to each decision in the workflow, and
    SERIALIZABLE would need a retry of whole workflow steps around their Google calls. The cost,
    one writer at a time, is what SQLite already pays. ``lock_timeout`` bounds the wait as
    SQLite's busy timeout does.
    """
    connection.execute(text(f"SET LOCAL lock_timeout = '{WRITE_LOCK_TIMEOUT}'"))
    connection.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))


# --- statements built once -------------------------------------------------------------------
# Building a statement costs more than SQLite takes to run it (about 0.5 ms against 0.1 ms for a
# select by key, measured on this stack): the statements of a press, the outbox and the workers
# are built once, their values bound when they run. A ``_``-named parameter is a WHERE value; the
# other names of an UPDATE's parameters are the columns it sets.

_GET_PERIOD = select(s.periods).where(s.periods.c.id == bindparam("_period_id"))
_GET_REPORT = select(s.bidang_reports).where(
    s.bidang_reports.c.period_id == bindparam("_period_id"), s.bidang_reports.c.bidang == bindparam("_bidang")
)
_REPORT_STATES = select(s.bidang_reports.c.bidang, s.bidang_reports.c.state).where(
    s.bidang_reports.c.period_id == bindparam("_period_id")
)
# (every report of a period, those in one state): one row whatever the number of bidang.
_REPORT_TALLY = select(
    func.count(),
    func.coalesce(func.sum(case((s.bidang_reports.c.state == bindparam("_state"), 1), else_=0)), 0),
).where(s.bidang_reports.c.period_id == bindparam("_period_id"))
_UPDATE_REPORT = update(s.bidang_reports).where(s.bidang_reports.c.id == bindparam("_id"))
_MOVE_REPORT = _UPDATE_REPORT.returning(*s.bidang_reports.c)
_GET_PERSON = select(s.people).where(s.people.c.id == bindparam("_person_id"))
_PERSON_BY_TELEGRAM = select(s.people).where(s.people.c.telegram_id == bindparam("_telegram_id"))
_PEOPLE_WITH_ROLE = select(s.people).where(s.people.c.role == bindparam("_role")).order_by(s.people.c.id)
_PEOPLE_WITH_ROLE_IN = _PEOPLE_WITH_ROLE.where(s.people.c.bidang == bindparam("_bidang"))
_GET_INTENTION = select(s.intentions).where(s.intentions.c.id == bindparam("_id"))
_UPDATE_INTENTION = update(s.intentions).where(s.intentions.c.id == bindparam("_id"))
_BUSY_INTENTIONS = (
    select(s.intentions)
    .where(s.intentions.c.period_id == bindparam("_period_id"), s.intentions.c.status.in_(("pending", "owed")))
    .order_by(s.intentions.c.id)
)
_BUSY_INTENTION_OF_PERIOD = _BUSY_INTENTIONS.where(s.intentions.c.bidang.is_(None))
_BUSY_INTENTION_OF_BIDANG = _BUSY_INTENTIONS.where(s.intentions.c.bidang == bindparam("_bidang"))
_SHEET_MEMORY = select(s.sheet_memory.c.memory).where(
    s.sheet_memory.c.tahun == bindparam("_tahun"), s.sheet_memory.c.bidang == bindparam("_bidang")
)
_PENDING_OUTBOX = (
    select(s.outbox)
    .where(
        s.outbox.c.sent_at.is_(None),
        s.outbox.c.failed_at.is_(None),
        s.outbox.c.next_attempt_at <= bindparam("_now"),
    )
    .order_by(s.outbox.c.id)
    .limit(bindparam("_limit"))
)
_MARK_SENT = (
    update(s.outbox)
    .where(s.outbox.c.id == bindparam("_id"), s.outbox.c.sent_at.is_(None))
    .values(sent_at=bindparam("_at"), attempts=s.outbox.c.attempts + 1, last_error=None)
    .returning(s.outbox.c.id)
)
_INSERTS: dict[str, Any] = {}
"""Table name -> INSERT ... RETURNING id, built at its first use."""
_INSERTS_IF_ABSENT: dict[tuple[str, str, str], Any] = {}
"""(dialect, table, unique key) -> INSERT ... ON CONFLICT DO NOTHING RETURNING key."""
_UPSERTS: dict[tuple[str, tuple[str, ...]], Any] = {}
"""(dialect, the columns replaced) -> the snapshot's INSERT ... ON CONFLICT DO UPDATE."""


class Tx:
    """Reads and writes inside one open transaction."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection

    # --- helpers -----------------------------------------------------------------------------

    def _insert_ignore(self, table: Any, values: Mapping[str, Any], key: str) -> bool:
        """Insert unless a row with the same unique ``key`` exists; True when inserted."""
        dialect = self.conn.dialect.name
        if dialect in ("sqlite", "postgresql"):
            statement = _INSERTS_IF_ABSENT.get((dialect, table.name, key))
            if statement is None:
                module = sqlite if dialect == "sqlite" else postgresql
                statement = module.insert(table).on_conflict_do_nothing(index_elements=[key]).returning(table.c[key])
                _INSERTS_IF_ABSENT[(dialect, table.name, key)] = statement
            return self.conn.execute(statement, dict(values)).first() is not None
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(table).values(**values))
        except IntegrityError:
            return False
        return True

    def _insert_id(self, table: Any, values: Mapping[str, Any]) -> int:
        """Insert one row; its new id (read from RETURNING)."""
        statement = _INSERTS.get(table.name)
        if statement is None:
            statement = _INSERTS[table.name] = insert(table).returning(table.c.id)
        return int(self.conn.execute(statement, dict(values)).scalar_one())

    # --- periods -----------------------------------------------------------------------------

    def insert_period(self, **values: Any) -> int:
        """Create a period row; returns its id."""
        return self._insert_id(s.periods, values)

    def get_period(self, period_id: int) -> Row[Any] | None:
        """The period with this id."""
        return self.conn.execute(_GET_PERIOD, {"_period_id": period_id}).first()

    def find_period(self, tahun: int, tw: int) -> Row[Any] | None:
        """The period of (tahun, tw)."""
        return self.conn.execute(select(s.periods).where(s.periods.c.tahun == tahun, s.periods.c.tw == tw)).first()

    def periods(self, exclude_states: Sequence[str] = ()) -> list[Row[Any]]:
        """Every period (oldest first), optionally without some states."""
        query = select(s.periods).order_by(s.periods.c.tahun, s.periods.c.tw)
        if exclude_states:
            query = query.where(s.periods.c.state.not_in(list(exclude_states)))
        return list(self.conn.execute(query))

    def update_period(self, period_id: int, **values: Any) -> None:
        """Change columns of a period."""
        self.conn.execute(update(s.periods).where(s.periods.c.id == period_id).values(**values))

    # --- bidang reports ----------------------------------------------------------------------

    def insert_report(self, **values: Any) -> int:
        """Create a bidang report row."""
        return self._insert_id(s.bidang_reports, values)

    def report_states(self, period_id: int) -> dict[str, str]:
        """bidang -> state of a period's reports (without their submissions)."""
        rows = self.conn.execute(_REPORT_STATES, {"_period_id": period_id})
        return {row.bidang: row.state for row in rows}

    def tally_reports(self, period_id: int, state: str) -> tuple[int, int]:
        """(how many reports the period has, how many of them are in ``state``), counted by the database."""
        total, in_state = self.conn.execute(_REPORT_TALLY, {"_period_id": period_id, "_state": state}).one()
        return int(total), int(in_state)

    def reports(self, period_id: int) -> list[Row[Any]]:
        """The bidang reports of a period, by id."""
        return list(
            self.conn.execute(
                select(s.bidang_reports)
                .where(s.bidang_reports.c.period_id == period_id)
                .order_by(s.bidang_reports.c.id)
            )
        )

    def get_report(self, period_id: int, bidang: str) -> Row[Any] | None:
        """One bidang's report of a period."""
        return self.conn.execute(_GET_REPORT, {"_period_id": period_id, "_bidang": bidang}).first()

    def update_report(self, report_id: int, **values: Any) -> None:
        """Change columns of a bidang report."""
        self.conn.execute(_UPDATE_REPORT, {"_id": report_id, **values})

    def move_report(self, report_id: int, **values: Any) -> Row[Any]:
        """Change columns of a bidang report; the report as it is now (one statement where the
        database can return the updated row)."""
        parameters = {"_id": report_id, **values}
        if self.conn.dialect.update_returning:
            return self.conn.execute(_MOVE_REPORT, parameters).one()
        self.conn.execute(_UPDATE_REPORT, parameters)
        return self.conn.execute(select(s.bidang_reports).where(s.bidang_reports.c.id == report_id)).one()

    # --- people ------------------------------------------------------------------------------

    def people(self) -> list[Row[Any]]:
        """Everyone, by id."""
        return list(self.conn.execute(select(s.people).order_by(s.people.c.id)))

    def get_person(self, person_id: int) -> Row[Any] | None:
        """One person."""
        return self.conn.execute(_GET_PERSON, {"_person_id": person_id}).first()

    def person_by_telegram(self, telegram_id: int) -> Row[Any] | None:
        """The person bound to this Telegram user id."""
        return self.conn.execute(_PERSON_BY_TELEGRAM, {"_telegram_id": telegram_id}).first()

    def bound_people(self) -> list[Row[Any]]:
        """Everyone bound to a Telegram user id, by id."""
        bound = select(s.people).where(s.people.c.telegram_id.is_not(None)).order_by(s.people.c.id)
        return list(self.conn.execute(bound))

    def people_with_role(self, role: str, bidang: str | None = None) -> list[Row[Any]]:
        """Everyone holding ``role`` (in ``bidang`` when given), by id."""
        if bidang is None:
            return list(self.conn.execute(_PEOPLE_WITH_ROLE, {"_role": role}))
        return list(self.conn.execute(_PEOPLE_WITH_ROLE_IN, {"_role": role, "_bidang": bidang}))

    def find_person(self, role: str, bidang: str | None, nama: str) -> Row[Any] | None:
        """A person by role, bidang and name (how config entries are matched on restart)."""
        return self.conn.execute(
            select(s.people).where(
                s.people.c.role == role,
                s.people.c.bidang.is_(None) if bidang is None else s.people.c.bidang == bidang,
                s.people.c.nama == nama,
            )
        ).first()

    def insert_person(self, **values: Any) -> int:
        """Create a person row."""
        values.setdefault("unreachable", False)
        return self._insert_id(s.people, values)

    def update_person(self, person_id: int, **values: Any) -> None:
        """Change columns of a person."""
        self.conn.execute(update(s.people).where(s.people.c.id == person_id).values(**values))

    def clear_telegram_id(self, telegram_id: int, except_person: int) -> None:
        """Unbind a Telegram id from anyone else (it is unique)."""
        self.conn.execute(
            update(s.people)
            .where(s.people.c.telegram_id == telegram_id, s.people.c.id != except_person)
            .values(telegram_id=None)
        )

    # --- invites -----------------------------------------------------------------------------

    def insert_invite(self, **values: Any) -> int:
        """Store an invite code (its hash only)."""
        return self._insert_id(s.invite_codes, values)

    def invite_by_hash(self, code_hash: str) -> Row[Any] | None:
        """The invite with this code hash."""
        return self.conn.execute(select(s.invite_codes).where(s.invite_codes.c.code_hash == code_hash)).first()

    def use_invite(self, invite_id: int, at: datetime, telegram_id: int) -> bool:
        """Mark an invite used; False when someone used it first."""
        result = self.conn.execute(
            update(s.invite_codes)
            .where(s.invite_codes.c.id == invite_id, s.invite_codes.c.used_at.is_(None))
            .values(used_at=at, used_by_telegram_id=telegram_id)
            .returning(s.invite_codes.c.id)
        )
        return result.first() is not None

    def record_failed_attempt(self, telegram_id: int, at: datetime) -> None:
        """Remember a wrong invite code."""
        self.conn.execute(insert(s.invite_attempts).values(telegram_id=telegram_id, at=at))

    def failed_attempts_since(self, telegram_id: int, since: datetime) -> int:
        """Wrong codes from this Telegram user since ``since``."""
        return self.conn.execute(
            select(func.count())
            .select_from(s.invite_attempts)
            .where(s.invite_attempts.c.telegram_id == telegram_id, s.invite_attempts.c.at >= since)
        ).scalar_one()

    # --- audit -------------------------------------------------------------------------------

    def insert_audit(self, **values: Any) -> int:
        """Append an audit row; returns its id."""
        return self._insert_id(s.audit, values)

    def audit_rows(self, period_id: int | None = None) -> list[Row[Any]]:
        """The audit trail (of one period when given), oldest first."""
        query = select(s.audit).order_by(s.audit.c.id)
        if period_id is not None:
            query = query.where(s.audit.c.period_id == period_id)
        return list(self.conn.execute(query))

    def count_audit(self, period_id: int, event: str, bidang: str | None = None) -> int:
        """How many times ``event`` happened in a period (to one bidang when given)."""
        query = (
            select(func.count()).select_from(s.audit).where(s.audit.c.period_id == period_id, s.audit.c.event == event)
        )
        if bidang is not None:
            query = query.where(s.audit.c.bidang == bidang)
        return self.conn.execute(query).scalar_one()

    # --- snapshots, rekomendasi, tindak lanjut -----------------------------------------------

    def upsert_snapshot(self, period_id: int, bidang: str, **values: Any) -> None:
        """Store the approved values of a bidang for a period, replacing an older approval."""
        dialect = self.conn.dialect.name
        if dialect in ("sqlite", "postgresql"):  # one statement: insert, or replace on (period, bidang)
            replaced = tuple(sorted(values))
            statement = _UPSERTS.get((dialect, replaced))
            if statement is None:
                inserting = (sqlite if dialect == "sqlite" else postgresql).insert(s.snapshots)
                statement = _UPSERTS[(dialect, replaced)] = inserting.on_conflict_do_update(
                    index_elements=["period_id", "bidang"], set_={key: inserting.excluded[key] for key in replaced}
                )
            self.conn.execute(statement, {"period_id": period_id, "bidang": bidang, **values})
            return
        existing = self.conn.execute(
            select(s.snapshots.c.id).where(s.snapshots.c.period_id == period_id, s.snapshots.c.bidang == bidang)
        ).scalar_one_or_none()
        if existing is None:
            self.conn.execute(insert(s.snapshots).values(period_id=period_id, bidang=bidang, **values))
        else:
            self.conn.execute(update(s.snapshots).where(s.snapshots.c.id == existing).values(**values))

    def get_snapshot(self, period_id: int, bidang: str) -> Row[Any] | None:
        """The approved snapshot of a bidang for a period."""
        return self.conn.execute(
            select(s.snapshots).where(s.snapshots.c.period_id == period_id, s.snapshots.c.bidang == bidang)
        ).first()

    def snapshots_of_year(self, tahun: int, up_to_tw: int, bidang: str | None = None) -> list[Row[Any]]:
        """Every snapshot of ``tahun`` with tw <= ``up_to_tw`` (of one ``bidang`` when given)."""
        query = select(s.snapshots).where(s.snapshots.c.tahun == tahun, s.snapshots.c.tw <= up_to_tw)
        if bidang is not None:
            query = query.where(s.snapshots.c.bidang == bidang)
        return list(self.conn.execute(query.order_by(s.snapshots.c.tw, s.snapshots.c.bidang)))

    def sheet_memory(self, tahun: int, bidang: str) -> Mapping[str, Any] | None:
        """What the intake last knew of ``bidang``'s workbook of ``tahun`` (JSON), None when nothing."""
        return self.conn.execute(_SHEET_MEMORY, {"_tahun": tahun, "_bidang": bidang}).scalar_one_or_none()

    def set_sheet_memory(self, tahun: int, bidang: str, memory: Mapping[str, Any], at: datetime) -> None:
        """Store what the intake knows of ``bidang``'s workbook of ``tahun``."""
        table = s.sheet_memory
        where = (table.c.tahun == tahun, table.c.bidang == bidang)
        updated = self.conn.execute(
            update(table).where(*where).values(memory=dict(memory), updated_at=at).returning(table.c.tahun)
        ).first()
        if updated is None:
            self.conn.execute(insert(table).values(tahun=tahun, bidang=bidang, memory=dict(memory), updated_at=at))

    def insert_rekomendasi(self, **values: Any) -> int:
        """Store one rekomendasi."""
        return self._insert_id(s.rekomendasi, values)

    def rekomendasi_of(self, period_id: int) -> list[Row[Any]]:
        """The rekomendasi of a period, general first."""
        return list(
            self.conn.execute(
                select(s.rekomendasi).where(s.rekomendasi.c.period_id == period_id).order_by(s.rekomendasi.c.id)
            )
        )

    def insert_tindak_lanjut(self, **values: Any) -> int:
        """Store one bidang's tindak lanjut."""
        return self._insert_id(s.tindak_lanjut, values)

    def tindak_lanjut_of(self, period_id: int) -> list[Row[Any]]:
        """The tindak lanjut recorded for a period."""
        return list(
            self.conn.execute(
                select(s.tindak_lanjut).where(s.tindak_lanjut.c.period_id == period_id).order_by(s.tindak_lanjut.c.id)
            )
        )

    # --- outbox ------------------------------------------------------------------------------

    def enqueue(self, **values: Any) -> bool:
        """Add an outbox row; False (and nothing written) when its dedupe key already exists."""
        values.setdefault("attempts", 0)
        return self._insert_ignore(s.outbox, values, "dedupe_key")

    def pending_outbox(self, now: datetime, limit: int) -> list[Row[Any]]:
        """Rows due for delivery, oldest first."""
        return list(self.conn.execute(_PENDING_OUTBOX, {"_now": now, "_limit": limit}))

    def get_outbox(self, row_id: int) -> Row[Any] | None:
        """One outbox row."""
        return self.conn.execute(select(s.outbox).where(s.outbox.c.id == row_id)).first()

    def mark_sent(self, row_id: int, at: datetime) -> bool:
        """Mark a row delivered; False when it was already marked (another worker)."""
        return self.conn.execute(_MARK_SENT, {"_id": row_id, "_at": at}).first() is not None

    def mark_parts_sent(self, row_id: int, parts_sent: int) -> None:
        """Record how many messages of a multi-message notification Telegram accepted."""
        self.conn.execute(update(s.outbox).where(s.outbox.c.id == row_id).values(parts_sent=parts_sent))

    def mark_retry(self, row_id: int, error: str, next_attempt_at: datetime, count_attempt: bool = True) -> None:
        """Record a failed try and when to try again."""
        values: dict[str, Any] = {"last_error": error[:2000], "next_attempt_at": next_attempt_at}
        if count_attempt:
            values["attempts"] = s.outbox.c.attempts + 1
        self.conn.execute(update(s.outbox).where(s.outbox.c.id == row_id).values(**values))

    def mark_failed(self, row_id: int, error: str, at: datetime) -> None:
        """Give up on a row for good."""
        self.conn.execute(
            update(s.outbox)
            .where(s.outbox.c.id == row_id)
            .values(failed_at=at, last_error=error[:2000], attempts=s.outbox.c.attempts + 1)
        )

    def outbox_rows(self, period_id: int | None = None) -> list[Row[Any]]:
        """Every outbox row (of one period when given), by id."""
        query = select(s.outbox).order_by(s.outbox.c.id)
        if period_id is not None:
            query = query.where(s.outbox.c.period_id == period_id)
        return list(self.conn.execute(query))

    def count_pending(self) -> int:
        """Rows neither sent nor given up."""
        return self.conn.execute(
            select(func.count())
            .select_from(s.outbox)
            .where(and_(s.outbox.c.sent_at.is_(None), s.outbox.c.failed_at.is_(None)))
        ).scalar_one()

    # --- durable intentions ------------------------------------------------------------------

    def insert_intention(self, **values: Any) -> int:
        """Record an action about to touch Google (status ``pending`` unless given); returns its id."""
        return self._insert_id(s.intentions, {"status": "pending", **values})

    def get_intention(self, intention_id: int) -> Row[Any] | None:
        """One intention row."""
        return self.conn.execute(_GET_INTENTION, {"_id": intention_id}).first()

    def pending_intention(self, period_id: int, bidang: str | None) -> Row[Any] | None:
        """The intention on this period (and bidang) still being carried out (pending, or its effect owed)."""
        if bidang is None:
            return self.conn.execute(_BUSY_INTENTION_OF_PERIOD, {"_period_id": period_id}).first()
        return self.conn.execute(_BUSY_INTENTION_OF_BIDANG, {"_period_id": period_id, "_bidang": bidang}).first()

    def intentions_with_status(self, status: str) -> list[Row[Any]]:
        """Every intention in ``status``, oldest first."""
        return list(
            self.conn.execute(select(s.intentions).where(s.intentions.c.status == status).order_by(s.intentions.c.id))
        )

    def intentions_to_reconcile(self) -> list[Row[Any]]:
        """Undone intentions whose Google effect is not compensated yet, oldest first."""
        return list(
            self.conn.execute(
                select(s.intentions).where(s.intentions.c.needs_reconcile.is_(True)).order_by(s.intentions.c.id)
            )
        )

    def update_intention(self, intention_id: int, **values: Any) -> None:
        """Change an intention's status, attempts or error."""
        self.conn.execute(_UPDATE_INTENTION, {"_id": intention_id, **values})

    def intentions(self, period_id: int | None = None) -> list[Row[Any]]:
        """Every intention (of one period), oldest first."""
        query = select(s.intentions).order_by(s.intentions.c.id)
        if period_id is not None:
            query = query.where(s.intentions.c.period_id == period_id)
        return list(self.conn.execute(query))

    # --- timers and poll cursor --------------------------------------------------------------

    def fire_timer(self, key: str, at: datetime) -> bool:
        """Record that timer ``key`` fired; False when it already had (each fires once)."""
        return self._insert_ignore(s.timers_fired, {"key": key, "fired_at": at}, "key")

    def timer_fired(self, key: str) -> bool:
        """Whether timer ``key`` fired already."""
        return self.conn.execute(select(s.timers_fired.c.key).where(s.timers_fired.c.key == key)).first() is not None

    def get_cursor(self, name: str) -> str | None:
        """A stored poll cursor."""
        return self.conn.execute(select(s.poll_state.c.cursor).where(s.poll_state.c.name == name)).scalar()

    def set_cursor(self, name: str, cursor: str | None, at: datetime) -> None:
        """Store a poll cursor."""
        updated = self.conn.execute(
            update(s.poll_state)
            .where(s.poll_state.c.name == name)
            .values(cursor=cursor, updated_at=at)
            .returning(s.poll_state.c.name)
        ).first()
        if updated is None:
            self.conn.execute(insert(s.poll_state).values(name=name, cursor=cursor, updated_at=at))

    # --- the poll's to-read list ---------------------------------------------------------------

    def queue_reads(self, tahun: int, books: Sequence[tuple[str, str]], at: datetime) -> None:
        """Add (spreadsheet id, bidang) pairs to the to-read list; one already there keeps its place."""
        if not books:
            return
        queued = set(self.conn.execute(select(s.poll_queue.c.spreadsheet_id)).scalars())
        seq = self._next_queue_seq()
        for spreadsheet_id, bidang in books:
            if spreadsheet_id in queued:
                continue
            values = {"spreadsheet_id": spreadsheet_id, "tahun": tahun, "bidang": bidang, "seq": seq, "queued_at": at}
            self.conn.execute(insert(s.poll_queue).values(**values))
            queued.add(spreadsheet_id)
            seq += 1

    def queued_reads(self, tahun: int, limit: int | None = None) -> list[Row[Any]]:
        """The workbooks of ``tahun`` still to read, oldest first (at most ``limit``)."""
        query = select(s.poll_queue).where(s.poll_queue.c.tahun == tahun).order_by(s.poll_queue.c.seq)
        if limit is not None:
            query = query.limit(limit)
        return list(self.conn.execute(query))

    def unqueue_read(self, spreadsheet_id: str) -> None:
        """A workbook read and taken in: off the to-read list."""
        self.conn.execute(s.poll_queue.delete().where(s.poll_queue.c.spreadsheet_id == spreadsheet_id))

    def unqueue_bidang(self, tahun: int, bidang: str) -> None:
        """Every workbook of ``bidang`` off the to-read list (it went to the trash: nothing to read)."""
        self.conn.execute(s.poll_queue.delete().where(s.poll_queue.c.tahun == tahun, s.poll_queue.c.bidang == bidang))

    def requeue_read(self, spreadsheet_id: str, at: datetime) -> None:
        """Move a workbook to the back of the to-read list (its intake failed: the others go first)."""
        self.conn.execute(
            update(s.poll_queue)
            .where(s.poll_queue.c.spreadsheet_id == spreadsheet_id)
            .values(seq=self._next_queue_seq(), queued_at=at)
        )

    def _next_queue_seq(self) -> int:
        return int(self.conn.execute(select(func.coalesce(func.max(s.poll_queue.c.seq), 0))).scalar_one()) + 1

    # --- master list versions (APBD Murni, APBD Perubahan) -----------------------------------

    def master_versions(self, tahun: int) -> list[Row[Any]]:
        """The applied versions of ``tahun``'s master list, oldest first."""
        table = s.master_versions
        return list(
            self.conn.execute(
                select(table).where(table.c.tahun == tahun, table.c.status == "berlaku").order_by(table.c.versi)
            )
        )

    def get_master_version(self, version_id: int) -> Row[Any] | None:
        """One master version (or draft) by id."""
        return self.conn.execute(select(s.master_versions).where(s.master_versions.c.id == version_id)).first()

    def insert_master_version(self, **values: Any) -> int:
        """Store a master version or a draft; returns its id."""
        return self._insert_id(s.master_versions, values)

    def update_master_version(self, version_id: int, **values: Any) -> None:
        """Change columns of a master version (a draft applied or cancelled)."""
        table = s.master_versions
        self.conn.execute(update(table).where(table.c.id == version_id).values(**values))

    def audit_row(self, audit_id: int) -> Row[Any] | None:
        """One audit row by id."""
        return self.conn.execute(select(s.audit).where(s.audit.c.id == audit_id)).first()

    # --- acting officials (Plh) ----------------------------------------------------------------

    def insert_plh(self, **values: Any) -> int:
        """Store a Plh (named, or set by the admin); returns its id."""
        return self._insert_id(s.plh, values)

    def get_plh(self, plh_id: int) -> Row[Any] | None:
        """One Plh by id."""
        return self.conn.execute(select(s.plh).where(s.plh.c.id == plh_id)).first()

    def update_plh(self, plh_id: int, **values: Any) -> None:
        """Change columns of a Plh (accepted, declined, cancelled)."""
        self.conn.execute(update(s.plh).where(s.plh.c.id == plh_id).values(**values))

    def plh_rows(
        self, statuses: Sequence[str] = (), role: str | None = None, bidang: str | None = None
    ) -> list[Row[Any]]:
        """Plh rows (with these statuses, of this role and bidang when given), oldest first."""
        query = select(s.plh).order_by(s.plh.c.id)
        if statuses:
            query = query.where(s.plh.c.status.in_(list(statuses)))
        if role is not None:
            query = query.where(
                s.plh.c.role == role, s.plh.c.bidang.is_(None) if bidang is None else s.plh.c.bidang == bidang
            )
        return list(self.conn.execute(query))

    def latest_outbox_of(self, period_id: int, kinds: Sequence[str]) -> list[Row[Any]]:
        """The outbox rows of a period with one of ``kinds``, newest first."""
        return list(
            self.conn.execute(
                select(s.outbox)
                .where(s.outbox.c.period_id == period_id, s.outbox.c.kind.in_(list(kinds)))
                .order_by(s.outbox.c.id.desc())
            )
        )

    def master_version_ids(self, tahun: int) -> list[int]:
        """The ids of ``tahun``'s applied master versions, oldest first (cheap: no JSON read)."""
        table = s.master_versions
        return list(
            self.conn.execute(
                select(table.c.id).where(table.c.tahun == tahun, table.c.status == "berlaku").order_by(table.c.versi)
            ).scalars()
        )
