"""Archiving a closed period: the report document (PDF) and the dinas workbook (xlsx) in the archive folder.

The PDF is the Laporan Kinerja the bot wrote itself (:mod:`sheets.laporan`), uploaded as it is:
an upload has no size limit, where Google's export of a workbook refuses anything over 10 MB.
The xlsx is Drive's export of the dinas workbook; when Drive refuses it as too large (403
``exportSizeLimitExceeded``) the archive does not stop: the xlsx is built here from the values
the bot wrote (``local_xlsx``, :mod:`sheets.google.xlsx`), and the file's description and
:attr:`ArchiveRef.catatan` say so. Each copy carries ``appProperties`` (``kinerja_jenis=arsip``,
the TW, the format, and where its content came from), so running the archive again after a crash
uploads only what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sheets import layout
from sheets.facts import ArchiveRef
from sheets.google.drive import PDF_MIME, PROP_FORMAT, PROP_TW, XLSX_MIME, DriveFiles, FileInfo
from sheets.google.errors import ExportTooLarge
from sheets.laporan import nama_berkas

logger = logging.getLogger(__name__)

__all__ = ["ARCHIVE_FORMATS", "PROP_SUMBER", "XLSX_BUILT_HERE", "archive_workbook"]

ARCHIVE_FORMATS: tuple[tuple[str, str], ...] = (("pdf", PDF_MIME), ("xlsx", XLSX_MIME))
PROP_SUMBER = "kinerja_sumber"
"""Where an archived copy's content came from: ``ekspor`` (Drive), ``susun`` (built by the bot), ``laporan``."""
XLSX_BUILT_HERE = (
    "Salinan xlsx ini disusun Kinerja Bot dari isi lembar kerja rekap karena Google Drive menolak mengekspor "
    "lembar kerja yang hasilnya melebihi 10 MB. Angka dan teks sama dengan lembar kerja itu; grafik dan warna "
    "predikat tidak ikut."
)
PDF_NOT_EXPORTED = (
    "Salinan PDF lembar kerja rekap tidak diarsipkan: Google Drive menolak mengekspor lembar kerja yang hasilnya "
    "melebihi 10 MB, dan dokumen laporan tidak tersedia. Jalankan python -m bot export --laporan untuk "
    "menyusun dokumen laporan."
)


def archive_workbook(
    drive: DriveFiles,
    rekap: FileInfo,
    tahun: int,
    tw: int,
    folder_id: str,
    laporan: bytes | None = None,
    *,
    local_xlsx: Callable[[], bytes] | None = None,
) -> ArchiveRef:
    """The report PDF (``laporan``, uploaded) and ``rekap`` as xlsx into ``folder_id`` unless already there.

    Without ``laporan`` the PDF copy is Drive's export of ``rekap`` (a period closed by an older
    version). One listing, then per missing copy an upload (and an export for an exported copy).
    An export Drive refuses as too large is replaced by ``local_xlsx()`` for the xlsx; a PDF that
    cannot be exported is left out. Either way :attr:`ArchiveRef.catatan` says what was done.
    """
    props = drive.props(tahun, "arsip", **{PROP_TW: str(tw)})
    existing = {f.app_properties.get(PROP_FORMAT): f for f in drive.find(props)}
    ids: list[str] = []
    notes: list[str] = []
    for fmt, mime in ARCHIVE_FORMATS:
        found = existing.get(fmt)
        if found is None:
            description = None
            if fmt == "pdf" and laporan is not None:
                content, name, source = laporan, nama_berkas(tahun, tw), "laporan"
            else:
                name, source = f"{rekap.name} - {layout.tw_label(tw)}.{fmt}", "ekspor"
                try:
                    content = drive.export(rekap.id, mime)
                except ExportTooLarge as err:
                    if fmt != "xlsx" or local_xlsx is None:
                        logger.error("the %s copy of %s is not archived: %s", fmt, rekap.id, err)
                        notes.append(PDF_NOT_EXPORTED)
                        continue
                    logger.warning("Drive refused to export %s (%s); building the xlsx from its values", rekap.id, err)
                    content, source, description = local_xlsx(), "susun", XLSX_BUILT_HERE
                    notes.append(XLSX_BUILT_HERE)
            copy_props = {**props, PROP_FORMAT: fmt, PROP_SUMBER: source}
            found = drive.upload(name, folder_id, mime, content, copy_props, description=description)
            logger.info("archived %s as %s (%d bytes, %s)", rekap.id, name, len(content), source)
        ids.append(found.id)
    return ArchiveRef(
        url=f"https://drive.google.com/drive/folders/{folder_id}", file_ids=tuple(ids), catatan=tuple(notes)
    )
