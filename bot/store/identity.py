"""Is the store still the service's own? Checked at every scheduler cycle.

At start :class:`StoreGuard` reads the store's identity: the random id migration 0007 wrote, the
schema revision, and for a SQLite file the file itself (device and inode). :meth:`StoreGuard.check`
compares the store with it and raises :class:`StoreMismatch` (an Indonesian and English reason
for the administrator) when the file was deleted or replaced, the tables are gone, the id differs
or the schema was migrated by someone else. The scheduler then stops the service with a non-zero
exit code, so systemd restarts it and the journal says why (docs/masalah.md).

A failure to reach a database server (PostgreSQL down) is not a mismatch: it is raised as it is
and the job that met it fails and runs again at its next turn.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from bot import texts
from bot.store import schema as s
from bot.store.db import masked_url
from bot.store.migrate import current_revision

logger = logging.getLogger(__name__)


class StoreMismatch(Exception):
    """The store is no longer the one the service opened at start; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoreIdentity:
    """What makes a store this service's own."""

    instance_id: str
    revision: str | None
    file: tuple[int, int] | None  # (st_dev, st_ino) of a SQLite database file


def sqlite_file(engine: Engine) -> Path | None:
    """The database file behind ``engine`` (None for PostgreSQL or an in-memory SQLite)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    return Path(database).resolve()


def _missing_table(err: DBAPIError) -> bool:
    return isinstance(err, ProgrammingError) or (isinstance(err, OperationalError) and "no such table" in str(err.orig))


class StoreGuard:
    """The identity read at start, and the check made on every scheduler cycle."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.path = sqlite_file(engine)
        self.shown = masked_url(engine.url)
        self.expected = self._read()

    def _file(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            raise StoreMismatch(texts.store_file_gone(str(self.path))) from None
        return (info.st_dev, info.st_ino)

    def _read(self) -> StoreIdentity:
        file = self._file()
        try:
            with self.engine.connect() as connection:
                instance_id = connection.execute(
                    select(s.store_identity.c.instance_id).where(s.store_identity.c.id == 1)
                ).scalar()
                revision = current_revision(connection)
        except DBAPIError as err:
            if _missing_table(err):
                raise StoreMismatch(texts.store_tables_missing(self.shown)) from err
            raise
        if instance_id is None:
            raise StoreMismatch(texts.store_tables_missing(self.shown))
        return StoreIdentity(str(instance_id), revision, file)

    def check(self) -> None:
        """Raise :class:`StoreMismatch` when the store is no longer the one read at start."""
        expected = self.expected
        if self.path is not None and self._file() != expected.file:
            raise StoreMismatch(texts.store_file_replaced(str(self.path)))
        found = self._read()
        if found.instance_id != expected.instance_id:
            raise StoreMismatch(texts.store_identity_changed(self.shown, expected.instance_id, found.instance_id))
        if found.revision != expected.revision:
            raise StoreMismatch(texts.store_revision_changed(self.shown, str(expected.revision), str(found.revision)))
