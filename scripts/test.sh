#!/usr/bin/env bash
# Installs everything into .venv (or reuses it) and runs the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k settings
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
exec .venv/bin/python -m pytest "$@"
