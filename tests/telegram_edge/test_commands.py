"""Commands: registration by invite code (CLI + /daftar: single use, expiry, lockout), /start,
/bantuan by role, /status, /rekap with the chart, and the command list set with set_my_commands."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import segno
import yaml
from PIL import Image

from bot import texts
from bot.cli import main
from bot.telegram.app import KinerjaBot
from bot.telegram.invite import QR_BORDER, QR_SCALE
from bot.telegram.period_args import PeriodArgs, PeriodArgsError, parse_period_args
from bot.workflow.machine import BidangState, DinasState, Role
from config.settings import Settings
from sandbox.telegram import DEFAULT_BOT_TOKEN
from tests.telegram_edge.conftest import (
    KADIS,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAF,
    STRANGER,
    EdgeWorkbook,
    People,
    action_rows,
    url_buttons,
    wait_for,
)
from tests.workflow.scenario import submission


async def test_commands_are_registered(kinerja: KinerjaBot, people: People) -> None:
    commands = await kinerja.application.bot.get_my_commands()
    assert [c.command for c in commands] == [
        "start",
        "daftar",
        "status",
        "rekap",
        "kirim",
        "plh",
        "induk",
        "perubahan",
        "bantuan",
    ]


def _config_file(settings: Settings, tmp_path: Path, **changes: Any) -> Path:
    """The edge settings as a file the CLI reads, with a 3-day invite validity and ``changes`` per section."""
    data = settings.model_dump(mode="json", exclude_none=True)
    data["jadwal"]["undangan_berlaku_hari"] = 3  # the validity is configuration
    for section, values in changes.items():
        data[section] = {**data[section], **values}
    config = tmp_path / "settings.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return config


def _qr_encodes(png: Path, link: str) -> bool:
    """The PNG holds exactly the QR symbol of ``link`` (each module's centre read back with Pillow)."""
    symbol = segno.make(link, error="m")
    image = Image.open(png).convert("L")
    size = len(symbol.matrix)
    if image.size != ((size + 2 * QR_BORDER) * QR_SCALE,) * 2:
        return False
    centre = QR_SCALE // 2
    for row, modules in enumerate(symbol.matrix):
        for column, dark in enumerate(modules):
            pixel = image.getpixel(((QR_BORDER + column) * QR_SCALE + centre, (QR_BORDER + row) * QR_SCALE + centre))
            if (pixel < 128) != bool(dark):
                return False
    return True


async def test_invite_prints_a_deep_link_and_a_qr_that_bind_in_one_tap(
    kinerja: KinerjaBot,
    people: People,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``python -m bot invite`` reads the bot's username with getMe through telegram.base_url (the
    sandbox), prints https://t.me/<bot>?start=CODE and writes its QR code; opening the link (the app
    sends /start CODE) binds the person as /daftar CODE does."""
    monkeypatch.setenv("KINERJA_TELEGRAM__TOKEN", DEFAULT_BOT_TOKEN)
    config = _config_file(settings, tmp_path)
    qr = tmp_path / "cetak" / "undangan.png"
    qr.parent.mkdir()

    def until() -> str:
        return texts.format_waktu(datetime.now(settings.tz) + timedelta(days=3), settings.tz)

    args = ["invite", "--role", "staf", "--bidang", "PTK", "--nama", "Tri Handayani", "--qr", str(qr)]
    earliest = until()
    code = await asyncio.to_thread(main, [*args, "--config", str(config)])  # getMe runs its own event loop
    latest = until()
    out = capsys.readouterr()
    assert code == 0 and out.err == "", out.err
    invite = out.out.split("/daftar ", 1)[1].split()[0]
    link = f"https://t.me/kinerja_sandbox_bot?start={invite}"
    assert len(invite) == 10 and f"    {link}\n" in out.out and str(qr) in out.out
    assert f"Berlaku sampai {earliest}" in out.out or f"Berlaku sampai {latest}" in out.out
    assert _qr_encodes(qr, link)

    # One tap: the app opens the link and sends /start CODE.
    opened = await people.control("telegram/start", {"user_id": STRANGER, "url": link})
    assert opened["text"] == f"/start {invite}"
    ok = await people.wait_message(STRANGER, "Pendaftaran berhasil")
    assert "Tri Handayani" in ok["text"] and "Staf pengisi laporan (Bidang Penempatan" in ok["text"]
    actor = kinerja.service.directory.actor_for_telegram(STRANGER)
    assert actor is not None and (actor.role, actor.bidang, actor.nama) == (Role.STAF, "PTK", "Tri Handayani")
    # Tapping it again (or anyone tapping a used link) changes nothing.
    before = await people.last_id(STRANGER)
    await people.control("telegram/start", {"user_id": STRANGER, "url": link})
    await people.wait_message(STRANGER, "sudah terdaftar atas nama Tri Handayani", after=before)
    other = 555000333
    await people.user(other, "Lain")
    await people.control("telegram/start", {"user_id": other, "url": link})
    await people.wait_message(other, "sudah dipakai")
    assert kinerja.service.directory.actor_for_telegram(other) is None

    # Refused input: a Kepala Bidang without --bidang.
    code = await asyncio.to_thread(main, ["invite", "--role", "kepala_bidang", "--nama", "X", "--config", str(config)])
    assert code == 2 and "--bidang" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("telegram", "token"),
    [
        pytest.param({}, None, id="no-token"),
        pytest.param({"base_url": "http://127.0.0.1:9/bot"}, "123:abc", id="telegram-unreachable"),
    ],
)
async def test_invite_without_telegram_still_gives_a_code_for_daftar(
    kinerja: KinerjaBot,
    people: People,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    telegram: dict[str, str],
    token: str | None,
) -> None:
    """getMe fails: the code is still created and printed with /daftar, and the admin is told why there is
    no link (never with the token in the message)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KINERJA_TELEGRAM__TOKEN", raising=False)
    if token is not None:
        monkeypatch.setenv("KINERJA_TELEGRAM__TOKEN", token)
    config = _config_file(settings, tmp_path, telegram=telegram)
    args = ["invite", "--role", "staf", "--bidang", "PTK", "--nama", "Tri Handayani", "--config", str(config)]
    assert await asyncio.to_thread(main, args) == 0
    out = capsys.readouterr()
    assert "https://t.me/" not in out.out and "tautan pendaftaran dan kode QR tidak dapat dibuat" in out.err
    assert "123:abc" not in out.err and not list(tmp_path.glob("*.png"))
    invite = out.out.split("/daftar ", 1)[1].split()[0]
    await people.say(STRANGER, f"/daftar {invite}")
    await people.wait_message(STRANGER, "Pendaftaran berhasil")


