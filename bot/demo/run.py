"""``python -m bot demo``: one full quarter of SOP P-SEK-KP-09 on the embedded sandbox.

The demo starts the sandbox (Google Sheets/Drive and the Telegram Bot API on loopback) in this
process, provisions it from ``config/demo/settings.yaml`` (:mod:`bot.demo.provision`), builds the
real service with :func:`bot.runtime.build_service` (the wiring of ``python -m bot run``; only the
endpoints in the settings differ) and lets the simulated people of :mod:`bot.demo.actors` run TW I
through Telegram and gspread. The product never imports this package (``python -m bot demo``
imports it lazily), so ``run`` never needs the sandbox.

Time: the service runs on a simulated office clock (the ``clock`` option of ``create_bot``) that
stands still until the demo moves it to the office time of the next step (minutes, hours, a
working day later). The service's scheduled work (``WorkflowService.tick`` and ``poll_once``,
which the scheduler runs in production) is run by the demo whenever the clock moves and while it
waits for the bot, instead of on a wall-clock interval; ``with_scheduler`` is off for that reason.

The sandbox behaves as Google does on time (``strict``, the default): Sheets' per-minute quotas
on, edits reaching the Drive change feed minutes later. Its clock moves with the story
(:class:`~bot.demo.sandbox_time.SandboxTime`): as far as the office clock between steps, a poll
interval each time the people wait for the bot, and as long as the Google session waits (its
``sleep``): the demo sleeps for none of it.

People: nobody is bound by the settings the service runs with (their ``telegram_id`` is left out);
before the quarter the admin makes an invite for each (:func:`bot.telegram.invite.invite`, the
``invite`` command's code, with the bot's username from getMe) and each person opens the deep link
in Telegram, which sends ``/start CODE``: the registration of a new office, in the transcript too.

Outputs in DIR: the dinas rekap exported through Drive (xlsx), the archived PDF, the capaian
chart the bot sent, a transcript of every chat (:mod:`bot.demo.transcript`) and the audit
history (riwayat) from the store (:mod:`bot.demo.report`).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from bot.demo.actors import CHART_CAPTION, TERDAFTAR, TITLE_DITUTUP, Cast, Office, button_links
from bot.demo.filling import load_isian
from bot.demo.paths import ISIAN_DEMO
from bot.demo.provision import ADMIN
from bot.demo.quarter import quarter_steps
from bot.demo.report import (
    TimelineRow,
    fmt_time,
    timeline_rows,
    write_riwayat,
)
from bot.demo.sandbox_time import SandboxTime
from bot.demo.scenario import OfficeTime, Scenario, Step, StepFailed, StepResult
from bot.demo.script import demo_script
from bot.demo.transcript import Progress, Segment, Transcript
from bot.runtime import build_service
from bot.telegram.invite import fetch_bot_username, invite
from bot.workflow.calendar import WorkCalendar
from bot.workflow.machine import Role
from config.settings import ENV_PREFIX, Settings, parse_settings
from sandbox.control import SandboxControl
from sandbox.server import SandboxServer, running_sandbox
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sheets.laporan import nama_berkas

if TYPE_CHECKING:
    from bot.telegram.app import KinerjaBot

__all__ = [
    "DEFAULT_OUT",
    "DEMO_TW",
    "DRAIN_TIMEOUT",
    "PACE_SECONDS",
    "DemoError",
    "DemoRun",
    "SimulatedClock",
]

logger = logging.getLogger(__name__)

DEFAULT_OUT = "demo-out"
DEMO_TW = 1
DEMO_TAHUN = 2026
"""The demo's year when its settings name no first year (``tahun``)."""
PACE_SECONDS = 0.15
"""Pause after each progress line so a person can read along; ``--cepat`` drops it."""
DRAIN_TIMEOUT = 60.0
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"
_SPREADSHEET_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_FOLDER_ID = re.compile(r"/folders/([A-Za-z0-9_-]+)")


