"""A real PostgreSQL server for the suite, and the store fixtures parametrised over both engines.

``postgres_server`` (session) is either the server named by ``KINERJA_TEST_POSTGRES_URL`` (a
superuser URL such as ``postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql``) or a
throwaway cluster started from the PostgreSQL binaries (Debian's ``postgresql`` package,
``/usr/lib/postgresql/*/bin``): ``initdb`` into a temporary folder, listening only on a unix
socket in that folder, stopped and removed when the session ends (:func:`benchmarks.postgres.throwaway_cluster`, shared
with the store benchmark). As root the cluster runs as the ``postgres`` system user.

Missing binaries are a failure, never a skip: ``scripts/setup.sh --dev`` installs them.

Each test gets its own database: ``CREATE DATABASE ... TEMPLATE`` of one migrated at session
start (``migrated=True``) or of ``template0``, dropped after the test.

``database_url`` is parametrised ``sqlite``/``postgresql``; ``store`` fixtures build on it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from benchmarks.postgres import PostgresUnavailable, Server, throwaway_cluster
from bot.store.migrate import upgrade

ENV_URL = "KINERJA_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgresql")
TEMPLATE = "kinerja_test_template"
# Durability is not under test: a throwaway cluster need not fsync (several times faster).
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


@dataclass
class PostgresServer(Server):
    """A server the tests may create and drop databases on (copies of a migrated template)."""

    admin_url: URL
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def prepare_template(self) -> None:
        """The migrated database every ``migrated=True`` test database is copied from."""
        self.admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)", f"CREATE DATABASE {TEMPLATE}")
        upgrade(self.url_of(TEMPLATE)).dispose()

    def create_database(self, migrated: bool = True) -> str:
        """A new database (at the latest migration when ``migrated``); its URL."""
        name = f"kinerja_test_{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if migrated else "template0"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url_of(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (see the module docstring)."""
    given = os.environ.get(ENV_URL)
    if given:
        server = PostgresServer(make_url(given))
        server.prepare_template()
        yield server
        server.admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        return
    with contextlib.ExitStack() as stack:
        try:
            cluster = stack.enter_context(throwaway_cluster(FAST_SETTINGS))
        except PostgresUnavailable as err:
            pytest.fail(f"{err}, or point {ENV_URL} at a server (a superuser URL).", pytrace=False)
        server = PostgresServer(cluster.admin_url)
        server.prepare_template()
        yield server


def _database(request: pytest.FixtureRequest, tmp_path: Path, migrated: bool) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kinerja.db'}"
        if migrated:
            upgrade(url).dispose()
        yield url
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(migrated=migrated)
    yield url
    server.drop_database(url)


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database at the latest migration, on SQLite and on PostgreSQL."""
    yield from _database(request, tmp_path, migrated=True)


@pytest.fixture(params=ENGINES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database never migrated, on SQLite and on PostgreSQL."""
    yield from _database(request, tmp_path, migrated=False)
