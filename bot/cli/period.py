"""The commands of one triwulan period, read from and written to the store: ``distribute``, ``status``, ``export``.

Each is one ``_add_<command>`` function (its parser, help and Indonesian examples) and one
``_cmd_<command>`` handler returning the exit code; all open the store through
:func:`bot.cli.common._with_store`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import _config_option, _out, _tahun, _triwulan, _with_store
from config.settings import Settings

# --- distribute ---------------------------------------------------------------------------------


def _cmd_distribute(args: argparse.Namespace) -> int:
    from bot import texts
    from bot.admin import distribute
    from bot.texts import STATE_LABELS

    def work(settings: Settings, store: Any) -> int:
        result = distribute(settings, store, args.tahun, args.triwulan, report=_out)
        label = texts.periode(args.triwulan, result.tahun)
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
                "Peringatan: Sekretaris belum terdaftar di Telegram; pesan menunggu di antrean dan terkirim "
                "setelah Sekretaris terdaftar. Isi pejabat.sekretaris.telegram_id atau buat kode undangan: "
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
        "lembar kerja ke folder setiap bidang (langkah 1 SOP: pembagian format atas persetujuan Sekretaris). "
        "Bila periode itu sudah dimulai, tidak ada yang diubah.",
        epilog="contoh:\n"
        "  python -m bot distribute --triwulan 1 --config /etc/kinerja-bot/settings.yaml\n"
        "  python -m bot distribute --tahun 2026 --triwulan II",
    )
    distribute.add_argument(
        "--tahun", type=_tahun, metavar="TAHUN", help="tahun anggaran (bawaan: tahun yang sedang berjalan)"
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
        help="tampilkan periode berjalan, status setiap bidang, dan tautan lembar kerja",
        description="Menampilkan periode yang sedang berjalan (atau yang terakhir), langkah SOP-nya, siapa yang "
        "memegang dan sejak kapan, serta status dan tautan lembar kerja setiap bidang; dibaca dari basis data. "
        "--json memberi keluaran yang stabil untuk skrip (skema di docs/perintah.md).",
        epilog="contoh:\n"
        "  python -m bot status --config /etc/kinerja-bot/settings.yaml\n"
        "  python -m bot status --json | jq '.bidang[] | {kode, state, workbook_url}'\n"
        "  python -m bot status --triwulan 1",
    )
    status.add_argument("--json", action="store_true", help="keluaran JSON")
    status.add_argument(
        "--tahun", type=_tahun, metavar="TAHUN", help="tahun anggaran (bawaan: tahun yang sedang berjalan)"
    )
    status.add_argument("--triwulan", type=_triwulan, metavar="N", help="periode tertentu (bawaan: yang berjalan)")
    _config_option(status)
    status.set_defaults(quiet_logs=True, handler=_cmd_status)


# --- export -------------------------------------------------------------------------------------


def _cmd_export(args: argparse.Namespace) -> int:
    from bot import texts
    from bot.admin import check_period_input, export_period

    def work(settings: Settings, store: Any) -> int:
        tahun, _ = check_period_input(settings, store, args.tahun, args.triwulan)
        label = texts.periode(args.triwulan, tahun)
        if args.laporan:
            return _export_laporan(settings, store, args, tahun, label)
        _out(f"Mengekspor {label} ke {args.out} ...")
        files = export_period(
            settings, store, tahun, args.triwulan, Path(args.out), with_bidang=not args.tanpa_bidang, report=_out
        )
        _out(f"Selesai: {len(files)} berkas ditulis ke {args.out}.")
        return 0

    return _with_store(args.config, work)


def _export_laporan(settings: Settings, store: Any, args: argparse.Namespace, tahun: int, label: str) -> int:
    """``export --laporan``: the Laporan Kinerja PDF built from the store (no Google access)."""
    from bot.laporan_data import LaporanTidakTersedia, write_laporan
    from sheets.master import MasterError

    try:
        path = write_laporan(
            settings,
            store,
            tahun,
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
        help="unduh rekap dinas (xlsx, pdf) dan lembar kerja bidang satu triwulan ke folder",
        description="Mengunduh melalui ekspor Google Drive: rekap dinas sebagai rekap-TAHUN-TWn.xlsx dan .pdf "
        "(salinan arsip bila periode sudah ditutup) dan lembar kerja setiap bidang sebagai "
        "bidang-KODE-TAHUN.xlsx, ke folder --out (dibuat bila belum ada).",
        epilog="contoh:\n"
        "  python -m bot export --tahun 2026 --triwulan 1 --out /var/backups/kinerja/2026-TW1\n"
        "  python -m bot export --triwulan 2 --out ./ekspor --tanpa-bidang\n"
        "  python -m bot export --triwulan 1 --laporan --out ./laporan     # Laporan Kinerja PDF",
    )
    export.add_argument(
        "--tahun", type=_tahun, metavar="TAHUN", help="tahun anggaran (bawaan: tahun yang sedang berjalan)"
    )
    export.add_argument("--triwulan", type=_triwulan, required=True, metavar="N", help="triwulan 1-4 (boleh I-IV)")
    export.add_argument("--out", required=True, metavar="FOLDER", help="folder tujuan")
    export.add_argument("--tanpa-bidang", action="store_true", help="hanya rekap dinas, tanpa lembar kerja bidang")
    export.add_argument(
        "--laporan",
        action="store_true",
        help="tulis Laporan Kinerja (PDF, laporan-TAHUN-TWn.pdf) dari basis data saja, tanpa unduhan Google",
    )
    _config_option(export)
    export.set_defaults(quiet_logs=True, handler=_cmd_export)