class DemoError(Exception):
    """The demo could not finish; the message says why, in Indonesian."""


def unbound(settings: Settings) -> Settings:
    """``settings`` without any ``telegram_id``: everyone registers with an invite, as in a new office."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "telegram_id"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return parse_settings(strip(settings.model_dump(mode="json", exclude_none=True)), "demo")


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
# the run
# ==========================================================================================


@contextlib.contextmanager
def without_kinerja_environment() -> Iterator[None]:
    """KINERJA_* variables of an installed bot must not leak into the demo's settings (e.g. its database)."""
    saved = {key: value for key, value in os.environ.items() if key.startswith(ENV_PREFIX)}
    for key in saved:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(saved)


@contextlib.contextmanager
def demo_sandbox(given: SandboxServer | None) -> Iterator[SandboxServer]:
    if given is not None:
        yield given
        return
    with running_sandbox() as server:
        yield server


class DemoRun:
    """One demo: sandbox provisioned, service running, people acting, outputs written."""

    def __init__(
        self,
        settings: Settings,
        control: SandboxControl,
        out: Path,
        write: Callable[[str], object],
        *,
        pace: float,
        strict: bool = True,
    ) -> None:
        self.settings = settings
        self.service_settings = unbound(settings)
        self.control = control
        self.strict = strict
        self.sandbox_time = SandboxTime(control)
        self.out = out
        self.write = write
        self.pace = pace
        self.tz = settings.tz
        self.calendar = WorkCalendar.of(settings)
        self.tahun = settings.tahun or DEMO_TAHUN
        self.opening = self.calendar.period_open_at(self.tahun, DEMO_TW)
        self.clock = SimulatedClock(self.opening - timedelta(minutes=5))
        self.cast: Cast = Cast.from_settings(settings)
        self.script = demo_script(self.tahun, load_isian(ISIAN_DEMO), DEMO_TW)
        self.steps: list[Step] = quarter_steps(self.cast, self.script, bantuan=True)
        self.progress = Progress(pace=pace)
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

    def nudge(self) -> None:
        """While the people wait for the bot: a poll interval passes on the sandbox's side, then the poll."""
        self.sandbox_time.let_pass(self.settings.jadwal.interval_polling_detik)
        self.poll()

    def before(self, index: int, step: Step) -> None:
        """Move the office clock to the step's time and let the bot do what is due by then."""
        self.drain()
        if step.when is not None:
            earlier = self.clock()
            self.clock.set(self.office_time(step.when))
            # Google's side lives the same hours (its quota minutes, its change feed's lag).
            self.sandbox_time.let_pass((self.clock() - earlier).total_seconds())
        self.progress.segments.append(Segment(self.chat_marks(), self.clock()))
        assert self.office is not None
        self.progress.step_starts.append(len(self.office.actions))
        self.sweep()
        self.poll()
        self.drain()

    def after(self, result: StepResult) -> None:
        """One progress line per step."""
        step = result.step
        self.write(
            f"[{result.index + 1:2d}/{len(self.steps)}] {fmt_time(self.clock(), self.tz)}  "
            f"Langkah {step.sop_step}  {step.actor_label}: {step.action}\n"
        )
        if self.progress.pace:
            time.sleep(self.progress.pace)

    # --- registration --------------------------------------------------------------------------

    def register(self) -> None:
        """Everyone registers as in a new office: the admin's invite link, opened in Telegram (/start CODE)."""
        assert self.bot is not None and self.office is not None
        office = self.office
        self.progress.segments.append(Segment(self.chat_marks(), self.clock()))
        username = fetch_bot_username(self.service_settings, token=DEFAULT_BOT_TOKEN)
        people = {person.telegram_id: person for person in self.cast.everyone()}
        registered = 0
        for role, bidang, orang in self.settings.people():
            person = people.pop(orang.telegram_id, None) if orang.telegram_id is not None else None
            if person is None:  # not in the cast, or already registered under another role
                continue
            invitation = invite(
                self.bot.service.directory,
                Role(role),
                bidang,
                orang.nama,
                self.clock(),
                username=username,
            )
            if invitation.link is None:  # pragma: no cover - the username is known here
                raise DemoError("Tautan undangan tidak dapat dibuat.")
            sent = office.open_link(person, invitation.link)
            office.wait_message(person, TERDAFTAR, after=sent)
            registered += 1
        width = len(f"[{len(self.steps):2d}/{len(self.steps)}]")  # aligned with the steps' lines below
        self.write(
            f"{'':{width}} {fmt_time(self.clock(), self.tz)}  Pendaftaran: {registered} pegawai membuka tautan "
            f"undangan dari admin (/start KODE) dan terdaftar\n"
        )

    # --- running -----------------------------------------------------------------------------

    async def run(self) -> dict[str, Path]:
        """Start the service, play the scenario in a thread, stop the service; the output files."""
        if self.strict:
            self.control.quotas()  # Google's per-minute quotas; the change feed's lag is on by default
        else:
            self.control.change_lag(0)
        self.bot = build_service(
            self.service_settings,
            google_sleep=self.sandbox_time.let_pass,
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
        self.office = Office(
            self.control, self.cast, nudge=self.nudge, stamp=self.clock, on_press=self.sandbox_time.pressed
        )
        scenario = Scenario(self.office, self.steps)
        try:
            self.register()
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
            "laporan": self.out / nama_berkas(tahun, tw),
            "grafik": self.out / f"capaian-TW{tw}.png",
            "transkrip": self.out / "transkrip.md",
            "riwayat": self.out / "riwayat.csv",
        }
        closing = self._closing_message()
        files["rekap_xlsx"].write_bytes(self._export_rekap(closing))
        files["laporan"].write_bytes(self._archived_pdf(closing))
        files["grafik"].write_bytes(self._chart_png())
        files["transkrip"].write_text(self._transcript(tahun, tw), encoding="utf-8")
        write_riwayat(files["riwayat"], audit, self.tz)
        self.timeline = tuple(timeline_rows(audit, self.settings))
        self.summary = dict(period.rekap_summary or {})
        return files

    def _closing_message(self) -> str:
        """The links of the closing message's buttons (Buka rekap, Buka folder arsip), one per line."""
        assert self.office is not None
        message = self.office.find(self.cast.kasubbag, TITLE_DITUTUP, last=True)
        if message is None:
            raise DemoError("Pesan penutupan periode tidak diterima Kasubbag.")
        return "\n".join(button_links(message))

    def _admin_drive(self) -> Any:
        return self.control.drive_as(ADMIN)

    def _export_rekap(self, closing: str) -> bytes:
        """The dinas workbook (the closing message's "Buka rekap") exported as xlsx through Drive."""
        match = _SPREADSHEET_ID.search(closing)
        if match is None:
            raise DemoError("Tombol rekap tidak ada pada pesan penutupan.")
        data = self._admin_drive().files().export_media(fileId=match.group(1), mimeType=XLSX_MIME).execute()
        if not isinstance(data, bytes) or not data.startswith(b"PK"):
            raise DemoError("Ekspor xlsx lembar kerja rekap dari Drive tidak menghasilkan berkas xlsx.")
        return data

    def _archived_pdf(self, closing: str) -> bytes:
        """The report document (PDF) the bot archived in the folder named by the closing message."""
        match = _FOLDER_ID.search(closing)
        if match is None:
            raise DemoError("Tombol folder arsip tidak ada pada pesan penutupan.")
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
        from PIL import Image  # lazily: only the chart needs it

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

    def _transcript(self, tahun: int, tw: int) -> str:
        assert self.office is not None
        transcript = Transcript(
            self.office, self.cast, self.steps, self.progress, self.settings.dinas.nama, self.tz, self.clock
        )
        return transcript.render(tahun, tw)
