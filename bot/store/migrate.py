"""Apply the Alembic migrations programmatically at start: ``upgrade(url)`` or ``upgrade_engine``.

On SQLite the migrations run with foreign keys off: Alembic's batch mode rebuilds a table by
copy, drop and rename, and dropping a table others reference (``people``, ``audit``) would
otherwise fail. ``PRAGMA foreign_key_check`` afterwards makes sure the rebuild lost no reference.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from bot.store.db import create_store_engine, masked_url

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at this package's migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    """The newest migration of this version of the bot."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the database behind ``connection`` is at (None when never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Outside any transaction (pysqlite runs in autocommit mode, see bot.store.db): a PRAGMA
    # foreign_keys inside a transaction is silently ignored.
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")  # type: ignore[union-attr]


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision``."""
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)
    logger.info("database %s at revision %s", masked_url(engine.url), revision)


def upgrade(url: str, revision: str = "head") -> Engine:
    """Create the engine for ``url``, migrate it to ``revision`` and return the engine."""
    engine = create_store_engine(url)
    try:
        upgrade_engine(engine, revision)
    except BaseException:
        engine.dispose()
        raise
    return engine
