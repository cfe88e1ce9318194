"""Every text a Telegram user reads, in one module: Indonesian, polite official register.

Besides the messages and buttons, this holds the workflow's refusals (shown in Telegram and on the
command line), the state and role labels, and the few sentences the workflow writes to a bidang's
sheet and to the audit trail. The words follow docs/istilah.md (formal Indonesian, EYD): "Bapak/Ibu"
for the reader, "melalui", "kode undangan", "lembar kerja", "Kesalahan"; dates read like
"Senin, 6 April 2026 pukul 08.00 WIB"; amounts like "Rp1.500.000", numbers with the decimal comma
(:mod:`sheets.formatting`). Messages are plain text (no parse mode): reasons and
notes typed by people are shown as they are, with nothing to escape. Functions here only build
strings; which message goes to whom, and with which buttons, is decided in ``bot/telegram/render.py``
and ``bot/telegram/handlers/``. This module imports only the standard library and ``sheets``
leaves, so the workflow core may use it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sheets import formatting
from sheets.formatting import BULAN, ROMAWI, ZONA_WAKTU
from sheets.layout import tw_label
from sheets.riwayat import SHEET_ACTOR_SUFFIX
from sheets.riwayat import event_label as event_label  # re-exported: the texts name an event with it

logger = logging.getLogger(__name__)


# --- dates, durations, numbers ------------------------------------------------------------------
# The number formats of every text (Indonesian: ``1.234,57``, ``75,00%``, ``Rp1.500.000``).
format_angka = formatting.format_angka
format_persen = formatting.format_persen
format_rupiah = formatting.format_rupiah


HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def zone_label(tz: ZoneInfo) -> str:
    """WIB / WITA / WIT for the Indonesian zones, else the zone's own abbreviation."""
    return ZONA_WAKTU.get(tz.key, "")


def format_waktu(moment: datetime | str | None, tz: ZoneInfo) -> str:
    """``Senin, 6 April 2026 pukul 08.00 WIB``; an ISO string is parsed first; None -> ``-``."""
    if moment is None or moment == "":
        return "-"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(tz)
    label = zone_label(tz) or (local.tzname() or "")
    return (
        f"{HARI[local.weekday()]}, {local.day} {BULAN[local.month - 1]} {local.year} "
        f"pukul {local.hour:02d}.{local.minute:02d} {label}"
    ).rstrip()


