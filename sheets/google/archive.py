"""Archiving a closed period: the report document (PDF) and the dinas workbook (xlsx) in the archive folder.

The PDF is the Laporan Kinerja the bot wrote itself (:mod:`sheets.laporan`), uploaded as it is:
an upload has no size limit, where Google's export of a workbook refuses anything over 10 MB.
The xlsx is Drive's export of the dinas workbook. Each copy carries ``appProperties``
(``kinerja_jenis=arsip``, the TW and the format), so running the archive again after a crash
uploads only what is missing.
"""

from __future__ import annotations

import logging

from sheets import layout
from sheets.facts import ArchiveRef
from sheets.google.drive import PDF_MIME, PROP_FORMAT, PROP_TW, XLSX_MIME, DriveFiles, FileInfo
from sheets.laporan import nama_berkas

logger = logging.getLogger(__name__)

__all__ = ["ARCHIVE_FORMATS", "archive_workbook"]

ARCHIVE_FORMATS: tuple[tuple[str, str], ...] = (("pdf", PDF_MIME), ("xlsx", XLSX_MIME))


def archive_workbook(
    drive: DriveFiles, rekap: FileInfo, tahun: int, tw: int, folder_id: str, laporan: bytes | None = None
) -> ArchiveRef:
    """The report PDF (``laporan``, uploaded) and ``rekap`` as xlsx into ``folder_id`` unless already there.

    Without ``laporan`` the PDF copy is Drive's export of ``rekap`` (a period closed by an older
    version). One listing, then per missing copy an upload (and an export for an exported copy).
    """
    props = drive.props(tahun, "arsip", **{PROP_TW: str(tw)})
    existing = {f.app_properties.get(PROP_FORMAT): f for f in drive.find(props)}
    ids: list[str] = []
    for fmt, mime in ARCHIVE_FORMATS:
        found = existing.get(fmt)
        if found is None:
            if fmt == "pdf" and laporan is not None:
                content, name = laporan, nama_berkas(tahun, tw)
            else:
                content, name = drive.export(rekap.id, mime), f"{rekap.name} - {layout.tw_label(tw)}.{fmt}"
            found = drive.upload(name, folder_id, mime, content, {**props, PROP_FORMAT: fmt})
            logger.info("archived %s as %s (%d bytes)", rekap.id, name, len(content))
        ids.append(found.id)
    return ArchiveRef(url=f"https://drive.google.com/drive/folders/{folder_id}", file_ids=tuple(ids))
