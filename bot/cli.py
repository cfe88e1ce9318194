"""The command line of Kinerja Bot: ``python -m bot COMMAND``.

Every subcommand is one ``_add_<command>`` function (its parser, help and Indonesian examples)
and one ``_cmd_<command>`` handler returning the exit code; :data:`COMMANDS` lists them in the
order ``--help`` shows. Exit codes: 0 done, 1 a check or an outside service failed, 2 bad input
(argument, settings file, unknown period). User errors are printed in Indonesian, never as a
traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from bot.logging_setup import configure_logging
from bot.telegram.invite import INVITE_ROLES, cmd_invite
from config.settings import Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)

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
        self.exit(2, f"{self.prog}: galat: {_indonesian(message)}\n")


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


# --- run ----------------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    settings = _load(args.config)
    if settings is None:
        return 2
    if not settings.telegram.resolved_token():
        sys.stderr.write(
            "Token bot Telegram belum diisi: isi variabel lingkungan KINERJA_TELEGRAM__TOKEN "
            "atau telegram.token_file.\n"
        )
        return 2
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.runtime import run_until_signalled
    from bot.telegram.app import TelegramEdgeError
    from sheets.google.errors import GoogleEdgeError
    from sheets.numbers import DomainError

    try:
        asyncio.run(run_until_signalled(settings))
    except GoogleEdgeError as err:  # raised while wiring, before anything runs: credentials, master list
        logger.error("cannot start: %s", err)
        sys.stderr.write(f"{err.penjelasan}\nPeriksa dengan: python -m bot doctor --config {args.config}\n")
        return 2
    except (DomainError, TelegramEdgeError) as err:
        sys.stderr.write(f"{err}\nPeriksa dengan: python -m bot doctor --config {args.config}\n")
        return 2
    except SQLAlchemyError as err:
        _database_failure(settings, err, args.config)
        return 1
    return 0


def _add_run(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="jalankan layanan (Telegram long polling, polling sheet, pengingat)",
        description="Menjalankan Kinerja Bot sampai dihentikan dengan SIGINT/SIGTERM (Ctrl+C). Migrasi basis "
        "data dijalankan otomatis saat mulai. Kode keluar 2 bila pengaturan, kredensial atau daftar indikator "
        "tidak dapat dipakai (systemd tidak mengulang), 1 bila basis data tidak dapat dibuka.",
        epilog="contoh:\n"
        "  KINERJA_TELEGRAM__TOKEN=... python -m bot run --config /etc/kinerja-bot/settings.yaml\n"
        "  sudo systemctl start kinerja-bot        # sama, sebagai layanan systemd",
    )
    _config_option(run)
    run.set_defaults(handler=_cmd_run)


# --- doctor -------------------------------------------------------------------------------------


def _cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import format_report, report_json, run_doctor

    code, results = run_doctor(args.config, timeout=args.timeout)
    if args.json:
        _out(report_json(code, results))
        return code
    _out(format_report(results))
    _out(
        {
            0: "Semua pemeriksaan lulus (peringatan, bila ada, tidak menghalangi bot berjalan).",
            1: "Ada pemeriksaan yang GAGAL; perbaiki sesuai petunjuk di atas lalu ulangi.",
            2: "Berkas pengaturan tidak dapat dipakai; perbaiki masalah di atas lalu ulangi.",
        }[code]
    )
    return code


def _add_doctor(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="periksa pengaturan, Google, folder, workbook, bot Telegram dan pegawai terikat",
        description="Memeriksa pemasangan dan menyebutkan cara memperbaiki setiap masalah: berkas pengaturan, "
        "daftar indikator, kredensial Google, koneksi ke Google (Drive dan Sheets API), Shared Drive atau "
        "OAuth, setiap folder dan workbook, token bot (getMe), basis data, dan siapa yang sudah/belum terikat "
        "ke Telegram. Kode keluar: 0 semua lulus (boleh ada peringatan), 1 ada yang gagal, 2 berkas "
        "pengaturan tidak dapat dipakai.",
        epilog="contoh:\n"
        "  python -m bot doctor --config /etc/kinerja-bot/settings.yaml\n"
        "  python -m bot doctor --config /etc/kinerja-bot/settings.yaml --json --timeout 5",
    )
    _config_option(doctor)
    doctor.add_argument("--json", action="store_true", help="laporan sebagai JSON (untuk skrip pemantauan)")
    doctor.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        metavar="DETIK",
        help="batas waktu setiap panggilan ke Google/Telegram (bawaan: 10)",
    )
    doctor.set_defaults(quiet_logs=True, handler=_cmd_doctor)


# --- google-login -------------------------------------------------------------------------------


def _cmd_google_login(args: argparse.Namespace) -> int:
    from sheets.google.auth import authorize_installed_app
    from sheets.google.errors import GoogleEdgeError

    settings = _load(args.config)
    if settings is None:
        return 2
    try:
        path = authorize_installed_app(settings.google, open_browser=not args.no_browser)
    except GoogleEdgeError as err:
        sys.stderr.write(f"{err.penjelasan}\n")
        return 2
    _out(f"Token OAuth tersimpan di {path}.")
    return 0


def _add_google_login(commands: Any) -> None:
    login = commands.add_parser(
        "google-login",
        help="masuk ke Google sekali (google.auth: oauth) dan simpan token",
        description="Menjalankan alur persetujuan OAuth Google (aplikasi desktop) dan menyimpan token "
        "di google.oauth_token_file (mode 0600). Hanya untuk google.auth: oauth.",
        epilog="contoh:\n"
        "  python -m bot google-login --config /etc/kinerja-bot/settings.yaml\n"
        "  python -m bot google-login --config /etc/kinerja-bot/settings.yaml --no-browser   # lewat SSH",
    )
    _config_option(login)
    login.add_argument("--no-browser", action="store_true", help="jangan buka peramban; salin tautannya sendiri")
    login.set_defaults(handler=_cmd_google_login)


# --- invite -------------------------------------------------------------------------------------


def _add_invite(commands: Any) -> None:
    invite = commands.add_parser(
        "invite",
        help="buat kode undangan /daftar untuk seorang pegawai",
        description="Membuat kode undangan sekali pakai. Pegawai mengirim /daftar KODE kepada bot "
        "untuk mengikat akun Telegram-nya pada peran ini. Kode berlaku sesuai "
        "jadwal.undangan_berlaku_hari; lima kode salah berturut-turut mengunci pengirim satu jam.",
        epilog="contoh:\n"
        '  python -m bot invite --role kepala_bidang --bidang PTK --nama "Agus Priyono, S.H."\n'
        '  python -m bot invite --role staf --bidang LAT --nama "Yuni Astuti, A.Md." \\\n'
        "      --config /etc/kinerja-bot/settings.yaml\n"
        '  python -m bot invite --role sekretaris --nama "Sri Wahyuni, S.Sos., M.Si."',
    )
    invite.add_argument("--role", required=True, choices=INVITE_ROLES, help="peran pegawai")
    invite.add_argument("--bidang", metavar="KODE", help="kode bidang (wajib untuk kepala_bidang dan staf)")
    invite.add_argument("--nama", required=True, help="nama lengkap pegawai, persis seperti di pengaturan")
    _config_option(invite)
    invite.set_defaults(quiet_logs=True, handler=_cmd_invite)


def _cmd_invite(args: argparse.Namespace) -> int:
    """``invite`` (bot.telegram.invite), with a database that cannot be opened explained as by the others."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return cmd_invite(args)
    except (SQLAlchemyError, OSError) as err:
        settings = _load(args.config)
        if settings is None:
            return 2
        _database_failure(settings, err, args.config)
        return 1


