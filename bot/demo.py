"""``python -m bot demo``: one full quarter of SOP P-SEK-KP-09 on the embedded sandbox.

The demo starts the sandbox (Google Sheets/Drive and the Telegram Bot API on loopback) in this
process, provisions it from ``config/demo/settings.yaml`` (:mod:`sandbox.provision`), builds the
real service with :func:`bot.runtime.build_service` (the wiring of ``python -m bot run``; only the
endpoints in the settings differ) and lets the simulated people of :mod:`sandbox.actors` run TW I
through Telegram and gspread. Everything under ``sandbox`` is imported lazily, so ``run`` never
needs it.

Time: the service runs on a simulated office clock (the ``clock`` option of ``create_bot``) that
stands still until the demo moves it to the office time of the next step (minutes, hours, a
working day later). The service's scheduled work (``WorkflowService.tick`` and ``poll_once``,
which the scheduler runs in production) is run by the demo whenever the clock moves and while it
waits for the bot, instead of on a wall-clock interval; ``with_scheduler`` is off for that reason.

Outputs in DIR: the dinas rekap exported through Drive (xlsx), the archived PDF, the capaian
chart the bot sent, a transcript of every chat and the audit history (riwayat) from the store.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import csv
import io
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
import yaml

from bot import texts
from bot.runtime import build_service
from bot.workflow.calendar import WorkCalendar
from config.settings import ENV_PREFIX, Settings, SettingsError
from sheets.formatting import format_persen
from sheets.master import load_master

if TYPE_CHECKING:
    from bot.telegram.app import KinerjaBot
    from sandbox.actors import Cast, Office, OfficeTime, Person, Step, StepResult
    from sandbox.provision import SandboxControl
    from sandbox.server import SandboxServer

logger = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parents[1] / "config" / "demo"
DEMO_SETTINGS = DEMO_DIR / "settings.yaml"
DEMO_MASTER = DEMO_DIR / "indikator.csv"
DEFAULT_OUT = "demo-out"
DEMO_TW = 1
PACE_SECONDS = 0.15
"""Pause after each progress line so a person can read along; ``--cepat`` drops it."""
DRAIN_TIMEOUT = 60.0
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"
_SPREADSHEET_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_FOLDER_ID = re.compile(r"/folders/([A-Za-z0-9_-]+)")

EVENT_LABELS: dict[str, str] = {
    "mulai_periode": "membuka periode, meminta persetujuan",
    "setujui_distribusi": "menyetujui pembagian format",
    "tunda_distribusi": "menunda pembagian format",
    "nilai_berubah": "mulai mengisi lembar kerja",
    "ajukan": "mengajukan laporan bidang",
    "pengajuan_tidak_valid": "menolak pengajuan: isian salah",
    "setujui": "menyetujui laporan bidang",
    "kembalikan": "mengembalikan laporan bidang",
    "buka_kembali": "membuka kembali laporan bidang",
    "semua_bidang_disetujui": "menyusun draf rekap dinas",
    "tambah_analisis": "menambahkan catatan analisis",
    "kirim_ke_sekretaris": "mengirim laporan kepada Sekretaris",
    "teruskan_ke_kepala_dinas": "meneruskan laporan kepada Kepala Dinas",
    "dikembalikan_sekretaris": "mengembalikan laporan kinerja dinas",
    "disetujui_kepala_dinas": "menyetujui laporan kinerja dinas",
    "dikembalikan_kepala_dinas": "mengembalikan laporan kinerja dinas",
    "beri_rekomendasi": "memberi rekomendasi",
    "serahkan_ke_kasubbag": "menyerahkan laporan dan rekomendasi",
    "serahkan_ke_bidang": "meneruskan rekomendasi ke bidang",
    "buka_kembali_bidang": "membuka kembali laporan satu bidang",
    "catat_tindak_lanjut": "mencatat tindak lanjut",
    "tutup": "menutup dan mengarsipkan periode",
    "data_disetujui_berubah": "mendeteksi perubahan data yang telah disetujui",
}

RIWAYAT_HEADER = (
    "No",
    "Waktu",
    "Langkah SOP",
    "Laporan",
    "Bidang",
    "Peristiwa",
    "Keterangan Peristiwa",
    "Dari Status",
    "Ke Status",
    "Peran Pelaksana",
    "Nama Pelaksana",
    "ID Telegram",
    "Durasi (detik)",
    "Mutu Baku (detik)",
    "Sesuai Mutu Baku",
    "Alasan",
    "Catatan",
)


class DemoError(Exception):
    """The demo could not finish; the message says why, in Indonesian."""


# ==========================================================================================
# the office clock
# ==========================================================================================


class SimulatedClock:
    """The demo's office clock: stands still until the demo moves it forward (thread-safe reads)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs an aware datetime")
        self._now = start

    def __call__(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        """Move the clock to ``moment``; never backwards (a step planned earlier keeps the time)."""
        if moment > self._now:
            self._now = moment


# ==========================================================================================
# results
# ==========================================================================================


@dataclass(frozen=True)
class TimelineRow:
    """One audit row as the timeline shows it."""

    langkah: int | None
    waktu: datetime
    pelaksana: str
    peristiwa: str
    bidang: str | None
    mutu_baku: str
    durasi: str
    status: str


@dataclass(frozen=True)
class DemoReport:
    """What a demo run produced."""

    out: Path
    files: Mapping[str, Path]
    seconds: float
    steps: int
    timeline: tuple[TimelineRow, ...]
    summary: Mapping[str, Any]
    tahun: int
    tw: int


@dataclass
class _Segment:
    """From these message ids on (per chat), messages happened at ``moment`` of the office clock."""

    marks: dict[int, int]
    moment: datetime


@dataclass
class _Progress:
    segments: list[_Segment] = field(default_factory=list)
    step_starts: list[int] = field(default_factory=list)
    """For each step begun, how many actions the office had logged before it."""
    pace: float = 0.0


# ==========================================================================================
# the run
# ==========================================================================================


@contextlib.contextmanager
def _without_kinerja_environment() -> Iterator[None]:
    """KINERJA_* variables of an installed bot must not leak into the demo's settings (e.g. its database)."""
    saved = {key: value for key, value in os.environ.items() if key.startswith(ENV_PREFIX)}
    for key in saved:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(saved)


SHORT_ROLES = {
    "kepala_dinas": "Kepala Dinas",
    "sekretaris": "Sekretaris",
    "kasubbag_kpep": "Kasubbag KPEP",
    "kepala_bidang": "Kepala Bidang",
    "staf": "Staf",
}


def actor_label(role: str, nama: str, bidang: str | None) -> str:
    """Who acted, short: ``Kepala Bidang PTK (Agus Priyono, S.H.)``, ``Staf SEK (lewat Google Sheets)``."""
    if role == "system":
        return "Kinerja Bot"
    short = SHORT_ROLES.get(role, texts.role_name(role))
    if role in ("kepala_bidang", "staf") and bidang:
        short = f"{short} {bidang}"
    if nama.endswith(texts.SHEET_ACTOR_SUFFIX):
        return f"{short} {texts.SHEET_ACTOR_SUFFIX}"
    return f"{short} ({nama})"


@contextlib.contextmanager
def _sandbox(given: SandboxServer | None) -> Iterator[SandboxServer]:
    if given is not None:
        yield given
        return
    from sandbox.server import running_sandbox

    with running_sandbox() as server:
        yield server


def _fmt_time(moment: datetime, tz: Any) -> str:
    local = moment.astimezone(tz)
    return f"{texts.HARI[local.weekday()][:3]} {local.day:02d}-{local.month:02d} {local.hour:02d}.{local.minute:02d}"


class DemoRun:
    """One demo: sandbox provisioned, service running, people acting, outputs written."""

    def __init__(
        self, settings: Settings, control: SandboxControl, out: Path, write: Callable[[str], None], *, pace: float
    ) -> None:
        from sandbox.actors import ISIAN_DEMO as isian_path
        from sandbox.actors import Cast, demo_script, load_isian, quarter_steps

        self.settings = settings
        self.control = control
        self.out = out
        self.write = write
        self.pace = pace
        self.tz = settings.tz
        self.calendar = WorkCalendar(settings.tz, settings.jadwal)
        self.opening = self.calendar.period_open_at(settings.tahun, DEMO_TW)
        self.clock = SimulatedClock(self.opening - timedelta(minutes=5))
        self.cast: Cast = Cast.from_settings(settings)
        self.script = demo_script(settings.tahun, load_isian(isian_path), DEMO_TW)
        self.steps: list[Step] = quarter_steps(self.cast, self.script)
        self.progress = _Progress(pace=pace)
        self.bot: KinerjaBot | None = None
        self.office: Office | None = None
        self.timeline: tuple[TimelineRow, ...] = ()
        self.summary: dict[str, Any] = {}

    # --- time --------------------------------------------------------------------------------

    def office_time(self, when: OfficeTime) -> datetime:
        """The datetime of an office time: the n-th working day after the opening day, at HH:MM."""
        day = self.calendar.add_working_days_to_date(self.opening.date(), when.hari_kerja)
        hour, minute, second = when.clock()
        return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=self.tz)

    # --- the service's scheduled work, run as the clock moves ----------------------------------

    def _service(self) -> Any:
        assert self.bot is not None
        return self.bot.service

    def poll(self) -> None:
        """The scheduler's poll job, run now (the demo's time runs faster than its interval)."""
        try:
            self._service().poll_once()
        except Exception:  # the scheduler logs and goes on; so does the demo
            logger.exception("poll failed")

    def sweep(self) -> None:
        """The scheduler's sweep, run now: open a due period, advance, reminders."""
        try:
            self._service().tick()
        except Exception:
            logger.exception("sweep failed")

    def drain(self) -> None:
        """Wait until the outbox has delivered everything (so each message lands at its office time)."""
        assert self.bot is not None and self.office is not None
        store = self.bot.store

        def delivered() -> bool:
            with store.transaction() as tx:
                return tx.count_pending() == 0

        self.office.wait(delivered, "semua pemberitahuan terkirim", DRAIN_TIMEOUT)

    def chat_marks(self) -> dict[int, int]:
        """Telegram id -> latest message id of each chat, the people's own messages included."""
        assert self.office is not None
        marks = {}
        for person in self.cast.everyone():
            messages = self.office.chat(person, include_user=True)
            marks[person.telegram_id] = int(messages[-1]["message_id"]) if messages else 0
        return marks

    def before(self, index: int, step: Step) -> None:
        """Move the office clock to the step's time and let the bot do what is due by then."""
        self.drain()
        if step.when is not None:
            self.clock.set(self.office_time(step.when))
        self.progress.segments.append(_Segment(self.chat_marks(), self.clock()))
        assert self.office is not None
        self.progress.step_starts.append(len(self.office.actions))
        self.sweep()
        self.poll()
        self.drain()

    def after(self, result: StepResult) -> None:
        """One progress line per step."""
        step = result.step
        self.write(
            f"[{result.index + 1:2d}/{len(self.steps)}] {_fmt_time(self.clock(), self.tz)}  "
            f"Langkah {step.sop_step}  {step.actor_label}: {step.action}\n"
        )
        if self.progress.pace:
            time.sleep(self.progress.pace)

    # --- running -----------------------------------------------------------------------------

    async def run(self) -> dict[str, Path]:
        """Start the service, play the scenario in a thread, stop the service; the output files."""
        from sandbox.telegram import DEFAULT_BOT_TOKEN

        self.bot = build_service(
            self.settings,
            token=DEFAULT_BOT_TOKEN,
            clock=self.clock,
            outbox_interval=0.02,
            poll_timeout=1,
            with_scheduler=False,
        )
        try:
            await self.bot.start()
            try:
                return await asyncio.to_thread(self._play)
            except asyncio.CancelledError:  # Ctrl-C: the people stop at their next wait
                if self.office is not None:
                    self.office.cancel()
                raise
            finally:
                await self.bot.stop()
        finally:
            self.bot.store.dispose()

    def _play(self) -> dict[str, Path]:
        from sandbox.actors import Office, Scenario, StepFailed

        self.office = Office(self.control, self.cast, nudge=self.poll, stamp=self.clock)
        scenario = Scenario(self.office, self.steps)
        try:
            scenario.run(before=self.before, after=self.after)
            self.drain()
        except StepFailed as err:
            raise DemoError(
                f"Demo berhenti pada langkah {err.index + 1} ({err.step.actor_label}: {err.step.action}): {err.reason}"
            ) from err
        return self._outputs()

    # --- outputs -----------------------------------------------------------------------------

    def _period(self) -> Any:
        assert self.bot is not None
        service = self.bot.service
        period_id = service.current_period_id()
        if period_id is None:
            raise DemoError("Demo selesai tanpa periode pelaporan; tidak ada yang dapat ditulis.")
        with self.bot.store.transaction() as tx:
            period = tx.get_period(period_id)
            audit = tx.audit_rows(period_id)
        if period is None or period.state != "selesai":
            raise DemoError("Periode demo belum ditutup dan diarsipkan.")
        return period, audit

    def _outputs(self) -> dict[str, Path]:
        period, audit = self._period()
        tahun, tw = period.tahun, period.tw
        files = {
            "rekap_xlsx": self.out / f"rekap-{tahun}-TW{tw}.xlsx",
            "rekap_pdf": self.out / f"rekap-{tahun}-TW{tw}.pdf",
            "grafik": self.out / f"capaian-TW{tw}.png",
            "transkrip": self.out / "transkrip.md",
            "riwayat": self.out / "riwayat.csv",
        }
        closing = self._closing_message()
        files["rekap_xlsx"].write_bytes(self._export_rekap(closing))
        files["rekap_pdf"].write_bytes(self._archived_pdf(closing))
        files["grafik"].write_bytes(self._chart_png())
        files["transkrip"].write_text(self._transcript(tahun, tw), encoding="utf-8")
        self._write_riwayat(files["riwayat"], audit)
        self.timeline = tuple(self._timeline_rows(audit))
        self.summary = dict(period.rekap_summary or {})
        return files

    def _closing_message(self) -> str:
        from sandbox.actors import TITLE_DITUTUP, message_text

        assert self.office is not None
        message = self.office.find(self.cast.kasubbag, TITLE_DITUTUP, last=True)
        if message is None:
            raise DemoError("Pesan penutupan periode tidak diterima Kasubbag.")
        return message_text(message)

    def _admin_drive(self) -> Any:
        from sandbox.provision import ADMIN

        return self.control.drive_as(ADMIN)

    def _export_rekap(self, closing: str) -> bytes:
        """The dinas workbook (its link is in the closing message) exported as xlsx through Drive."""
        match = _SPREADSHEET_ID.search(closing)
        if match is None:
            raise DemoError("Tautan workbook rekap tidak ada pada pesan penutupan.")
        data = self._admin_drive().files().export_media(fileId=match.group(1), mimeType=XLSX_MIME).execute()
        if not isinstance(data, bytes) or not data.startswith(b"PK"):
            raise DemoError("Ekspor xlsx workbook rekap dari Drive tidak menghasilkan berkas xlsx.")
        return data

    def _archived_pdf(self, closing: str) -> bytes:
        """The PDF the bot archived in the folder named by the closing message."""
        match = _FOLDER_ID.search(closing)
        if match is None:
            raise DemoError("Tautan folder arsip tidak ada pada pesan penutupan.")
        drive = self._admin_drive()
        listing = (
            drive.files()
            .list(
                q=f"'{match.group(1)}' in parents and mimeType = '{PDF_MIME}' and trashed = false",
                fields="files(id,name)",
                supportsAllDrives=True,
                includeItemsFromAllDrives=True,
                corpora="allDrives",
            )
            .execute()
        )
        files = listing.get("files", [])
        if not files:
            raise DemoError("Berkas PDF arsip tidak ditemukan di folder arsip.")
        data = drive.files().get_media(fileId=files[0]["id"], supportsAllDrives=True).execute()
        if not isinstance(data, bytes) or not data.startswith(b"%PDF"):
            raise DemoError("Berkas arsip bukan PDF.")
        return data

    def _chart_png(self) -> bytes:
        """The capaian chart the bot sent the Kasubbag, downloaded from Telegram, saved as PNG."""
        from PIL import Image

        from sandbox.actors import CHART_CAPTION
        from sandbox.telegram import DEFAULT_BOT_TOKEN

        assert self.office is not None
        message = self.office.find(self.cast.kasubbag, CHART_CAPTION, photo=True, last=True)
        if message is None:
            raise DemoError("Grafik capaian tidak diterima Kasubbag.")
        biggest = max(message["photo"], key=lambda size: int(size["width"]) * int(size["height"]))
        base = self.control.base
        answer = requests.get(
            f"{base}/bot{DEFAULT_BOT_TOKEN}/getFile", params={"file_id": biggest["file_id"]}, timeout=10
        ).json()
        if not answer.get("ok"):
            raise DemoError("Berkas grafik tidak dapat diambil dari Telegram.")
        content = requests.get(f"{base}/file/bot{DEFAULT_BOT_TOKEN}/{answer['result']['file_path']}", timeout=10)
        content.raise_for_status()
        buffer = io.BytesIO()
        Image.open(io.BytesIO(content.content)).save(buffer, format="PNG")
        return buffer.getvalue()

    def _write_riwayat(self, path: Path, audit: Sequence[Any]) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(RIWAYAT_HEADER)
            for row in audit:
                writer.writerow(
                    [
                        row.id,
                        row.at.astimezone(self.tz).isoformat(timespec="minutes"),
                        row.sop_step or "",
                        row.machine,
                        row.bidang or "",
                        row.event,
                        EVENT_LABELS.get(row.event, row.event),
                        row.from_state or "",
                        row.to_state or "",
                        texts.role_name(row.actor_role),
                        row.actor_nama,
                        row.telegram_user_id or "",
                        "" if row.duration_seconds is None else round(row.duration_seconds),
                        "" if row.mutu_baku_seconds is None else round(row.mutu_baku_seconds),
                        "" if row.within is None else ("ya" if row.within else "tidak"),
                        row.reason or "",
                        row.note or "",
                    ]
                )

    def _timeline_rows(self, audit: Sequence[Any]) -> Iterator[TimelineRow]:
        for row in audit:
            if row.event == "nilai_berubah":
                continue  # noticed in passing by the poll; not a step of the SOP
            pelaksana = actor_label(row.actor_role, row.actor_nama, row.bidang)
            mutu = str(self.settings.mutu_baku.for_step(row.sop_step)) if row.sop_step else "-"
            durasi = "-" if row.duration_seconds is None else texts.format_durasi(row.duration_seconds)
            status = "-" if row.within is None else ("sesuai" if row.within else "melewati")
            yield TimelineRow(
                row.sop_step,
                row.at,
                pelaksana,
                EVENT_LABELS.get(row.event, row.event),
                row.bidang,
                mutu,
                durasi,
                status,
            )

    # --- transcript --------------------------------------------------------------------------

    def _moment_of(self, telegram_id: int, message_id: int) -> datetime:
        segments = self.progress.segments
        keys = [segment.marks.get(telegram_id, 0) for segment in segments]
        index = bisect.bisect_left(keys, message_id) - 1
        return segments[max(index, 0)].moment if segments else self.clock()

    def _transcript(self, tahun: int, tw: int) -> str:
        from sandbox.actors import button_labels, message_text

        assert self.office is not None
        lines = [
            f"# Transkrip percakapan Telegram: demo Kinerja Bot, {texts.periode(tw, tahun)}",
            "",
            f"{self.settings.dinas.nama}. Setiap bagian adalah percakapan satu orang dengan Kinerja Bot, "
            "dari pesan pertama sampai terakhir, beserta tombol yang ditampilkan dan yang ditekan. Waktu adalah "
            "jam kantor simulasi demo.",
            "",
        ]
        people = self._transcript_order()
        lines += ["Isi:", ""]
        lines += [f"- {person.nama} ({person.peran})" for person in people]
        lines.append("")
        for person in people:
            lines += [f"## {person.nama} ({person.peran})", "", f"ID Telegram {person.telegram_id}.", ""]
            actions = [a for a in self.office.actions if a.person.telegram_id == person.telegram_id]
            for message in self.office.chat(person, include_user=True):
                message_id = int(message["message_id"])
                when = texts.format_waktu(self._moment_of(person.telegram_id, message_id), self.tz)
                if message.get("sender") == "bot":
                    head = f"**Kinerja Bot** · {when} · pesan #{message_id}"
                    if message.get("edits"):
                        head += " · diperbarui"
                else:
                    head = f"**{person.nama}** · {when} · pesan #{message_id}"
                    reply = message.get("reply_to_message")
                    if reply:
                        head += f" · membalas pesan #{reply['message_id']}"
                lines += [head, ""]
                if message.get("photo"):
                    lines += ["> [Foto: grafik capaian per bidang]"]
                body = message_text(message)
                lines += [f"> {_md_line(line)}" if line else ">" for line in body.splitlines()] or [">"]
                labels = button_labels(message)
                if labels:
                    lines += ["", "Tombol: " + " ".join(f"[{label}]" for label in labels)]
                elif (message.get("reply_markup") or {}).get("force_reply"):
                    lines += ["", "(Bot meminta balasan atas pesan ini.)"]
                lines.append("")
                for action in [a for a in actions if a.after_id == message_id]:
                    lines += self._action_lines(action)
            for action in [a for a in actions if a.after_id == 0]:
                lines += self._action_lines(action)
        return "\n".join(lines).rstrip() + "\n"

    def _transcript_order(self) -> list[Person]:
        """People in the order the SOP meets them: Sekretaris, each bidang, Kasubbag, Kepala Dinas."""
        order = [self.cast.sekretaris]
        for kode in self.cast.kodes:
            order += [self.cast.staf[kode], self.cast.kepala[kode]]
        order += [self.cast.kasubbag, self.cast.kepala_dinas]
        seen: dict[int, Person] = {}
        for person in order:
            seen.setdefault(person.telegram_id, person)
        return list(seen.values())

    def _action_lines(self, action: Any) -> list[str]:
        assert self.office is not None
        position = self.office.actions.index(action)
        step = self.steps[max(bisect.bisect_right(self.progress.step_starts, position) - 1, 0)]
        when = f"{texts.format_waktu(action.at, self.tz)} · langkah SOP {step.sop_step}"
        if action.kind == "tekan":
            shown = " ".join(f"[{label}]" for label in action.buttons)
            return [
                f"*{action.person.nama} menekan tombol [{action.label}] pada pesan #{action.message_id}* "
                f"· {when} (tombol yang tampil: {shown})",
                "",
            ]
        return [f"*{action.person.nama} di Google Sheets: {action.text}* · {when}", ""]