def format_durasi(delta: timedelta | float) -> str:
    """A span of time in words: ``2 hari 3 jam``, ``1 jam 5 menit``, ``kurang dari 1 menit``."""
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    minutes = max(0, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins and not days:
        parts.append(f"{mins} menit")
    return " ".join(parts) if parts else "kurang dari 1 menit"


def periode(tw: int, tahun: int) -> str:
    """``Triwulan I 2026``."""
    return f"Triwulan {ROMAWI.get(tw, str(tw))} {tahun}"


def angka(value: Any) -> str:
    """A figure for reading: whole numbers without decimals, others with the decimal comma."""
    if isinstance(value, bool) or value is None:
        return "-" if value is None else ("ya" if value else "tidak")
    if isinstance(value, int):
        return format_angka(value, 0)
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return format_angka(value, 0 if value.is_integer() else 2)
    return str(value)


# --- roles ----------------------------------------------------------------------------------------

BOT_NAME = "Kinerja Bot"

ROLE_NAMES = {
    "kepala_dinas": "Kepala Dinas",
    "sekretaris": "Sekretaris",
    "kasubbag_kpep": "Kasubbag Keuangan, Perencanaan, Evaluasi, dan Pelaporan",
    "kepala_bidang": "Kepala Bidang",
    "staf": "Staf pengisi laporan",
    "system": BOT_NAME,
}


def sentence_end(name: str) -> str:
    """A name about to be followed by a full stop, without its title's own ("S.E." -> "S.E")."""
    return name.rstrip(".")


def role_name(role: str, bidang_nama: str | None = None) -> str:
    """The role as a person reads it, with the bidang when there is one."""
    name = ROLE_NAMES.get(str(role), str(role))
    return f"{name} ({bidang_nama})" if bidang_nama else name


def korektor(sekretaris_corrects: bool) -> str:
    """Who corrects a bidang's report (SOP step 3): its Kepala Bidang, or the Sekretaris for a bidang
    without a Kepala of its own (the Sekretariat)."""
    return ROLE_NAMES["sekretaris"] if sekretaris_corrects else ROLE_NAMES["kepala_bidang"]


# --- states ---------------------------------------------------------------------------------------

# Keyed by the values of bot.workflow.machine.BidangState / DinasState (StrEnum: the members look up
# the same entries); a test checks that every state has its label. Each label completes a sentence
# "Laporan ... <label>." (refusal_bidang_state): no "sedang" in front of "sudah disetujui".
STATE_LABELS: dict[str, str] = {
    # bidang report
    "dibuka": "dibuka untuk pengisian",
    "diisi": "sedang diisi",
    "diajukan": "menunggu koreksi Kepala Bidang",
    "dikembalikan": "dikembalikan untuk diperbaiki",
    "disetujui": "sudah disetujui",
    "dibuka_kembali": "dibuka kembali oleh Kasubbag",
    # dinas report
    "menunggu_persetujuan_distribusi": "menunggu persetujuan Sekretaris untuk pembagian format",
    "pengumpulan": "dalam tahap pengisian dan koreksi bidang",
    "analisis": "dalam analisis Kasubbag",
    "revisi": "dikembalikan kepada Kasubbag untuk revisi",
    "telaah_sekretaris": "dalam telaah Sekretaris",
    "telaah_kepala_dinas": "dalam telaah Kepala Dinas",
    "penyusunan_rekomendasi": "menunggu rekomendasi Kepala Dinas",
    "diserahkan_ke_sekretaris": "diserahkan kepada Sekretaris",
    "diserahkan_ke_kasubbag": "diserahkan kepada Kasubbag",
    "tindak_lanjut": "dalam tahap tindak lanjut bidang",
    "selesai": "sudah ditutup dan diarsipkan",
}


def bidang_state_label(state: str, sekretaris_corrects: bool = False) -> str:
    """A bidang report's state, naming who corrects it (the Sekretaris for the Sekretariat)."""
    if str(state) == "diajukan":
        return f"menunggu koreksi {korektor(sekretaris_corrects)}"
    return STATE_LABELS[str(state)]


# --- summaries ------------------------------------------------------------------------------------

DINILAI_ARTI = "target triwulan lebih dari 0 dan realisasi terisi"
"""What "dinilai" means (sheets.summary.bertarget): the words of the koreksi summary and of step 1."""

_SUMMARY_LABELS: dict[str, tuple[str, str]] = {
    # key -> (label, how: "angka" | "persen" | "rupiah" | "teks")
    "jumlah_indikator": ("Jumlah indikator", "angka"),
    "indikator": ("Jumlah indikator", "angka"),
    "indikator_terisi": ("Indikator terisi", "angka"),
    "terisi": ("Indikator terisi", "angka"),
    "indikator_dinilai": (f"Indikator dinilai ({DINILAI_ARTI})", "angka"),
    "dinilai": (f"Indikator dinilai ({DINILAI_ARTI})", "angka"),
    "rata_rata_capaian": ("Rata-rata capaian", "persen"),
    "rata_capaian": ("Rata-rata capaian", "persen"),
    "capaian": ("Capaian", "persen"),
    "predikat": ("Predikat", "teks"),
    "sangat_tinggi": ("Predikat Sangat Tinggi", "angka"),
    "tinggi": ("Predikat Tinggi", "angka"),
    "sedang": ("Predikat Sedang", "angka"),
    "rendah": ("Predikat Rendah", "angka"),
    "sangat_rendah": ("Predikat Sangat Rendah", "angka"),
    "pagu": ("Pagu anggaran", "rupiah"),
    "anggaran_kumulatif": ("Realisasi anggaran", "rupiah"),
    "realisasi_anggaran": ("Realisasi anggaran", "rupiah"),
    "serapan": ("Serapan anggaran", "persen"),
    "serapan_anggaran": ("Serapan anggaran", "persen"),
    "peringatan": ("Jumlah peringatan", "angka"),
    "galat": ("Jumlah kesalahan isian", "angka"),
    "capaian_tahunan": ("Rata-rata capaian setahun (Triwulan IV)", "persen"),
    "predikat_tahunan": ("Predikat setahun", "teks"),
}
# Keys a summary carries for the program, not for the reader (the period is named in the heading).
_SUMMARY_INTERNAL = frozenset({"tw", "tahun", "kode_bidang", "bidang"})


def _format_by(how: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if how == "persen":
            return format_persen(value)
        if how == "rupiah":
            return format_rupiah(value)
    return angka(value)


def summary_lines(summary: Mapping[str, Any], skip: Iterable[str] = ()) -> list[str]:
    """``- Label: value`` lines of a summary mapping; only labelled keys, in the labels' order.

    A key without a label is logged, not shown: a reader never sees a program's field name.
    """
    skipped = set(skip)
    lines: list[str] = []
    seen_labels: set[str] = set()
    for key, (label, how) in _SUMMARY_LABELS.items():
        if key in summary and key not in skipped and label not in seen_labels:
            seen_labels.add(label)
            lines.append(f"- {label}: {_format_by(how, summary[key])}")
    unlabelled = [
        key
        for key, value in summary.items()
        if key not in _SUMMARY_LABELS
        and key not in _SUMMARY_INTERNAL
        and key not in skipped
        and not isinstance(value, Mapping | list | tuple)
    ]
    if unlabelled:
        logger.warning("summary keys without an Indonesian label, not shown: %s", ", ".join(unlabelled))
    return lines


def bidang_figure_line(kode: str, nama: str, capaian: float | None, predikat: str | None, serapan: float | None) -> str:
    """One bidang's line in a rekap summary."""
    parts = [f"capaian {format_persen(capaian)}"]
    if predikat:
        parts.append(f"predikat {predikat}")
    if serapan is not None:
        parts.append(f"serapan anggaran {format_persen(serapan)}")
    return f"- {nama} ({kode}): {', '.join(parts)}"


def problem_line(problem: Mapping[str, Any]) -> str:
    """One validation problem, naming its cell (the column, row and indikator said once)."""
    cell = problem.get("cell") or "-"
    column = problem.get("column") or ""
    row = problem.get("row")
    indikator = problem.get("indikator") or ""
    message = str(problem.get("message", ""))
    where = f"sel {cell}"
    if column and column in message:  # the sheet's own message already names column, row, indikator
        return f"- {where}: {message}"
    if column:
        where += f" ({column}"
        where += f", baris {row}" if row else ""
        where += ")"
    about = f" [{indikator}]" if indikator and indikator not in message else ""
    return f"- {where}{about}: {message}"


# --- buttons --------------------------------------------------------------------------------------

BTN_SETUJUI = "Setujui"
BTN_TUNDA = "Tunda"
BTN_KEMBALIKAN = "Kembalikan"
BTN_TAMBAH_ANALISIS = "Tambah analisis"
BTN_KIRIM_SEKRETARIS = "Kirim ke Sekretaris"
BTN_TERUSKAN_KADIS = "Teruskan ke Kepala Dinas"
BTN_TULIS_REKOMENDASI = "Tulis rekomendasi"
BTN_CATAT_TINDAK_LANJUT = "Catat tindak lanjut"
BTN_BUKA_ANALISIS = "Buka lembar rekap"


def btn_buka_kembali(kode: str) -> str:
    """Label of the Kasubbag's reopen button for one bidang."""
    return f"Buka kembali {kode}"


# URL buttons: they open a workbook, the rekap or a folder instead of a long link in the text.
BTN_BUKA_LAPORAN = "Buka laporan"
BTN_BUKA_REKAP = "Buka rekap"
BTN_BUKA_ARSIP = "Buka folder arsip"


def btn_buka_laporan_bidang(kode: str) -> str:
    """Label of the URL button opening one bidang's workbook, among several."""
    return f"Buka laporan {kode}"


def btn_buka_folder(kode: str) -> str:
    """Label of the URL button opening one bidang's Drive folder (the step 1 request)."""
    return f"Buka folder {kode}"


# --- notifications (one builder per outbox kind) --------------------------------------------------


def _head(title: str, tw: int, tahun: int) -> str:
    return f"{title}\nPeriode: {periode(tw, tahun)}"


def bidang_line(bidang_nama: str) -> str:
    """The line naming the bidang under a heading: ``Bidang: Sekretariat``, but a name that already
    says it (``Bidang Penempatan Tenaga Kerja``) stands alone, not ``Bidang: Bidang ...``."""
    if bidang_nama.casefold().startswith("bidang "):
        return bidang_nama
    return f"Bidang: {bidang_nama}"


def _bidang(bidang_nama: str) -> str:
    return f"\n{bidang_line(bidang_nama)}"


def distribution_approval_request(
    tw: int,
    tahun: int,
    bidang: Sequence[str],
    mutu_baku: str,
    formats: Sequence[Mapping[str, Any]] = (),
    deadline: str | None = None,
    tz: ZoneInfo | None = None,
) -> str:
    """Step 1: the Sekretaris is asked to approve sharing the format (per bidang: indicators,
    pagu and the Drive folder it goes to; the input deadline approving today would set)."""
    text = (
        f"{_head('Permohonan persetujuan pembagian format laporan kinerja', tw, tahun)}\n\n"
        f"Yth. Bapak/Ibu Sekretaris,\n"
        f"mohon persetujuan untuk membagikan format laporan kinerja {periode(tw, tahun)} kepada "
        f"{len(bidang)} bidang ({', '.join(bidang)}) melalui Google Drive."
    )
    if formats:
        text += "\n\nFormat yang akan dibagikan:\n" + "\n".join(_format_line(f, tw) for f in formats)
        if all("indikator" in f for f in formats):
            total = sum(int(f["indikator"]) for f in formats)
            pagu = sum(float(f.get("pagu") or 0) for f in formats)
            text += f"\nJumlah: {total} indikator, pagu {format_rupiah(pagu)}."
        text += "\nFolder tujuan setiap bidang dapat dibuka melalui tombol di bawah."
    if formats and all("indikator_bertarget" in f for f in formats):
        text += (
            f"\nIndikator dapat dinilai bila target {tw_label(tw)} (atau target tahunan) lebih dari 0; "
            f"capaiannya dihitung setelah realisasi terisi."
        )
    if deadline and tz is not None:
        text += f"\n\nBila disetujui hari ini, batas pengisian: {format_waktu(deadline, tz)}."
    return text + f"\n\nMutu Baku langkah 1: {mutu_baku}.\nSilakan pilih Setujui atau Tunda."


def _format_line(figures: Mapping[str, Any], tw: int) -> str:
    """One bidang in the step 1 request: name, indicators, pagu (its folder is a button)."""
    line = f"- {figures['nama']} ({figures['kode']})"
    if "indikator" in figures:
        bertarget = f"{figures['indikator_bertarget']} dapat dinilai pada TW {ROMAWI.get(tw, str(tw))}"
        line += f": {figures['indikator']} indikator ({bertarget}), pagu {format_rupiah(figures.get('pagu') or 0)}"
    return line


def distribution_deferred(tw: int, tahun: int, actor_nama: str, note: str | None) -> str:
    """Step 1 deferred: the Kasubbag is told."""
    text = (
        f"{_head('Pembagian format ditunda', tw, tahun)}\n\n"
        f"Sekretaris ({actor_nama}) menunda persetujuan pembagian format laporan kinerja."
    )
    if note:
        text += f"\nCatatan: {note}"
    return text + "\nPermohonan persetujuan tetap terbuka."


def distribution_done(
    tw: int,
    tahun: int,
    kodes: Sequence[str],
    deadline: str,
    tz: ZoneInfo,
    tanpa_akun_google: Sequence[str] = (),
    tidak_dibagikan: Mapping[str, str] | None = None,
) -> str:
    """Step 1 done: the Kasubbag is told (each bidang's workbook is a button), and who could not be
    shared with silently."""
    text = (
        f"{_head('Format laporan kinerja telah dibagikan', tw, tahun)}\n\n"
        f"Format telah dibagikan kepada {len(kodes)} bidang ({', '.join(kodes)}). Lembar kerja setiap "
        f"bidang dapat dibuka melalui tombol di bawah.\n\n"
        f"Batas pengisian: {format_waktu(deadline, tz)}."
    )
    if tanpa_akun_google:
        text += (
            "\n\nAlamat berikut belum memiliki akun Google, sehingga Google mengirim undangan melalui email: "
            + ", ".join(sorted(tanpa_akun_google))
            + ". Lembar kerja baru dapat dibuka setelah yang bersangkutan membuat akun Google dengan alamat "
            "tersebut (atau ganti alamatnya di pengaturan dengan akun Google yang dipakai)."
        )
    if tidak_dibagikan:
        text += (
            "\n\nGoogle menolak membagikan lembar kerja kepada: "
            + ", ".join(sorted(tidak_dibagikan))
            + (". Mohon periksa alamat tersebut di pengaturan, lalu jalankan python -m bot doctor --live.")
        )
    return text


def input_opened(tw: int, tahun: int, bidang_nama: str, deadline: str | None, tz: ZoneInfo) -> str:
    """Step 2 begins: the bidang's staff get the deadline (the workbook is a button)."""
    return (
        f"{_head('Pengisian laporan kinerja dibuka', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Yth. Bapak/Ibu, mohon mengisi realisasi {periode(tw, tahun)} pada lembar kerja bidang "
        f'melalui tombol "{BTN_BUKA_LAPORAN}" di bawah.\n\n'
        f"Batas pengisian: {format_waktu(deadline, tz)}.\n"
        f'Setelah selesai, ubah Status Pengisian menjadi "Siap Dikoreksi" pada tab Status, '
        f"atau kirim perintah /kirim di sini."
    )


def validation_failed(
    tw: int,
    tahun: int,
    bidang_nama: str,
    problems: Sequence[Mapping[str, Any]],
    deadline: str | None = None,
    tz: ZoneInfo | None = None,
) -> str:
    """Step 2: the staff are told exactly which cells are wrong (and the input deadline)."""
    errors = [p for p in problems if p.get("severity") == "error"]
    warnings = [p for p in problems if p.get("severity") != "error"]
    text = (
        f"{_head('Laporan belum dapat diajukan', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Mohon maaf, ditemukan {len(errors)} kesalahan yang perlu Bapak/Ibu perbaiki:\n"
        + "\n".join(problem_line(p) for p in errors)
    )
    if warnings:
        text += f"\n\nPeringatan ({len(warnings)}):\n" + "\n".join(problem_line(p) for p in warnings)
    if deadline and tz is not None:
        text += f"\n\nBatas pengisian: {format_waktu(deadline, tz)}."
    return text + "\nSetelah diperbaiki, mohon ajukan kembali."


def submission_received(tw: int, tahun: int, bidang_nama: str, warnings: Sequence[Mapping[str, Any]]) -> str:
    """Step 2 done: the staff are told the report went to the Kepala Bidang."""
    text = (
        f"{_head('Laporan telah diajukan', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Terima kasih. Laporan telah lolos pemeriksaan dan diteruskan untuk dikoreksi."
    )
    if warnings:
        text += f"\n\nPeringatan ({len(warnings)}):\n" + "\n".join(problem_line(p) for p in warnings)
    return text


def koreksi_request(
    tw: int,
    tahun: int,
    bidang_nama: str,
    summary: Mapping[str, Any],
    warnings: Sequence[Mapping[str, Any]],
    mutu_baku: str,
) -> str:
    """Step 3: the Kepala Bidang is asked to correct the report."""
    text = (
        f"{_head('Permohonan koreksi laporan kinerja', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Yth. Bapak/Ibu, laporan bidang telah diajukan dan menunggu koreksi.\n"
    )
    lines = summary_lines(summary)
    if lines:
        text += "\nRingkasan:\n" + "\n".join(lines) + "\n"
    if warnings:
        text += f"\nPeringatan ({len(warnings)}):\n" + "\n".join(problem_line(p) for p in warnings) + "\n"
    else:
        text += "\nTidak ada peringatan.\n"
    return text + f"\nMutu Baku langkah 3: {mutu_baku}."


def report_returned(tw: int, tahun: int, bidang_nama: str, reason: str, actor_nama: str) -> str:
    """Step 3 returned: the staff get the reason."""
    return (
        f"{_head('Laporan dikembalikan untuk diperbaiki', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Laporan dikembalikan oleh {sentence_end(actor_nama)}.\nAlasan: {reason}\n\n"
        f'Mohon diperbaiki melalui tombol "{BTN_BUKA_LAPORAN}" di bawah, lalu diajukan kembali.'
    )


def report_approved(tw: int, tahun: int, bidang_nama: str, actor_nama: str) -> str:
    """Step 3 approved: the staff are told."""
    return (
        f"{_head('Laporan disetujui', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Laporan telah disetujui oleh {sentence_end(actor_nama)}. Sel triwulan ini kini dikunci. Terima kasih."
    )


def rekap_lines(
    figures: Sequence[tuple[str, str, float | None, str | None, float | None]], dinas: Mapping[str, Any]
) -> str:
    """The body of a rekap summary: the dinas figures, then one line per bidang."""
    parts = []
    dinas_lines = summary_lines(dinas)
    if dinas_lines:
        parts.append("Tingkat dinas:\n" + "\n".join(dinas_lines))
    if figures:
        parts.append("Per bidang:\n" + "\n".join(bidang_figure_line(*f) for f in figures))
    return "\n\n".join(parts)


def rekap_draft(tw: int, tahun: int, body: str, mutu_baku: str) -> str:
    """Step 4: the Kasubbag gets the draft rekap."""
    text = (
        f"{_head('Draf rekap laporan kinerja dinas', tw, tahun)}\n\n"
        f"Yth. Bapak/Ibu Kasubbag, seluruh laporan bidang telah disetujui dan draf rekap telah disusun.\n"
    )
    if body:
        text += f"\n{body}\n"
    return text + (
        f"\nMutu Baku langkah 4: {mutu_baku}.\n"
        f"Bapak/Ibu dapat menambahkan catatan analisis, lalu mengirimkannya kepada Sekretaris."
    )


def telaah_request(tw: int, tahun: int, body: str, catatan: str | None, mutu_baku: str, kepala_dinas: bool) -> str:
    """Steps 5 and 6: the Sekretaris or the Kepala Dinas is asked to review."""
    who = "Kepala Dinas" if kepala_dinas else "Sekretaris"
    step = 6 if kepala_dinas else 5
    text = (
        f"{_head('Permohonan telaah laporan kinerja dinas', tw, tahun)}\n\n"
        f"Yth. Bapak/Ibu {who}, mohon menelaah laporan kinerja dinas berikut.\n"
    )
    if body:
        text += f"\n{body}\n"
    text += f"\nCatatan analisis Kasubbag: {catatan}\n" if catatan else "\nBelum ada catatan analisis.\n"
    return text + f"\nMutu Baku langkah {step}: {mutu_baku}."


def dinas_returned(tw: int, tahun: int, reason: str, by_role: str, actor_nama: str, for_kasubbag: bool) -> str:
    """Steps 5/6 returned: the Kasubbag (and the Sekretaris) get the reason."""
    text = (
        f"{_head('Laporan kinerja dinas dikembalikan', tw, tahun)}\n\n"
        f"Laporan dikembalikan oleh {role_name(by_role)} ({actor_nama}).\nAlasan: {reason}"
    )
    if for_kasubbag:
        text += (
            "\n\nBapak/Ibu dapat membuka kembali laporan salah satu bidang untuk diperbaiki, "
            "menambahkan catatan analisis, atau mengirimkan kembali laporan kepada Sekretaris."
        )
    return text


def rekomendasi_request(
    tw: int, tahun: int, bidang: Sequence[str], body: str = "", mutu_baku: str | None = None
) -> str:
    """Step 6: the Kepala Dinas is asked for the rekomendasi."""
    text = (
        f"{_head('Permohonan rekomendasi Kepala Dinas', tw, tahun)}\n\n"
        f"Yth. Bapak/Ibu Kepala Dinas, laporan telah Bapak/Ibu setujui. Mohon menuliskan rekomendasi "
        f"umum, dan bila perlu rekomendasi khusus untuk bidang tertentu ({', '.join(bidang)}).\n"
    )
    if body:
        text += f"\n{body}\n"
    if mutu_baku:
        text += f"\nMutu Baku langkah 6: {mutu_baku}."
    return text + "\nTekan tombol di bawah untuk menulis rekomendasi."


def rekomendasi_handed(tw: int, tahun: int, umum: str, per_bidang: Mapping[str, str], sekretaris: bool) -> str:
    """Steps 7 and 8: the Sekretaris and the Kasubbag are told the rekomendasi went on."""
    text = f"{_head('Rekomendasi Kepala Dinas telah diteruskan', tw, tahun)}\n\nRekomendasi umum: {umum}\n"
    if per_bidang:
        text += "Rekomendasi per bidang:\n" + "\n".join(f"- {k}: {v}" for k, v in per_bidang.items()) + "\n"
    if sekretaris:
        text += "\nLangkah 7: laporan dan rekomendasi telah diserahkan kepada Kasubbag (dicatat otomatis).\n"
    return text + (
        "Langkah 8: rekomendasi telah diteruskan kepada setiap bidang untuk ditindaklanjuti (dicatat otomatis)."
    )


def rekomendasi_for_bidang(tw: int, tahun: int, bidang_nama: str, umum: str, khusus: str | None, mutu_baku: str) -> str:
    """Step 9: each bidang gets the rekomendasi that concern it."""
    text = (
        f"{_head('Rekomendasi Kepala Dinas untuk ditindaklanjuti', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Rekomendasi umum: {umum}\n"
    )
    text += f"Rekomendasi khusus untuk bidang ini: {khusus}\n" if khusus else "Tidak ada rekomendasi khusus.\n"
    return text + f"\nMohon mencatat tindak lanjutnya. Mutu Baku langkah 9: {mutu_baku}."


def bidang_reopened(tw: int, tahun: int, bidang_nama: str, reason: str, actor_nama: str) -> str:
    """A bidang's approved report is opened again by the Kasubbag."""
    return (
        f"{_head('Laporan bidang dibuka kembali', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Laporan dibuka kembali oleh {actor_nama} untuk diperbaiki.\nAlasan: {reason}\n\n"
        f'Mohon diperbaiki melalui tombol "{BTN_BUKA_LAPORAN}" di bawah, lalu diajukan kembali.'
    )


def tindak_lanjut_recorded(tw: int, tahun: int, bidang_nama: str, teks: str, actor_nama: str) -> str:
    """Step 9: the Kasubbag is told a bidang recorded its tindak lanjut."""
    return (
        f"{_head('Tindak lanjut dicatat', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"{actor_nama} mencatat tindak lanjut:\n{teks}"
    )


def period_closed(tw: int, tahun: int) -> str:
    """The closing note to everyone."""
    return (
        f"{_head('Periode pelaporan kinerja ditutup', tw, tahun)}\n\n"
        f"Seluruh bidang telah mencatat tindak lanjut. Laporan kinerja {periode(tw, tahun)} telah "
        f"ditutup dan diarsipkan. Terima kasih atas kerja sama Bapak/Ibu.\n\n"
        f"Rekap dinas dan folder arsip dapat dibuka melalui tombol di bawah."
    )


def deadline_reminder(tw: int, tahun: int, bidang_nama: str, deadline: str, sisa: int, tz: ZoneInfo) -> str:
    """Reminder before/after the input deadline."""
    if sisa > 0:
        when = f"Batas pengisian {sisa} hari kerja lagi, yaitu {format_waktu(deadline, tz)}."
    elif sisa == 0:
        when = f"Hari ini adalah batas pengisian: {format_waktu(deadline, tz)}."
    else:
        when = f"Batas pengisian ({format_waktu(deadline, tz)}) telah terlampaui {-sisa} hari kerja."
    return (
        f"{_head('Pengingat pengisian laporan kinerja', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f'{when}\nMohon segera melengkapi dan mengajukan laporan melalui tombol "{BTN_BUKA_LAPORAN}" di bawah.'
    )


def tindak_lanjut_reminder(tw: int, tahun: int, bidang_nama: str) -> str:
    """Reminder to record the tindak lanjut."""
    return (
        f"{_head('Pengingat tindak lanjut rekomendasi', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Tindak lanjut atas rekomendasi Kepala Dinas belum dicatat. Mohon tekan tombol "
        f'"{BTN_CATAT_TINDAK_LANJUT}" pada pesan rekomendasi atau di bawah ini.'
    )


LANGKAH_SOP: dict[int, str] = {
    1: "pembagian format laporan",
    2: "pengisian realisasi",
    3: "koreksi laporan bidang",
    4: "analisis dan penyusunan rekap dinas",
    5: "telaah Sekretaris",
    6: "telaah dan rekomendasi Kepala Dinas",
    7: "penyerahan laporan dan rekomendasi kepada Kasubbag",
    8: "penerusan rekomendasi kepada bidang",
    9: "tindak lanjut rekomendasi",
}
"""What each step of SOP P-SEK-KP-09 is, as a reminder names it."""


def langkah(sop_step: int) -> str:
    """``Langkah 2 SOP (pengisian realisasi)``."""
    what = LANGKAH_SOP.get(sop_step)
    return f"Langkah {sop_step} SOP ({what})" if what else f"Langkah {sop_step} SOP"


def mutu_baku_reminder(
    tw: int,
    tahun: int,
    sop_step: int,
    bidang: str | None,
    since: str,
    mutu_baku: str,
    tz: ZoneInfo,
    deadline: str | None = None,
) -> str:
    """The holder of a step held it longer than its Mutu Baku (with the input deadline, which still holds)."""
    where = _bidang(bidang) if bidang else ""
    text = (
        f"{_head('Pengingat Mutu Baku', tw, tahun)}{where}\n\n"
        f"{langkah(sop_step)} berada pada Bapak/Ibu sejak {format_waktu(since, tz)}. Mutu Baku SOP untuk "
        f"langkah ini adalah {mutu_baku}, dan waktu tersebut telah terlampaui."
    )
    if deadline:
        # The input deadline (days later than step 2's Mutu Baku) still holds: no "segera" to the staff.
        text += (
            f"\nBatas pengisian laporan tetap {format_waktu(deadline, tz)}; mohon laporan diajukan "
            f"sebelum batas tersebut."
        )
    else:
        text += "\nMohon segera ditindaklanjuti."
    return text


def mutu_baku_escalation(
    tw: int,
    tahun: int,
    sop_step: int,
    bidang: str | None,
    since: str,
    mutu_baku: str,
    holder_role: str,
    holder_nama: str,
    tz: ZoneInfo,
) -> str:
    """The superior of a late holder is told."""
    where = _bidang(bidang) if bidang else ""
    return (
        f"{_head('Eskalasi Mutu Baku', tw, tahun)}{where}\n\n"
        f"{langkah(sop_step)} berada pada {role_name(holder_role)} ({holder_nama or '-'}) sejak "
        f"{format_waktu(since, tz)}, telah melewati dua kali Mutu Baku ({mutu_baku}). "
        f"Mohon perhatian Bapak/Ibu."
    )


def tamper_detected(tw: int, tahun: int, bidang_nama: str) -> str:
    """Approved data changed in the sheet."""
    return (
        f"{_head('Data yang telah disetujui berubah', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Isi lembar kerja bidang ini berbeda dari data yang telah disetujui. Rekap dinas tetap "
        f"memakai data yang disetujui. Mohon diperiksa."
    )


def _akses_label(akses: Mapping[str, Any]) -> str:
    """One removed permission as the Kasubbag reads it."""
    peran = {"reader": "pelihat", "commenter": "pemberi komentar", "writer": "editor"}.get(
        str(akses.get("role")), str(akses.get("role"))
    )
    if akses.get("type") == "anyone":
        return f"siapa saja yang memiliki tautan ({peran})"
    if akses.get("type") == "domain":
        return f"semua akun domain {akses.get('domain')} ({peran})"
    return f"{akses.get('email')} ({peran})"


def foreign_access_removed(
    tw: int,
    tahun: int,
    bidang_nama: str,
    akses: Sequence[Mapping[str, Any]],
    editor: Sequence[str],
    dihapus: bool = True,
) -> str:
    """Access to a bidang workbook outside the configured people was found (and removed, or not);
    the workbook is a button."""
    lines = "\n".join(f"- {_akses_label(a)}" for a in akses)
    if not dihapus:
        return (
            f"{_head('Akses lembar kerja di luar daftar tidak dapat dihapus', tw, tahun)}\n"
            f"{bidang_line(bidang_nama)}\n\n"
            f"Google tidak mengizinkan Kinerja Bot menghapus akses berikut (akun bot tidak lagi berhak "
            f"mengatur berbagi lembar kerja ini):\n{lines}\n\nMohon pemilik lembar kerja menghapusnya melalui tombol "
            f"Bagikan di Google Sheets."
        )
    pelaku = (
        f" Google Drive tidak mencatat siapa yang menambahkannya melalui API; yang dapat melakukannya adalah "
        f"editor lembar kerja ini ({', '.join(editor)}). Riwayatnya dapat dilihat pada panel Aktivitas berkas di "
        f"Google Drive."
        if editor
        else " Google Drive tidak mencatat siapa yang menambahkannya melalui API; riwayatnya dapat dilihat pada "
        "panel Aktivitas berkas di Google Drive."
    )
    return (
        f"{_head('Akses lembar kerja di luar daftar telah dihapus', tw, tahun)}\n{bidang_line(bidang_nama)}\n\n"
        f"Lembar kerja bidang ini dibagikan kepada pihak di luar editor dan peninjau yang tercantum di pengaturan:\n"
        f"{lines}\n\nKinerja Bot telah menghapus akses tersebut.{pelaku}"
    )


def workbook_missing(bidang_nama: str, reason: str) -> str:
    """A bidang's workbook cannot be found."""
    return (
        f"Lembar kerja bidang tidak ditemukan{_bidang(bidang_nama)}\n\n"
        f"Kinerja Bot tidak dapat menemukan lembar kerja bidang ini ({reason}). Mohon diperiksa di Google Drive."
    )


def access_lost(bidang_nama: str) -> str:
    """The bot lost access to a workbook."""
    return (
        f"Akses ke lembar kerja bidang hilang{_bidang(bidang_nama)}\n\n"
        f"Akun Kinerja Bot tidak lagi memiliki akses ke lembar kerja bidang ini. Mohon bagikan kembali "
        f"lembar kerja tersebut kepada akun Kinerja Bot sebagai Editor."
    )


def recipient_unreachable(nama: str, role: str, bidang: str | None) -> str:
    """The Kasubbag is told someone cannot be reached (blocked the bot)."""
    who = role_name(role, bidang)
    return (
        f"Penerima tidak dapat dihubungi\n\n"
        f"Pesan Kinerja Bot kepada {nama} ({who}) tidak dapat dikirim; kemungkinan yang bersangkutan "
        f"memblokir bot. Mohon hubungi yang bersangkutan agar membuka bot dan mengirim /start."
    )


def master_reminder(
    tahun: int, path: str, opens_at: str, problem: str | None, overdue: bool, tz: ZoneInfo, tab: str | None = None
) -> str:
    """The Kasubbag is reminded to provide a coming year's master list of indicators.

    ``tab``: the list is kept in the master sheet, on this tab (``path`` then names the tab and the sheet).
    """
    where = "Daftar indikator" if tab else "Berkas daftar indikator"
    if problem:
        state = f"{where} tahun {tahun} sudah ada tetapi belum dapat dipakai: {problem}"
    else:
        state = f"Daftar indikator (daftar induk) tahun {tahun} belum tersedia."
    if overdue:
        plan = (
            f"Periode tahun {tahun} sudah waktunya dibuka, tetapi format laporan belum dapat dibagikan. "
            "Pembagian format berjalan otomatis begitu daftar indikator dapat dibaca."
        )
    else:
        plan = (
            f"Triwulan I {tahun} dibuka {format_waktu(opens_at, tz)}; format laporan setiap bidang "
            f"tahun {tahun} disusun dari daftar tersebut."
        )
    if tab:
        ask = (
            f"Mohon Bapak/Ibu mengisi daftar indikator tahun {tahun} (target dan pagu sesuai DPA) pada tab "
            f'"{tab}" lembar kerja daftar induk, lalu memeriksanya dengan /induk {tahun}.'
        )
    else:
        ask = (
            f"Mohon Bapak/Ibu menyerahkan daftar indikator tahun {tahun} (target dan pagu sesuai DPA) kepada admin "
            f"untuk dipasang di {path}, lalu admin memeriksanya dengan perintah doctor."
        )
    return f"Daftar indikator tahun {tahun}\n\n{state}\n{plan}\n\n{ask}"


def period_held(tw: int, tahun: int, waiting_for: Sequence[str]) -> str:
    """The Kasubbag is told a new year's period waits for the earlier year's periods to close."""
    waiting = ", ".join(waiting_for)
    return (
        f"{periode(tw, tahun)} belum dibuka\n\n"
        f"Menurut jadwal {periode(tw, tahun)} sudah waktunya dibuka, tetapi periode tahun sebelumnya masih "
        f"berjalan: {waiting}. Tahun anggaran baru dimulai setelah periode tersebut ditutup dan diarsipkan; "
        f"{periode(tw, tahun)} lalu dibuka otomatis. Lihat /status untuk langkah yang masih tertahan."
    )


def action_resumed(
    action: str, bidang_nama: str | None, tw: int, tahun: int, pressed_at: str, tz: ZoneInfo, reason: str | None
) -> str:
    """An action a stop of the service interrupted, carried out after the restart (or not)."""
    what = f"{action} {bidang_nama}" if bidang_nama else action
    head = (
        f"Tindakan Bapak/Ibu ({what}, {periode(tw, tahun)}) pada {format_waktu(pressed_at, tz)} "
        f"terhenti karena layanan Kinerja Bot dimulai ulang."
    )
    if reason is None:
        return f"{head}\nTindakan tersebut telah diselesaikan setelah layanan berjalan kembali dan telah tercatat."
    return (
        f"{head}\nTindakan tersebut tidak dapat diselesaikan: {reason}\n"
        f"Laporan tidak berubah; tombol pada pesan permintaan masih dapat digunakan."
    )


def action_failed(event: str) -> str:
    """A press whose Google effect failed: nothing changed, the buttons still work."""
    return (
        f"Maaf, tindakan ({event_label(event)}) belum berhasil karena layanan Google tidak dapat dihubungi. "
        f"Laporan tidak berubah dan tombolnya masih dapat digunakan; silakan coba lagi beberapa saat lagi."
    )


def unknown_kind(kind: str) -> str:
    """A notification kind this version cannot render (should not happen)."""
    return f"Pemberitahuan dari Kinerja Bot ({kind})."


# --- outcomes after a decision --------------------------------------------------------------------

OUTCOME_SETUJUI_DISTRIBUSI = "Disetujui"
OUTCOME_TUNDA = "Ditunda"
OUTCOME_SETUJUI = "Disetujui"
OUTCOME_KEMBALIKAN = "Dikembalikan"
OUTCOME_KIRIM_SEKRETARIS = "Dikirim kepada Sekretaris"
OUTCOME_TERUSKAN = "Diteruskan kepada Kepala Dinas"
OUTCOME_REKOMENDASI = "Rekomendasi diberikan"
OUTCOME_TINDAK_LANJUT = "Tindak lanjut dicatat"
OUTCOME_BUKA_KEMBALI = "Dibuka kembali"
OUTCOME_ANALISIS = "Catatan analisis ditambahkan"


LABEL_REKOMENDASI = "Rekomendasi"
LABEL_TINDAK_LANJUT = "Tindak lanjut"


def outcome(what: str, nama: str, when: str, detail: str | None = None) -> str:
    """The line that replaces the buttons: what, by whom, when (and the reason or text)."""
    line = f"\n\n>> {what} oleh {nama} pada {when}."
    if detail:
        line += f"\n{detail}"
    return line


def outcome_reason(reason: str) -> str:
    """The reason shown in an outcome."""
    return f"Alasan: {reason}"


def outcome_text(label: str, text: str) -> str:
    """A text shown in an outcome."""
    return f"{label}: {text}"


# --- prompts (ForceReply) -------------------------------------------------------------------------

PLACEHOLDER_ALASAN = "Tulis alasan"
PLACEHOLDER_ANALISIS = "Tulis catatan analisis"
PLACEHOLDER_REKOMENDASI = "Tulis rekomendasi"
PLACEHOLDER_TINDAK_LANJUT = "Tulis tindak lanjut"


def prompt_alasan(what: str, tw: int, tahun: int) -> str:
    """Kembalikan: ask for the reason."""
    return (
        f"Mohon tuliskan alasan {what} ({periode(tw, tahun)}) dengan membalas pesan ini. "
        f"Tanpa alasan, laporan tidak akan dikembalikan."
    )


def prompt_analisis(tw: int, tahun: int) -> str:
    """Tambah analisis: ask for the note."""
    return (
        f"Mohon tuliskan catatan analisis untuk laporan kinerja dinas {periode(tw, tahun)} dengan "
        f"membalas pesan ini. Catatan baru menggantikan catatan sebelumnya."
    )


def prompt_rekomendasi(tw: int, tahun: int, kodes: Sequence[str]) -> str:
    """Tulis rekomendasi: ask for the general and optional per-bidang rekomendasi."""
    contoh = kodes[0] if kodes else "KODE"
    return (
        f"Mohon tuliskan rekomendasi untuk {periode(tw, tahun)} dengan membalas pesan ini.\n"
        f"Baris-baris biasa menjadi rekomendasi umum. Untuk rekomendasi khusus suatu bidang, tulis "
        f"pada baris tersendiri diawali kode bidang dan titik dua, misalnya:\n"
        f"{contoh}: Tingkatkan ...\n"
        f"Kode bidang: {', '.join(kodes)}. Baris yang diawali kode lain, atau kode tanpa isi, ditolak."
    )


def prompt_tindak_lanjut(tw: int, tahun: int, bidang_nama: str) -> str:
    """Catat tindak lanjut: ask for the text."""
    return (
        f"Mohon tuliskan tindak lanjut {bidang_nama} atas rekomendasi Kepala Dinas "
        f"({periode(tw, tahun)}) dengan membalas pesan ini."
    )


def prompt_alasan_buka_kembali(bidang_nama: str, tw: int, tahun: int) -> str:
    """Buka kembali: ask for the reason."""
    return (
        f"Mohon tuliskan alasan membuka kembali laporan {bidang_nama} ({periode(tw, tahun)}) dengan membalas pesan ini."
    )


WHAT_KOREKSI = "pengembalian laporan bidang"
WHAT_TELAAH = "pengembalian laporan kinerja dinas"

# --- answers to presses and replies -----------------------------------------------------------------

# Every press is answered before its action reaches Google (Telegram refuses an answer after
# about 15 s); the outcome, or why it did not take effect, follows on the message.
ANS_IN_PROGRESS = "Sedang diproses. Hasilnya akan disampaikan pada pesan ini."
ANS_DONE = "Sudah dicatat. Hasilnya tertera pada pesan ini."
ANS_ALREADY_PRESSED = "Tombol ini sedang diproses; tidak perlu ditekan lagi."
ANS_PROMPT_SENT = "Silakan tulis dengan membalas pesan yang baru dikirim."
ANS_BAD_BUTTON = "Maaf, tombol ini tidak dikenali atau sudah tidak berlaku."
ANS_UNBOUND = "Maaf, akun Telegram Bapak/Ibu belum terdaftar. Kirim /daftar KODE terlebih dahulu."
ANS_ERROR = "Maaf, terjadi gangguan. Silakan coba beberapa saat lagi."
ANS_PROMPT_NOT_YOURS = "Maaf, permintaan ini bukan untuk Bapak/Ibu."
ANS_PROMPT_DONE = "Permintaan ini sudah dijawab sebelumnya; tidak ada perubahan."
ANS_FREE_TEXT = (
    "Mohon maaf, pesan ini tidak dapat diproses. Bila Bapak/Ibu hendak menjawab permintaan Kinerja Bot "
    "(alasan, catatan, rekomendasi, tindak lanjut), mohon gunakan fitur Balas pada pesan "
    "permintaan tersebut. Ketik /bantuan untuk daftar perintah."
)


def reply_done(what: str) -> str:
    """After a prompt was answered successfully."""
    return f"Terima kasih. {what}."


REPLY_RETURNED = "Laporan telah dikembalikan beserta alasannya"
REPLY_ANALISIS = "Catatan analisis telah disimpan"
REPLY_REKOMENDASI = "Rekomendasi telah disimpan dan diteruskan kepada Sekretaris, Kasubbag, dan setiap bidang"
REPLY_TINDAK_LANJUT = "Tindak lanjut telah dicatat pada rekap dinas"
REPLY_REOPENED = "Laporan bidang telah dibuka kembali"


def refused(reason: str) -> str:
    """A refusal from the workflow, shown as it is."""
    return reason


# --- commands ---------------------------------------------------------------------------------------

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Mulai dan lihat peran Bapak/Ibu"),
    ("daftar", "Daftar dengan kode undangan: /daftar KODE"),
    ("status", "Status laporan kinerja periode berjalan (boleh: /status TW II 2026)"),
    ("rekap", "Tautan, ringkasan, dan grafik rekap dinas (boleh: /rekap TW IV 2026)"),
    ("kirim", "Ajukan laporan triwulan bidang (staf)"),
    ("plh", "Tunjuk Plh selama Bapak/Ibu berhalangan: /plh NAMA MULAI SELESAI"),
    ("induk", "Periksa lembar kerja daftar induk indikator (Kasubbag)"),
    ("perubahan", "Terapkan target APBD Perubahan: /perubahan TANGGAL (Kasubbag)"),
    ("bantuan", "Apa yang dapat Bapak/Ibu lakukan"),
)


def start_bound(nama: str, role: str, bidang_nama: str | None) -> str:
    """/start for a bound person (named without "Bapak/Ibu" in front: docs/istilah.md)."""
    return (
        f"Selamat datang di Kinerja Bot.\n"
        f"Akun Telegram ini terdaftar atas nama {nama} sebagai {role_name(role, bidang_nama)}.\n"
        f"Ketik /bantuan untuk melihat apa yang dapat Bapak/Ibu lakukan."
    )


def start_unbound(dinas: str, telegram_id: int) -> str:
    """/start (or any action) from an unbound person: how to register, and their Telegram id for the admin."""
    return (
        f"Selamat datang di Kinerja Bot {dinas}.\n\n"
        f"Akun Telegram Bapak/Ibu belum terdaftar. Untuk mendaftar, mohon minta tautan atau kode undangan "
        f"kepada admin Kinerja Bot, lalu buka tautannya dan tekan Mulai, atau kirim:\n/daftar KODE\n\n"
        f"ID Telegram Bapak/Ibu: {telegram_id}\n"
        f"Admin dapat mencatat ID ini di pengaturan (telegram_id) sebagai ganti kode undangan; pegawai yang "
        f"ID Telegram-nya sudah tercatat di pengaturan tidak perlu mendaftar."
    )


DAFTAR_USAGE = "Mohon kirim kode undangan bersama perintahnya, misalnya: /daftar ABCD234XYZ"


def daftar_ok(nama: str, role: str, bidang_nama: str | None) -> str:
    """/daftar succeeded."""
    return (
        f"Pendaftaran berhasil. Selamat datang di Kinerja Bot.\n"
        f"Akun Telegram ini terdaftar atas nama {nama} sebagai {role_name(role, bidang_nama)}.\n"
        f"Ketik /bantuan untuk melihat apa yang dapat Bapak/Ibu lakukan."
    )


def daftar_already(nama: str) -> str:
    """/daftar from someone already bound."""
    return f"Akun Telegram ini sudah terdaftar atas nama {sentence_end(nama)}. Tidak ada perubahan."


HELP_COMMON = (
    "/status - status laporan kinerja periode berjalan\n"
    "Periode lain dapat disebut sesudah perintah, misalnya /status TW II 2026 atau /rekap 4 2026.\n"
    "/bantuan - pesan ini"
)
HELP_BY_ROLE: dict[str, str] = {
    "staf": (
        "Sebagai staf pengisi laporan, Bapak/Ibu:\n"
        "- mengisi realisasi triwulan pada tautan Google Sheets yang dikirim Kinerja Bot;\n"
        '- mengajukan laporan dengan mengubah Status Pengisian menjadi "Siap Dikoreksi" atau dengan /kirim;\n'
        "- mengirim foto atau berkas PDF bukti dukung langsung ke Kinerja Bot (nomor indikator sebagai "
        "keterangan, atau pilih indikatornya dari tombol);\n"
        "- menerima hasil pemeriksaan per sel dan hasil koreksi Kepala Bidang.\n\n"
        "/kirim - ajukan laporan triwulan yang sedang dibuka"
    ),
    "kepala_bidang": (
        "Sebagai Kepala Bidang, Bapak/Ibu:\n"
        "- mengoreksi laporan bidang (langkah 3) dengan tombol Setujui atau Kembalikan (dengan alasan);\n"
        "- mencatat tindak lanjut rekomendasi Kepala Dinas (langkah 9) dengan tombol Catat tindak lanjut.\n\n"
        "/rekap - tautan, ringkasan, dan grafik rekap dinas"
    ),
    "kasubbag_kpep": (
        "Sebagai Kasubbag Keuangan, Perencanaan, Evaluasi, dan Pelaporan, Bapak/Ibu:\n"
        "- menerima draf rekap dinas, menambahkan catatan analisis (Tambah analisis), lalu menekan "
        "Kirim ke Sekretaris (langkah 4);\n"
        "- bila laporan dikembalikan, membuka kembali laporan bidang atau mengirim ulang;\n"
        "- menerima laporan tindak lanjut dan pemberitahuan bila ada penerima yang tidak dapat dihubungi.\n\n"
        "/rekap - tautan, ringkasan, dan grafik rekap dinas"
    ),
    "sekretaris": (
        "Sebagai Sekretaris, Bapak/Ibu:\n"
        "- menyetujui atau menunda pembagian format laporan (langkah 1);\n"
        "- mengoreksi laporan Sekretariat (langkah 3) bila Sekretariat tidak memiliki kepala sendiri;\n"
        "- menelaah laporan dinas: Teruskan ke Kepala Dinas atau Kembalikan dengan alasan (langkah 5).\n\n"
        "/rekap - tautan, ringkasan, dan grafik rekap dinas"
    ),
    "kepala_dinas": (
        "Sebagai Kepala Dinas, Bapak/Ibu:\n"
        "- menelaah laporan dinas: Setujui atau Kembalikan dengan alasan (langkah 6);\n"
        "- memberikan rekomendasi umum dan, bila perlu, rekomendasi per bidang.\n\n"
        "/rekap - tautan, ringkasan, dan grafik rekap dinas"
    ),
}


def bantuan(role: str, pending: int, details: int) -> str:
    """/bantuan's first message: what the role does, the commands, and what waits for the person now
    (``pending`` items wait for their action; ``details`` messages follow, one per item)."""
    if pending:
        now = f"Ada {pending} hal yang menunggu tindakan Bapak/Ibu saat ini; rinciannya pada pesan berikut."
    else:
        now = "Saat ini tidak ada yang menunggu tindakan Bapak/Ibu."
        if details:
            now += " Keadaan laporan bidang Bapak/Ibu ada pada pesan berikut."
    return f"{HELP_BY_ROLE.get(role, '')}{help_extra(role)}\n{HELP_COMMON}\n\n{now}"


def bantuan_koreksi(tw: int, tahun: int, bidang_nama: str, since: datetime, tz: ZoneInfo) -> str:
    """/bantuan: a report waits for this person's koreksi (step 3); Setujui/Kembalikan below."""
    return (
        f"{_head('Menunggu koreksi Bapak/Ibu', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Laporan bidang telah diajukan pada {format_waktu(since, tz)} dan menunggu koreksi (langkah 3). "
        f'Silakan buka laporan, lalu pilih "{BTN_SETUJUI}" atau "{BTN_KEMBALIKAN}".'
    )


def bantuan_staf(
    tw: int,
    tahun: int,
    bidang_nama: str,
    state_label: str,
    deadline: datetime | None,
    tz: ZoneInfo,
    can_submit: bool,
    reason: str | None,
) -> str:
    """/bantuan for staff: their bidang's report, and how to submit it while input is open."""
    text = f"{_head('Laporan bidang Bapak/Ibu', tw, tahun)}{_bidang(bidang_nama)}\n\nKeadaan laporan: {state_label}."
    if reason:
        text += f"\nAlasan terakhir: {reason}"
    if can_submit:
        if deadline is not None:
            text += f"\nBatas pengisian: {format_waktu(deadline, tz)}."
        text += (
            f'\n\nCara mengajukan: isi realisasi melalui tombol "{BTN_BUKA_LAPORAN}" di bawah, lalu ubah Status '
            f'Pengisian menjadi "Siap Dikoreksi" pada tab Status, atau kirim /kirim di sini.'
        )
    return text


def bantuan_tindak_lanjut(tw: int, tahun: int, bidang_nama: str) -> str:
    """/bantuan: the bidang's tindak lanjut of the rekomendasi is still to be recorded (step 9)."""
    return (
        f"{_head('Menunggu tindak lanjut Bapak/Ibu', tw, tahun)}{_bidang(bidang_nama)}\n\n"
        f"Tindak lanjut atas rekomendasi Kepala Dinas belum dicatat (langkah 9). "
        f'Tekan "{BTN_CATAT_TINDAK_LANJUT}" untuk mencatatnya.'
    )


def bantuan_dinas(tw: int, tahun: int, state_label: str, since: datetime, tz: ZoneInfo) -> str:
    """/bantuan: the dinas report waits for this person's step; its actions below."""
    return (
        f"{_head('Menunggu tindakan Bapak/Ibu', tw, tahun)}\n\n"
        f"Laporan kinerja dinas {state_label} sejak {format_waktu(since, tz)}. Silakan pilih tindakan di bawah."
    )


# /status

STATUS_NO_PERIOD = "Belum ada periode pelaporan kinerja yang dimulai."


def status_header(tw: int, tahun: int, state_label: str, deadline: datetime | None, tz: ZoneInfo) -> str:
    """First lines of /status."""
    text = f"Status laporan kinerja {periode(tw, tahun)}\nTahap dinas: {state_label}"
    if deadline is not None:
        text += f"\nBatas pengisian: {format_waktu(deadline, tz)}"
    return text


def status_holder(
    holder: str, names: Sequence[str], since: datetime, elapsed: timedelta, mutu_baku: str, late: bool, tz: ZoneInfo
) -> str:
    """Who holds a step, since when, against its Mutu Baku."""
    who = f"{holder} ({', '.join(names)})" if names else holder
    verdict = "melewati Mutu Baku" if late else "masih dalam Mutu Baku"
    return (
        f"  Di tangan: {who}, sejak {format_waktu(since, tz)} ({format_durasi(elapsed)}; "
        f"Mutu Baku {mutu_baku}, {verdict})"
    )


def status_bidang(nama: str, kode: str, state_label: str) -> str:
    """A bidang's line in /status."""
    return f"- {nama} ({kode}): {state_label}"


def status_reason(reason: str) -> str:
    """The last return reason in /status."""
    return f"  Alasan terakhir: {reason}"


def status_tindak_lanjut(teks: str | None) -> str:
    """A bidang's tindak lanjut in /status."""
    return f"  Tindak lanjut: {teks}" if teks else "  Tindak lanjut: belum dicatat"


PERIOD_ARGS_USAGE = (
    "Mohon sebut satu triwulan dan/atau satu tahun sesudah perintah, misalnya /status TW II 2026, "
    "/status 2026 atau /rekap 4."
)


def period_not_found(tw: int | None, tahun: int | None) -> str:
    """A command named a period the bot has not started."""
    if tw is None:
        return f"Belum ada periode pelaporan kinerja tahun {tahun}."
    label = periode(tw, tahun) if tahun is not None else tw_label(tw)
    return f"Periode {label} belum dimulai."


# /rekap

REKAP_NONE = "Rekap dinas belum tersedia untuk periode ini; rekap disusun setelah seluruh bidang disetujui."
REKAP_NOT_ALLOWED = "Maaf, rekap dinas hanya dapat dilihat oleh Kepala Bidang dan pejabat dinas."


def rekap_message(tw: int, tahun: int, body: str, catatan: str | None) -> str:
    """/rekap (the rekap workbook is a button)."""
    text = f"Rekap laporan kinerja dinas {periode(tw, tahun)}"
    if body:
        text += f"\n\n{body}"
    if catatan:
        text += f"\n\nCatatan analisis: {catatan}"
    return text


def chart_caption(tw: int, tahun: int) -> str:
    """The caption of the capaian chart."""
    return f"Capaian per bidang, {periode(tw, tahun)}"


CHART_TITLE = "Rata-rata capaian per bidang"
CHART_YLABEL = "Capaian (%)"
CHART_NO_DATA = "Belum ada capaian"

# /kirim

KIRIM_NOT_STAFF = "Maaf, perintah /kirim hanya untuk staf pengisi laporan bidang."
KIRIM_NO_PERIOD = "Saat ini tidak ada triwulan yang dibuka untuk pengisian."


def kirim_ok(tw: int, tahun: int, sekretaris_corrects: bool = False) -> str:
    """/kirim accepted (naming who corrects: the Sekretaris for the Sekretariat)."""
    who = korektor(sekretaris_corrects)
    return f"Laporan {periode(tw, tahun)} telah diajukan untuk dikoreksi {who}. Terima kasih."


def kirim_invalid(tw: int, tahun: int, errors: int) -> str:
    """/kirim found errors."""
    return (
        f"Laporan {periode(tw, tahun)} belum dapat diajukan: ditemukan {errors} kesalahan. "
        f"Rincian per sel dikirim dalam pesan terpisah dan dicatat pada kolom Catatan Validasi."
    )


KIRIM_READ_FAILED = "Mohon maaf, lembar kerja bidang tidak dapat dibaca saat ini. Silakan coba beberapa saat lagi."


def kirim_other_bidang(bidang_nama: str) -> str:
    """/kirim naming a bidang other than the sender's own."""
    return (
        f"Maaf, Bapak/Ibu hanya dapat mengajukan laporan {bidang_nama}. "
        f"Kirim /kirim tanpa kode bidang untuk mengajukannya."
    )


# --- bukti dukung sent to the bot (a photo or a PDF) ----------------------------------------------------

EVIDENCE_UNSUPPORTED = (
    "Mohon maaf, bukti dukung diterima dalam bentuk foto, gambar (JPG atau PNG), atau berkas PDF; berkas "
    "jenis ini tidak disimpan. Dokumen lain mohon disimpan di Google Drive, lalu tautannya diisi pada kolom "
    "Bukti Dukung (tautan) di lembar kerja bidang."
)
EVIDENCE_SAVING = "Bukti dukung sedang disimpan."
EVIDENCE_GONE = "Foto atau berkas yang dimaksud tidak ditemukan lagi. Mohon kirim ulang bukti dukungnya."
EVIDENCE_FAILED = (
    "Mohon maaf, bukti dukung belum dapat disimpan ke Google Drive saat ini. Silakan kirim ulang beberapa saat lagi."
)
BTN_INDIKATOR_MAX = 60  # characters of an indicator's name on its button


def evidence_too_big(limit_mb: int) -> str:
    """A file larger than a bot may download from Telegram."""
    return (
        f"Mohon maaf, berkas ini lebih besar dari {limit_mb} MB, batas berkas yang dapat diunduh Kinerja Bot "
        "dari Telegram. Mohon perkecil berkasnya (misalnya dipindai dengan resolusi lebih rendah) lalu kirim "
        "ulang, atau simpan di Google Drive dan isi tautannya pada kolom Bukti Dukung (tautan)."
    )


def evidence_choose(bidang_nama: str, tw: int, tahun: int) -> str:
    """The question under a photo or file whose caption names no indicator."""
    return (
        f"Bukti dukung ini untuk indikator {bidang_nama} {periode(tw, tahun)} yang mana? Mohon pilih salah satu "
        "di bawah ini.\n\nBapak/Ibu juga dapat menuliskan nomor indikator (kolom No pada lembar Realisasi) "
        "sebagai keterangan foto atau berkas, misalnya: 3"
    )


def evidence_number_needed(count: int) -> str:
    """A bidang with too many indicators to offer as buttons."""
    return (
        f"Bidang ini memiliki {count} indikator. Mohon kirim ulang foto atau berkasnya dengan nomor indikator "
        "(kolom No pada lembar Realisasi) sebagai keterangan, misalnya: 3"
    )


def btn_indikator(no: int, nama: str) -> str:
    """Label of the button choosing indicator ``no`` for a bukti dukung."""
    label = f"{no}. {nama}"
    return label if len(label) <= BTN_INDIKATOR_MAX else label[: BTN_INDIKATOR_MAX - 1].rstrip() + "…"


BTN_BUKA_BUKTI = "Buka berkas"
BTN_BUKA_FOLDER_BUKTI = "Buka folder bukti dukung"


def evidence_stored(no: int, nama: str, tw: int, tahun: int, cell: str) -> str:
    """The confirmation after a bukti dukung was kept and linked (the file and its folder are buttons)."""
    return (
        f"Bukti dukung tersimpan untuk indikator {no}. {nama} ({periode(tw, tahun)}).\n"
        f"Tautannya telah ditambahkan pada sel {cell} (kolom Bukti Dukung (tautan)) di lembar Realisasi. "
        f"Berkas dan folder bukti dukung triwulan ini dapat dibuka melalui tombol di bawah."
    )


def outcome_evidence(no: int, nama: str, when: str) -> str:
    """The line that replaces the indicator buttons once the bukti dukung is kept."""
    return f"\n\n>> Disimpan untuk indikator {no}. {nama} pada {when}."


# --- messages the bot does not act on -------------------------------------------------------------------

UNKNOWN_COMMAND = "Maaf, perintah tersebut tidak dikenal. Ketik /bantuan untuk melihat perintah yang tersedia."
NOT_TEXT = (
    "Mohon maaf, Kinerja Bot hanya memproses pesan teks, perintah, serta foto atau berkas PDF bukti dukung; "
    "stiker, pesan suara, dan video tidak diproses. Ketik /bantuan untuk daftar perintah."
)

# --- text splitting -------------------------------------------------------------------------------------


PART_MARKER_PREFIX = "(bagian "


def part_marker(index: int, total: int) -> str:
    """Marks a part of a message split over Telegram's limit."""
    return f"{PART_MARKER_PREFIX}{index}/{total})"


# --- refusals (workflow) -----------------------------------------------------------------------------
# Reasons of bot.workflow.errors.ActionRefused: answered in Telegram and printed by the command line.

REFUSAL_PERIOD_NOT_FOUND = "Periode tidak ditemukan."
REFUSAL_SYSTEM_ONLY = "Langkah ini dijalankan otomatis oleh Kinerja Bot."
REFUSAL_BIDANG_NOT_NAMED = "Bidang untuk tindakan ini belum disebutkan."
REFUSAL_START_PERIOD_ROLE = "Maaf, periode hanya dapat dimulai oleh Kasubbag atau sesuai jadwal."
REFUSAL_TW_RANGE = "Triwulan harus 1 sampai 4."
REFUSAL_ROLE_NOT_REGISTRABLE = "Peran tersebut tidak dapat didaftarkan."
REFUSAL_ROLE_NEEDS_BIDANG = "Peran ini memerlukan kode bidang (--bidang)."
REFUSAL_ROLE_WITHOUT_BIDANG = "Peran ini tidak terikat pada bidang; jangan isi --bidang."
REFUSAL_NAME_REQUIRED = "Nama wajib diisi."
REFUSAL_INVITE_LOCKED_OUT = "Terlalu banyak kode yang salah. Silakan coba lagi satu jam lagi."
REFUSAL_INVITE_UNKNOWN = "Kode undangan tidak dikenal. Mohon periksa kembali kode tersebut."
REFUSAL_INVITE_USED = "Kode undangan ini sudah dipakai."
REFUSAL_INVITE_EXPIRED = "Kode undangan ini sudah kedaluwarsa. Mohon minta kode baru kepada admin Kinerja Bot."

# What a typed text is called when it is missing or too short (refusal_text_required / _too_short).
FIELD_ALASAN_PENGEMBALIAN = "Alasan pengembalian"
FIELD_ALASAN_BUKA_KEMBALI = "Alasan membuka kembali"
FIELD_CATATAN_ANALISIS = "Catatan analisis"
FIELD_REKOMENDASI_UMUM = "Rekomendasi umum"
FIELD_TINDAK_LANJUT = "Tindak lanjut"


def refusal_unknown_bidang(kode: str) -> str:
    """A bidang code that is not configured."""
    return f'Kode bidang "{kode}" tidak dikenal.'


_REKOMENDASI_AGAIN = (
    "Rekomendasi belum dicatat; mohon balas kembali pesan permintaan rekomendasi dengan teks yang telah diperbaiki."
)


def refusal_rekomendasi_unknown_code(line: str, kodes: Sequence[str]) -> str:
    """A rekomendasi line starts with a code no bidang has (``ZZZ: ...``)."""
    return (
        f'Baris "{line}" diawali kode bidang yang tidak dikenal. Kode bidang yang berlaku: {", ".join(kodes)}. '
        f"{_REKOMENDASI_AGAIN}"
    )


def refusal_rekomendasi_empty(kode: str, line: str | None = None) -> str:
    """A rekomendasi for one bidang with nothing after its code (``HIJ:``)."""
    where = f'Baris "{line}" tidak' if line else f"Rekomendasi khusus untuk bidang {kode} tidak"
    return (
        f"{where} berisi rekomendasi untuk bidang {kode}. Tuliskan rekomendasinya setelah titik dua, atau "
        f"hapus baris itu. {_REKOMENDASI_AGAIN}"
    )


def refusal_report_not_found(kode: str, tw: int, tahun: int) -> str:
    """The period has no report for this bidang."""
    return f"Laporan bidang {kode} untuk {tw_label(tw)} {tahun} tidak ditemukan."


def refusal_only_role(role: str) -> str:
    """The step belongs to another role (Kepala Dinas, Sekretaris, Kasubbag)."""
    return f"Maaf, langkah ini hanya dapat dilakukan oleh {ROLE_NAMES.get(str(role), str(role))}."


def refusal_only_kepala_bidang(bidang_nama: str, sekretaris_corrects: bool) -> str:
    """The koreksi step belongs to the bidang's Kepala (the Sekretaris for the Sekretariat)."""
    who = ROLE_NAMES["sekretaris"] if sekretaris_corrects else f"Kepala {bidang_nama}"
    return f"Maaf, langkah ini hanya dapat dilakukan oleh {who}."


def refusal_only_staf(bidang_nama: str) -> str:
    """The step belongs to the staff of this bidang."""
    return f"Maaf, langkah ini hanya dapat dilakukan oleh staf {bidang_nama}."


def refusal_dinas_state(tw: int, tahun: int, state: str) -> str:
    """The dinas report's state has no such step now."""
    return (
        f"Laporan kinerja dinas {tw_label(tw)} {tahun} "
        f"{STATE_LABELS[state]}; tindakan ini tidak dapat dilakukan sekarang."
    )


def refusal_bidang_locked(tw: int, tahun: int, dinas_state: str) -> str:
    """Bidang reports can change only while the dinas report is collecting."""
    return (
        f"Laporan kinerja dinas {tw_label(tw)} {tahun} "
        f"{STATE_LABELS[dinas_state]}; laporan bidang tidak dapat diubah sekarang."
    )


def refusal_bidang_state(bidang_nama: str, tw: int, tahun: int, state: str, sekretaris_corrects: bool = False) -> str:
    """The bidang report's state has no such step now."""
    return (
        f"Laporan {bidang_nama} {tw_label(tw)} {tahun} "
        f"{bidang_state_label(state, sekretaris_corrects)}; tindakan ini tidak dapat dilakukan sekarang."
    )


def refusal_bidang_not_in_period(kode: str) -> str:
    """A tindak lanjut for a bidang the period does not include."""
    return f"Bidang {kode} tidak termasuk periode ini."


def refusal_tindak_lanjut_recorded(bidang_nama: str) -> str:
    """The bidang's tindak lanjut is already recorded."""
    return f"Tindak lanjut {bidang_nama} sudah dicatat."


def refusal_text_required(what: str) -> str:
    """A reason, note or rekomendasi left empty (``what`` is one of the FIELD_ labels)."""
    return f"{what} wajib diisi."


def refusal_text_too_short(what: str, min_length: int) -> str:
    """A reason, note or rekomendasi shorter than ``min_length`` characters."""
    return f"{what} terlalu singkat; tuliskan paling sedikit {min_length} huruf."


def refusal_period_started(tw: int, tahun: int) -> str:
    """The period was opened before."""
    return f"Periode {tw_label(tw)} {tahun} sudah dimulai."


def refusal_distribution_failed(kodes: Iterable[str]) -> str:
    """Some bidang workbooks could not be distributed."""
    return f"Pembagian format gagal untuk bidang {', '.join(sorted(kodes))}."


def refusal_no_running_period(tw: int, tahun: int) -> str:
    """A submission for a TW with no open period."""
    return f"Tidak ada periode {tw_label(tw)} {tahun} yang berjalan."


REFUSAL_EVIDENCE_NOT_STAFF = (
    "Maaf, bukti dukung dikirim oleh staf pengisi laporan bidang; foto dan berkas dari peran lain tidak disimpan."
)
REFUSAL_EVIDENCE_NO_PERIOD = (
    "Saat ini belum ada triwulan yang dibuka untuk pengisian; bukti dukung dapat dikirim setelah format "
    "laporan dibagikan."
)
REFUSAL_EVIDENCE_STALE = (
    "Pilihan ini tidak berlaku lagi karena triwulan yang dibuka untuk pengisian telah berganti. "
    "Mohon kirim ulang bukti dukungnya."
)


def refusal_evidence_closed(bidang_nama: str, tw: int, tahun: int, report_state: str, dinas_state: str) -> str:
    """A bukti dukung sent while the bidang's report is not open for input."""
    if dinas_state != "pengumpulan":
        status = f"Laporan kinerja dinas {periode(tw, tahun)}: {STATE_LABELS[dinas_state]}"
    else:
        status = f"Laporan {bidang_nama} {periode(tw, tahun)}: {STATE_LABELS[report_state]}"
    return (
        f"Bukti dukung belum dapat disimpan karena pengisian tidak sedang dibuka ({status}). Bukti dukung dapat "
        "dikirim selama pengisian dibuka, termasuk bila laporan dikembalikan untuk diperbaiki."
    )


def refusal_evidence_unknown_indikator(no: int) -> str:
    """A button naming an indicator number the bidang's list lacks."""
    return f"Indikator nomor {no} tidak ada pada daftar indikator bidang ini. Mohon kirim ulang bukti dukungnya."


RESUME_FAILED = "layanan Google belum dapat dihubungi."
RESUME_STATE_CHANGED = "keadaan laporan telah berubah sejak tombol ditekan."
REFUSAL_ACTION_BUSY = "Tindakan lain atas laporan ini sedang diproses. Mohon tunggu sebentar, lalu coba lagi."

# --- sheet feedback and audit notes (workflow) ---------------------------------------------------------
# Written by the workflow to the Status tab of a bidang's workbook and to the audit trail (Riwayat).

SHEET_STATUS_NEEDS_FIX = "Perlu perbaikan"


def sheet_status_awaiting_koreksi(sekretaris_corrects: bool) -> str:
    """The Status tab's Status Alur of a valid submission."""
    return f"Menunggu koreksi {korektor(sekretaris_corrects)}"


def sheet_status_approved(sekretaris_corrects: bool) -> str:
    """The Status tab's Status Alur of an approved TW."""
    return f"Disetujui {korektor(sekretaris_corrects)}"


def sheet_status_returned(sekretaris_corrects: bool) -> str:
    """The Status tab's Status Alur of a returned TW."""
    return f"Dikembalikan {korektor(sekretaris_corrects)}"


AUDIT_HANDED_TO_KASUBBAG = "diserahkan otomatis oleh Kinerja Bot atas nama Sekretaris"
AUDIT_HANDED_TO_BIDANG = "diteruskan otomatis oleh Kinerja Bot atas nama Kasubbag"


def staf_via_sheet(bidang_nama: str) -> str:
    """Who acted when staff submitted through the sheet's status cell."""
    return f"Staf {bidang_nama} {SHEET_ACTOR_SUFFIX}"


def sheet_validation_failed(errors: int) -> str:
    """The Status tab's note after a submission with errors."""
    return f"Ditemukan {errors} kesalahan; mohon diperbaiki lalu ajukan kembali."


def audit_validation_note(errors: int, warnings: int) -> str:
    """The audit note of a rejected submission."""
    return f"{errors} kesalahan, {warnings} peringatan"


def audit_foreign_access_note(who: str, *, removed: bool = True) -> str:
    """The audit note when access outside the configured people was found (and removed or not)."""
    return f"akses dihapus: {who}" if removed else f"akses tidak dapat dihapus: {who}"


def audit_evidence_note(no: int, nama: str, cell: str, url: str) -> str:
    """The audit note of a bukti dukung kept through Telegram."""
    return f"indikator {no}. {nama}; sel {cell}; {url}"


def audit_tamper_note(sheet_hash: str, snapshot_hash: str) -> str:
    """The audit note when approved data changed in the sheet (the two values' hashes)."""
    return f"sidik data lembar kerja {sheet_hash}; sidik data yang disetujui {snapshot_hash}"


# --- delivery notes (outbox.last_error, read by the admin) ---------------------------------------------

DELIVERY_NOT_BOUND = "penerima belum terdaftar di Telegram"
DELIVERY_BLOCKED = "penerima tidak dapat dihubungi (memblokir bot)"
DELIVERY_UNREACHABLE = "tidak dapat dihubungi"


def delivery_rate_limited(err: object) -> str:
    """Telegram asked to wait longer than the worker waits inline."""
    return f"Telegram membatasi laju: {err}"


def delivery_network_failed(err: object) -> str:
    """The network to Telegram failed on every retry."""
    return f"jaringan ke Telegram gagal: {err}"


# --- Telegram edge start-up (command line) -------------------------------------------------------------

TELEGRAM_BASE_URL_INVALID = "telegram.base_url harus berakhiran /bot, misalnya https://api.telegram.org/bot"
TELEGRAM_TOKEN_MISSING = (
    "token bot Telegram belum diisi; isi variabel lingkungan KINERJA_TELEGRAM__TOKEN atau telegram.token_file"
)


# --- command line -------------------------------------------------------------------------------------


def invite_created(
    nama: str, role: str, bidang: str | None, code: str, until: str, link: str | None, qr_file: str | None
) -> str:
    """What ``python -m bot invite`` prints: the code, and how to register with it (link, QR, /daftar)."""
    text = (
        f"Kode undangan untuk {nama} ({role_name(role, bidang)}):\n\n    {code}\n\n"
        f"Berlaku sampai {until}, sekali pakai.\n"
    )
    if link is None:
        return text + f"Mohon yang bersangkutan mengirim\n    /daftar {code}\nkepada bot Telegram Kinerja Bot.\n"
    ways = [f"membuka tautan berikut di ponsel yang memakai Telegram, lalu menekan Mulai:\n       {link}"]
    if qr_file:
        ways.append(f"memindai kode QR pada berkas {qr_file} (dapat dicetak), lalu menekan Mulai;")
    ways.append(f"mengirim /daftar {code} kepada bot Telegram Kinerja Bot.")
    listed = "\n".join(f"  {number}. {way}" for number, way in enumerate(ways, start=1))
    return text + f"Yang bersangkutan dapat mendaftar dengan salah satu cara berikut:\n{listed}\n"


INVITE_TOKEN_REFUSED = "token bot ditolak Telegram (Unauthorized)"


def invite_telegram_unreachable(why: str) -> str:
    """Why ``invite`` could not read the bot's username (getMe failed)."""
    return f"Telegram tidak dapat dihubungi ({why})"


def invite_link_unavailable(reason: str) -> str:
    """``invite`` printed the code without a link: getMe failed."""
    return (
        f"Catatan: tautan pendaftaran dan kode QR tidak dapat dibuat: {reason}. Kode undangan tetap berlaku "
        f"dengan /daftar KODE. Periksa dengan: python -m bot doctor"
    )


def invite_qr_not_written(path: str, why: str) -> str:
    """``invite`` could not write the QR code file."""
    return f"Catatan: berkas kode QR {path} tidak dapat ditulis ({why}); tautan di atas tetap dapat dipakai."


def laporan_caption_draft(tw: int, tahun: int) -> str:
    """Caption of the draft report document sent with the Kepala Dinas's telaah request (step 6)."""
    return f"Draf Laporan Kinerja {periode(tw, tahun)} untuk ditelaah."


def laporan_caption_final(tw: int, tahun: int) -> str:
    """Caption of the report document sent when the period is closed and archived."""
    return f"Laporan Kinerja {periode(tw, tahun)} yang telah disetujui dan diarsipkan."


# --- the store is no longer the service's own (bot.store.identity) -------------------------------
# Read by the administrator in the journal and on stderr: Indonesian first, then English.

STORE_CHECK_HELP = (
    "Layanan dihentikan agar tidak bekerja dengan basis data yang salah; lihat docs/masalah.md, bagian "
    '"Basis data hilang atau berganti saat bot berjalan".'
)


def store_file_gone(path: str) -> str:
    return (
        f"Berkas basis data {path} hilang saat bot berjalan. "
        f"/ The database file {path} disappeared while the service was running."
    )


def store_file_replaced(path: str) -> str:
    return (
        f"Berkas basis data {path} diganti dengan berkas lain saat bot berjalan. "
        f"/ The database file {path} was replaced by another file while the service was running."
    )


def store_tables_missing(url: str) -> str:
    return (
        f"Basis data {url} tidak lagi berisi tabel Kinerja Bot (kosong atau bukan milik layanan ini). "
        f"/ The database {url} no longer holds Kinerja Bot's tables (empty, or not this service's)."
    )


def store_identity_changed(url: str, expected: str, found: str) -> str:
    return (
        f"Basis data {url} bukan lagi basis data yang dibuka saat mulai (identitas {expected}, sekarang {found}). "
        f"/ The database {url} is not the one opened at start (identity {expected}, now {found})."
    )


def store_revision_changed(url: str, expected: str, found: str) -> str:
    return (
        f"Skema basis data {url} berubah saat bot berjalan (revisi {expected}, sekarang {found}). "
        f"/ The schema of database {url} changed while the service was running (revision {expected}, now {found})."
    )


# --- acting officials (Plh) ------------------------------------------------------------------------


def jabatan(role: str, bidang: str | None = None) -> str:
    """An office as the Plh texts name it: ``Kepala Bidang PTK``, ``Sekretaris``."""
    name = ROLE_NAMES.get(str(role), str(role))
    return f"{name} {bidang}" if bidang else name


def nama_pemegang(nama: str, atas_nama: str | None) -> str:
    """Who holds a step as /status and the escalations show it: ``Budi (Plh., atas nama Siti)``."""
    return f"{nama} (Plh., atas nama {atas_nama})" if atas_nama else nama


def pelaku_plh(role: str, bidang: str | None, nama: str, atas_nama: str) -> str:
    """The actor of an audit row done by a Plh: ``Plh. Kepala Bidang PTK: Budi (atas nama Siti)``."""
    return f"Plh. {jabatan(role, bidang)}: {nama} (atas nama {atas_nama})"


def plh_banner(role: str, bidang_nama: str | None, atas_nama: str) -> str:
    """The first line of a message a Plh receives in the holder's place."""
    return (
        f"[Plh] Pesan ini ditujukan kepada Bapak/Ibu sebagai Plh. {role_name(role, bidang_nama)}, "
        f"atas nama {sentence_end(atas_nama)}."
    )


def format_tanggal(day: date | str) -> str:
    """``6 Juli 2026`` (an ISO date string is parsed first)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def rentang_tanggal(mulai: date | str, selesai: date | str) -> str:
    """``6 Juli 2026 s.d. 10 Juli 2026`` (one day: ``6 Juli 2026``)."""
    if str(mulai) == str(selesai):
        return format_tanggal(mulai)
    return f"{format_tanggal(mulai)} s.d. {format_tanggal(selesai)}"


BTN_TERIMA_PLH = "Terima"
BTN_TOLAK_PLH = "Tolak"
OUTCOME_PLH_TERIMA = "Penunjukan Plh diterima"
OUTCOME_PLH_TOLAK = "Penunjukan Plh ditolak"

PLH_USAGE = (
    "Untuk menunjuk pelaksana harian (Plh) selama Bapak/Ibu berhalangan, kirim:\n"
    "/plh NAMA TANGGAL-MULAI TANGGAL-SELESAI\n"
    "contoh: /plh Rina Kurniawati 6-7-2026 10-7-2026\n\n"
    "Orang yang ditunjuk menerima permintaan dan menekan Terima. Selama masa Plh, permintaan "
    "persetujuan, pengingat, dan eskalasi dikirim kepadanya; setelah tanggal selesai semuanya kembali "
    "kepada Bapak/Ibu. Batalkan dengan /plh batal."
)


def plh_request(jabatan_plh: str, holder_nama: str, mulai: str, selesai: str) -> str:
    """To the person named Plh: accept or decline."""
    return (
        f"Permintaan penunjukan Plh\n"
        f"{jabatan_plh} ({holder_nama}) menunjuk Bapak/Ibu sebagai Plh. {jabatan_plh} "
        f"pada {rentang_tanggal(mulai, selesai)}.\n\n"
        f"Selama masa itu permintaan persetujuan, pengingat, dan eskalasi untuk jabatan tersebut dikirim "
        f"kepada Bapak/Ibu, dan tindakan Bapak/Ibu tercatat sebagai Plh. atas nama {sentence_end(holder_nama)}.\n"
        f"Mohon tekan Terima atau Tolak."
    )


_PLH_EVENTS = {
    "diterima": "Penunjukan Plh diterima",
    "ditolak": "Penunjukan Plh ditolak",
    "ditetapkan": "Plh ditetapkan oleh admin",
    "berakhir": "Masa Plh berakhir",
    "dibatalkan": "Penunjukan Plh dibatalkan",
}


def plh_notice(
    peristiwa: str, jabatan_plh: str, holder_nama: str, acting_nama: str, mulai: str, selesai: str, oleh: str
) -> str:
    """What happened to a Plh, to the holder and the acting person."""
    title = _PLH_EVENTS.get(peristiwa, "Perubahan Plh")
    lines = [
        title,
        f"Jabatan: {jabatan_plh}",
        f"Plh: {acting_nama} (atas nama {holder_nama})",
        f"Masa: {rentang_tanggal(mulai, selesai)}",
    ]
    if peristiwa == "berakhir":
        lines.append(
            f"Sejak sekarang permintaan persetujuan, pengingat, dan eskalasi kembali dikirim kepada "
            f"{sentence_end(holder_nama)}; permintaan yang masih menunggu telah dikirim ulang."
        )
    elif peristiwa in ("diterima", "ditetapkan"):
        lines.append(
            "Selama masa tersebut permintaan persetujuan, pengingat, dan eskalasi jabatan ini dikirim kepada Plh; "
            "pejabat yang digantikan tetap dapat bertindak sendiri."
        )
    else:
        lines.append(f"Oleh: {oleh}")
    return "\n".join(lines)


def plh_named(acting_nama: str, jabatan_plh: str, mulai: date, selesai: date) -> str:
    """/plh succeeded: the request went to the person named."""
    return (
        f"Permintaan penunjukan {acting_nama} sebagai Plh. {jabatan_plh} pada {rentang_tanggal(mulai, selesai)} "
        f"telah dikirim. Plh berlaku setelah yang bersangkutan menekan Terima."
    )


def plh_list(lines: Sequence[str]) -> str:
    """/plh without arguments: the Plh that concern the sender, and how to name one."""
    if not lines:
        return f"Tidak ada Plh yang berlaku atau menunggu untuk Bapak/Ibu.\n\n{PLH_USAGE}"
    return "Plh yang berlaku atau menunggu:\n" + "\n".join(f"- {line}" for line in lines) + f"\n\n{PLH_USAGE}"


_PLH_STATUS = {"menunggu": "menunggu jawaban", "berlaku": "berlaku", "ditolak": "ditolak", "dibatalkan": "dibatalkan"}


def plh_line(jabatan_plh: str, acting_nama: str, holder_nama: str, mulai: date, selesai: date, status: str) -> str:
    """One Plh in a list."""
    return (
        f"Plh. {jabatan_plh}: {acting_nama} (atas nama {holder_nama}), {rentang_tanggal(mulai, selesai)}, "
        f"{_PLH_STATUS.get(status, status)}"
    )


def plh_cancelled(jabatan_plh: str, acting_nama: str) -> str:
    """/plh batal succeeded."""
    return f"Penunjukan {acting_nama} sebagai Plh. {jabatan_plh} dibatalkan."


def audit_plh_note(jabatan_plh: str, acting_nama: str, holder_nama: str, mulai: date, selesai: date) -> str:
    """The audit note of a Plh named, accepted, set, declined or cancelled."""
    return f"Plh. {jabatan_plh}: {acting_nama} (atas nama {holder_nama}), {rentang_tanggal(mulai, selesai)}"


REFUSAL_PLH_ROLE = "Maaf, Plh hanya dapat ditunjuk untuk Kepala Dinas, Sekretaris, Kasubbag KPEP, dan Kepala Bidang."
REFUSAL_PLH_SELF = "Plh harus orang lain, bukan pejabat yang digantikan."
REFUSAL_PLH_DATES = "Tanggal selesai tidak boleh sebelum tanggal mulai."
REFUSAL_PLH_PAST = "Masa Plh sudah berlalu; tanggal selesai harus hari ini atau sesudahnya."
REFUSAL_PLH_NOT_FOUND = "Penunjukan Plh tersebut tidak ditemukan."
REFUSAL_PLH_NOT_YOURS = "Maaf, penunjukan Plh ini bukan untuk Bapak/Ibu."
REFUSAL_PLH_NONE_TO_CANCEL = "Tidak ada Plh yang berlaku atau menunggu untuk Bapak/Ibu yang dapat dibatalkan."
REFUSAL_PLH_BAD_DATE = "Tanggal tidak dikenali; tulis seperti 6-7-2026 atau 2026-07-06."
MAX_PLH_DAYS = 90


def refusal_plh_too_long(days: int) -> str:
    return f"Masa Plh paling lama {days} hari; untuk masa lebih lama, admin menetapkan Plt melalui perintah plh."


def refusal_plh_person_unknown(nama: str) -> str:
    return f'Tidak ada pegawai terdaftar dengan nama "{nama}". Periksa ejaannya (nama seperti di Kinerja Bot).'


def refusal_plh_person_ambiguous(nama: str, matches: Sequence[str]) -> str:
    return f'Nama "{nama}" cocok dengan beberapa pegawai: {"; ".join(matches)}. Tulis nama lebih lengkap.'


def refusal_plh_unbound(nama: str) -> str:
    return f"{sentence_end(nama)} belum terdaftar di Telegram, sehingga tidak dapat menerima penunjukan Plh."


def refusal_plh_overlap(jabatan_plh: str, acting_nama: str, mulai: date, selesai: date) -> str:
    return (
        f"Sudah ada Plh. {jabatan_plh} ({acting_nama}, {rentang_tanggal(mulai, selesai)}) yang beririsan dengan "
        f"tanggal ini; batalkan dulu dengan /plh batal."
    )


def refusal_plh_decided(status: str) -> str:
    return f"Penunjukan Plh ini sudah {_PLH_STATUS.get(status, status)}; tidak ada perubahan."


def help_extra(role: str) -> str:
    """The lines /bantuan adds for the Plh and the master list, by role."""
    lines = []
    if role in ("kepala_dinas", "sekretaris", "kasubbag_kpep", "kepala_bidang"):
        lines.append("/plh - tunjuk Plh selama Bapak/Ibu berhalangan (/plh batal untuk membatalkan)")
    if role == "kasubbag_kpep":
        lines.append("/induk [TAHUN] - periksa daftar induk indikator di lembar kerja daftar induk")
        lines.append("/perubahan TANGGAL - terapkan target APBD Perubahan dari lembar kerja daftar induk")
    return "".join(f"\n{line}" for line in lines)


# --- the master list: its sheet, and its revisions (APBD Perubahan) --------------------------------

LABEL_APBD_MURNI = "APBD Murni"
BTN_BUKA_INDUK = "Buka lembar kerja daftar induk"
LABEL_APBD_PERUBAHAN = "APBD Perubahan"
MASTER_NO_SOURCE = "daftar induk indikator belum diatur (google.master_indikator atau google.master_sheet)"
MASTER_MAX_LINES = 30


def target_label(label: str, berlaku_mulai: date | None) -> str:
    """Which targets a TW is measured against: ``Target: APBD Perubahan (berlaku 1 Juli 2026)``."""
    if berlaku_mulai is None:
        return f"Target: {label}"
    return f"Target: {label} (berlaku {format_tanggal(berlaku_mulai)})"


def _master_problem_lines(problems: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [f"- {p.get('text')}" for p in problems[:MASTER_MAX_LINES]]
    if len(problems) > MASTER_MAX_LINES:
        lines.append(f"- ... dan {len(problems) - MASTER_MAX_LINES} masalah lain (lihat kolom Catatan Validasi)")
    return lines


def master_invalid(sumber: str, problems: Sequence[Mapping[str, Any]]) -> str:
    """The master list cannot be used: every problem with its row and column (to the Kasubbag)."""
    lines = [
        "Daftar induk indikator tidak dapat dipakai",
        f"Sumber: {sumber}",
        f"{len(problems)} masalah (juga ditulis di kolom Catatan Validasi pada baris masing-masing):",
        *_master_problem_lines(problems),
        f'Mohon perbaiki sel tersebut melalui tombol "{BTN_BUKA_INDUK}" di bawah, lalu periksa kembali dengan /induk.',
    ]
    return "\n".join(lines)


def master_ok(tahun: int, sumber: str, counts: Sequence[tuple[str, int]]) -> str:
    """/induk: a year's list in the master sheet can be used (``counts``: indicators per bidang kode)."""
    total = sum(count for _, count in counts)
    listed = ", ".join(f"{kode} {count}" for kode, count in counts)
    return "\n".join(
        [
            f"Daftar induk indikator tahun {tahun} dapat dipakai",
            f"Sumber: {sumber}",
            f"Jumlah indikator: {total} ({listed})",
            "Catatan Validasi pada lembar kerja daftar induk telah dikosongkan.",
        ]
    )


def refusal_master_invalid(count: int) -> str:
    return (
        f"Daftar induk indikator tidak dapat dipakai ({count} masalah); rinciannya telah dikirim kepada "
        f"Kasubbag KPEP. Format belum dibagikan."
    )


REFUSAL_MASTER_NOT_SHEET = (
    "Daftar induk indikator disimpan sebagai berkas CSV oleh admin, bukan lembar kerja Google Sheets. Perubahan target "
    "diterapkan admin dengan: python -m bot perubahan --berkas BERKAS.csv --berlaku TANGGAL"
)
MASTER_READ_FAILED = (
    "Mohon maaf, lembar kerja daftar induk tidak dapat dibaca saat ini. Silakan coba beberapa saat lagi."
)
MASTER_SHEET_UNREADABLE = "lembar kerja daftar induk tidak dapat dibaca saat ini"
REFUSAL_MASTER_ONLY_KASUBBAG = "Maaf, daftar induk indikator hanya dikelola oleh Kasubbag KPEP."
REFUSAL_REVISION_NO_CHANGE = "Daftar induk tidak berbeda dengan yang berlaku; tidak ada yang diubah."
REFUSAL_REVISION_NOT_FOUND = "Perubahan target tersebut tidak ditemukan."
REFUSAL_REVISION_BAD_DATE = "Tanggal berlaku tidak dikenali; tulis seperti 1-7-2026 atau 2026-07-01."
REFUSAL_MASTER_BAD_YEAR = "Tahun tidak dikenali; tulis misalnya /induk 2027 (tanpa tahun: tahun anggaran berjalan)."
PERUBAHAN_USAGE = (
    "Setelah tab tahun berjalan di lembar kerja daftar induk diperbarui dengan target APBD Perubahan, kirim:\n"
    "/perubahan TANGGAL-BERLAKU\n"
    "contoh: /perubahan 1-7-2026\n\n"
    "Kinerja Bot membaca dan memeriksa tab tersebut, lalu menampilkan ringkasan perubahan dengan tombol Terapkan."
)
BTN_TERAPKAN_PERUBAHAN = "Terapkan"
BTN_BATAL_PERUBAHAN = "Batal"
OUTCOME_PERUBAHAN_DITERAPKAN = "Perubahan target diterapkan"
OUTCOME_PERUBAHAN_DIBATALKAN = "Perubahan target dibatalkan"


def refusal_revision_before_distribution(tahun: int) -> str:
    return (
        f"Belum ada triwulan {tahun} yang dibagikan, sehingga belum ada target yang perlu diubah: perbarui "
        f"saja daftar induknya, dan format dibagikan dengan target tersebut."
    )


def refusal_revision_all_measured(tahun: int) -> str:
    return f"Semua triwulan {tahun} sudah disetujui dengan target yang berlaku; perubahan tidak dapat diterapkan."


def refusal_revision_decided(status: str) -> str:
    done = {"berlaku": "diterapkan", "batal": "dibatalkan"}.get(status, status)
    return f"Perubahan target ini sudah {done}; tidak ada perubahan."


def _totals(diubah: int, ditambah: int, dihapus: int) -> str:
    return f"{diubah} indikator diubah, {ditambah} ditambah, {dihapus} dihapus"


def _bidang_change_lines(per_bidang: Sequence[Mapping[str, Any]]) -> list[str]:
    return [
        f"- {b.get('nama') or b.get('kode')} ({b.get('kode')}): "
        f"{_totals(int(b.get('diubah', 0)), int(b.get('ditambah', 0)), int(b.get('dihapus', 0)))}"
        for b in per_bidang
    ]


def revision_preview(
    tahun: int,
    berlaku: date,
    mulai_tw: int,
    tw_tanggal: int,
    totals: tuple[int, int, int],
    per_bidang: Sequence[Mapping[str, Any]],
    sumber: str,
) -> str:
    """/perubahan: what applying the revised master list would change, before the Kasubbag applies it."""
    lines = [
        f"Perubahan target {LABEL_APBD_PERUBAHAN} {tahun}",
        f"Sumber: {sumber}",
        f"Berlaku: {format_tanggal(berlaku)}",
        f"Diterapkan mulai: {periode(mulai_tw, tahun)}"
        + (" (triwulan sebelumnya tetap diukur dengan target sebelumnya)" if mulai_tw > 1 else ""),
    ]
    if mulai_tw > tw_tanggal:
        lines.append(
            f"Catatan: {periode(mulai_tw - 1, tahun)} sudah disetujui (atau sedang ditelaah) dengan target "
            f"sebelumnya, sehingga perubahan diterapkan mulai {periode(mulai_tw, tahun)}."
        )
    lines.append(f"Ringkasan: {_totals(*totals)}")
    lines += _bidang_change_lines(per_bidang)
    lines.append(
        "\nDengan Terapkan, target dan pagu triwulan tersebut ditulis ulang di lembar kerja setiap bidang; "
        "indikator baru ditambahkan di baris paling bawah, indikator yang dihapus tetap ada di lembar kerja "
        "bertanda Dihapus, dan isian staf tidak diubah. Kepala Dinas diberi tahu."
    )
    return "\n".join(lines)


def target_revised(
    tahun: int,
    label: str,
    berlaku_mulai: str | None,
    mulai_tw: int,
    totals: tuple[int, int, int],
    per_bidang: Sequence[Mapping[str, Any]],
    actor_nama: str,
) -> str:
    """To the Kepala Dinas: the targets were revised, from which TW, what changed."""
    berlaku = f" (berlaku {format_tanggal(berlaku_mulai)})" if berlaku_mulai else ""
    lines = [
        f"Perubahan target kinerja {tahun}",
        f"Target {label}{berlaku} diterapkan oleh {sentence_end(actor_nama)} mulai {periode(mulai_tw, tahun)}.",
        "Triwulan yang telah disetujui tetap diukur dengan target yang berlaku saat itu.",
        f"Ringkasan: {_totals(*totals)}",
        *_bidang_change_lines(per_bidang),
    ]
    return "\n".join(lines)


def audit_revision_note(label: str, berlaku: date | None, mulai_tw: int, totals: tuple[int, int, int]) -> str:
    """The audit note of a revision applied."""
    return f"{target_label(label, berlaku).removeprefix('Target: ')}, mulai {tw_label(mulai_tw)}: {_totals(*totals)}"


# --- command line: plh and perubahan -------------------------------------------------------------

CLI_ADMIN_PLH = "Admin Kinerja Bot (perintah plh)"
CLI_ADMIN_PERUBAHAN = "Admin Kinerja Bot (perintah perubahan)"
CLI_PLH_NONE = "Tidak ada Plh yang berlaku atau menunggu."
CLI_PLH_NEEDS = "Untuk menetapkan Plh isi --role, --nama dan --mulai (dan --bidang untuk kepala_bidang)."
CLI_PERUBAHAN_PREVIEW = "Pratinjau saja; tidak ada yang diubah. Tambahkan --terapkan untuk menerapkannya."
CLI_PERUBAHAN_DONE = (
    "Perubahan target diterapkan pada lembar kerja setiap bidang dan dicatat; Kepala Dinas diberi tahu "
    "melalui Telegram."
)
CLI_PERUBAHAN_GOOGLE_FAILED = "Google tidak dapat menyelesaikan perubahan (jalankan ulang perintah yang sama):"


def cli_plh_set(plh_id: int, line: str) -> str:
    return (
        f"Plh nomor {plh_id} ditetapkan: {line}.\nKeduanya diberi tahu melalui Telegram oleh layanan Kinerja Bot "
        f"yang berjalan."
    )
