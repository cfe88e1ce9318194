"""The command line of Kinerja Bot: ``python -m bot COMMAND``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.doctor import format_report, run_doctor
from bot.logging_setup import configure_logging
from bot.telegram.invite import INVITE_ROLES, cmd_invite
from config.settings import SettingsError, load_settings

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = "config/settings.yaml"


def _cmd_doctor(args: argparse.Namespace) -> int:
    code, results = run_doctor(args.config)
    sys.stdout.write(format_report(results) + "\n")
    sys.stdout.write(
        "Semua pemeriksaan lulus.\n" if code == 0 else "Ada pemeriksaan yang gagal; lihat di atas.\n"
    )
    return code


def _cmd_run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
    except SettingsError as err:
        sys.stderr.write(f"{err}\nPeriksa dengan: python -m bot doctor --config {args.config}\n")
        return 2
    if not settings.telegram.resolved_token():
        sys.stderr.write(
            "Token bot Telegram belum diisi: isi variabel lingkungan KINERJA_TELEGRAM__TOKEN "
            "atau telegram.token_file.\n"
        )
        return 2
    import asyncio

    from bot.runtime import run_until_signalled

    asyncio.run(run_until_signalled(settings))
    return 0


def _cmd_google_login(args: argparse.Namespace) -> int:
    from sheets.google.auth import authorize_installed_app
    from sheets.google.errors import GoogleEdgeError

    try:
        settings = load_settings(args.config)
    except SettingsError as err:
        sys.stderr.write(f"{err}\n")
        return 2
    try:
        path = authorize_installed_app(settings.google, open_browser=not args.no_browser)
    except GoogleEdgeError as err:
        sys.stderr.write(f"{err.penjelasan}\n")
        return 2
    sys.stdout.write(f"Token OAuth tersimpan di {path}.\n")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import cmd_demo

    return cmd_demo(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand and an example for each."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Kinerja Bot: pengumpulan data kinerja (SOP P-SEK-KP-09) lewat "
        "Google Sheets dan Telegram.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log lebih rinci")
    commands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    doctor = commands.add_parser(
        "doctor",
        help="periksa pengaturan dan koneksi",
        description="Memeriksa berkas pengaturan dan menyebutkan cara memperbaiki setiap masalah.",
        epilog="contoh: python -m bot doctor --config config/settings.example.yaml",
    )
    doctor.add_argument("--config", default=DEFAULT_CONFIG, help="berkas pengaturan YAML")
    doctor.set_defaults(handler=_cmd_doctor)

    run = commands.add_parser(
        "run",
        help="jalankan layanan (Telegram long polling, polling sheet, pengingat)",
        description="Menjalankan Kinerja Bot sampai dihentikan dengan SIGINT/SIGTERM. Migrasi basis "
        "data dijalankan otomatis saat mulai.",
        epilog="contoh: KINERJA_TELEGRAM__TOKEN=... python -m bot run --config /etc/kinerja-bot/settings.yaml",
    )
    run.add_argument("--config", default=DEFAULT_CONFIG, help="berkas pengaturan YAML")
    run.set_defaults(handler=_cmd_run)

    login = commands.add_parser(
        "google-login",
        help="masuk ke Google sekali (auth: oauth) dan simpan token",
        description="Menjalankan alur persetujuan OAuth Google (aplikasi desktop) dan menyimpan token "
        "di google.oauth_token_file (mode 0600). Hanya untuk google.auth: oauth.",
        epilog="contoh: python -m bot google-login --config /etc/kinerja-bot/settings.yaml",
    )
    login.add_argument("--config", default=DEFAULT_CONFIG, help="berkas pengaturan YAML")
    login.add_argument("--no-browser", action="store_true", help="jangan buka browser; salin tautan sendiri")
    login.set_defaults(handler=_cmd_google_login)

    invite = commands.add_parser(
        "invite",
        help="buat kode undangan /daftar untuk seorang pegawai",
        description="Membuat kode undangan sekali pakai. Pegawai mengirim /daftar KODE kepada bot "
        "untuk mengikat akun Telegram-nya pada peran ini. Kode berlaku sesuai "
        "jadwal.undangan_berlaku_hari; lima kode salah berturut-turut mengunci pengirim satu jam.",
        epilog="contoh: python -m bot invite --role kepala_bidang --bidang PTK --nama \"Agus Priyono, S.H.\"",
    )
    invite.add_argument("--role", required=True, choices=INVITE_ROLES, help="peran pegawai")
    invite.add_argument("--bidang", help="kode bidang (wajib untuk kepala_bidang dan staf)")
    invite.add_argument("--nama", required=True, help="nama lengkap pegawai")
    invite.add_argument("--config", default=DEFAULT_CONFIG, help="berkas pengaturan YAML")
    invite.set_defaults(handler=cmd_invite)

    demo = commands.add_parser(
        "demo",
        help="jalankan satu triwulan penuh di sandbox bawaan (tanpa internet)",
        description="Menjalankan sandbox Google + Telegram di komputer ini, layanan Kinerja Bot yang sama "
        "dengan perintah run, dan pegawai simulasi yang menjalankan SOP satu triwulan (TW I). Menulis rekap "
        "xlsx, arsip PDF, grafik capaian, transkrip percakapan dan riwayat ke folder keluaran.",
        epilog="contoh: python -m bot demo --out demo-out",
    )
    demo.add_argument("--out", default="demo-out", help="folder keluaran (bawaan: demo-out)")
    demo.add_argument("--cepat", action="store_true", help="tanpa jeda tampilan antarlangkah")
    demo.set_defaults(handler=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, configure logging once, run the command."""
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    return args.handler(args)
