"""The sections of the Laporan Kinerja, each a list of flowables, in the order of the document.

I. the summary per bidang with the chart; II. one table per bidang of every indicator; III. the
Kasubbag KPEP's analysis; IV. the Kepala Dinas's rekomendasi and each bidang's tindak lanjut;
the lembar pengesahan (who prepared, the Sekretaris's telaah, the Kepala Dinas's approval with
NIP, date and time from the audit trail); and the Riwayat of the period as an appendix.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from sheets import layout
from sheets.laporan import teks
from sheets.laporan.data import LaporanInput, Riwayat
from sheets.laporan.gaya import FONT_BOLD, GRID, HALAMAN, MARGIN, paragraph_text
from sheets.laporan.grafik import Batang, grafik_capaian
from sheets.laporan.tabel import (
    base_table_style,
    clean,
    header_cells,
    indicator_table,
    ringkasan_table,
    tahunan_table,
    to_float,
)
from sheets.riwayat import LEWATI_RIWAYAT, kegiatan, pelaku

__all__ = [
    "analysis_section",
    "bidang_section",
    "current_approval",
    "judul_laporan",
    "pengesahan_section",
    "rekomendasi_section",
    "riwayat_section",
    "summary_section",
    "tahunan_section",
]

_RIWAYAT_HEADER = (
    "No",
    "Langkah SOP",
    "Kegiatan",
    "Bidang",
    "Pelaksana",
    "Waktu",
    "Lama Pelaksanaan",
    "Mutu Baku",
    "Keterangan",
)
_RIWAYAT_WIDTHS = (20, 44, 180, 40, 150, 110, 66, 58, 104)

_APPROVED = "disetujui_kepala_dinas"
_TELAAH = "teruskan_ke_kepala_dinas"
_DISUSUN = "kirim_ke_sekretaris"


def judul_laporan(data: LaporanInput) -> str:
    """``Laporan Kinerja Triwulan I Tahun 2026``."""
    return f"Laporan Kinerja Triwulan {teks.romawi(data.tw)} Tahun {data.tahun}"


def _last(riwayat: Sequence[Riwayat], event: str) -> Riwayat | None:
    found = [r for r in riwayat if r.event == event]
    return max(found, key=lambda r: r.at) if found else None


def current_approval(data: LaporanInput) -> Riwayat | None:
    """The Kepala Dinas's approval of the current version (none if the report went back after it)."""
    approved = _last(data.riwayat, _APPROVED)
    submitted = _last(data.riwayat, _DISUSUN)
    if approved is None or (submitted is not None and submitted.at > approved.at):
        return None
    return approved


def summary_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    """I. the summary table per bidang and the chart of their capaian."""
    label = layout.tw_label(data.tw)
    story: list[Flowable] = [
        Paragraph("I. RINGKASAN CAPAIAN KINERJA", styles["bab"]),
        Paragraph(
            escape(
                f"Capaian kinerja setiap bidang pada {label} {data.tahun} dihitung dari data yang telah disetujui "
                "pada tahap koreksi (langkah 3 SOP). Predikat: Sangat Tinggi (capaian ≥ 91%), Tinggi (≥ 76%), "
                "Sedang (≥ 66%), Rendah (≥ 51%), Sangat Rendah (< 51%). Serapan anggaran adalah realisasi anggaran "
                f"s.d. {label} dibagi pagu anggaran."
            ),
            styles["catatan"],
        ),
        Spacer(1, 4),
        ringkasan_table(data, styles),
        Spacer(1, 6),
    ]
    chart = data.rekap.chart
    bars = [
        Batang(
            f"{data.bidang.get(str(kode), clean(nama))} ({kode})"
            if len(chart) <= 12
            else str(kode),  # many bidang: the kode keeps the chart readable; the table above names them
            to_float(capaian),
            clean(predikat) or None,
        )
        for kode, nama, capaian, predikat in zip(
            chart["kode_bidang"], chart["bidang"], chart["capaian"], chart["predikat"], strict=True
        )
    ]
    if bars:
        png = grafik_capaian(bars, f"Rata-rata Capaian per Bidang, {label} {data.tahun}")
        reader = ImageReader(io.BytesIO(png))
        w, h = reader.getSize()
        width = min(HALAMAN[0] - 2 * MARGIN, 200 * mm)
        height = width * h / w
        limit = HALAMAN[1] - 2 * MARGIN - 20 * mm
        if height > limit:
            width, height = width * limit / height, limit
        story.append(KeepTogether([Image(io.BytesIO(png), width=width, height=height)]))
    return story


