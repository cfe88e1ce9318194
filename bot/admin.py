"""The admin's commands behind ``python -m bot distribute|status|export``, without argparse.

Each function takes validated settings and an open store, does its work through the workflow
service or the Google edge, and raises :class:`AdminError` (an Indonesian message and an exit
code) for anything the admin must fix. Progress goes to a ``report`` callable (the CLI prints
it), so the demo and the tests can reuse these functions as they are.

Exit codes: 2 for bad input (unknown period, wrong year or triwulan, an unusable output
folder), 1 for a failure of Google or of the store.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from bot import texts
from bot.store.repository import Store
from bot.texts import STATE_LABELS
from bot.workflow.errors import ActionRefused, PortError
from bot.workflow.machine import TERMINAL_DINAS_STATES, DinasState, Role
from bot.workflow.people import Actor
from bot.workflow.service import PeriodView, WorkflowService
from config.settings import Settings
from sheets.facts import (
    ArchiveRef,
    BookDeferred,
    BookFact,
    BookSeen,
    BookToRead,
    ChangedBooks,
    EvidenceFile,
    EvidenceRef,
    Feedback,
    MasterNotes,
    MasterSheetRead,
    RekapData,
    RekapRef,
    WorkbookRef,
)
from sheets.master import Master
from sheets.revision import TargetRevision

logger = logging.getLogger(__name__)

Report = Callable[[str], None]
STATUS_SCHEMA_VERSION = 1
ADMIN_ACTOR = Actor(Role.SYSTEM, "Admin Kinerja Bot (perintah distribute)")


class AdminError(Exception):
    """An admin command cannot go on; ``pesan`` is for the admin, ``exit_code`` for the shell."""

    def __init__(self, pesan: str, exit_code: int = 2) -> None:
        super().__init__(pesan)
        self.pesan = pesan
        self.exit_code = exit_code


def _quiet(_: str) -> None:
    """The default ``report``: progress is dropped."""


class StoreOnlyWorkbooks:
    """The WorkbookPort of admin commands that work on the store alone (status, starting a period).

    Starting a period and reading it never touch Google; if a future change made them do so,
    this says so plainly instead of half-running a step without its Google side.
    """

    def _refuse(self, what: str) -> NoReturn:
        raise PortError(f"perintah ini tidak terhubung ke Google ({what}); jalankan langkah ini dari layanan bot")

    def distribute(
        self, tahun: int, tw: int, bidang_kodes: Sequence[str], master: Master | None = None
    ) -> Mapping[str, WorkbookRef]:
        """Refused: distribution runs in the service after the Sekretaris approves."""
        return self._refuse("distribute")

    def write_feedback(self, tahun: int, kode: str, tw: int, feedback: Feedback) -> None:
        """Refused."""
        self._refuse("write_feedback")

    def lock_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Refused."""
        self._refuse("lock_tw")

    def reopen_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Refused."""
        self._refuse("reopen_tw")

    def write_rekap(self, tahun: int, tw: int, data: RekapData) -> RekapRef:
        """Refused."""
        return self._refuse("write_rekap")

    def archive(self, tahun: int, tw: int, laporan: bytes | None = None) -> ArchiveRef:
        """Refused."""
        return self._refuse("archive")

    def changed(self, cursor: str | None, known: Mapping[str, tuple[int, str]], years: Collection[int]) -> ChangedBooks:
        """Refused."""
        return self._refuse("changed")

    def read_changed(self, book: BookToRead) -> BookFact | BookDeferred:
        """Refused."""
        return self._refuse("read_changed")

    def read_book(self, tahun: int, kode: str) -> BookSeen:
        """Refused."""
        return self._refuse("read_book")

    def remove_permissions(self, tahun: int, kode: str, permission_ids: Sequence[str]) -> tuple[str, ...]:
        """Refused."""
        return self._refuse("remove_permissions")

    def store_evidence(
        self, tahun: int, kode: str, tw: int, evidence: EvidenceFile, master: Master | None = None
    ) -> EvidenceRef:
        """Refused: bukti dukung arrive through the service's Telegram edge."""
        return self._refuse("store_evidence")

    def read_master(self, source: str, tahun: int) -> MasterSheetRead:
        """Refused."""
        return self._refuse("read_master")

    def write_master_notes(self, source: str, notes: MasterNotes) -> None:
        """Refused."""
        self._refuse("write_master_notes")

    def revise_targets(self, tahun: int, kode: str, revision: TargetRevision) -> None:
        """Refused."""
        self._refuse("revise_targets")


