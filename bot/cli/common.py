"""What every command of ``python -m bot`` shares.

An argparse that speaks Indonesian, the argument types (triwulan, tahun, seconds), the
``--config`` option, and the helpers of the handlers (load the settings, open the store, explain
a database that cannot be opened, print a line).

Internal to :mod:`bot.cli`; the command modules (:mod:`bot.cli.service`, :mod:`bot.cli.period`)
import these helpers by their private names.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from config.settings import Settings, SettingsError, load_settings

logger = logging.getLogger("bot.cli")  # the name the log has always shown for the command line

DEFAULT_CONFIG = "config/settings.yaml"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


# --- an argparse that speaks Indonesian ---------------------------------------------------------

_ARGPARSE_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: ", "argumen wajib belum diisi: "),
    (r"unrecognized arguments: ", "argumen tidak dikenal: "),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"pilihan tidak dikenal: \1 (pilihan: \2)"),
    (r"expected one argument", "memerlukan satu nilai"),
    (r"invalid (\w+) value: ", r"nilai tidak sah: "),
    (r"^argument ", "argumen "),
    (r"not allowed with argument ", "tidak boleh bersama argumen "),
)


def _indonesian(message: str) -> str:
    for pattern, replacement in _ARGPARSE_MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help text kept as written (the examples are laid out by hand), usage in Indonesian."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "penggunaan: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser with Indonesian headings, help option and error messages (exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="tampilkan bantuan ini lalu keluar"
        )

    def error(self, message: str) -> NoReturn:
        """Usage and the reason in Indonesian, exit code 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: kesalahan: {_indonesian(message)}\n")


def _triwulan(text: str) -> int:
    """``1``..``4``, ``I``..``IV`` or ``TW2``: the triwulan as a number."""
    cleaned = text.strip().upper().removeprefix("TW").strip()
    if cleaned in _ROMAN:
        return _ROMAN[cleaned]
    if cleaned.isdigit() and 1 <= int(cleaned) <= 4:
        return int(cleaned)
    raise argparse.ArgumentTypeError(f"triwulan harus 1, 2, 3 atau 4 (tertulis {text!r})")


def _tahun(text: str) -> int:
    if text.strip().isdigit() and 2020 <= int(text) <= 2100:
        return int(text)
    raise argparse.ArgumentTypeError(f"tahun harus angka empat digit, misalnya 2026 (tertulis {text!r})")


def _seconds(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not 0 < value <= 120:
        raise argparse.ArgumentTypeError(f"batas waktu harus antara 0 dan 120 detik (tertulis {text!r})")
    return value


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", default=DEFAULT_CONFIG, metavar="BERKAS", help=f"berkas pengaturan YAML (bawaan: {DEFAULT_CONFIG})"
    )


# --- shared helpers of the handlers -------------------------------------------------------------


def _load(config: str) -> Settings | None:
    """The settings, or None after printing why they cannot be used."""
    try:
        return load_settings(config)
    except SettingsError as err:
        sys.stderr.write(f"{err}\nPeriksa dengan: python -m bot doctor --config {config}\n")
        return None


def _with_store(config: str, work: Callable[[Settings, Any], int]) -> int:
    """Load the settings, open (and migrate) the store, run ``work``, turn AdminError into its exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.admin import AdminError
    from bot.runtime import open_store

    settings = _load(config)
    if settings is None:
        return 2
    try:
        store = open_store(settings)
    except (SQLAlchemyError, OSError) as err:
        _database_failure(settings, err, config)
        return 1
    try:
        return work(settings, store)
    except AdminError as err:
        sys.stderr.write(err.pesan + "\n")
        return err.exit_code
    finally:
        store.dispose()


def _database_failure(settings: Settings, err: BaseException, config: str) -> None:
    """Why the database cannot be opened, on stderr and in the log; the URL without its password."""
    from bot.store.db import DriverMissing, masked_url, scrub_url

    shown = masked_url(settings.database.url)
    logger.error(
        "cannot open the database %s: %s: %s", shown, type(err).__name__, scrub_url(str(err), settings.database.url)
    )
    if isinstance(err, DriverMissing):
        sys.stderr.write(f"{err.pesan}\n")
        return
    sys.stderr.write(
        f"Basis data ({shown}) tidak dapat dibuka: {type(err).__name__}. Periksa database.url, hak akses "
        f"atau server basis data, lalu jalankan: python -m bot doctor --config {config}\n"
    )


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
