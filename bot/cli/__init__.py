"""The command line of Kinerja Bot: ``python -m bot COMMAND``.

Every subcommand is one ``_add_<command>`` function (its parser, help and Indonesian examples)
and one ``_cmd_<command>`` handler returning the exit code; :data:`COMMANDS` lists them in the
order ``--help`` shows. Exit codes: 0 done, 1 a check or an outside service failed, 2 bad input
(argument, settings file, unknown period). User errors are printed in Indonesian, never as a
traceback.

The commands live in :mod:`bot.cli.service` (demo, doctor, run, invite, google-login),
:mod:`bot.cli.period` (distribute, status, export) and :mod:`bot.cli.year` (plh, perubahan); what
they share (the Indonesian argparse, argument types, store and settings helpers) in
:mod:`bot.cli.common`. This module builds the
parser and runs a command: :func:`main` is the entry point of ``python -m bot``.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from bot.cli.common import DEFAULT_CONFIG, _Parser
from bot.cli.period import _add_distribute, _add_export, _add_status
from bot.cli.service import _add_demo, _add_doctor, _add_google_login, _add_invite, _add_run
from bot.cli.year import _add_perubahan, _add_plh
from bot.logging_setup import configure_logging

__all__ = ["COMMANDS", "DEFAULT_CONFIG", "EPILOG", "build_parser", "main"]

# --- the parser ---------------------------------------------------------------------------------

COMMANDS: list[Callable[[Any], None]] = [
    _add_demo,
    _add_doctor,
    _add_run,
    _add_invite,
    _add_distribute,
    _add_status,
    _add_export,
    _add_plh,
    _add_perubahan,
    _add_google_login,
]

EPILOG = """contoh pemakaian:
  python -m bot demo --out demo-out                                 # satu triwulan di sandbox bawaan
  python -m bot doctor --config /etc/kinerja-bot/settings.yaml      # periksa pemasangan
  python -m bot run --config /etc/kinerja-bot/settings.yaml         # jalankan layanan
  python -m bot invite --role staf --bidang PTK --nama "Rina Kurniawati, S.E."
  python -m bot distribute --triwulan 1                             # mulai TW I (minta persetujuan Sekretaris)
  python -m bot status --json                                       # status periode dan bidang
  python -m bot export --triwulan 1 --out ./ekspor                  # unduh rekap xlsx/pdf dan lembar kerja bidang
  python -m bot plh --role kepala_bidang --bidang PTK --nama "Rina" --mulai 6-7-2026 --selesai 10-7-2026
  python -m bot perubahan --berlaku 1-7-2026 --berkas indikator-perubahan.csv --terapkan
  python -m bot google-login                                        # sekali, untuk google.auth: oauth

Bantuan tiap perintah: python -m bot PERINTAH --help. Panduan lengkap: docs/perintah.md."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand and examples for each."""
    parser = _Parser(
        prog="python -m bot",
        description="Kinerja Bot: pengumpulan data kinerja (SOP P-SEK-KP-09) melalui Google Sheets dan Telegram.",
        epilog=EPILOG,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log lebih rinci")
    commands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH", title="perintah")
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, configure logging once, run the command."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help (0) or a bad argument (2, already explained on stderr)
        return int(done.code or 0)
    configure_logging(args.verbose)
    if getattr(args, "quiet_logs", False) and not args.verbose and "KINERJA_LOG_LEVEL" not in os.environ:
        # An admin command prints its own Indonesian report; only warnings and errors go to the log.
        logging.getLogger().setLevel(logging.WARNING)
    return int(args.handler(args))
