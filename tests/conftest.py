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


# The modules that take longest (a whole quarter run several times over, killed and compared), as
# measured: heaviest first. scripts/test.sh hands whole modules to two workers in collection order
# (pytest-xdist, --dist loadfile --no-loadscope-reorder), so these start first, one per worker,
# and the many quick modules fill in around them instead of a heavy one starting last.
HEAVY_FIRST = (
    "tests/reliability/test_sigkill_service.py",
    "tests/workflow/test_crash.py",
    "tests/reliability/test_full_period_faults.py",
    "tests/benchmarks/test_smoke.py",
    "tests/demo/test_demo.py",
    "tests/year/test_year_sandbox.py",
    "tests/reliability/test_on_postgres.py",
    "tests/reliability/test_kill_in_action.py",
    "tests/test_run_command.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the heaviest modules first (a stable sort: the order within a module is kept)."""
    rank = {path: index for index, path in enumerate(HEAVY_FIRST)}

    def weight(item: pytest.Item) -> int:
        return rank.get(item.nodeid.split("::", 1)[0], len(rank))

    items.sort(key=weight)
