"""``python -m bot run``: the real composition root against the sandbox, started and stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

from sandbox.server import running_sandbox
from sandbox.telegram import DEFAULT_BOT_TOKEN
from tests.conftest import REPO_ROOT
from tests.google_edge.conftest import _provision


def _wait_for(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_run_serves_the_bot_and_stops_on_sigterm(tmp_path: Path, level: str) -> None:
    """The service answers and stops cleanly; the bot token reaches no log line, even at DEBUG."""
    with running_sandbox() as server:
        base = server.base_url.rstrip("/")
        _, settings = _provision(server, tmp_path)
        data = settings.model_dump(mode="json", exclude_none=True)
        data["telegram"] = {"base_url": f"{base}/bot"}
        config = tmp_path / "settings.yaml"
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        kasubbag = settings.pejabat.kasubbag_kpep.telegram_id
        requests.post(f"{base}/_sandbox/telegram/users", json={"id": kasubbag, "first_name": "Bambang"}, timeout=5)

        env = {**os.environ, "KINERJA_TELEGRAM__TOKEN": DEFAULT_BOT_TOKEN, "KINERJA_LOG_LEVEL": level}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:

            def commands_registered() -> bool:
                reply = requests.post(f"{base}/bot{DEFAULT_BOT_TOKEN}/getMyCommands", timeout=5).json()
                return bool(reply.get("result"))

            if not _wait_for(commands_registered):
                process.send_signal(signal.SIGTERM)
                raise AssertionError("the bot never registered its commands:\n" + process.communicate(timeout=30)[0])
            requests.post(
                f"{base}/_sandbox/telegram/send", json={"user_id": kasubbag, "text": "/bantuan"}, timeout=5
            ).raise_for_status()

            def answered() -> bool:
                messages = requests.get(f"{base}/_sandbox/telegram/chats/{kasubbag}/messages", timeout=5).json()
                return any(m.get("sender") == "bot" for m in messages["messages"])

            assert _wait_for(answered), "the bot never answered /bantuan"
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert DEFAULT_BOT_TOKEN not in output
        assert DEFAULT_BOT_TOKEN.split(":", 1)[1] not in output
        if level == "DEBUG":
            assert "getMe" in output  # DEBUG really was on: python-telegram-bot's calls are logged
        assert (tmp_path / "kinerja.db").exists()


def test_run_without_token_explains_in_indonesian(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(REPO_ROOT / "config" / "settings.example.yaml")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")},
    )
    assert result.returncode == 2
    assert "Token bot Telegram belum diisi" in result.stderr


def test_google_login_without_oauth_files_explains_in_indonesian() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "google-login",
            "--no-browser",
            "--config",
            str(REPO_ROOT / "config" / "settings.example.yaml"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")},
    )
    assert result.returncode == 2
    assert "google.oauth_client_file" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_stops_with_a_reason_when_its_database_file_is_deleted(tmp_path: Path) -> None:
    """A deleted SQLite file is not recreated empty: the service exits non-zero (systemd restarts) and says why."""
    with running_sandbox() as server:
        base = server.base_url.rstrip("/")
        _, settings = _provision(server, tmp_path)
        data = settings.model_dump(mode="json", exclude_none=True)
        data["telegram"] = {"base_url": f"{base}/bot"}
        config = tmp_path / "settings.yaml"
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        database = tmp_path / "kinerja.db"
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config)],
            cwd=REPO_ROOT,
            env={**os.environ, "KINERJA_TELEGRAM__TOKEN": DEFAULT_BOT_TOKEN},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:

            def commands_registered() -> bool:
                reply = requests.post(f"{base}/bot{DEFAULT_BOT_TOKEN}/getMyCommands", timeout=5).json()
                return bool(reply.get("result"))

            assert _wait_for(commands_registered), "the bot never started"
            database.unlink()
            started = time.monotonic()
            try:
                output, _ = process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGTERM)
                raise AssertionError("still running 60 s after its database was deleted") from None
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=30)
        assert time.monotonic() - started < 60
        assert process.returncode == 3, output
        assert "Berkas basis data" in output and "hilang saat bot berjalan" in output, output
        assert "docs/masalah.md" in output
        assert "no such table" not in output, output
        assert not database.exists(), "the deleted database was created again, empty"