def tahunan_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    """At TW IV, the year: per bidang and for the dinas, the year's capaian and the trend TW I-IV."""
    if data.rekap.tahunan is None:
        return []
    return [
        CondPageBreak(60 * mm),
        Paragraph(escape(f"CAPAIAN KINERJA TAHUN {data.tahun}"), styles["bab"]),
        Paragraph(
            escape(
                "Realisasi setahun setiap indikator dihitung menurut Jenis Indikator (Kumulatif: jumlah TW I-IV; "
                "Nilai Akhir: triwulan terakhir yang dilaporkan; Rata-rata: rata-rata triwulan yang dilaporkan) "
                "dan dibandingkan dengan Target Tahunan. Kolom TW I-IV menunjukkan tren rata-rata capaian "
                "setiap triwulan terhadap target kumulatif triwulan itu. Rincian per indikator ada di tab "
                "Tahunan lembar kerja rekap dinas."
            ),
            styles["catatan"],
        ),
        Spacer(1, 4),
        tahunan_table(data, styles),
        Spacer(1, 6),
    ]


def bidang_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    """II. per bidang: its figures in a sentence and the table of its indicators."""
    label = layout.tw_label(data.tw)
    frame = data.rekap.per_tw[data.tw]
    ringkasan = data.rekap.ringkasan[data.rekap.ringkasan["triwulan"] == label].set_index("kode_bidang")
    story: list[Flowable] = [PageBreak(), Paragraph("II. CAPAIAN KINERJA PER BIDANG", styles["bab"])]
    if data.target_label:  # after an APBD Perubahan the TWs of a year have different targets
        story.append(Paragraph(escape(data.target_label), styles["catatan"]))
    groups = dict(tuple(frame.groupby("kode_bidang", sort=False)))
    order = list(data.rekap.bidang_order) or list(groups)
    for number, kode in enumerate((k for k in order if k in groups), start=1):
        part = groups[kode]
        nama = data.bidang.get(kode, clean(part["bidang"].iloc[0]) or kode)
        row = ringkasan.loc[kode] if kode in ringkasan.index else None
        if number > 1:
            story.append(CondPageBreak(45 * mm))
        story.append(Paragraph(escape(f"2.{number} {nama} ({kode})"), styles["subbab"]))
        if row is not None:
            story.append(
                Paragraph(
                    escape(
                        f"Indikator dinilai {teks.angka(to_float(row['indikator_dinilai']))} dari "
                        f"{teks.angka(to_float(row['jumlah_indikator']))}; rata-rata capaian "
                        f"{teks.persen(to_float(row['rata_rata_capaian']))}% "
                        f"(predikat {clean(row['predikat']) or 'belum dapat ditentukan'}); serapan anggaran "
                        f"{teks.persen(to_float(row['serapan']))}%."
                    ),
                    styles["catatan"],
                )
            )
        story += [Spacer(1, 3), indicator_table(part, label, styles), Spacer(1, 6)]
    return story


def analysis_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    """III. the Kasubbag KPEP's analysis and who prepared the report, when."""
    story: list[Flowable] = [PageBreak(), Paragraph("III. ANALISIS KASUBBAG KPEP", styles["bab"])]
    if data.catatan_analisis and data.catatan_analisis.strip():
        story.append(Paragraph(paragraph_text(data.catatan_analisis), styles["isi"]))
    else:
        story.append(Paragraph("Kasubbag KPEP tidak menambahkan catatan analisis pada periode ini.", styles["isi"]))
    disusun = _last(data.riwayat, _DISUSUN)
    by = escape(disusun.actor_nama if disusun else data.kasubbag_kpep.nama)
    when = f", disampaikan kepada Sekretaris pada {teks.tanggal_waktu(disusun.at, tz)}" if disusun else ""
    story += [Spacer(1, 4), Paragraph(f"Disusun oleh {by}, Kasubbag KPEP{escape(when)}.", styles["catatan"])]
    return story