async def test_start_from_an_unbound_person_shows_their_telegram_id(kinerja: KinerjaBot, people: People) -> None:
    """The admin never needs a third-party bot to learn someone's id: /start says it."""
    await people.say(STRANGER, "/start")
    hello = await people.wait_message(STRANGER, "belum terdaftar")
    assert f"ID Telegram Bapak/Ibu: {STRANGER}" in hello["text"] and "/daftar KODE" in hello["text"]
    await people.say(STRANGER, "/start SALAHKODE1")  # a wrong code through the deep link path
    await people.wait_message(STRANGER, "tidak dikenal")
    assert kinerja.service.directory.actor_for_telegram(STRANGER) is None


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


async def _bantuan(people: People, who: int) -> list[dict[str, Any]]:
    """Send /bantuan and return the bot's answer: the overview, then one message per item.

    The caller has waited for the notifications in flight to this person: the answer is every bot
    message after the /bantuan sent (PTB does not quote the command in a private chat).
    """
    asked = (await people.say(who, "/bantuan"))["message_id"]
    overview = await people.wait_message(who, "/bantuan - pesan ini", after=asked)
    expected = 1
    if "hal yang menunggu tindakan" in overview["text"]:
        expected += int(overview["text"].split("Ada ", 1)[1].split()[0])
    if "Keadaan laporan bidang Bapak/Ibu ada pada pesan berikut" in overview["text"]:
        expected += 1

    async def answered() -> list[dict[str, Any]] | None:
        answer = [m for m in await people.messages(who) if m["message_id"] > asked]
        return answer if len(answer) >= expected else None

    answer: list[dict[str, Any]] = await wait_for(answered)
    assert answer[0]["message_id"] == overview["message_id"] and len(answer) == expected, answer
    return answer


