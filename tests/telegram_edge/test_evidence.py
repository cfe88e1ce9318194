"""Bukti dukung by photo or file (issue #19 item 3), through the real bot on the sandbox.

Here the Google side is the real edge too (``GoogleWorkbooks`` on a provisioned sandbox): a staff
member sends a photo or a PDF, the bot downloads it (getFile, then the file URL), keeps it in the
bidang's "Bukti Dukung TW I 2026" folder (made once, found again by its appProperties by a
restarted bot), writes the link into the indicator's Bukti Dukung cell beside what was there, and
records it in the audit trail; what cannot be kept is refused with the reason.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.demo.provision import BOT_EMAIL, provision_google
from bot.runtime import create_bot, open_store
from bot.store.repository import Store
from bot.telegram.app import KinerjaBot
from bot.telegram.callback_data import CallbackDataError
from bot.telegram.handlers.evidence import EvidenceChoice, decode_choice
from bot.workflow.evidence import EVENT
from config.settings import Settings, parse_settings
from sandbox.control import SandboxControl
from sandbox.server import SandboxServer
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sheets import layout
from sheets.google.drive import FOLDER_MIME, PROP_BIDANG, PROP_JENIS
from sheets.google.http import RetryPolicy
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import load_master
from tests.telegram_edge.conftest import EXAMPLE, KEPALA, SEKRETARIS, STAF, People

FAST = RetryPolicy(attempts=4, timeout=10.0, initial_wait=0.001, max_wait=0.01)
DEMO_MASTER = EXAMPLE.parent / "demo" / "indikator.csv"
PTK_STAFF_EMAIL = "penempatan@disnaker.example.go.id"
BUKTI = layout.column_letter(layout.REALISASI_HEADER.index(layout.COL_BUKTI))
PDF = b"%PDF-1.4\n% SP2D triwulan I\n%%EOF\n"


@dataclass
class GoogleBot:
    """The running bot on the real Google edge, its store and the sandbox's control API."""

    settings: Settings
    store: Store
    control: SandboxControl
    start: Callable[[], Any]
    bots: list[KinerjaBot]
    period_id: int = 0

    @property
    def bot(self) -> KinerjaBot:
        return self.bots[-1]

    def bukti_cell(self, row: int) -> str:
        book = self.control.gspread_as(PTK_STAFF_EMAIL).open(layout.judul_bidang(2026, self.ptk_nama))
        value = book.worksheet(layout.TAB_REALISASI).acell(f"{BUKTI}{row}").value
        return str(value or "")

    @property
    def ptk_nama(self) -> str:
        return self.settings.bidang_by_kode("PTK").nama

    def evidence_files(self) -> list[dict[str, Any]]:
        return [f for f in self.control.files() if (f["appProperties"] or {}).get(PROP_JENIS) == "bukti"]

    def download(self, file_id: str) -> bytes:
        data: bytes = (
            self.control.drive_as(BOT_EMAIL).files().get_media(fileId=file_id, supportsAllDrives=True).execute()
        )
        return data

    def audit(self) -> list[Any]:
        with self.store.transaction() as tx:
            return [row for row in tx.audit_rows(self.period_id) if row.event == EVENT]


@pytest.fixture
async def google_bot(sandbox_server: SandboxServer, people: People, tmp_path: Path) -> AsyncIterator[GoogleBot]:
    """SEK and PTK on the real Google edge, TW I distributed; the bot running (no scheduler)."""
    control = SandboxControl(sandbox_server.base_url)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["bidang"] = [b for b in data["bidang"] if b["kode"] in ("SEK", "PTK")]
    data = provision_google(control, data, tmp_path, master=DEMO_MASTER)
    data["telegram"]["base_url"] = f"{sandbox_server.base_url}/bot"
    data["database"] = {"url": f"sqlite:///{tmp_path / 'kinerja.db'}"}
    settings = parse_settings(data, "tests")
    store = open_store(settings)
    bots: list[KinerjaBot] = []

    async def start() -> KinerjaBot:
        """A bot with a fresh Google edge on the same store: what a restarted service has."""
        workbooks = GoogleWorkbooks(settings, master=load_master(DEMO_MASTER), policy=FAST)
        bot = create_bot(
            settings,
            workbooks,
            store=store,
            token=DEFAULT_BOT_TOKEN,
            outbox_interval=0.05,
            poll_timeout=1,
            with_scheduler=False,
        )
        await bot.start()
        bots.append(bot)
        return bot

    world = GoogleBot(settings, store, control, start, bots)
    bot = await start()
    service = bot.service
    world.period_id = await asyncio.to_thread(service.start_period, 2026, 1)
    sekretaris = service.directory.actor_for_telegram(SEKRETARIS)
    assert sekretaris is not None
    await asyncio.to_thread(service.approve_distribution, sekretaris, world.period_id)
    try:
        yield world
    finally:
        for running in bots:
            if running.application.running:
                await running.stop()
        store.dispose()