def rekomendasi_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    """IV. the Kepala Dinas's rekomendasi (general, per bidang) and each bidang's tindak lanjut."""
    story: list[Flowable] = [
        Spacer(1, 10),
        Paragraph("IV. REKOMENDASI KEPALA DINAS DAN TINDAK LANJUT", styles["bab"]),
        Paragraph("4.1 Rekomendasi umum", styles["subbab"]),
    ]
    mine = [r for r in data.rekomendasi if r.tw == data.tw]
    umum = [r for r in mine if r.bidang is None]
    if umum:
        for item in umum:
            story.append(Paragraph(paragraph_text(item.teks), styles["isi"]))
            story.append(
                Paragraph(
                    escape(f"Diberikan oleh Kepala Dinas pada {teks.tanggal_waktu(item.diberikan, tz)}."),
                    styles["catatan"],
                )
            )
    else:
        story.append(Paragraph("Kepala Dinas belum memberikan rekomendasi untuk periode ini.", styles["isi"]))
    story.append(Paragraph("4.2 Rekomendasi per bidang dan tindak lanjut", styles["subbab"]))
    khusus: dict[str, list[str]] = {}
    for item in mine:
        if item.bidang is not None:
            khusus.setdefault(item.bidang, []).append(item.teks)
    tindak = {t.bidang: t for t in sorted(data.tindak_lanjut, key=lambda t: t.dicatat) if t.tw == data.tw}
    header = ("No", "Bidang", "Rekomendasi Kepala Dinas", "Tindak Lanjut Bidang", "Tanggal Tindak Lanjut")
    rows: list[list[Any]] = [header_cells(header, "", styles["sel_kepala"])]
    cell = styles["sel"]
    kodes = list(data.bidang) + sorted(k for k in {*khusus, *tindak} if k not in data.bidang)
    for number, kode in enumerate(kodes, start=1):
        nama = data.bidang.get(kode, kode)
        rekom = "\n".join(khusus.get(kode, [])) or ("Mengikuti rekomendasi umum." if umum else teks.KOSONG)
        follow = tindak.get(kode)
        rows.append(
            [
                str(number),
                Paragraph(escape(f"{nama} ({kode})"), cell),
                Paragraph(paragraph_text(rekom), cell),
                Paragraph(paragraph_text(follow.teks) if follow else "<i>Belum ada tindak lanjut.</i>", cell),
                Paragraph(escape(teks.tanggal_waktu(follow.dicatat, tz)) if follow else teks.KOSONG, cell),
            ]
        )
    table = LongTable(rows, colWidths=[20, 150, 250, 250, 102], repeatRows=1)
    table.setStyle(TableStyle(base_table_style(())))
    story.append(table)
    return story


def _signature_line(orang_nama: str, nip: str | None) -> str:
    printed = teks.nip(nip)
    return f"{orang_nama} (NIP {printed})" if printed else orang_nama


def pengesahan_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    """The lembar pengesahan: preparation, telaah and approval from the audit trail, signature."""
    judul = judul_laporan(data)
    approval = current_approval(data)
    telaah = _last(data.riwayat, _TELAAH)
    disusun = _last(data.riwayat, _DISUSUN)
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("LEMBAR PENGESAHAN", styles["judul"]),
        Paragraph(escape(f"{judul}, {data.identitas.nama_dinas}"), styles["subjudul"]),
        Spacer(1, 10),
    ]
    cell = ParagraphStyle("pengesahan", styles["isi"], fontSize=10, leading=13.5, alignment=TA_LEFT)

    def who(entry: Riwayat | None, pejabat_nama: str, pejabat_nip: str | None) -> str:
        nama = entry.actor_nama if entry is not None else pejabat_nama
        nip = pejabat_nip if nama == pejabat_nama else None
        if entry is not None and entry.atas_nama:  # signed by a Plh in the official's place
            nama = f"{nama} (Plh., atas nama {entry.atas_nama})"
        return _signature_line(nama, nip)

    if disusun is not None:
        disusun_text = (
            f"Disusun oleh {who(disusun, data.kasubbag_kpep.nama, data.kasubbag_kpep.nip)}, Kasubbag KPEP, "
            f"dan disampaikan kepada Sekretaris pada {teks.tanggal_waktu(disusun.at, tz)}."
        )
    else:
        disusun_text = "Belum disampaikan kepada Sekretaris."
    if telaah is not None:
        telaah_text = (
            f"Telah ditelaah oleh {who(telaah, data.sekretaris.nama, data.sekretaris.nip)}, Sekretaris, dan "
            f"diteruskan kepada Kepala Dinas pada {teks.tanggal_waktu(telaah.at, tz)}."
        )
        if telaah.note:
            telaah_text += f" Catatan telaah: {telaah.note}"
    else:
        telaah_text = "Belum ditelaah Sekretaris."
    if approval is not None:
        approval_text = (
            f"Disetujui oleh Kepala Dinas, {who(approval, data.kepala_dinas.nama, data.kepala_dinas.nip)}, "
            f"pada {teks.tanggal_waktu(approval.at, tz)}."
        )
    else:
        approval_text = "Belum disetujui Kepala Dinas. Dokumen ini adalah draf untuk ditelaah."
    rows = [
        ["1.", "Penyusunan", Paragraph(escape(disusun_text), cell)],
        ["2.", "Telaah Sekretaris", Paragraph(escape(telaah_text), cell)],
        ["3.", "Persetujuan Kepala Dinas", Paragraph(escape(approval_text), cell)],
    ]
    table = Table(rows, colWidths=[12 * mm, 64 * mm, HALAMAN[0] - 2 * MARGIN - 76 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (1, -1), FONT_BOLD, 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, GRID),
            ]
        )
    )
    story += [table, Spacer(1, 16)]
    kepala = data.kepala_dinas
    nama_dinas = data.identitas.nama_dinas
    tempat = data.identitas.kabupaten
    tanggal = teks.tanggal(approval.at, tz) if approval is not None else "...................."
    block = [
        Paragraph(escape(f"{tempat}, {tanggal}"), styles["ttd"]),
        Paragraph(escape(f"Kepala {nama_dinas}"), styles["ttd"]),
        Spacer(1, 8),
        Paragraph(
            "<i>Disetujui secara elektronik melalui Kinerja Bot</i>" if approval is not None else "",
            styles["catatan"],
        ),
        Spacer(1, 18),
        Paragraph(f"<b><u>{escape(kepala.nama)}</u></b>", styles["ttd"]),
    ]
    if kepala.nip:
        block.append(Paragraph(escape(f"NIP {teks.nip(kepala.nip)}"), styles["ttd"]))
    usable = HALAMAN[0] - 2 * MARGIN
    signature = Table([["", block]], colWidths=[usable - 110 * mm, 110 * mm])
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [
        KeepTogether([signature]),
        Spacer(1, 12),
        Paragraph(
            "Waktu penyusunan, telaah dan persetujuan di atas diambil dari riwayat proses (Lampiran) yang "
            "dicatat Kinerja Bot pada setiap langkah SOP P-SEK-KP-09.",
            styles["catatan"],
        ),
    ]
    return story


