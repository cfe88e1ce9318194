#!/usr/bin/env bash
# Creates (or reuses) .venv with Python 3.11 and installs the pinned requirements.
# With --dev also the test tools, and Debian's PostgreSQL server when its binaries are missing
# (the suite runs the store on a throwaway PostgreSQL cluster; tests/postgres.py), unless
# KINERJA_TEST_POSTGRES_URL names a server to use instead.
# Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON=$candidate
      break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "Python 3.11 tidak ditemukan (Python 3.11 is required)." >&2
  exit 1
fi

requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt

if [ ! -x .venv/bin/python ]; then
  echo "Membuat .venv dengan $PYTHON ..."
  "$PYTHON" -m venv .venv
fi

# Reinstall only when the requirement files change.
stamp=.venv/.requirements-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Memasang dependensi dari $requirements ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  rm -f .venv/.requirements-*
  touch "$stamp"
fi

# The test suite's PostgreSQL server (initdb, pg_ctl): a missing one fails the suite, never skips it.
if [ "${1:-}" = "--dev" ] && [ -z "${KINERJA_TEST_POSTGRES_URL:-}" ] \
  && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL (initdb, pg_ctl) tidak ditemukan dan apt-get tidak ada: pasang server PostgreSQL," \
      "atau isi KINERJA_TEST_POSTGRES_URL dengan URL superuser sebuah server." >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Memasang PostgreSQL dari paket Debian (untuk pengujian) ..."
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
fi

# The product's own bytecode, as pip writes it for every installed library: the service then starts
# from .pyc files whatever PYTHONDONTWRITEBYTECODE says, instead of compiling each module again at
# every start (which costs start time and leaves the compiler's memory in the idle process).
.venv/bin/python -m compileall -q -j 0 bot sheets config >/dev/null
