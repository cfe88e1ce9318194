"""Shared fixtures: paths, the example settings, a running sandbox, the databases (tests/postgres.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# A real PostgreSQL server for the suite and the engine-parametrised database fixtures.
from tests.postgres import database_url, empty_database_url, postgres_server

__all__ = ["database_url", "empty_database_url", "postgres_server"]

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SETTINGS = REPO_ROOT / "config" / "settings.example.yaml"
# Real traffic and specs the sandbox is checked against, vendored with their licences (see its README).
FIDELITY_DIR = REPO_ROOT / "tests" / "fidelity"


@pytest.fixture
def example_settings_path() -> Path:
    """The settings file shipped as the example."""
    return EXAMPLE_SETTINGS


@pytest.fixture(autouse=True)
def _no_kinerja_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests start without the developer's KINERJA_* variables."""
    for key in list(os.environ):
        if key.startswith("KINERJA_"):
            monkeypatch.delenv(key)
    yield
