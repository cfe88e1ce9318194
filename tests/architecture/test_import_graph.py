"""The import graph keeps the layers of docs/arsitektur.md: one direction, no cycles, a pure domain.

Every import counts, also those inside a function or under ``TYPE_CHECKING``: a cycle hidden
behind a lazy import is still a cycle for the reader. The graph is read from the source with
``ast`` (nothing is imported), over the packages of the repository.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "sheets", "config", "sandbox", "benchmarks")
# Libraries that do I/O: the report domain and the workflow core never import them.
IO_LIBRARIES = frozenset(
    {
        "gspread",
        "googleapiclient",
        "google",
        "google_auth_httplib2",
        "httplib2",
        "requests",
        "httpx",
        "telegram",
        "sqlalchemy",
        "alembic",
        "werkzeug",
        "urllib3",
        "socket",
        "subprocess",
        "matplotlib",
    }
)
# The report domain: layout, numbers, validation (and its parts), capaian, aggregation, master list, the facts.
DOMAIN = (
    "sheets.layout",
    "sheets.numbers",
    "sheets.validate",
    "sheets.problems",
    "sheets.cells",
    "sheets.realisasi_rules",
    "sheets.status_tab",
    "sheets.snapshot",
    "sheets.summary",
    "sheets.capaian",
    "sheets.aggregate",
    "sheets.json_sizes",
    "sheets.master",
    "sheets.master_sheet",
    "sheets.revision",
    "sheets.formatting",
    "sheets.facts",
    "sheets.notes",
    "sheets.riwayat",
    "sheets.bukti",
)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


@cache
def graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module -> the repository's modules it imports, module -> the top-level libraries it imports)."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    internal: dict[str, set[str]] = defaultdict(set)
    external: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
                names = [f"{base}.{alias.name}" for alias in node.names]
            for name in names:
                target = resolve(name)
                if target is not None and target != module:
                    internal[module].add(target)
                elif target is None and name.split(".")[0] not in PACKAGES:
                    external[module].add(name.split(".")[0])
    return internal, external


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(edges) | {t for targets in edges.values() for t in targets}):
        if node not in index:
            visit(node)
    return found


def _imports_of(prefix: str) -> Iterator[tuple[str, str]]:
    internal, _ = graph()
    for module, targets in internal.items():
        if module == prefix or module.startswith(prefix + "."):
            for target in targets:
                yield module, target


def _under(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_no_module_imports_itself_in_a_circle() -> None:
    internal, _ = graph()
    assert _cycles(internal) == []


def test_no_package_imports_another_in_a_circle() -> None:
    internal, _ = graph()
    packages: dict[str, set[str]] = defaultdict(set)
    for module, targets in internal.items():
        for target in targets:
            if module.split(".")[0] != target.split(".")[0]:
                packages[module.split(".")[0]].add(target.split(".")[0])
    assert _cycles(packages) == []


def test_the_report_domain_is_pure() -> None:
    """Layout, numbers, validation, capaian, aggregation, master list: no I/O, nothing of bot/ or the edges."""
    internal, external = graph()
    for module in DOMAIN:
        assert not external[module] & IO_LIBRARIES, (module, external[module] & IO_LIBRARIES)
        wrong = {t for t in internal[module] if not _under(t, *DOMAIN)}
        assert wrong == set(), (module, wrong)


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        pytest.param(
            "bot.workflow",
            ("bot.telegram", "bot.demo", "bot.cli", "bot.runtime", "sheets.google", "sandbox"),
            id="workflow-core-knows-no-edge",
        ),
        pytest.param("sheets", ("bot", "sandbox", "benchmarks"), id="sheets-never-imports-bot"),
        pytest.param("config", ("bot", "sheets.google", "sandbox", "benchmarks"), id="config-is-below-the-service"),
        pytest.param("sandbox", ("bot", "sheets", "config", "benchmarks"), id="sandbox-knows-no-kinerja-bot"),
    ],
)
def test_layers_point_one_way(layer: str, forbidden: tuple[str, ...]) -> None:
    wrong = sorted((module, target) for module, target in _imports_of(layer) if _under(target, *forbidden))
    assert wrong == []


def test_the_workflow_core_does_no_io_of_its_own() -> None:
    """The core reaches Google and Telegram only through its ports; the store is its one I/O."""
    _, external = graph()
    edge_libraries = IO_LIBRARIES - {"sqlalchemy", "alembic"}
    wrong = {
        m: external[m] & edge_libraries for m in external if _under(m, "bot.workflow") and external[m] & edge_libraries
    }
    assert wrong == {}


def test_the_product_never_imports_the_demo() -> None:
    """The demo uses the product and the sandbox; only the CLI's ``demo`` command starts it."""
    internal, _ = graph()
    product = [m for m in internal if _under(m, "bot", "sheets", "config") and not _under(m, "bot.demo", "bot.cli")]
    wrong = sorted((m, t) for m in product for t in internal[m] if _under(t, "bot.demo", "sandbox"))
    assert wrong == []


def test_the_graph_is_read() -> None:
    """The checks above see the real imports (a broken reader would pass them all)."""
    internal, external = graph()
    assert "bot.workflow.machine" in internal["bot.workflow.service"]
    assert "sheets.facts" in internal["sheets.google.workbooks"]
    assert "pandas" in external["sheets.validate"]
