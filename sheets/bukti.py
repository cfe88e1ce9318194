"""Bukti dukung sent to the bot: its Drive names, its indicator's cell in a read, the cell's new text (pure).

A staff member sends a photo or a PDF for one indicator; the Google edge keeps it in the
bidang's per-TW folder (:func:`folder_name`) and links it in that indicator's ``Bukti Dukung
(tautan)`` cell, found in the sheet as last read (:func:`bukti_cell`: by the indicator's row and
the column's label, never by position). A link the cell already holds is kept: the new one is
added on its own line (:func:`with_link`), which the validation reads as several links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sheets import layout
from sheets.cells import cell_text
from sheets.facts import WorkbookRead
from sheets.master import Master
from sheets.validate import validate_realisasi

__all__ = ["MAX_NAME_LENGTH", "BuktiCell", "bukti_cell", "file_name", "folder_name", "with_link"]

MAX_NAME_LENGTH = 180
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


def folder_name(tahun: int, tw: int) -> str:
    """The per-TW folder in the bidang's folder: ``Bukti Dukung TW II 2026``."""
    return f"Bukti Dukung {layout.tw_label(tw)} {tahun}"


def file_name(no: int, indikator: str, sent: str, when: datetime) -> str:
    """``03 - Jumlah pencari kerja yang ditempatkan - 2026-04-01 09.15 - foto.jpg`` (Drive-safe, bounded)."""
    stamp = when.strftime("%Y-%m-%d %H.%M")
    sent = _UNSAFE.sub(" ", sent).strip() or "berkas"
    room = MAX_NAME_LENGTH - len(f"{no:02d} -  - {stamp} - {sent}")
    title = _UNSAFE.sub(" ", indikator).strip()
    if len(title) > room:
        title = title[: max(room - 1, 0)].rstrip() + "…"
    return f"{no:02d} - {title} - {stamp} - {sent}"


@dataclass(frozen=True)
class BuktiCell:
    """An indicator's ``Bukti Dukung (tautan)`` cell (A1, ``W14``) and its text as read."""

    cell: str
    text: str


def bukti_cell(read: WorkbookRead, master: Master, kode: str, key: str) -> BuktiCell | None:
    """Where indicator ``key`` of bidang ``kode`` keeps its links in this read (None: no such row or column)."""
    result = validate_realisasi(
        read.realisasi,
        master,
        bidang=kode,
        tw=read.open_tw or 1,
        submission=False,
        percent_cells=read.percent_cells,
        date_cells=read.date_cells,
    )
    column = result.columns.get(layout.COL_BUKTI)
    if column is None or result.table.empty:
        return None
    rows = result.table.loc[result.table["key"] == key, "sheet_row"].dropna()
    if rows.empty:
        return None
    row = int(rows.iloc[0])
    line = read.realisasi[row - 1] if row - 1 < len(read.realisasi) else []
    raw = line[column] if column < len(line) else ""
    # The text as typed (its line breaks too): the new link is added to it, nothing else changes.
    return BuktiCell(layout.a1(row, column), raw if isinstance(raw, str) else cell_text(raw))


def with_link(text: str, url: str) -> str:
    """``text`` with ``url`` on a line of its own after what is there (unchanged when it holds ``url``)."""
    if url in re.split(r"[\s,;]+", text):
        return text
    kept = text.rstrip()
    return f"{kept}\n{url}" if kept else url
