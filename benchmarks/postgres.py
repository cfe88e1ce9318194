"""A throwaway PostgreSQL cluster from Debian's binaries, for the store benchmark and the test suite.

``initdb`` into a temporary folder, ``pg_ctl start`` listening only on a unix socket in that
folder, ``pg_ctl stop`` and the folder removed at the end. As root the cluster runs as the
``postgres`` system user (``initdb`` and ``postgres`` refuse to run as root). The binaries are
looked up under ``/usr/lib/postgresql/*/bin`` (newest version first), then on ``PATH``; when they
are missing :class:`PostgresUnavailable` says how to install them (the suite turns that into a
failure, the benchmark into a skipped row).

Only the standard library and SQLAlchemy's URL type: the product never imports this module.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

SUPERUSER = "kinerja_test"
INSTALL_HINT = (
    "PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH. "
    "Install them with scripts/setup.sh --dev (apt-get install postgresql)"
)
BASE_SETTINGS = "-c listen_addresses='' -c max_connections=200 -c log_min_messages=warning"
"""Every throwaway cluster: unix socket only, room for a connection pool per test process."""


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries, or the throwaway cluster did not start."""


def binaries() -> Path:
    """The folder holding initdb and pg_ctl (the newest Debian version first)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    raise PostgresUnavailable(INSTALL_HINT)


def _version(folder: str) -> int:
    name = Path(folder).parent.name
    return int(name) if name.isdigit() else 0


def as_postgres_user(command: list[str]) -> list[str]:
    """``command`` run as the ``postgres`` system user when this process is root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Server:
    """A PostgreSQL server reached through a superuser URL: databases are made and dropped on it."""

    admin_url: URL
    """Superuser URL of the ``postgres`` database."""

    def url_of(self, database: str) -> str:
        """The URL (as a string, password included) of ``database`` on this server."""
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def admin(self, *statements: str) -> None:
        """Run statements on the ``postgres`` database in autocommit (CREATE/DROP DATABASE)."""
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url`` (connections still open are ended)."""
        self.admin(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")


@dataclass(frozen=True)
class Cluster(Server):
    """A running throwaway cluster (unix socket, no password)."""

    admin_url: URL
    data: Path
    version: str

    def create_database(self, name: str) -> str:
        """A new empty database ``name`` (dropped first if it exists); its URL."""
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        return self.url_of(name)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server has used so far: the postmaster, its live
        children, and the children it has reaped (a backend whose connection was closed)."""
        ticks = os.sysconf("SC_CLK_TCK")
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process ended meanwhile
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            elif ppid == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / ticks


@contextmanager
def throwaway_cluster(settings: str = "") -> Iterator[Cluster]:
    """A cluster started for the ``with`` block, stopped and removed after it.

    ``settings``: server options added to :data:`BASE_SETTINGS` (e.g. ``-c fsync=off``).
    Raises :class:`PostgresUnavailable` when the binaries are missing or the cluster does not start.
    """
    folder = binaries()
    root = Path(tempfile.mkdtemp(prefix="kinerja-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    try:
        subprocess.run(
            as_postgres_user(
                [str(folder / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync"]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        subprocess.run(
            as_postgres_user(
                [
                    str(folder / "pg_ctl"),
                    "start",
                    "-w",
                    "-D",
                    str(data),
                    "-l",
                    str(root / "postgres.log"),
                    "-o",
                    f"{BASE_SETTINGS} {settings} -c unix_socket_directories='{root}'",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
    except (subprocess.CalledProcessError, OSError) as err:
        log = (root / "postgres.log").read_text(errors="replace") if (root / "postgres.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        detail = err.stderr if isinstance(err, subprocess.CalledProcessError) else str(err)
        raise PostgresUnavailable(f"throwaway PostgreSQL did not start: {detail}\n{log}") from err
    version = (data / "PG_VERSION").read_text().strip()
    admin = URL.create("postgresql+psycopg", username=SUPERUSER, database="postgres", query={"host": str(root)})
    try:
        yield Cluster(admin, data, version)
    finally:
        subprocess.run(
            as_postgres_user([str(folder / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)