def url_buttons(message: dict[str, Any]) -> dict[str, str]:
    """A message's URL buttons: label -> URL."""
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["text"]: b["url"] for row in keyboard for b in row if "url" in b}


async def send(people: People, user_id: int, **media: Any) -> int:
    """``user_id`` sends a photo or a document (the sandbox's control API); its message id."""
    before = await people.last_id(user_id)
    await people.control("telegram/send", {"user_id": user_id, **media})
    return before


async def test_photo_with_the_indicator_number_is_kept_and_linked(google_bot: GoogleBot, people: People) -> None:
    before = await send(people, STAF["PTK"], photo={"width": 1600, "height": 1200}, caption="2")
    stored = await people.wait_message(STAF["PTK"], "Bukti dukung tersimpan", after=before, timeout=20)
    assert "indikator 2. Jumlah pencari kerja yang ditempatkan (Triwulan I 2026)" in stored["text"]
    assert f"sel {BUKTI}3 (kolom Bukti Dukung (tautan))" in stored["text"]

    files = google_bot.evidence_files()
    folders = [f for f in files if f["mimeType"] == FOLDER_MIME]
    photos = [f for f in files if f["mimeType"] == "image/jpeg"]
    assert [f["name"] for f in folders] == ["Bukti Dukung TW I 2026"]
    assert folders[0]["parents"] == ["folder-penempatan"] and folders[0]["appProperties"][PROP_BIDANG] == "PTK"
    assert PTK_STAFF_EMAIL in {p["emailAddress"] for p in folders[0]["permissions"]}
    assert len(photos) == 1 and photos[0]["parents"] == [folders[0]["id"]]
    assert photos[0]["name"].startswith("02 - Jumlah pencari kerja yang ditempatkan - ")
    assert google_bot.download(photos[0]["id"])[:2] == b"\xff\xd8"  # the JPEG Telegram kept (1280 px)
    link = google_bot.bukti_cell(3)
    assert link.startswith("https://") and photos[0]["id"] in link
    buttons = url_buttons(stored)
    assert buttons["Buka berkas"] == link and folders[0]["id"] in buttons["Buka folder bukti dukung"]
    assert "https://" not in stored["text"]  # the links are buttons, not long URLs in the text
    [audit] = google_bot.audit()
    assert audit.sop_step == 2 and audit.bidang == "PTK" and audit.actor_role == "staf"
    assert audit.note.startswith("indikator 2. Jumlah pencari kerja yang ditempatkan; sel W3; https://")


async def test_pdf_without_caption_is_asked_for_then_kept_beside_the_old_link(
    google_bot: GoogleBot, people: People
) -> None:
    old = "https://drive.google.com/drive/folders/bukti-lama"
    staff_book = google_bot.control.gspread_as(PTK_STAFF_EMAIL).open(layout.judul_bidang(2026, google_bot.ptk_nama))
    staff_book.worksheet(layout.TAB_REALISASI).update([[old]], f"{BUKTI}2")
    pdf = base64.b64encode(PDF).decode()
    before = await send(people, STAF["PTK"], document={"file_name": "SP2D TW I.pdf", "content_base64": pdf})
    question = await people.wait_message(STAF["PTK"], "untuk indikator", after=before, timeout=20)
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0] == "1. Jumlah dokumen rencana tenaga kerja daerah yang disusun"
    assert len(labels) == 8 and all(len(label) <= 60 for label in labels)
    assert question["reply_to_message"]["document"]["file_name"] == "SP2D TW I.pdf"

    await people.press(STAF["PTK"], question["message_id"], labels[0])
    stored = await people.wait_message(STAF["PTK"], "Bukti dukung tersimpan", after=question["message_id"], timeout=20)
    await people.wait_edit(STAF["PTK"], question["message_id"], ">> Disimpan untuk indikator 1.")
    [pdf_file] = [f for f in google_bot.evidence_files() if f["mimeType"] == "application/pdf"]
    assert google_bot.download(pdf_file["id"]) == PDF
    assert pdf_file["name"].endswith(" - SP2D TW I.pdf")
    cell = google_bot.bukti_cell(2)
    assert cell.split("\n")[0] == old and pdf_file["id"] in cell.split("\n")[1]  # the staff's link kept
    assert pdf_file["id"] in url_buttons(stored)["Buka berkas"]

    # The same choice pressed again (a doubled press): kept once, linked once, audited once.
    again = EvidenceChoice(google_bot.period_id, 1).encode()
    await people.press_data(STAF["PTK"], question["message_id"], again)
    await people.wait_message(STAF["PTK"], "Bukti dukung tersimpan", after=stored["message_id"], timeout=20)
    assert [f["id"] for f in google_bot.evidence_files() if f["mimeType"] == "application/pdf"] == [pdf_file["id"]]
    assert google_bot.bukti_cell(2) == cell
    assert len(google_bot.audit()) == 1


