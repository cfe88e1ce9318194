#!/usr/bin/env bash
# Installs the runtime dependencies into .venv (or reuses it) and runs the demo: one full quarter
# of SOP P-SEK-KP-09 on the embedded sandbox, no internet needed.
# Arguments go to the demo, e.g. scripts/demo.sh --out /tmp/demo-out --cepat
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m bot demo "$@"
