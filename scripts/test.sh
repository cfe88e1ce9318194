#!/usr/bin/env bash
# Installs everything into .venv (or reuses it), checks the habits (ruff lint and format, mypy),
# then runs the whole test suite. Extra arguments go to pytest, e.g. scripts/test.sh -k settings
# (the checks run first either way; a lint, format or type error fails the run like a test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "Memeriksa gaya dan tipe (ruff check, ruff format --check, mypy) ..."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# Two workers (pytest-xdist) share whole test modules, the heaviest first (tests/conftest.py);
# KINERJA_TEST_WORKERS=0 runs everything in one process.
exec .venv/bin/python -m pytest -n "${KINERJA_TEST_WORKERS:-2}" --dist loadfile --no-loadscope-reorder "$@"
