"""The Kasubbag's master sheet from Telegram: /induk checks it, /perubahan applies an APBD Perubahan.

The real bot on the sandbox's Telegram; the Google side is the double, holding the sheet as the
edge would read it. /induk answers with every problem at its row and column; /perubahan shows
what changes and from which TW, and Terapkan applies it to every bidang workbook and tells the
Kepala Dinas.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.runtime import open_store
from bot.telegram.app import KinerjaBot
from config.settings import Settings
from sandbox.server import SandboxServer
from sheets import layout
from sheets.facts import MasterSheetRead
from sheets.master import MASTER_COLUMNS
from tests.domain.conftest import DEMO_MASTER
from tests.telegram_edge.conftest import (
    KADIS,
    KASUBBAG,
    PTK_STAF,
    SEKRETARIS,
    EdgeWorkbook,
    People,
    edge_bot,
    edge_settings,
)

SHEET = "https://docs.google.com/spreadsheets/d/1MasterSheetOfTheKasubbag/edit"
TARGET_TW_II = MASTER_COLUMNS.index(layout.col_target(2))
TARGET_TW_III = TARGET_TW_II + 1


def master_read(**cells: object) -> MasterSheetRead:
    """The Kasubbag's sheet (SEK and PTK of the demo list) as the edge reads it; ``cells``: "row_col" -> value."""
    lines = [line.split(",") for line in DEMO_MASTER.read_text(encoding="utf-8").splitlines()]
    rows: list[list[object]] = [list(lines[0])] + [list(line) for line in lines[1:] if line[0] in ("SEK", "PTK")]
    for where, value in cells.items():
        r, c = (int(part) for part in where.lstrip("r").split("_"))
        rows[r - 1][c] = value
    return MasterSheetRead("1MasterSheetOfTheKasubbag", "Daftar Induk 2026", "Daftar Induk", SHEET, rows)


@pytest.fixture
def settings(sandbox_server: SandboxServer, tmp_path: Path) -> Settings:
    return edge_settings(
        sandbox_server.base_url, tmp_path / "kinerja.db", google={"master_indikator": None, "master_sheet": SHEET}
    )


@pytest.fixture
async def kinerja(settings: Settings, workbook: EdgeWorkbook, people: People) -> AsyncIterator[KinerjaBot]:
    bot = edge_bot(settings, workbook, open_store(settings))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        bot.store.dispose()


async def test_induk_reports_each_problem_at_its_cell_then_perubahan_applies(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    # Row 11 of the sheet is PTK's "... yang mendapat kartu AK/I" (header on row 1; TW III target 3000).
    workbook.master_sheet = master_read(**{f"r11_{TARGET_TW_II}": "enam ratus"})
    await people.say(KASUBBAG, "/induk")
    invalid = await people.wait_message(KASUBBAG, "Daftar induk indikator tidak dapat dipakai")
    assert '- Baris 11, kolom Target TW II: "enam ratus" bukan angka' in invalid["text"]
    assert invalid["reply_markup"]["inline_keyboard"] == [[{"text": "Buka lembar kerja daftar induk", "url": SHEET}]]
    [notes] = workbook.master_notes
    assert notes.texts[9] == 'Kesalahan: kolom Target TW II: "enam ratus" bukan angka'  # row 11
    await people.say(PTK_STAF, "/induk")
    await people.wait_message(PTK_STAF, "hanya dikelola oleh Kasubbag KPEP")

    workbook.master_sheet = master_read()
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/induk")
    ok = await people.wait_message(KASUBBAG, "Daftar induk indikator tahun 2026 dapat dipakai", after=before)
    assert "Jumlah indikator: 15 (SEK 7, PTK 8)" in ok["text"]
    # The next year's list is checked on its own tab ("Daftar Induk 2027") before its TW I opens.
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/induk 2027")
    await people.wait_message(KASUBBAG, "Daftar induk indikator tahun 2027 dapat dipakai", after=before)
    assert ("read_master", (SHEET, 2027)) in workbook.calls
    await people.say(KASUBBAG, "/induk dua ribu")
    await people.wait_message(KASUBBAG, "Tahun tidak dikenali")

    # Nothing distributed yet: there is nothing to revise, the sheet is simply edited.
    await people.say(KASUBBAG, "/perubahan 1-7-2026")
    await people.wait_message(KASUBBAG, "Belum ada triwulan 2026 yang dibagikan")

    # TW I distributed from the sheet; then the sheet changes one TW III target.
    service = kinerja.service
    period = await asyncio.to_thread(service.start_period, 2026, 1)
    sekretaris = service.directory.actor_for_telegram(SEKRETARIS)
    assert sekretaris is not None
    await asyncio.to_thread(service.approve_distribution, sekretaris, period)
    workbook.master_sheet = master_read(**{f"r11_{TARGET_TW_III}": "1100"})
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/perubahan 1-7-2026")
    preview = await people.wait_message(KASUBBAG, "Perubahan target APBD Perubahan 2026", after=before)
    assert "Diterapkan mulai: Triwulan III 2026" in preview["text"]
    assert "Ringkasan: 1 indikator diubah, 0 ditambah, 0 dihapus" in preview["text"]
    await people.press(KASUBBAG, preview["message_id"], "Terapkan")
    await people.wait_edit(KASUBBAG, preview["message_id"], ">> Perubahan target diterapkan oleh Bambang Setiawan")
    told = await people.wait_message(KADIS, "Perubahan target kinerja 2026")
    assert "diterapkan oleh Bambang Setiawan, S.E mulai Triwulan III 2026" in told["text"]
    assert [(kode, revision.from_tw) for _, kode, revision in workbook.revisions] == [("SEK", 3), ("PTK", 3)]
    ptk = workbook.revisions[1][2]
    ak1 = next(item for item in ptk.items if item.indikator.endswith("mendapat kartu AK/I"))
    assert ak1.target_tw[2] == 1100 and ptk.dropped == ()
    # The sheet now holds the list in force: nothing more to apply.
    await people.say(KASUBBAG, "/perubahan 1-7-2026")
    await people.wait_message(KASUBBAG, "tidak berbeda dengan yang berlaku")