# ==========================================================================================
# printing
# ==========================================================================================


def _md_line(line: str) -> str:
    """A message line inside a Markdown quote: a leading ``>`` (the bot's outcome lines) stays literal."""
    return "\\" + line if line.startswith((">", "#")) else line


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:{w}}}" for w in widths)
    out = [line.format(*header).rstrip(), line.format(*("-" * w for w in widths)).rstrip()]
    out += [line.format(*row).rstrip() for row in rows]
    return "\n".join(out)


def format_timeline(rows: Sequence[TimelineRow], tz: Any) -> str:
    """The timeline as a text table: SOP step, time, actor, event, Mutu Baku, actual duration, verdict."""
    body = []
    for row in rows:
        peristiwa = f"{row.peristiwa} ({row.bidang})" if row.bidang else row.peristiwa
        body.append(
            [
                str(row.langkah or "-"),
                _fmt_time(row.waktu, tz),
                row.pelaksana,
                peristiwa,
                row.mutu_baku,
                row.durasi,
                row.status,
            ]
        )
    header = ["Langkah", "Waktu", "Pelaksana", "Peristiwa", "Mutu Baku", "Waktu pelaksanaan", "Status"]
    return _table(header, body)


def format_summary(summary: Mapping[str, Any], settings: Settings) -> str:
    """The rekap per bidang (capaian, predikat, serapan) and the dinas total, as a text table."""

    def row(label: str, figures: dict[str, Any]) -> list[str]:
        return [
            label,
            f"{figures.get('indikator_dinilai', '-')}/{figures.get('jumlah_indikator', '-')}",
            format_persen(figures.get("rata_rata_capaian")),
            str(figures.get("predikat") or "-"),
            format_persen(figures.get("serapan")),
        ]

    bidang = summary.get("bidang") or {}
    rows = [
        row(f"{bidang[kode].get('bidang') or kode} ({kode})", bidang[kode])
        for kode in (b.kode for b in settings.bidang)
        if bidang.get(kode)
    ]
    rows.append(row(f"{settings.dinas.nama} (total)", summary.get("dinas") or {}))
    return _table(["Bidang", "Indikator dinilai", "Rata-rata capaian", "Predikat", "Serapan anggaran"], rows)