async def test_bantuan_by_role(kinerja: KinerjaBot, people: People) -> None:
    """Outside any period: what the role does and the commands, and that nothing waits."""
    expected = {
        STAF["PTK"]: "/kirim",
        KEPALA["PTK"]: "Catat tindak lanjut",
        KASUBBAG: "Kirim ke Sekretaris",
        SEKRETARIS: "Teruskan ke Kepala Dinas",
        KADIS: "rekomendasi",
    }
    for who, phrase in expected.items():
        (help_text,) = await _bantuan(people, who)
        assert phrase in help_text["text"] and "/status" in help_text["text"]
        assert "Saat ini tidak ada yang menunggu tindakan Bapak/Ibu." in help_text["text"]
    await people.say(KEPALA["PTK"], "/start")
    hello = await people.wait_message(KEPALA["PTK"], "terdaftar atas nama Agus Priyono, S.H. sebagai")
    assert "Kepala Bidang (Bidang Penempatan" in hello["text"]


async def test_bantuan_offers_what_waits_now_as_buttons(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    """/bantuan answers with each person's pending actions as the same buttons the requests carry;
    pressing one there acts as pressing it on the request."""
    service = kinerja.service
    pid = await asyncio.to_thread(service.start_period, 2026, 1)
    await people.wait_message(SEKRETARIS, "Permohonan persetujuan pembagian format")

    # Step 1 waits for the Sekretaris: Setujui / Tunda, acted on from the /bantuan answer.
    overview, item = await _bantuan(people, SEKRETARIS)
    assert "Ada 1 hal yang menunggu tindakan Bapak/Ibu" in overview["text"]
    assert "Menunggu tindakan Bapak/Ibu" in item["text"] and "pembagian format" in item["text"]
    assert action_rows(item) == [["Setujui"], ["Tunda"]] and url_buttons(item) == {}
    (nothing,) = await _bantuan(people, KASUBBAG)
    assert "Saat ini tidak ada yang menunggu tindakan Bapak/Ibu." in nothing["text"]
    await people.press(SEKRETARIS, item["message_id"], "Setujui")
    await people.wait_edit(SEKRETARIS, item["message_id"], ">> Disetujui oleh Sri Wahyuni")
    assert service.period_view(pid).state is DinasState.COLLECTING
    await people.wait_message(STAF["PTK"], "Pengisian laporan kinerja dibuka")

    # Step 2 for staff: their bidang's report, its link, and how to submit it.
    overview, own = await _bantuan(people, STAF["PTK"])
    assert "Ada 1 hal" in overview["text"] and "dibuka untuk pengisian" in own["text"]
    assert "Cara mengajukan" in own["text"] and "/kirim" in own["text"] and "Batas pengisian:" in own["text"]
    assert url_buttons(own) == {"Buka laporan": "https://sheets.test/2026/PTK"} and action_rows(own) == []

    # Step 3: PTK submitted; its Kepala Bidang gets the report and Setujui/Kembalikan.
    await asyncio.to_thread(service.handle_events, [submission("PTK", 1)])
    await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    overview, koreksi = await _bantuan(people, KEPALA["PTK"])
    assert "Ada 1 hal" in overview["text"] and "Menunggu koreksi Bapak/Ibu" in koreksi["text"]
    assert "\nBidang Penempatan Tenaga Kerja" in koreksi["text"] and "Bidang: Bidang" not in koreksi["text"]
    assert url_buttons(koreksi) == {"Buka laporan": "https://sheets.test/2026/PTK"}
    assert action_rows(koreksi) == [["Setujui", "Kembalikan"]]
    await people.wait_message(STAF["PTK"], "Laporan telah diajukan")
    (waiting,) = await _bantuan(people, KEPALA["SEK"])  # the Sekretaris corrects SEK: nothing submitted yet
    assert "Saat ini tidak ada yang menunggu" in waiting["text"]
    overview, own = await _bantuan(people, STAF["PTK"])  # the staff now only wait
    assert "Saat ini tidak ada yang menunggu" in overview["text"] and "menunggu koreksi Kepala Bidang" in own["text"]
    assert "Cara mengajukan" not in own["text"]

    # Kembalikan from the /bantuan answer asks for the reason and returns the report.
    await people.press(KEPALA["PTK"], koreksi["message_id"], "Kembalikan")
    await people.reply_to_prompt(KEPALA["PTK"], "Lengkapi bukti dukung.", after=koreksi["message_id"])
    edited = await people.wait_edit(KEPALA["PTK"], koreksi["message_id"], ">> Dikembalikan oleh Agus Priyono")
    assert action_rows(edited) == [] and url_buttons(edited) == {"Buka laporan": "https://sheets.test/2026/PTK"}
    returned = {r.bidang: r.state for r in service.period_view(pid).reports}
    assert returned["PTK"] is BidangState.RETURNED
    await people.wait_message(STAF["PTK"], "Laporan dikembalikan untuk diperbaiki")
    _, own = await _bantuan(people, STAF["PTK"])
    assert "Alasan terakhir: Lengkapi bukti dukung." in own["text"] and "Cara mengajukan" in own["text"]


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
    assert (
        "- Bidang Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja (PTK): menunggu koreksi Kepala Bidang\n"
        "  Di tangan: Kepala Bidang (Agus Priyono, S.H.)" in status["text"]
    )
    assert "- Sekretariat (SEK): dibuka untuk pengisian" in status["text"]
    assert "Batas pengisian: " in status["text"] and " WIB" in status["text"]

    await people.say(KASUBBAG, "/rekap")
    await people.wait_message(KASUBBAG, "Rekap dinas belum tersedia")
    kepala = service.directory.actor_for_telegram(KEPALA["PTK"])
    await asyncio.to_thread(service.approve_koreksi, kepala, pid, "PTK")
    await asyncio.to_thread(service.handle_events, [submission("SEK", 1)])
    # The Sekretariat has no Kepala of its own: the Sekretaris corrects it, and /status says so.
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/status")
    status = await people.wait_message(KASUBBAG, "Status laporan", after=before)
    assert (
        "- Sekretariat (SEK): menunggu koreksi Sekretaris\n  Di tangan: Sekretaris (Sri Wahyuni, S.Sos., M.Si.)"
        in status["text"]
    )
    assert "Kepala Bidang (Sri Wahyuni" not in status["text"]
    await asyncio.to_thread(service.approve_koreksi, sekretaris, pid, "SEK")
    assert service.bot_steps is not None and await asyncio.to_thread(service.bot_steps.wait_idle, 60)
    # The Status tab of each workbook names who approved it; Status Pengisian reads Siap Dikoreksi.
    assert workbook.feedback[("SEK", 1)][0] == "Disetujui Sekretaris"
    assert workbook.feedback[("PTK", 1)][0] == "Disetujui Kepala Bidang"
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/rekap")
    chart = await people.wait_message(KASUBBAG, "Capaian per bidang, Triwulan I 2026", after=before)
    assert chart["photo"]
    rekap = await people.wait_message(KASUBBAG, "Rekap laporan kinerja dinas Triwulan I 2026", after=before)
    assert url_buttons(rekap) == {"Buka rekap": "https://sheets.test/rekap/2026"} and "https://" not in rekap["text"]
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
    await people.wait_message(STAF["PTK"], "telah diajukan untuk dikoreksi Kepala Bidang", after=before)
    before = await people.last_id(STAF["PTK"])
    await people.say(STAF["PTK"], "/kirim")  # already submitted: the core refuses, with its reason
    refusal = await people.wait_message(STAF["PTK"], "menunggu koreksi Kepala Bidang", after=before)
    assert "sedang menunggu" not in refusal["text"]
    assert ("read_book", ("PTK",)) in workbook.calls
    # The Sekretariat's staff submit to the Sekretaris, who corrects the Sekretariat.
    before = await people.last_id(STAF["SEK"])
    await people.say(STAF["SEK"], "/kirim")
    await people.wait_message(STAF["SEK"], "telah diajukan untuk dikoreksi Sekretaris", after=before)
    before = await people.last_id(STAF["SEK"])
    await people.say(STAF["SEK"], "/kirim")
    await people.wait_message(STAF["SEK"], "Laporan Sekretariat TW I 2026 menunggu koreksi Sekretaris;", after=before)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        pytest.param([], PeriodArgs(), id="nothing"),
        pytest.param(["TW", "II", "2026"], PeriodArgs(2026, 2), id="tw-roman-and-year"),
        pytest.param(["2026"], PeriodArgs(2026, None), id="year-only"),
        pytest.param(["4", "2027"], PeriodArgs(2027, 4), id="digits"),
        pytest.param(["tw3"], PeriodArgs(None, 3), id="tw-glued"),
        pytest.param(["Triwulan", "iv"], PeriodArgs(None, 4), id="triwulan-word"),
        pytest.param(["PTK", "1"], PeriodArgs(None, 1, ("PTK",)), id="other-words-kept"),
    ],
)
def test_period_words_after_a_command(words: list[str], expected: PeriodArgs) -> None:
    assert parse_period_args(words) == expected


