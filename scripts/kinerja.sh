#!/usr/bin/env bash
# Runs a Kinerja Bot command with exactly the settings of the systemd service: the same
# environment file (/etc/kinerja-bot/env, read as systemd's EnvironmentFile= reads it), the same
# settings file (/etc/kinerja-bot/settings.yaml) and the same working directory. So `invite`,
# `status`, `distribute`, `export` and `doctor` by hand open the service's database.
# Usage, as the service user (file permissions as the service has them):
#   sudo -u kinerja /opt/kinerja-bot/scripts/kinerja.sh status
#   sudo -u kinerja /opt/kinerja-bot/scripts/kinerja.sh invite --role staf --bidang PTK --nama "Rina"
# KINERJA_ENV_FILE, KINERJA_CONFIG_FILE and KINERJA_PYTHON change the paths.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
env_file=${KINERJA_ENV_FILE:-/etc/kinerja-bot/env}
config=${KINERJA_CONFIG_FILE:-/etc/kinerja-bot/settings.yaml}
python=${KINERJA_PYTHON:-$root/.venv/bin/python}
unset KINERJA_ENV_FILE KINERJA_CONFIG_FILE KINERJA_PYTHON

if [ $# -lt 1 ]; then
  echo "penggunaan: $0 PERINTAH [ARGUMEN...]   (misalnya: $0 status)" >&2
  exit 2
fi
if [ -e "$env_file" ]; then
  if [ ! -r "$env_file" ]; then
    echo "Berkas $env_file tidak dapat dibaca: jalankan sebagai pengguna layanan, misalnya sudo -u kinerja $0 $*" >&2
    exit 2
  fi
  # KEY=nilai per line; blank lines and lines starting with # or ; are skipped; one pair of
  # surrounding quotes is removed (as systemd does). Nothing in the file is executed.
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line#"${line%%[![:space:]]*}"}
    case "$line" in '' | '#'* | ';'*) continue ;; esac
    case "$line" in *=*) ;; *) continue ;; esac
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    if [ ${#value} -ge 2 ]; then
      case "$value" in \"*\" | \'*\') value=${value:1:${#value}-2} ;; esac
    fi
    export "$key=$value"
  done <"$env_file"
fi

command=$1
shift
cd "$root"
case "$command" in
  demo | -h | --help | -v | --verbose) exec "$python" -m bot "$command" "$@" ;;
  *) exec "$python" -m bot "$command" "$@" --config "$config" ;;
esac
