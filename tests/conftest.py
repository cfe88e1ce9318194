"""Shared fixtures: paths, the example settings, a running sandbox, the databases (tests/postgres.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    "tests/demo/test_setahun.py",
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


_MODULE_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add each test phase's time to its module's total (on the controller, whichever worker ran it)."""
    module = report.nodeid.split("::", 1)[0]
    _MODULE_SECONDS[module] = _MODULE_SECONDS.get(module, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The slowest modules with their share of the run: where to look when the suite nears its budget."""
    if not _MODULE_SECONDS:
        return
    total = sum(_MODULE_SECONDS.values())
    terminalreporter.section("slowest modules (setup + call + teardown, summed over workers)")
    for module, seconds in sorted(_MODULE_SECONDS.items(), key=lambda item: -item[1])[:15]:
        terminalreporter.write_line(f"{seconds:8.1f} s  {100 * seconds / total:5.1f}%  {module}")
    terminalreporter.write_line(f"{total:8.1f} s  in all {len(_MODULE_SECONDS)} modules")