def riwayat_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    """The appendix: every SOP step of the period against its Mutu Baku."""
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("LAMPIRAN. RIWAYAT PROSES (SOP P-SEK-KP-09)", styles["bab"]),
        Paragraph(
            "Setiap langkah SOP yang dicatat Kinerja Bot: pelaksana, waktu, lama pelaksanaan dibandingkan "
            "dengan Mutu Baku SOP.",
            styles["catatan"],
        ),
        Spacer(1, 4),
    ]
    rows: list[list[Any]] = [header_cells(_RIWAYAT_HEADER, "", styles["sel_kepala"])]
    cell = styles["sel"]
    entries = sorted((r for r in data.riwayat if r.event not in LEWATI_RIWAYAT), key=lambda r: r.at)
    for number, entry in enumerate(entries, start=1):
        verdict = "" if entry.within is None else ("Sesuai Mutu Baku" if entry.within else "Melebihi Mutu Baku")
        if entry.reason:
            verdict = f"{verdict}. Alasan: {entry.reason}" if verdict else f"Alasan: {entry.reason}"
        mutu = data.mutu_baku.get(entry.sop_step) if entry.mutu_baku_seconds is not None else None
        if entry.mutu_baku_seconds is not None and mutu is None:
            mutu = teks.durasi(entry.mutu_baku_seconds)
        bidang = entry.bidang or teks.KOSONG  # the kode: section I names every bidang
        pelaksana = pelaku(entry.actor_role, entry.actor_nama, atas_nama=entry.atas_nama)
        rows.append(
            [
                str(number),
                str(entry.sop_step) if entry.sop_step else teks.KOSONG,
                Paragraph(escape(kegiatan(entry.event)), cell),
                Paragraph(escape(bidang), cell),
                Paragraph(escape(pelaksana), cell),
                Paragraph(escape(teks.tanggal_waktu(entry.at, tz)), cell),
                Paragraph(escape(teks.durasi(entry.duration_seconds)), cell),
                Paragraph(escape(mutu or teks.KOSONG), cell),
                Paragraph(escape(verdict or teks.KOSONG), cell),
            ]
        )
    if not entries:
        rows.append(["", "", Paragraph("Belum ada langkah yang dicatat.", cell), "", "", "", "", "", ""])
    table = LongTable(rows, colWidths=list(_RIWAYAT_WIDTHS), repeatRows=1)
    table.setStyle(TableStyle([*base_table_style(()), ("ALIGN", (1, 1), (1, -1), "CENTER")]))
    story.append(table)
    return story
