"""Engine creation and the database URL as it may be shown.

SQLite: WAL, foreign keys and serialised writers (``BEGIN IMMEDIATE``). PostgreSQL: READ
COMMITTED, so that a transaction's statements see what was committed before the store's write
lock was granted (see ``Store.transaction``). Any other URL is used as given.

:func:`masked_url` is the one way a URL reaches a message, a log line or ``doctor``'s report: the
password never does. A URL whose driver is not installed raises :class:`DriverMissing`, whose
text says in Indonesian which package is missing (instead of a ModuleNotFoundError).
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_SECONDS = 30
READ_ONLY = "kinerja_read_only"
"""Execution option of a read-only transaction (``Store.read``): SQLite begins it deferred, without the write lock."""

# Python module of a driver -> the pip package that provides it.
DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "mysql": "mysql-connector-python",
    "oracledb": "oracledb",
    "pyodbc": "pyodbc",
}
_USERINFO = re.compile(r"(?P<head>://[^:/@]*:)(?P<password>.*)@")  # greedy: up to the host's "@"


def masked_url(url: str | URL) -> str:
    """``url`` without its password (``***`` in its place), also when it does not parse."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _USERINFO.sub(r"\g<head>***@", url)


def _password(url: str) -> str | None:
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        found = _USERINFO.search(url)
        return found.group("password") if found else None
    return str(password) if password else None


def scrub_url(message: str, url: str) -> str:
    """``message`` (an error's text, say) with ``url`` and its password replaced by the masked URL."""
    cleaned = message.replace(url, masked_url(url))
    password = _password(url)
    if password:
        cleaned = cleaned.replace(password, "***")
    return cleaned


class InvalidUrl(ArgumentError):
    """``database.url`` does not parse; the text shows it without its password."""

    def __init__(self, url: str) -> None:
        self.pesan = f"database.url tidak sah: {masked_url(url)}"
        super().__init__(self.pesan)


def parse_url(url: str) -> URL:
    """``url`` parsed; :class:`InvalidUrl` (never an error quoting the password) when it does not parse."""
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise InvalidUrl(url) from None


class DriverMissing(ArgumentError):
    """The URL names a database driver that is not installed; ``pesan`` says which, in Indonesian."""

    def __init__(self, url: str, module: str) -> None:
        package = DRIVER_PACKAGES.get(module, module)
        self.module = module
        self.package = package
        self.pesan = (
            f"Driver basis data untuk {masked_url(url)} belum terpasang (modul Python {module!r} tidak ada). "
            "Kinerja Bot diuji dengan SQLite dan PostgreSQL: untuk PostgreSQL pakai URL "
            "postgresql+psycopg://... (driver psycopg terpasang bersama requirements.txt); untuk driver lain "
            f"pasang paketnya: .venv/bin/pip install {package}"
        )
        super().__init__(self.pesan)


def _open_without_recreating(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connections to the SQLite file ``path``: created if absent at first, never again afterwards.

    SQLite creates a missing file on connect. Once the database has been opened, a file deleted
    under the running service must not come back empty (every statement would then fail with
    "no such table" and the service would keep running): later connections use URI mode ``rw``,
    which fails on a missing file, and ``bot.store.identity`` stops the service.
    """
    opened = path.exists()

    def connect() -> sqlite3.Connection:
        nonlocal opened
        mode = "rw" if opened else "rwc"
        connection = sqlite3.connect(
            f"{path.as_uri()}?mode={mode}", uri=True, timeout=SQLITE_BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
        opened = True
        return connection

    return connect


def create_store_engine(url: str) -> Engine:
    """An Engine for ``url``; for SQLite: WAL, foreign keys on, every transaction BEGIN IMMEDIATE."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "postgresql":
            # The write lock of Store.transaction() relies on each statement seeing what was
            # committed before it (an admin's default_transaction_isolation must not change that).
            kwargs["isolation_level"] = "READ COMMITTED"
        try:
            return create_engine(parsed, **kwargs)
        except ImportError as err:  # ModuleNotFoundError: the URL's driver is not installed
            raise DriverMissing(url, (err.name or str(err)).split(".")[0]) from None
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    sqlite_kwargs: dict[str, Any] = {
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
    }
    if in_memory:
        # One shared connection, or every checkout would see a new empty database.
        sqlite_kwargs["poolclass"] = StaticPool
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        if not parsed.query:
            sqlite_kwargs = {"creator": _open_without_recreating(Path(database).resolve())}
    engine = create_engine(parsed, **sqlite_kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that "begin" below decides how to begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two writers wait for each other instead of
        # failing with "database is locked" when a reader upgrades to a writer. A read-only
        # transaction begins deferred: in WAL mode it reads its snapshot beside the writer, and
        # query_only makes a write there fail loudly (as PostgreSQL's READ ONLY does).
        read_only = bool(connection.get_execution_options().get(READ_ONLY))
        # The pragma is the connection's until changed: set only when this transaction differs
        # from the last one on the same DBAPI connection (one statement less on most begins).
        info = connection.connection.info
        if info.get(READ_ONLY) is not read_only:
            connection.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
            info[READ_ONLY] = read_only
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
