"""Commands: registration by invite code (CLI + /daftar: single use, expiry, lockout), /start,
/bantuan by role, /status, /rekap with the chart, and the command list set with set_my_commands."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot import texts
from bot.cli import main
from bot.telegram.app import KinerjaBot
from bot.workflow.machine import Role
from config.settings import Settings
from tests.telegram_edge.conftest import (
    KADIS,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAF,
    STRANGER,
    EdgeWorkbook,
    People,
)
from tests.workflow.scenario import submission


async def test_commands_are_registered(kinerja: KinerjaBot, people: People) -> None:
    commands = await kinerja.application.bot.get_my_commands()
    assert [c.command for c in commands] == ["start", "daftar", "status", "rekap", "kirim", "bantuan"]


async def test_invite_cli_prints_a_code_that_binds(
    kinerja: KinerjaBot, people: People, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m bot invite`` on the bot's own store; the code it prints binds the sender of /daftar."""
    data = settings.model_dump(mode="json", exclude_none=True)
    data["jadwal"]["undangan_berlaku_hari"] = 3  # the validity is configuration
    config = tmp_path / "settings.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def until() -> str:
        return texts.format_waktu(datetime.now(settings.tz) + timedelta(days=3), settings.tz)

    earliest = until()
    code = main(["invite", "--role", "staf", "--bidang", "PTK", "--nama", "Tri Handayani", "--config", str(config)])
    latest = until()
    out = capsys.readouterr()
    assert code == 0, out.err
    invite = out.out.split("/daftar ", 1)[1].split()[0]
    assert len(invite) == 10
    assert f"Berlaku sampai {earliest}" in out.out or f"Berlaku sampai {latest}" in out.out

    await people.say(STRANGER, f"/daftar {invite}")
    ok = await people.wait_message(STRANGER, "Pendaftaran berhasil")
    assert "Tri Handayani" in ok["text"] and "Staf pengisi laporan (Bidang Penempatan" in ok["text"]
    actor = kinerja.service.directory.actor_for_telegram(STRANGER)
    assert actor is not None and (actor.role, actor.bidang, actor.nama) == (Role.STAF, "PTK", "Tri Handayani")

    # Refused input: a Kepala Bidang without --bidang.
    code = main(["invite", "--role", "kepala_bidang", "--nama", "X", "--config", str(config)])
    assert code == 2 and "--bidang" in capsys.readouterr().err


async def test_daftar_single_use_expiry_and_lockout(kinerja: KinerjaBot, people: People) -> None:
    directory = kinerja.service.directory
    now = kinerja.service.now()
    code = await asyncio.to_thread(directory.create_invite, Role.STAF, "PTK", "Tri Handayani", now)
    old = await asyncio.to_thread(directory.create_invite, Role.STAF, "PTK", "Lama", now - timedelta(days=8))

    await people.say(STRANGER, f"/daftar {code.lower()}")  # typed in lower case: still accepted
    ok = await people.wait_message(STRANGER, "Pendaftaran berhasil")
    assert "Tri Handayani" in ok["text"] and "Penempatan" in ok["text"]
    await people.say(STRANGER, "/bantuan")
    await people.wait_message(STRANGER, "/kirim - ajukan laporan")

    # Single use: someone else with the same code is refused.
    other = 555000222
    await people.user(other, "Lain")
    await people.say(other, f"/daftar {code}")
    await people.wait_message(other, "sudah dipakai")
    await people.say(other, f"/daftar {old}")
    await people.wait_message(other, "sudah kedaluwarsa")
    await people.say(other, "/daftar")
    await people.wait_message(other, "Mohon kirim kode undangan")

    # Five wrong codes lock the sender out for an hour, even with a good code after.
    fresh = await asyncio.to_thread(directory.create_invite, Role.KEPALA_BIDANG, "PTK", "Baru", now)
    for attempt in range(5):
        before = await people.last_id(other)
        await people.say(other, f"/daftar SALAH{attempt}XYZ")
        await people.wait_message(other, "tidak dikenal", after=before)
    before = await people.last_id(other)
    await people.say(other, f"/daftar {fresh}")
    await people.wait_message(other, "Terlalu banyak kode yang salah", after=before)
    assert directory.actor_for_telegram(other) is None


async def test_bantuan_by_role(kinerja: KinerjaBot, people: People) -> None:
    expected = {
        STAF["PTK"]: "/kirim",
        KEPALA["PTK"]: "Catat tindak lanjut",
        KASUBBAG: "Kirim ke Sekretaris",
        SEKRETARIS: "Teruskan ke Kepala Dinas",
        KADIS: "rekomendasi",
    }
    for who, phrase in expected.items():
        await people.say(who, "/bantuan")
        help_text = await people.wait_message(who, "Sebagai ")
        assert phrase in help_text["text"] and "/status" in help_text["text"]
    await people.say(KEPALA["PTK"], "/start")
    hello = await people.wait_message(KEPALA["PTK"], "Selamat datang, Bapak/Ibu Agus Priyono")
    assert "Kepala Bidang (Bidang Penempatan" in hello["text"]


