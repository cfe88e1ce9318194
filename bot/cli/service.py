"""The commands that install and run the service: ``demo``, ``doctor``, ``run``, ``invite``, ``google-login``.

Each is one ``_add_<command>`` function (its parser, help and Indonesian examples) and one
``_cmd_<command>`` handler returning the exit code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import _config_option, _database_failure, _load, _out, _seconds
from bot.telegram.invite import INVITE_ROLES, cmd_invite

logger = logging.getLogger("bot.cli")  # the name the log has always shown for the command line


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

    from bot import texts
    from bot.heap import share_one_arena
    from bot.runtime import run_until_signalled
    from bot.store.identity import StoreMismatch
    from bot.telegram.app import TelegramEdgeError
    from sheets.google.errors import GoogleEdgeError
    from sheets.numbers import DomainError

    share_one_arena()  # before the first thread: see bot.heap
    try:
        asyncio.run(run_until_signalled(settings))
    except GoogleEdgeError as err:  # raised while wiring, before anything runs: credentials, master list
        logger.error("cannot start: %s", err)
        sys.stderr.write(f"{err.penjelasan}\nPeriksa dengan: python -m bot doctor --config {args.config}\n")
        return 2
    except (DomainError, TelegramEdgeError) as err:
        sys.stderr.write(f"{err}\nPeriksa dengan: python -m bot doctor --config {args.config}\n")
        return 2
    except StoreMismatch as err:  # deleted or replaced while running: systemd restarts, the admin reads why
        sys.stderr.write(f"{err.reason}\n{texts.STORE_CHECK_HELP}\n")
        return 3
    except SQLAlchemyError as err:
        _database_failure(settings, err, args.config)
        return 1
    return 0


def _add_run(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="jalankan layanan (menerima pesan Telegram, membaca lembar kerja berkala, mengirim pengingat)",
        description="Menjalankan Kinerja Bot sampai dihentikan dengan SIGINT/SIGTERM (Ctrl+C). Migrasi basis "
        "data dijalankan otomatis saat mulai. Kode keluar 2 bila pengaturan, kredensial atau daftar indikator "
        "tidak dapat dipakai (systemd tidak mengulang), 1 bila basis data tidak dapat dibuka, 3 bila basis data "
        "hilang atau berganti saat layanan berjalan (systemd mengulang; lihat docs/masalah.md).",
        epilog="contoh:\n"
        "  KINERJA_TELEGRAM__TOKEN=... python -m bot run --config /etc/kinerja-bot/settings.yaml\n"
        "  sudo systemctl start kinerja-bot        # sama, sebagai layanan systemd",
    )
    _config_option(run)
    run.set_defaults(handler=_cmd_run)


# --- doctor -------------------------------------------------------------------------------------


def _cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import LiveOptions, format_report, report_json, run_doctor

    live = None
    if args.live:
        live = LiveOptions(editor_token_file=args.akun_editor, change_wait=args.tunggu_perubahan)
    elif args.akun_editor is not None:
        sys.stderr.write("--akun-editor hanya dipakai bersama --live.\n")
        return 2
    code, results = run_doctor(args.config, timeout=args.timeout, live=live)
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


def _change_wait(text: str) -> float:
    """Seconds to wait for the Drive change feed: Google is reported to take up to 10 minutes."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not 0 < value <= 1800:
        raise argparse.ArgumentTypeError(f"lama menunggu harus antara 0 dan 1800 detik (tertulis {text!r})")
    return value