# --- distribute ---------------------------------------------------------------------------------


def _cmd_distribute(args: argparse.Namespace) -> int:
    from bot import texts
    from bot.admin import distribute
    from bot.texts import STATE_LABELS

    def work(settings: Settings, store: Any) -> int:
        result = distribute(settings, store, args.tahun, args.triwulan, report=_out)
        label = texts.periode(args.triwulan, args.tahun or settings.tahun)
        if not result.started:
            _out(f"Status {label}: {STATE_LABELS[result.state]}. Lihat: python -m bot status --config {args.config}")
            return 0
        sekretaris = ", ".join(result.sekretaris) or "(tidak ada)"
        _out(f"Periode {label} dimulai (langkah 1 SOP P-SEK-KP-09).")
        _out(f"Permintaan persetujuan pembagian format dikirim kepada Sekretaris: {sekretaris}")
        _out("Format dibagikan ke folder setiap bidang setelah Sekretaris menekan Setujui di Telegram.")
        _out(
            "Pesan dikirim oleh layanan Kinerja Bot yang berjalan (python -m bot run / systemd kinerja-bot); "
            "bila layanan belum berjalan, pesan terkirim saat layanan dimulai."
        )
        if result.sekretaris_unbound or not result.sekretaris:
            _out(
                "Peringatan: Sekretaris belum terikat ke Telegram; pesan menunggu di antrean dan terkirim "
                "setelah Sekretaris terikat. Isi pejabat.sekretaris.telegram_id atau buat kode undangan: "
                'python -m bot invite --role sekretaris --nama "NAMA"'
            )
        return 0

    return _with_store(args.config, work)