@pytest.mark.parametrize(
    "words", [["2", "3"], ["2026", "2027"], ["TW", "I", "TW", "II"]], ids=["two-tws", "two-years", "tw-twice"]
)
def test_two_periods_named_at_once_are_refused(words: list[str]) -> None:
    with pytest.raises(PeriodArgsError):
        parse_period_args(words)


async def test_status_rekap_and_kirim_name_a_year_and_a_tw(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    """Last year's TW IV with its draft rekap and this year's TW I, both in the store: each command reaches either."""
    service = kinerja.service

    def two_years() -> tuple[int, int]:
        sekretaris = service.directory.actor_for_telegram(SEKRETARIS)
        tw4 = service.start_period(2026, 4)
        service.approve_distribution(sekretaris, tw4)
        for kode in service.kodes:
            service.handle_events([submission(kode, 4, tahun=2026)])
            service.approve_koreksi(service.directory.actor_for_telegram(KEPALA[kode]), tw4, kode)
        tw1 = service.start_period(2027, 1)
        service.approve_distribution(sekretaris, tw1)
        return tw4, tw1

    await asyncio.to_thread(two_years)
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/status TW IV 2026")
    status = await people.wait_message(KASUBBAG, "Status laporan kinerja", after=before)
    assert "Triwulan IV 2026" in status["text"] and "2027" not in status["text"]
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/status 2027")
    status = await people.wait_message(KASUBBAG, "Status laporan kinerja", after=before)
    assert "Triwulan I 2027" in status["text"] and "Triwulan IV 2026" not in status["text"]
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/status TW III 2026")
    await people.wait_message(KASUBBAG, "Periode Triwulan III 2026 belum dimulai.", after=before)
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/status 2 3")
    await people.wait_message(KASUBBAG, "Mohon sebut satu triwulan", after=before)

    before = await people.last_id(KADIS)
    await people.say(KADIS, "/rekap 4 2026")
    rekap = await people.wait_message(KADIS, "Rekap laporan kinerja dinas Triwulan IV 2026", after=before)
    assert url_buttons(rekap) == {"Buka rekap": "https://sheets.test/rekap/2026"}
    before = await people.last_id(KADIS)
    await people.say(KADIS, "/rekap")  # this year's TW I: no rekap yet
    await people.wait_message(KADIS, "Rekap dinas belum tersedia", after=before)

    before = await people.last_id(STAF["PTK"])
    await people.say(STAF["PTK"], "/kirim TW I 2027")
    answer = await people.wait_message(STAF["PTK"], "Triwulan I 2027", after=before)
    assert "diajukan" in answer["text"]
    assert ("read_book", ("PTK",)) in workbook.calls
