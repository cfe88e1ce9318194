"""The database as ``doctor`` and the admin commands see it: PostgreSQL checked on a real server,
a missing driver named instead of a crash, and no password in any output or log line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.store.migrate import head_revision, upgrade
from tests.cli.conftest import Cli
from tests.postgres import PostgresServer

REPO_ROOT = Path(__file__).resolve().parents[2]

PASSWORD = "Sandi-Rahasia-42"


def with_password(url: str) -> str:
    """``url`` with a password (the throwaway cluster trusts local users, so any password works)."""
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


def test_doctor_checks_postgresql_version_and_revision(cli: Cli, postgres_server: PostgresServer) -> None:
    url = with_password(postgres_server.create_database(migrated=True))
    try:
        config = cli.write_config({"database": {"url": url}})
        _, out, err = cli.run("doctor", "--json", "--timeout", "5", config=config)
    finally:
        postgres_server.drop_database(url)
    assert PASSWORD not in out + err
    database = {c["key"]: c for c in json.loads(out)["checks"]}["database"]
    assert database["status"] == "OK", database
    assert "postgresql 1" in database["detail"] and "kinerja_test:***@" in database["detail"]
    assert f"revisi {head_revision()}" in database["detail"]


def test_doctor_says_a_postgresql_database_is_behind(cli: Cli, postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database(migrated=False)
    try:
        upgrade(url, "0004_outbox_parts_sent").dispose()
        _, checks = cli.doctor(cli.write_config({"database": {"url": url}}))
    finally:
        postgres_server.drop_database(url)
    assert checks["database"]["status"] == "PERINGATAN"
    assert "pada revisi 0004_outbox_parts_sent" in checks["database"]["detail"]


@pytest.mark.parametrize(
    ("url", "package"),
    [
        (f"mysql://kinerja:{PASSWORD}@db.local/kinerja", "mysqlclient"),
        (f"postgresql+pg8000://kinerja:{PASSWORD}@db.local/kinerja", "pg8000"),
    ],
    ids=["mysql", "pg8000"],
)
def test_a_missing_driver_is_named_not_a_crash(cli: Cli, url: str, package: str) -> None:
    config = cli.write_config({"database": {"url": url}})
    code, out, err = cli.run("doctor", "--timeout", "5", config=config)
    assert code == 1 and "Traceback" not in err
    assert f"pip install {package}" in out and "belum terpasang" in out
    assert PASSWORD not in out + err
    code, out, err = cli.run("status", config=config)
    assert code == 1 and f"pip install {package}" in err and PASSWORD not in out + err


def test_unreachable_postgresql_never_shows_the_password(cli: Cli, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"postgresql+psycopg://kinerja:{PASSWORD}@/kinerja?host=/nonexistent-socket-dir&connect_timeout=2"
    config = cli.write_config({"database": {"url": url}})
    outputs = []
    for argv in (("doctor", "--timeout", "5"), ("doctor", "--json", "--timeout", "5"), ("status",), ("invite",)):
        if argv == ("invite",):
            argv = ("invite", "--role", "staf", "--bidang", "PTK", "--nama", "Budi")
        code, out, err = cli.run(*argv, config=config)
        assert code == 1, (argv, out, err)
        outputs.append(out + err)
    joined = "\n".join(outputs)
    assert "kinerja:***@" in joined and "tidak dapat dibuka" in joined
    assert PASSWORD not in joined
    assert PASSWORD not in caplog.text


def test_an_unparseable_url_is_reported_without_its_password(cli: Cli) -> None:
    config = cli.write_config({"database": {"url": f"postgresql://kinerja:{PASSWORD}@db:bukan-port/kinerja"}})
    code, out, err = cli.run("doctor", "--timeout", "5", config=config)
    assert code == 1 and "database.url tidak sah" in out
    assert PASSWORD not in out + err
    code, out, err = cli.run("status", config=config)
    assert code == 1 and PASSWORD not in out + err


def test_a_relative_sqlite_path_is_a_warning(cli: Cli) -> None:
    _, checks = cli.doctor(cli.write_config({"database": {"url": "sqlite:///data/kinerja.db"}}))
    assert checks["database.path"]["status"] == "PERINGATAN"
    assert "sqlite:////var/lib/kinerja-bot/kinerja.db" in checks["database.path"]["fix"]


def test_the_wrapper_runs_commands_with_the_services_env_file_and_settings(cli: Cli, tmp_path: Path) -> None:
    """scripts/kinerja.sh reads the unit's environment file (as systemd does) and passes its settings file."""
    database = tmp_path / "layanan" / "kinerja.db"
    env_file = tmp_path / "env"
    env_file.write_text(
        f'# rahasia layanan\n\nKINERJA_DATABASE__URL="sqlite:///{database}"\nKINERJA_TELEGRAM__TOKEN=123:abc\n',
        encoding="utf-8",
    )
    env = {
        "PATH": os.environ["PATH"],
        "KINERJA_ENV_FILE": str(env_file),
        "KINERJA_CONFIG_FILE": str(cli.config),
        "KINERJA_PYTHON": sys.executable,
    }
    done = subprocess.run(
        [str(REPO_ROOT / "scripts" / "kinerja.sh"), "status", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert database.exists()  # the env file's URL, not the settings file's


def test_the_unit_sets_no_setting_and_waits_for_a_local_postgresql() -> None:
    """The unit must not override the settings file (it once set KINERJA_DATABASE__URL to SQLite)."""
    unit = (REPO_ROOT / "scripts" / "kinerja-bot.service").read_text(encoding="utf-8")
    lines = [line.strip() for line in unit.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in lines if line.startswith("Environment=") and "KINERJA_" in line]
    assert "EnvironmentFile=/etc/kinerja-bot/env" in lines
    assert any(line.startswith("After=") and "postgresql.service" in line for line in lines)


def test_installation_guide_covers_the_postgresql_route() -> None:
    text = (REPO_ROOT / "docs" / "pemasangan.md").read_text(encoding="utf-8")
    for fragment in (
        "createuser kinerja",
        "createdb --owner kinerja",
        "postgresql+psycopg://kinerja@/kinerja?host=/var/run/postgresql",
        "After=postgresql.service",
        "pg_dump -Fc kinerja",
        "pg_restore",
        "scripts/kinerja.sh",
    ):
        assert fragment in text, fragment
    assert "env $(sudo cat /etc/kinerja-bot/env | xargs)" not in text