def current_year(settings: Settings, store: Store, now: Callable[[], datetime] | None = None) -> int:
    """The budget year the office works in now: the latest running period's, else the calendar's."""
    return WorkflowService(settings, store, StoreOnlyWorkbooks(), clock=now).year.current()


def check_period_input(
    settings: Settings, store: Store, tahun: int | None, tw: int | None, now: Callable[[], datetime] | None = None
) -> tuple[int, int | None]:
    """(tahun, tw) checked; the year defaults to the one the office works in now (:func:`current_year`)."""
    if tw is not None and tw not in (1, 2, 3, 4):
        raise AdminError(f"Triwulan harus 1, 2, 3 atau 4 (tertulis {tw}).")
    if tahun is None:
        return current_year(settings, store, now), tw
    if settings.tahun is not None and tahun < settings.tahun:
        raise AdminError(
            f"Tahun {tahun} sebelum tahun pertama yang dijalankan bot (pengaturan tahun: {settings.tahun})."
        )
    return tahun, tw


# --- distribute ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributeResult:
    """What ``distribute`` did: started the period, or found it already started."""

    period_id: int
    started: bool
    state: DinasState
    sekretaris: tuple[str, ...]
    sekretaris_unbound: tuple[str, ...]
    early: bool
    tahun: int = 0


def distribute(
    settings: Settings,
    store: Store,
    tahun: int | None,
    tw: int,
    *,
    report: Report = _quiet,
    now: Callable[[], datetime] | None = None,
) -> DistributeResult:
    """Start period (tahun, tw) so that the Sekretaris is asked to approve distributing the format.

    SOP step 1 distributes the format "with the Sekretaris's approval": the admin's command does
    what the schedule does (``WorkflowService.start_period``); the approval request goes to the
    Sekretaris through the outbox, and the running service distributes once it is approved.
    Re-running it for a started period changes nothing and says where the period stands.
    """
    service = WorkflowService(settings, store, StoreOnlyWorkbooks(), clock=now)
    # A new period is started in the year the calendar is in (April 2027: 2027, even while TW IV 2026 runs).
    tahun, _ = check_period_input(settings, store, service.year.on_calendar() if tahun is None else tahun, tw, now)
    service.start()  # the people of the settings must be in the store to be addressed
    with store.transaction() as tx:
        existing = tx.find_period(tahun, tw)
        periods = tx.periods()
    later = [(p.tahun, p.tw) for p in periods if (p.tahun, p.tw) > (tahun, tw)]
    still_running = [p for p in periods if (p.tahun, p.tw) < (tahun, tw) and p.state not in TERMINAL_DINAS_STATES]
    if existing is not None:
        report(f"Periode {texts.periode(tw, tahun)} sudah dimulai sebelumnya; tidak ada yang diubah.")
        return _distribute_result(service, existing.id, started=False, early=False)
    if later:
        last_tahun, last_tw = max(later)
        raise AdminError(
            f"Periode {texts.periode(last_tw, last_tahun)} sudah dimulai; {texts.periode(tw, tahun)} "
            "tidak dapat dimulai sesudahnya."
        )
    for period in still_running:
        report(
            f"Catatan: periode {texts.periode(period.tw, period.tahun)} masih berjalan "
            f"({STATE_LABELS[period.state]}); kedua periode berjalan bersamaan."
        )
    problem = service.year.master_problem(tahun)
    if problem is not None:
        raise AdminError(
            f"Daftar indikator tahun {tahun} ({settings.master_path(tahun)}) "
            + (f"belum dapat dipakai: {problem}" if problem else "belum ada")
            + "; periode tidak dimulai. Pasang daftar indikator tahun itu lalu ulangi."
        )
    opens_at = service.calendar.period_open_at(tahun, tw)
    early = service.now() < opens_at
    if early:
        report(
            f"Catatan: menurut jadwal {texts.periode(tw, tahun)} baru dibuka "
            f"{texts.format_waktu(opens_at, settings.tz)}; periode dimulai lebih awal atas perintah admin."
        )
    try:
        period_id = service.start_period(tahun, tw, ADMIN_ACTOR)
    except ActionRefused as err:
        raise AdminError(err.reason) from err
    logger.info("period TW %s %s started by the admin command", tw, tahun)
    return _distribute_result(service, period_id, started=True, early=early)