# ==========================================================================================
# entry points
# ==========================================================================================


def run_demo(
    out: Path,
    *,
    cepat: bool = False,
    write: Callable[[str], None] = sys.stdout.write,
    sandbox: SandboxServer | None = None,
) -> DemoReport:
    """Run the demo quarter and write its outputs to ``out``; :class:`DemoError` when it cannot finish.

    The sandbox is started and stopped here unless a running (fresh) one is given, which then
    stays up afterwards with everything the demo left in it.
    """
    from sandbox.provision import SandboxControl, provision

    started = time.monotonic()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DemoError(f"Folder keluaran {out} tidak dapat dibuat: {err.strerror}.") from err
    data = yaml.safe_load(DEMO_SETTINGS.read_text(encoding="utf-8"))
    data["google"]["master_indikator"] = str(DEMO_MASTER)
    write(f"Demo Kinerja Bot: {data['dinas']['nama']}, {texts.periode(DEMO_TW, data['tahun'])}\n")
    with (
        tempfile.TemporaryDirectory(prefix="kinerja-demo-") as work,
        _without_kinerja_environment(),
        _sandbox(sandbox) as server,
    ):
        control = SandboxControl(server.base_url)
        try:
            settings = provision(control, data, Path(work), master=DEMO_MASTER)
        except SettingsError as err:
            raise DemoError(f"Pengaturan demo tidak valid:\n{err}") from err
        write(
            f"Sandbox berjalan di {server.base_url}; {len(settings.bidang)} bidang, "
            f"{len(load_master(DEMO_MASTER))} indikator.\n"
        )
        demo = DemoRun(settings, control, out, write, pace=0.0 if cepat else PACE_SECONDS)
        files = asyncio.run(demo.run())
    seconds = time.monotonic() - started
    report = DemoReport(out, files, seconds, len(demo.steps), demo.timeline, demo.summary, settings.tahun, DEMO_TW)
    write("\nLini masa (jam kantor simulasi):\n" + format_timeline(report.timeline, settings.tz) + "\n")
    write(f"\nRekap {texts.periode(DEMO_TW, settings.tahun)}:\n" + format_summary(report.summary, settings) + "\n")
    write("\nBerkas keluaran:\n" + "".join(f"  {path}\n" for path in files.values()))
    write(f"\nDemo selesai dalam {seconds:.1f} detik ({report.steps} langkah).\n")
    return report


def cmd_demo(args: argparse.Namespace) -> int:
    """``python -m bot demo``: 0 on success; 1 with an Indonesian message otherwise."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    try:
        run_demo(Path(args.out), cepat=args.cepat)
    except DemoError as err:
        sys.stderr.write(f"\nDemo gagal: {err}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("\nDemo dihentikan.\n")
        return 130
    except Exception as err:  # the demo must end with a message, never a bare traceback
        logger.exception("demo failed")
        sys.stderr.write(f"\nDemo gagal karena kesalahan tak terduga: {type(err).__name__}: {err}\n")
        return 1
    return 0
