"""The admin's commands for what changes during a year: ``plh`` (acting officials) and ``perubahan`` (APBD Perubahan).

``plh`` sets, lists or cancels an acting official from the command line (the official themselves
uses ``/plh`` in Telegram); it needs only the store, and the people concerned are told through the
running service's outbox. ``perubahan`` applies a revised master list of a budget year (``--tahun``,
by default the current one): from a CSV (``--berkas``, for an office that keeps its list as a file)
or from the master sheet's tab of that year; it shows the summary, and with ``--terapkan`` rewrites
every bidang workbook of that year through Google (the Kasubbag does the same from
Telegram with ``/perubahan``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import _config_option, _out, _with_store
from config.settings import Settings

PLH_ROLES = ("kepala_dinas", "sekretaris", "kasubbag_kpep", "kepala_bidang")


def _tanggal(text: str) -> Any:
    from bot.workflow.plh import parse_tanggal

    day = parse_tanggal(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"tanggal tidak dikenali: {text!r}; tulis seperti 6-7-2026 atau 2026-07-06")
    return day


# --- plh ----------------------------------------------------------------------------------------


def _cmd_plh(args: argparse.Namespace) -> int:
    from bot import texts
    from bot.admin import StoreOnlyWorkbooks
    from bot.workflow.errors import ActionRefused
    from bot.workflow.machine import Role
    from bot.workflow.people import Actor
    from bot.workflow.service import WorkflowService

    def work(settings: Settings, store: Any) -> int:
        service = WorkflowService(settings, store, StoreOnlyWorkbooks())
        service.start()  # the people of the settings must be in the store to be named
        admin = Actor(Role.SYSTEM, texts.CLI_ADMIN_PLH)
        try:
            if args.batal is not None:
                view = service.plh.cancel(args.batal, admin)
                _out(texts.plh_cancelled(view.jabatan, view.acting_nama))
                return 0
            if args.role is None:
                views = service.plh.listed(include_past=args.semua)
                _out("\n".join(f"{view.id}. {view.line()}" for view in views) or texts.CLI_PLH_NONE)
                return 0
            if args.nama is None or args.mulai is None:
                sys.stderr.write(texts.CLI_PLH_NEEDS + "\n")
                return 2
            view = service.plh.assign(
                Role(args.role), args.bidang, args.nama, args.mulai, args.selesai or args.mulai, texts.CLI_ADMIN_PLH
            )
        except ActionRefused as err:
            sys.stderr.write(err.reason + "\n")
            return 2
        _out(texts.cli_plh_set(view.id, view.line()))
        return 0

    return _with_store(args.config, work)


def _add_plh(commands: Any) -> None:
    plh = commands.add_parser(
        "plh",
        help="tetapkan, lihat, atau batalkan pelaksana harian (Plh) seorang pejabat",
        description="Menetapkan Plh untuk satu jabatan pada rentang tanggal: selama itu permintaan persetujuan, "
        "pengingat, dan eskalasi jabatan tersebut dikirim kepada Plh, dan jejak audit mencatat Plh beserta "
        "pejabat yang digantikan. Pejabat sendiri menunjuk Plh melalui /plh di Telegram (yang ditunjuk menekan "
        "Terima); dari sini admin menetapkannya langsung. Tanpa --role: daftar Plh yang berlaku atau menunggu.",
        epilog="contoh:\n"
        '  python -m bot plh --role kepala_bidang --bidang PTK --nama "Rina Kurniawati, S.E." \\\n'
        "      --mulai 6-7-2026 --selesai 10-7-2026\n"
        '  python -m bot plh --role kepala_dinas --nama "Sri Wahyuni" --mulai 2026-08-03 --selesai 2026-08-07\n'
        "  python -m bot plh                 # daftar Plh yang berlaku atau menunggu\n"
        "  python -m bot plh --batal 3       # batalkan Plh nomor 3",
    )
    plh.add_argument("--role", choices=PLH_ROLES, help="jabatan yang digantikan")
    plh.add_argument("--bidang", metavar="KODE", help="kode bidang (untuk kepala_bidang)")
    plh.add_argument("--nama", help="nama pegawai yang menjadi Plh (seperti terdaftar di Kinerja Bot)")
    plh.add_argument("--mulai", type=_tanggal, metavar="TANGGAL", help="hari pertama")
    plh.add_argument("--selesai", type=_tanggal, metavar="TANGGAL", help="hari terakhir (bawaan: sama dengan --mulai)")
    plh.add_argument("--batal", type=int, metavar="NOMOR", help="batalkan Plh bernomor ini")
    plh.add_argument("--semua", action="store_true", help="daftar juga Plh yang sudah berlalu, ditolak, atau batal")
    _config_option(plh)
    plh.set_defaults(quiet_logs=True, handler=_cmd_plh)


# --- perubahan ----------------------------------------------------------------------------------


def _cmd_perubahan(args: argparse.Namespace) -> int:
    from bot import texts
    from bot.workflow.errors import ActionRefused, PortError
    from bot.workflow.machine import Role
    from bot.workflow.people import Actor
    from bot.workflow.service import WorkflowService
    from sheets.google.errors import GoogleEdgeError
    from sheets.google.workbooks import GoogleWorkbooks
    from sheets.master import MasterError

    def work(settings: Settings, store: Any) -> int:
        admin = Actor(Role.SYSTEM, texts.CLI_ADMIN_PERUBAHAN)
        try:
            service = WorkflowService(settings, store, GoogleWorkbooks(settings))
            service.start()
            tahun = service.year.current() if args.tahun is None else args.tahun
            master = service.core.masters.read_csv(tahun, Path(args.berkas)) if args.berkas else None
            draft = service.prepare_revision(admin, args.berlaku, master, tahun)
            _out(draft.preview())
            if not args.terapkan:
                service.cancel_revision(admin, draft.id)
                _out(texts.CLI_PERUBAHAN_PREVIEW)
                return 0
            service.apply_revision(admin, draft.id)
        except MasterError as err:
            sys.stderr.write(f"{err}\n")
            return 2
        except ActionRefused as err:
            sys.stderr.write(err.reason + "\n")
            return 2
        except (GoogleEdgeError, PortError) as err:
            sys.stderr.write(f"{texts.CLI_PERUBAHAN_GOOGLE_FAILED} {err}\n")
            return 1
        _out(texts.CLI_PERUBAHAN_DONE)
        return 0

    return _with_store(args.config, work)


def _add_perubahan(commands: Any) -> None:
    perubahan = commands.add_parser(
        "perubahan",
        help="terapkan daftar induk APBD Perubahan pada triwulan yang masih terbuka dan berikutnya",
        description="Membaca daftar induk tahun anggaran berjalan yang diperbarui (target, pagu, indikator "
        "ditambah atau dihapus), membandingkannya dengan daftar tahun itu yang berlaku, dan menampilkan "
        "ringkasannya. Dengan --terapkan, target dan pagu triwulan yang belum disetujui ditulis ulang di lembar "
        "kerja setiap bidang (isian staf tidak diubah; indikator yang dihapus tetap ada bertanda Dihapus), "
        "perubahan dicatat di jejak audit, dan Kepala Dinas diberi tahu. Triwulan yang sudah disetujui tetap "
        "diukur dengan target lamanya. Bila daftar induk dipegang Kasubbag sebagai lembar kerja Google Sheets, "
        "Kasubbag cukup mengirim /perubahan TANGGAL di Telegram.",
        epilog="contoh:\n"
        "  python -m bot perubahan --berlaku 1-7-2026 --berkas /etc/kinerja-bot/indikator-perubahan.csv\n"
        "  python -m bot perubahan --berlaku 1-7-2026 --berkas indikator-perubahan.csv --terapkan\n"
        "  python -m bot perubahan --berlaku 2026-07-01 --terapkan      # dari lembar kerja daftar induk",
    )
    perubahan.add_argument("--berlaku", type=_tanggal, required=True, metavar="TANGGAL", help="tanggal berlaku")
    perubahan.add_argument(
        "--berkas", metavar="CSV", help="CSV daftar induk yang diperbarui (bawaan: lembar kerja daftar induk)"
    )
    perubahan.add_argument(
        "--tahun", type=int, metavar="TAHUN", help="tahun anggaran yang diubah (bawaan: tahun anggaran berjalan)"
    )
    perubahan.add_argument("--terapkan", action="store_true", help="terapkan (tanpa ini: hanya pratinjau)")
    _config_option(perubahan)
    perubahan.set_defaults(quiet_logs=True, handler=_cmd_perubahan)