def _distribute_result(service: WorkflowService, period_id: int, *, started: bool, early: bool) -> DistributeResult:
    view = service.period_view(period_id)
    with service.store.transaction() as tx:
        people = service.directory.recipients(tx, Role.SEKRETARIS, at=service.now())
    return DistributeResult(
        period_id=period_id,
        started=started,
        state=view.state,
        sekretaris=tuple(p.nama for p in people),
        sekretaris_unbound=tuple(p.nama for p in people if p.telegram_id is None),
        early=early,
        tahun=view.tahun,
    )


# --- status -------------------------------------------------------------------------------------


def _iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 in the office's time zone (the store keeps UTC)."""
    return None if moment is None else moment.astimezone(tz).isoformat()


def _holder(role: Role | None, names: Sequence[str]) -> dict[str, Any] | None:
    if role is None:
        return None
    return {"role": role.value, "role_label": texts.role_name(role.value), "names": list(names)}


def status_data(settings: Settings, store: Store, tahun: int | None = None, tw: int | None = None) -> dict[str, Any]:
    """The status as plain JSON data (schema documented in docs/perintah.md, ``schema`` = 1).

    Without ``tw`` and ``tahun``: the running period (the latest one when none runs); with ``tahun``
    only, the latest period of that year; with ``tw`` only, that TW of the year the office works in
    now. Every bidang of the settings is listed, with ``state`` null when the period has no report
    for it yet.
    """
    service = WorkflowService(settings, store, StoreOnlyWorkbooks())
    year = service.year.current()
    with store.transaction() as tx:
        periods = tx.periods()
    period_id: int | None
    if tw is not None or tahun is not None:
        tahun, _ = check_period_input(settings, store, tahun, tw)
        year = tahun
        chosen = [p for p in periods if p.tahun == tahun and (tw is None or p.tw == tw)]
        if not chosen:
            label = texts.periode(tw, tahun) if tw is not None else f"tahun {tahun}"
            raise AdminError(f"Periode {label} belum dimulai (tidak ada di basis data).")
        period_id = chosen[-1].id
    else:
        period_id = service.current_period_id()
    view = service.period_view(period_id) if period_id is not None else None
    return {
        "schema": STATUS_SCHEMA_VERSION,
        "dinas": settings.dinas.nama,
        "tahun": view.tahun if view is not None else year,
        "periods": [
            {
                "id": p.id,
                "tahun": p.tahun,
                "tw": p.tw,
                "state": p.state,
                "running": p.state not in TERMINAL_DINAS_STATES,
            }
            for p in periods
        ],
        "period": _period_json(view, settings) if view is not None else None,
        "bidang": _bidang_json(view, settings),
    }