def _add_doctor(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="periksa pengaturan, Google, folder, lembar kerja, bot Telegram, dan pegawai terdaftar",
        description="Memeriksa pemasangan dan menyebutkan cara memperbaiki setiap masalah: berkas pengaturan, "
        "daftar indikator, kredensial Google, koneksi ke Google (Drive dan Sheets API), Drive bersama atau "
        "OAuth, setiap folder dan lembar kerja, token bot (getMe), basis data, dan siapa yang sudah atau belum "
        "terdaftar di Telegram. Dengan --live, setiap perilaku Google yang diandalkan bot dicoba sungguhan di "
        "lembar kerja uji "
        "yang dihapus sesudahnya (lokal, angka yang diketik, kunci sel, berbagi, ekspor PDF, daftar perubahan) "
        "dan temuannya disimpan di google.berkas_temuan. Kode keluar: 0 semua lulus (boleh ada peringatan), "
        "1 ada yang gagal, 2 berkas pengaturan tidak dapat dipakai.",
        epilog="contoh:\n"
        "  python -m bot doctor --config /etc/kinerja-bot/settings.yaml\n"
        "  python -m bot doctor --config /etc/kinerja-bot/settings.yaml --json --timeout 5\n"
        "  python -m bot doctor --config /etc/kinerja-bot/settings.yaml --live\n"
        "  python -m bot doctor --live --akun-editor /etc/kinerja-bot/token-editor.json --tunggu-perubahan 600",
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
    doctor.add_argument(
        "--live",
        action="store_true",
        help="uji langsung setiap perilaku Google yang diandalkan bot di lembar kerja uji (dihapus sesudahnya)",
    )
    doctor.add_argument(
        "--akun-editor",
        type=Path,
        default=None,
        metavar="BERKAS",
        help="berkas token OAuth sebuah akun editor (dibuat dengan google-login), untuk menguji kunci sel",
    )
    doctor.add_argument(
        "--tunggu-perubahan",
        type=_change_wait,
        default=300.0,
        metavar="DETIK",
        help="paling lama menunggu perubahan muncul di daftar perubahan Drive (bawaan: 300)",
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
        "  python -m bot google-login --config /etc/kinerja-bot/settings.yaml --no-browser   # melalui SSH",
    )
    _config_option(login)
    login.add_argument("--no-browser", action="store_true", help="jangan buka peramban; salin tautannya sendiri")
    login.set_defaults(handler=_cmd_google_login)


# --- invite -------------------------------------------------------------------------------------


def _add_invite(commands: Any) -> None:
    invite = commands.add_parser(
        "invite",
        help="buat kode undangan, tautan pendaftaran dan kode QR untuk seorang pegawai",
        description="Membuat kode undangan sekali pakai beserta tautan pendaftaran "
        "https://t.me/<nama bot>?start=KODE (nama bot dibaca dari Telegram dengan getMe) dan berkas PNG "
        "kode QR tautan itu untuk dicetak. Pegawai membuka tautan atau memindai kode QR lalu menekan Mulai, "
        "atau mengirim /daftar KODE kepada bot, untuk mengikat akun Telegram-nya pada peran ini. Kode berlaku "
        "sesuai jadwal.undangan_berlaku_hari; lima kode salah berturut-turut mengunci pengirim satu jam.",
        epilog="contoh:\n"
        '  python -m bot invite --role kepala_bidang --bidang PTK --nama "Agus Priyono, S.H."\n'
        '  python -m bot invite --role staf --bidang LAT --nama "Yuni Astuti, A.Md." \\\n'
        "      --config /etc/kinerja-bot/settings.yaml\n"
        '  python -m bot invite --role sekretaris --nama "Sri Wahyuni, S.Sos., M.Si."',
    )
    invite.add_argument("--role", required=True, choices=INVITE_ROLES, help="peran pegawai")
    invite.add_argument("--bidang", metavar="KODE", help="kode bidang (wajib untuk kepala_bidang dan staf)")
    invite.add_argument("--nama", required=True, help="nama lengkap pegawai, persis seperti di pengaturan")
    invite.add_argument(
        "--qr",
        metavar="BERKAS",
        help="berkas PNG kode QR (bawaan: undangan-<peran>[-<bidang>]-<nama>.png di folder kerja)",
    )
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


# --- demo ---------------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import cmd_demo  # lazily: only the demo needs the sandbox

    return cmd_demo(args)


def _add_demo(commands: Any) -> None:
    demo = commands.add_parser(
        "demo",
        help="jalankan satu triwulan penuh di sandbox bawaan (tanpa internet)",
        description="Menjalankan sandbox Google Sheets/Drive dan Telegram di komputer ini, layanan Kinerja Bot "
        "yang sama dengan perintah run, dan pegawai simulasi yang menjalankan SOP satu triwulan (TW I) melalui "
        "Telegram dan Google Sheets. Mencetak kemajuan, lini masa dan rekap; menulis rekap xlsx, arsip PDF, "
        "grafik capaian, transkrip percakapan dan riwayat ke folder keluaran. Dengan --setahun: sesudah TW I "
        "(melalui percakapan) TW II sampai IV dijalankan dengan jalur cepat (staf tetap mengisi lembar kerja, "
        "keputusan pejabat dijalankan langsung pada layanan), beserta APBD Perubahan, Plh, hasil tahunan "
        "(tab Tahunan) dan pembukaan TW I tahun berikutnya.",
        epilog="contoh:\n"
        "  python -m bot demo --out demo-out\n"
        "  python -m bot demo --out /tmp/demo --cepat      # tanpa jeda tampilan antarlangkah\n"
        "  python -m bot demo --setahun --cepat            # satu tahun anggaran penuh",
    )
    demo.add_argument("--out", default="demo-out", metavar="FOLDER", help="folder keluaran (bawaan: demo-out)")
    demo.add_argument("--cepat", action="store_true", help="tanpa jeda tampilan antarlangkah")
    demo.add_argument(
        "--setahun",
        action="store_true",
        help="satu tahun anggaran penuh: Triwulan I sampai IV, APBD Perubahan, Plh, hasil tahunan, "
        "dan Triwulan I tahun berikutnya",
    )
    demo.set_defaults(quiet_logs=True, handler=_cmd_demo)
