"""Archiving a closed period: the dinas workbook exported as PDF and xlsx into the archive folder.

Each copy carries ``appProperties`` (``kinerja_jenis=arsip``, the TW and the format), so running
the archive again after a crash uploads only what is missing.
"""

from __future__ import annotations

import logging

from sheets import layout
from sheets.facts import ArchiveRef
from sheets.google.drive import PDF_MIME, PROP_FORMAT, PROP_TW, XLSX_MIME, DriveFiles, FileInfo

logger = logging.getLogger(__name__)

__all__ = ["ARCHIVE_FORMATS", "archive_workbook"]

ARCHIVE_FORMATS: tuple[tuple[str, str], ...] = (("pdf", PDF_MIME), ("xlsx", XLSX_MIME))


def archive_workbook(drive: DriveFiles, rekap: FileInfo, tahun: int, tw: int, folder_id: str) -> ArchiveRef:
    """Export ``rekap`` as PDF and xlsx into ``folder_id`` unless already there; one list + 2 per copy."""
    props = drive.props(tahun, "arsip", **{PROP_TW: str(tw)})
    existing = {f.app_properties.get(PROP_FORMAT): f for f in drive.find(props)}
    ids: list[str] = []
    for fmt, mime in ARCHIVE_FORMATS:
        found = existing.get(fmt)
        if found is None:
            content = drive.export(rekap.id, mime)
            name = f"{rekap.name} - {layout.tw_label(tw)}.{fmt}"
            found = drive.upload(name, folder_id, mime, content, {**props, PROP_FORMAT: fmt})
            logger.info("archived %s as %s (%d bytes)", rekap.id, name, len(content))
        ids.append(found.id)
    return ArchiveRef(url=f"https://drive.google.com/drive/folders/{folder_id}", file_ids=tuple(ids))