def _period_json(view: PeriodView, settings: Settings) -> dict[str, Any]:
    return {
        "id": view.id,
        "tahun": view.tahun,
        "tw": view.tw,
        "label": texts.periode(view.tw, view.tahun),
        "state": view.state.value,
        "state_label": STATE_LABELS[view.state],
        "since": _iso(view.since, settings.tz),
        "step_since": _iso(view.step_since, settings.tz),
        "holder": _holder(view.holder_role, view.holder_nama),
        "deadline": _iso(view.deadline, settings.tz),
        "rekap_url": view.rekap_url,
        "archive_url": view.archive_url,
        "catatan_analisis": view.catatan_analisis,
    }


def _bidang_json(view: PeriodView | None, settings: Settings) -> list[dict[str, Any]]:
    reports = {r.bidang: r for r in view.reports} if view is not None else {}
    out: list[dict[str, Any]] = []
    for bidang in settings.bidang:
        r = reports.get(bidang.kode)
        out.append(
            {
                "kode": bidang.kode,
                "nama": bidang.nama,
                "folder_id": bidang.folder_id,
                "state": r.state.value if r else None,
                "state_label": r.state_label if r else None,
                "since": _iso(r.since, settings.tz) if r else None,
                "step_since": _iso(r.step_since, settings.tz) if r else None,
                "holder": _holder(r.holder_role, r.holder_nama) if r else None,
                "workbook_url": r.url if r else None,
                "last_reason": r.last_reason if r else None,
                "tindak_lanjut": r.tindak_lanjut if r else None,
            }
        )
    return out


def format_status(data: Mapping[str, Any], settings: Settings) -> str:
    """The status as text for a terminal."""
    tz = settings.tz
    lines = [f"{data['dinas']}, tahun anggaran {data['tahun']}"]
    period = data["period"]
    if period is None:
        lines.append("Belum ada periode yang dimulai. Mulai dengan: python -m bot distribute --triwulan N")
    else:
        since = texts.format_waktu(period["since"], tz)
        lines.append(f"Periode {period['label']}: {period['state_label']} (sejak {since})")
        if period["holder"]:
            names = ", ".join(period["holder"]["names"]) or "belum ada yang terdaftar"
            lines.append(
                f"  dipegang {period['holder']['role_label']}: {names}, "
                f"sejak {texts.format_waktu(period['step_since'], tz)}"
            )
        if period["deadline"]:
            lines.append(f"  batas pengisian: {texts.format_waktu(period['deadline'], tz)}")
        if period["rekap_url"]:
            lines.append(f"  rekap dinas: {period['rekap_url']}")
        if period["archive_url"]:
            lines.append(f"  arsip: {period['archive_url']}")
    lines.append("Bidang:")
    for item in data["bidang"]:
        if item["state"] is None:
            lines.append(f"  {item['kode']:<6} {item['nama']}: belum dibagikan")
            continue
        since = texts.format_waktu(item["since"], tz)
        lines.append(f"  {item['kode']:<6} {item['nama']}: {item['state_label']} (sejak {since})")
        if item["holder"]:
            names = ", ".join(item["holder"]["names"]) or "belum ada yang terdaftar"
            lines.append(f"         dipegang {item['holder']['role_label']}: {names}")
        if item["workbook_url"]:
            lines.append(f"         lembar kerja: {item['workbook_url']}")
        if item["last_reason"]:
            lines.append(f"         alasan terakhir: {item['last_reason']}")
    others = [p for p in data["periods"] if period is None or p["id"] != period["id"]]
    if others:
        listed = "; ".join(f"{texts.periode(p['tw'], p['tahun'])} ({STATE_LABELS[p['state']]})" for p in others)
        lines.append(f"Periode lain: {listed}")
    return "\n".join(lines)


# --- export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFile:
    """One file ``export`` wrote."""

    path: Path
    what: str
    size: int


