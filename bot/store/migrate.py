"""Apply the Alembic migrations programmatically at start: ``upgrade(url)`` or ``upgrade_engine``.

Alembic is imported only when a migration is due: the database's revision is read with one plain
query and the newest revision from the version files' ``revision``/``down_revision`` lines, so a
service starting on an up-to-date database never loads Alembic (about 11 MB of resident memory).

On SQLite the migrations run with foreign keys off: Alembic's batch mode rebuilds a table by
copy, drop and rename, and dropping a table others reference (``people``, ``audit``) would
otherwise fail. ``PRAGMA foreign_key_check`` afterwards makes sure the rebuild lost no reference.
"""

from __future__ import annotations

import ast
import logging
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, inspect, select

from bot.store.db import create_store_engine, masked_url

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps
_version_table = Table(VERSION_TABLE, MetaData(), Column("version_num", String(32), primary_key=True))
_ASSIGNMENT = re.compile(r"^(?P<name>revision|down_revision)\s*(?::[^=]+)?=\s*(?P<value>.+?)\s*$", re.MULTILINE)


def alembic_config() -> Config:
    """An Alembic config pointing at this package's migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _declared(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(revision, its parents) a version file declares; None when the lines cannot be read plainly."""
    found = {m["name"]: m["value"] for m in _ASSIGNMENT.finditer(text)}
    try:
        revision = ast.literal_eval(found["revision"])
        parents = ast.literal_eval(found.get("down_revision", "None"))
    except (KeyError, ValueError, SyntaxError):
        return None
    if isinstance(parents, str):
        parents = (parents,)
    if not isinstance(revision, str) or not (parents is None or isinstance(parents, tuple)):
        return None
    return revision, tuple(parents or ())


@cache
def head_revision() -> str | None:
    """The newest migration of this version of the bot.

    Read from the version files without importing Alembic; Alembic decides when the files are not
    plain enough to read (a computed revision) or name several heads.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        declared = _declared(path.read_text(encoding="utf-8"))
        if declared is None:
            return _alembic_head()
        revisions.add(declared[0])
        parents.update(declared[1])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else _alembic_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the database behind ``connection`` is at (None when never migrated)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = list(connection.execute(select(_version_table.c.version_num)).scalars())
    if len(versions) > 1:  # several heads: Alembic's own error says what to do
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()
    return versions[0] if versions else None


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Outside any transaction (pysqlite runs in autocommit mode, see bot.store.db): a PRAGMA
    # foreign_keys inside a transaction is silently ignored.
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")  # type: ignore[union-attr]


def is_current(engine: Engine) -> bool:
    """True when the database behind ``engine`` is at the newest revision already (one query)."""
    with engine.connect() as connection:
        current = current_revision(connection)
        connection.rollback()
    return current is not None and current == head_revision()


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` (Alembic loaded only when there is work)."""
    if revision == "head" and is_current(engine):
        logger.info("database %s at revision %s", masked_url(engine.url), head_revision())
        return
    from alembic import command

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