async def test_status_and_rekap(kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People) -> None:
    await people.say(KASUBBAG, "/status")
    await people.wait_message(KASUBBAG, "Belum ada periode")
    service = kinerja.service
    pid = await asyncio.to_thread(service.start_period, 2026, 1)
    await people.say(KASUBBAG, "/status")
    status = await people.wait_message(KASUBBAG, "Status laporan kinerja Triwulan I 2026")
    assert "menunggu persetujuan Sekretaris" in status["text"]
    assert "Di tangan: Sekretaris (Sri Wahyuni, S.Sos., M.Si.)" in status["text"]
    assert "Mutu Baku 15 menit, masih dalam Mutu Baku" in status["text"]

    sekretaris = service.directory.actor_for_telegram(SEKRETARIS)
    await asyncio.to_thread(service.approve_distribution, sekretaris, pid)
    await asyncio.to_thread(service.handle_events, [submission("PTK", 1)])
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/status")
    status = await people.wait_message(KASUBBAG, "Status laporan", after=before)
    assert "- Bidang Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja (PTK): menunggu koreksi" in status["text"]
    assert "Di tangan: Kepala Bidang (Agus Priyono, S.H.)" in status["text"]
    assert "- Sekretariat (SEK): dibuka untuk pengisian" in status["text"]
    assert "Batas pengisian: " in status["text"] and " WIB" in status["text"]

    await people.say(KASUBBAG, "/rekap")
    await people.wait_message(KASUBBAG, "Rekap dinas belum tersedia")
    kepala = service.directory.actor_for_telegram(KEPALA["PTK"])
    await asyncio.to_thread(service.approve_koreksi, kepala, pid, "PTK")
    await asyncio.to_thread(service.handle_events, [submission("SEK", 1)])
    await asyncio.to_thread(service.approve_koreksi, sekretaris, pid, "SEK")
    assert service.bot_steps is not None and await asyncio.to_thread(service.bot_steps.wait_idle, 60)
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/rekap")
    chart = await people.wait_message(KASUBBAG, "Capaian per bidang, Triwulan I 2026", after=before)
    assert chart["photo"]
    rekap = await people.wait_message(KASUBBAG, "Rekap laporan kinerja dinas Triwulan I 2026", after=before)
    assert "Tautan: https://sheets.test/rekap/2026" in rekap["text"]
    assert "Rata-rata capaian: 83,88%" in rekap["text"] and "capaian 95,50%" in rekap["text"]
    await people.say(STAF["PTK"], "/rekap")
    await people.wait_message(STAF["PTK"], "hanya dapat dilihat oleh Kepala Bidang dan pejabat")


async def test_status_shows_every_running_period(kinerja: KinerjaBot, people: People) -> None:
    """An older period still running (stuck in TW I) is shown beside the newest, oldest first."""
    service = kinerja.service
    await asyncio.to_thread(service.start_period, 2026, 1)
    await asyncio.to_thread(service.start_period, 2026, 2)
    await people.say(KASUBBAG, "/status")
    status = await people.wait_message(KASUBBAG, "Status laporan kinerja Triwulan II 2026")
    assert "Status laporan kinerja Triwulan I 2026" in status["text"]
    assert status["text"].index("Triwulan I 2026") < status["text"].index("Triwulan II 2026")


async def test_kirim_is_for_staff_in_an_open_tw(kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People) -> None:
    await people.say(KEPALA["PTK"], "/kirim")
    await people.wait_message(KEPALA["PTK"], "hanya untuk staf")
    await people.say(STAF["PTK"], "/kirim")
    await people.wait_message(STAF["PTK"], "tidak ada triwulan yang dibuka")
    pid = await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    sekretaris = kinerja.service.directory.actor_for_telegram(SEKRETARIS)
    await asyncio.to_thread(kinerja.service.approve_distribution, sekretaris, pid)
    workbook.next_typo["PTK"] = (9, 12, "dua puluh")  # Realisasi TW I (column M), row 9
    before = await people.last_id(STAF["PTK"])
    await people.say(STAF["PTK"], "/kirim")
    await people.wait_message(STAF["PTK"], "ditemukan 1 kesalahan", after=before)
    await people.wait_message(STAF["PTK"], "sel M9", after=before)  # the per-cell feedback follows
    before = await people.last_id(STAF["PTK"])
    await people.say(STAF["PTK"], "/kirim")
    await people.wait_message(STAF["PTK"], "telah diajukan untuk dikoreksi", after=before)
    before = await people.last_id(STAF["PTK"])
    await people.say(STAF["PTK"], "/kirim")  # already submitted: the core refuses, with its reason
    await people.wait_message(STAF["PTK"], "menunggu koreksi Kepala Bidang", after=before)
    assert ("read_book", ("PTK",)) in workbook.calls