def _write_atomically(path: Path, content: bytes) -> None:
    """Write via a temporary file in the same folder: an interrupted export leaves no half file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise AdminError(f"{out_dir} sudah ada dan bukan folder; pilih folder lain untuk --out.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise AdminError(f"Folder {out_dir} tidak dapat dibuat: {err.strerror}.") from err
    if not os.access(out_dir, os.W_OK):
        raise AdminError(f"Folder {out_dir} tidak dapat ditulisi; pilih folder lain untuk --out.")


def export_period(
    settings: Settings,
    store: Store,
    tahun: int | None,
    tw: int,
    out_dir: Path,
    *,
    drive: Any = None,
    with_bidang: bool = True,
    report: Report = _quiet,
) -> list[ExportedFile]:
    """Download period (tahun, tw) into ``out_dir`` through Drive: the dinas rekap as xlsx and pdf
    (the archived copies once the period is closed, else an export of the live workbook) and,
    with ``with_bidang``, every bidang workbook of the period as xlsx.

    ``drive`` is a :class:`sheets.google.drive.DriveFiles`; built from the settings when None.
    Google failures raise :class:`AdminError` with exit code 1 and the edge's explanation.
    """
    from sheets.google.drive import PDF_MIME, PROP_FORMAT, PROP_TW, XLSX_MIME
    from sheets.google.errors import GoogleEdgeError

    tahun, _ = check_period_input(settings, store, tahun, tw)
    with store.transaction() as tx:
        period = tx.find_period(tahun, tw)
        reports = tx.reports(period.id) if period is not None else []
    if period is None:
        raise AdminError(
            f"Periode {texts.periode(tw, tahun)} belum dimulai (tidak ada di basis data); tidak ada yang diekspor."
        )
    _prepare_out_dir(out_dir)
    written: list[ExportedFile] = []

    def save(name: str, what: str, content: bytes) -> None:
        path = out_dir / name
        _write_atomically(path, content)
        written.append(ExportedFile(path, what, len(content)))
        size = f"{len(content) / 1024:.1f}".replace(".", ",")  # Indonesian decimal comma
        report(f"  {what}: {path} ({size} KB)")

    try:
        if drive is None:
            drive = _drive_for(settings)
        formats = {"xlsx": XLSX_MIME, "pdf": PDF_MIME}
        archived: dict[str, Any] = {}
        if period.state == DinasState.CLOSED:
            props = drive.props(tahun, "arsip", **{PROP_TW: str(tw)})
            archived = {f.app_properties.get(PROP_FORMAT): f for f in drive.find(props)}
        if archived or period.rekap_spreadsheet_id:
            report(f"Mengunduh rekap dinas {texts.periode(tw, tahun)}...")
            for fmt, mime in formats.items():
                name = f"rekap-{tahun}-TW{tw}.{fmt}"
                if fmt in archived:
                    save(name, f"rekap dinas ({fmt}, salinan arsip)", drive.download(archived[fmt].id))
                elif period.rekap_spreadsheet_id:
                    save(name, f"rekap dinas ({fmt})", drive.export(period.rekap_spreadsheet_id, mime))
        else:
            report(f"Rekap dinas {texts.periode(tw, tahun)} belum disusun (periode {STATE_LABELS[period.state]}).")
        if with_bidang:
            with_workbook = [r for r in reports if r.spreadsheet_id]
            if with_workbook:
                report(f"Mengunduh {len(with_workbook)} lembar kerja bidang...")
            for r in with_workbook:
                save(
                    f"bidang-{r.bidang}-{tahun}.xlsx",
                    f"lembar kerja {r.bidang} (xlsx)",
                    drive.export(r.spreadsheet_id, XLSX_MIME),
                )
    except GoogleEdgeError as err:
        logger.error("export of TW %s %s failed: %s", tw, tahun, err)
        raise AdminError(err.penjelasan, exit_code=1) from err
    except OSError as err:
        raise AdminError(f"Berkas tidak dapat ditulis di {out_dir}: {err.strerror}.", exit_code=1) from err
    return written


def _drive_for(settings: Settings) -> Any:
    """DriveFiles on clients built from the settings (credentials read here)."""
    from sheets.google.auth import build_clients
    from sheets.google.drive import DriveFiles

    return DriveFiles(build_clients(settings.google).drive, settings)