async def test_restarted_bot_finds_the_folder_and_large_files_go_resumable(
    google_bot: GoogleBot, people: People
) -> None:
    before = await send(people, STAF["PTK"], photo=True, caption="Jumlah kasus PMI bermasalah")
    await people.wait_message(STAF["PTK"], "indikator 6. Jumlah kasus PMI bermasalah", after=before, timeout=20)
    await google_bot.bot.stop()
    await google_bot.start()  # a new Google edge: it remembers no folder
    google_bot.control.reset_stats()
    big = {"file_name": "dokumentasi.pdf", "content_base64": base64.b64encode(PDF).decode(), "size": 6 * 1024 * 1024}
    before = await send(people, STAF["PTK"], document=big, caption="No. 4")
    await people.wait_message(
        STAF["PTK"], "indikator 4. Jumlah perusahaan peserta bursa kerja", after=before, timeout=30
    )
    folders = [f for f in google_bot.evidence_files() if f["mimeType"] == FOLDER_MIME]
    assert len(folders) == 1  # found again by its appProperties, not made twice
    methods = google_bot.control.google_methods()
    # Over 5 MB: a resumable upload (the session, then one PUT per 5 MB chunk), no new folder.
    assert methods["drive.files.create"] == 3
    assert len(google_bot.audit()) == 2


REFUSED: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("staf", {"document": {"file_name": "besar.pdf", "size": 20 * 1024 * 1024 + 1}}, "lebih besar dari 20 MB"),
    ("staf", {"document": {"file_name": "rekap.xlsx"}}, "berkas jenis ini tidak disimpan"),
    ("kepala", {"photo": True, "caption": "1"}, "dikirim oleh staf pengisi laporan bidang"),
)


async def test_what_cannot_be_kept_is_refused_with_the_reason(google_bot: GoogleBot, people: People) -> None:
    """Over Telegram's 20 MB for bots, a type that is no photo/PDF, a sender who is no staff: each is
    answered with its reason before anything is downloaded, and nothing is kept (one bot, one setup)."""
    for who, media, says in REFUSED:
        user = STAF["PTK"] if who == "staf" else KEPALA["PTK"]
        google_bot.control.reset_stats()
        before = await send(people, user, **media)
        await people.wait_message(user, says, after=before, timeout=20)
        assert google_bot.evidence_files() == [] and google_bot.audit() == [], says
        telegram = google_bot.control.call("GET", "stats")["telegram"]["methods"]
        assert "getFile" not in telegram and "downloadFile" not in telegram, says


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("b1|12", id="short"),
        pytest.param("b1|12|3|PTK", id="long"),
        pytest.param("b1|0|3", id="period-zero"),
        pytest.param("b1|12|0", id="indicator-zero"),
        pytest.param("b2|12|3", id="other-version"),
        pytest.param("k1|kok|12|PTK", id="a-workflow-button"),
        pytest.param("b1|12|3 ", id="trailing-space"),
        pytest.param(None, id="none"),
    ],
)
def test_indicator_buttons_decode_only_what_the_bot_made(data: str | None) -> None:
    assert decode_choice(EvidenceChoice(12, 3).encode()) == EvidenceChoice(12, 3)
    with pytest.raises(CallbackDataError):
        decode_choice(data)