def _add_distribute(commands: Any) -> None:
    distribute = commands.add_parser(
        "distribute",
        help="mulai periode triwulan: minta persetujuan Sekretaris untuk membagikan format",
        description="Memulai periode triwulan secara manual, sama seperti jadwal otomatis: Sekretaris menerima "
        'pesan "Setujui pembagian format TW n?" di Telegram, dan setelah Setujui ditekan bot membagikan '
        "workbook ke folder setiap bidang (langkah 1 SOP: pembagian format atas persetujuan Sekretaris). "
        "Bila periode itu sudah dimulai, tidak ada yang diubah.",
        epilog="contoh:\n"
        "  python -m bot distribute --triwulan 1 --config /etc/kinerja-bot/settings.yaml\n"
        "  python -m bot distribute --tahun 2026 --triwulan II",
    )
    distribute.add_argument(
        "--tahun", type=_tahun, metavar="TAHUN", help="tahun anggaran (bawaan: kunci tahun di pengaturan; harus sama)"
    )
    distribute.add_argument("--triwulan", type=_triwulan, required=True, metavar="N", help="triwulan 1-4 (boleh I-IV)")
    _config_option(distribute)
    distribute.set_defaults(quiet_logs=True, handler=_cmd_distribute)


# --- status -------------------------------------------------------------------------------------


def _cmd_status(args: argparse.Namespace) -> int:
    from bot.admin import format_status, status_data

    def work(settings: Settings, store: Any) -> int:
        data = status_data(settings, store, args.tahun, args.triwulan)
        _out(json.dumps(data, ensure_ascii=False, indent=2) if args.json else format_status(data, settings))
        return 0

    return _with_store(args.config, work)


def _add_status(commands: Any) -> None:
    status = commands.add_parser(
        "status",
        help="tampilkan periode berjalan, status setiap bidang dan tautan workbook",
        description="Menampilkan periode yang sedang berjalan (atau yang terakhir), langkah SOP-nya, siapa yang "
        "memegang dan sejak kapan, serta status dan tautan workbook setiap bidang; dibaca dari basis data. "
        "--json memberi keluaran yang stabil untuk skrip (skema di docs/perintah.md).",
        epilog="contoh:\n"
        "  python -m bot status --config /etc/kinerja-bot/settings.yaml\n"
        "  python -m bot status --json | jq '.bidang[] | {kode, state, workbook_url}'\n"
        "  python -m bot status --triwulan 1",
    )
    status.add_argument("--json", action="store_true", help="keluaran JSON")
    status.add_argument("--tahun", type=_tahun, metavar="TAHUN", help="tahun anggaran (bawaan: dari pengaturan)")
    status.add_argument("--triwulan", type=_triwulan, metavar="N", help="periode tertentu (bawaan: yang berjalan)")
    _config_option(status)
    status.set_defaults(quiet_logs=True, handler=_cmd_status)


# --- export -------------------------------------------------------------------------------------


def _cmd_export(args: argparse.Namespace) -> int:
    from bot import texts
    from bot.admin import export_period

    def work(settings: Settings, store: Any) -> int:
        label = texts.periode(args.triwulan, args.tahun or settings.tahun)
        if args.laporan:
            return _export_laporan(settings, store, args, label)
        _out(f"Mengekspor {label} ke {args.out} ...")
        files = export_period(
            settings, store, args.tahun, args.triwulan, Path(args.out), with_bidang=not args.tanpa_bidang, report=_out
        )
        _out(f"Selesai: {len(files)} berkas ditulis ke {args.out}.")
        return 0

    return _with_store(args.config, work)


def _export_laporan(settings: Settings, store: Any, args: argparse.Namespace, label: str) -> int:
    """``export --laporan``: the Laporan Kinerja PDF built from the store (no Google access)."""
    from bot.laporan_data import LaporanTidakTersedia, write_laporan
    from sheets.master import MasterError

    try:
        path = write_laporan(
            settings,
            store,
            args.tahun or settings.tahun,
            args.triwulan,
            Path(args.out),
            warn=lambda text: sys.stderr.write(text + "\n"),
        )
    except (LaporanTidakTersedia, MasterError) as err:
        sys.stderr.write(f"{err}\n")
        return 2
    except OSError as err:
        sys.stderr.write(f"Berkas tidak dapat ditulis di {args.out}: {err.strerror}.\n")
        return 1
    size = f"{path.stat().st_size / 1024:.1f}".replace(".", ",")  # Indonesian decimal comma
    _out(f"Laporan Kinerja {label} ditulis ke {path} ({size} KB).")
    return 0


def _add_export(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="unduh rekap dinas (xlsx, pdf) dan workbook bidang satu triwulan ke folder",
        description="Mengunduh lewat ekspor Google Drive: rekap dinas sebagai rekap-TAHUN-TWn.xlsx dan .pdf "
        "(salinan arsip bila periode sudah ditutup) dan workbook setiap bidang sebagai "
        "bidang-KODE-TAHUN.xlsx, ke folder --out (dibuat bila belum ada).",
        epilog="contoh:\n"
        "  python -m bot export --tahun 2026 --triwulan 1 --out /var/backups/kinerja/2026-TW1\n"
        "  python -m bot export --triwulan 2 --out ./ekspor --tanpa-bidang\n"
        "  python -m bot export --triwulan 1 --laporan --out ./laporan     # Laporan Kinerja PDF",
    )
    export.add_argument("--tahun", type=_tahun, metavar="TAHUN", help="tahun anggaran (bawaan: dari pengaturan)")
    export.add_argument("--triwulan", type=_triwulan, required=True, metavar="N", help="triwulan 1-4 (boleh I-IV)")
    export.add_argument("--out", required=True, metavar="FOLDER", help="folder tujuan")
    export.add_argument("--tanpa-bidang", action="store_true", help="hanya rekap dinas, tanpa workbook bidang")
    export.add_argument(
        "--laporan",
        action="store_true",
        help="tulis Laporan Kinerja (PDF, laporan-TAHUN-TWn.pdf) dari basis data saja, tanpa unduhan Google",
    )
    _config_option(export)
    export.set_defaults(quiet_logs=True, handler=_cmd_export)


# --- demo ---------------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import cmd_demo  # lazily: only the demo needs the sandbox

    return cmd_demo(args)


def _add_demo(commands: Any) -> None:
    demo = commands.add_parser(
        "demo",
        help="jalankan satu triwulan penuh di sandbox bawaan (tanpa internet)",
        description="Menjalankan sandbox Google Sheets/Drive dan Telegram di komputer ini, layanan Kinerja Bot "
        "yang sama dengan perintah run, dan pegawai simulasi yang menjalankan SOP satu triwulan (TW I) lewat "
        "Telegram dan Google Sheets. Mencetak kemajuan, lini masa dan rekap; menulis rekap xlsx, arsip PDF, "
        "grafik capaian, transkrip percakapan dan riwayat ke folder keluaran.",
        epilog="contoh:\n"
        "  python -m bot demo --out demo-out\n"
        "  python -m bot demo --out /tmp/demo --cepat      # tanpa jeda tampilan antarlangkah",
    )
    demo.add_argument("--out", default="demo-out", metavar="FOLDER", help="folder keluaran (bawaan: demo-out)")
    demo.add_argument("--cepat", action="store_true", help="tanpa jeda tampilan antarlangkah")
    demo.set_defaults(quiet_logs=True, handler=_cmd_demo)


# --- the parser ---------------------------------------------------------------------------------

COMMANDS: list[Callable[[Any], None]] = [
    _add_demo,
    _add_doctor,
    _add_run,
    _add_invite,
    _add_distribute,
    _add_status,
    _add_export,
    _add_google_login,
]

EPILOG = """contoh pemakaian:
  python -m bot demo --out demo-out                                 # satu triwulan di sandbox bawaan
  python -m bot doctor --config /etc/kinerja-bot/settings.yaml      # periksa pemasangan
  python -m bot run --config /etc/kinerja-bot/settings.yaml         # jalankan layanan
  python -m bot invite --role staf --bidang PTK --nama "Rina Kurniawati, S.E."
  python -m bot distribute --triwulan 1                             # mulai TW I (minta persetujuan Sekretaris)
  python -m bot status --json                                       # status periode dan bidang
  python -m bot export --triwulan 1 --out ./ekspor                  # unduh rekap xlsx/pdf dan workbook bidang
  python -m bot google-login                                        # sekali, untuk google.auth: oauth

Bantuan tiap perintah: python -m bot PERINTAH --help. Panduan lengkap: docs/perintah.md."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand and examples for each."""
    parser = _Parser(
        prog="python -m bot",
        description="Kinerja Bot: pengumpulan data kinerja (SOP P-SEK-KP-09) lewat Google Sheets dan Telegram.",
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
