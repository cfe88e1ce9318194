"""The narrow interfaces through which the Google and Telegram edges plug into the workflow core.

Everything crossing a port is plain, frozen data: the core never imports ``sheets``, ``gspread``
or ``telegram``. The Google edge implements :class:`WorkbookPort`; the Telegram edge implements
:class:`Notifier` and renders :class:`Notification` (kind + JSON payload) into Indonesian text.
Every WorkbookPort method must be idempotent: the core may call it again after a crash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

Severity = Literal["error", "warning"]


def canonical_hash(values: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of ``values``: the hash both edges and the core use."""
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ProblemInfo:
    """One validation problem found in a bidang's sheet (cell like ``M14``)."""

    cell: str
    column: str
    row: int
    indikator: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the outbox payload."""
        return {
            "cell": self.cell,
            "column": self.column,
            "row": self.row,
            "indikator": self.indikator,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True)
class WorkbookRef:
    """A bidang's yearly workbook."""

    url: str
    spreadsheet_id: str


@dataclass(frozen=True)
class RekapRef:
    """The dinas workbook after a write; ``summary`` is JSON-ready (per bidang figures)."""

    url: str
    spreadsheet_id: str
    summary: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ArchiveRef:
    """Where the archived copies (PDF, xlsx) of a closed period went."""

    url: str
    file_ids: tuple[str, ...] = ()


# --- poll events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionReady:
    """Staff set the TW's status to "Siap Dikoreksi"; the edge validated every cell.

    ``ok`` is False when any problem has severity ``error``. ``values`` is the TW's data as the
    report domain reads it (JSON-ready); ``values_hash`` is :func:`canonical_hash` of it.
    """

    bidang: str
    tw: int
    ok: bool
    problems: tuple[ProblemInfo, ...] = ()
    summary: Mapping[str, Any] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    values_hash: str = ""


@dataclass(frozen=True)
class ValuesChanged:
    """Someone edited the open TW's cells (not yet submitted)."""

    bidang: str
    tw: int


@dataclass(frozen=True)
class ApprovedDataChanged:
    """An approved TW's values in the sheet now hash to ``values_hash``."""

    bidang: str
    tw: int
    values_hash: str


@dataclass(frozen=True)
class WorkbookMissing:
    """A bidang's workbook (or its tab) was deleted, renamed or cannot be found."""

    bidang: str
    reason: str


@dataclass(frozen=True)
class AccessLost:
    """The bot's account lost access to a bidang's workbook."""

    bidang: str


PollEvent = SubmissionReady | ValuesChanged | ApprovedDataChanged | WorkbookMissing | AccessLost


@dataclass(frozen=True)
class PollBatch:
    """What one poll found, and the cursor (e.g. a Drive page token) to give the next poll."""

    events: tuple[PollEvent, ...]
    cursor: str | None


# --- rekap input ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotData:
    """The approved values of one bidang for one TW (authoritative over the live sheet)."""

    bidang: str
    tw: int
    values: Mapping[str, Any]
    values_hash: str


@dataclass(frozen=True)
class RekomendasiData:
    """A Kepala Dinas rekomendasi for a TW; ``bidang`` None means the general one."""

    tw: int
    bidang: str | None
    teks: str
    diberikan: datetime


@dataclass(frozen=True)
class TindakLanjutData:
    """One bidang's tindak lanjut of the rekomendasi of a TW."""

    tw: int
    bidang: str
    teks: str
    dicatat: datetime


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit trail, for the ``Riwayat`` tab."""

    sop_step: int
    actor_role: str
    actor_nama: str
    event: str
    bidang: str | None
    at: datetime
    duration_seconds: float | None
    mutu_baku_seconds: float | None
    within: bool | None
    reason: str | None


@dataclass(frozen=True)
class RekapData:
    """Everything the dinas workbook needs for a TW, as plain data.

    ``snapshots`` holds every approved TW of the year up to ``tw`` (cumulative indicators need
    the earlier ones); the rekap uses these and never the live sheets.
    """

    snapshots: tuple[SnapshotData, ...]
    catatan_analisis: str | None = None
    rekomendasi: tuple[RekomendasiData, ...] = ()
    tindak_lanjut: tuple[TindakLanjutData, ...] = ()
    riwayat: tuple[AuditEntry, ...] = ()


# --- the ports --------------------------------------------------------------------------------


@runtime_checkable
class WorkbookPort(Protocol):
    """The Google side as the workflow needs it; implemented by the Google edge. Blocking."""

    def distribute(self, tahun: int, tw: int, bidang_kodes: Sequence[str]) -> Mapping[str, WorkbookRef]:
        """Find or create each bidang's workbook, share it, open TW ``tw`` for input."""
        ...

    def write_feedback(
        self, kode: str, tw: int, problems: Sequence[ProblemInfo], status_alur: str, catatan: str
    ) -> None:
        """Write per-row Catatan Validasi and the Status tab's Status Alur/Catatan (clearing old)."""
        ...

    def reset_submission(self, kode: str, tw: int, reason: str) -> None:
        """Set the TW's Status Pengisian back to Draft and write ``reason`` as its Catatan."""
        ...

    def lock_tw(self, kode: str, tw: int) -> None:
        """Protect the TW's cells after approval."""
        ...

    def reopen_tw(self, kode: str, tw: int) -> None:
        """Open the TW's cells for input again (after a return or a reopen)."""
        ...

    def write_rekap(self, tahun: int, tw: int, data: RekapData) -> RekapRef:
        """Write the dinas workbook from the approved snapshots; return its link and summary."""
        ...

    def archive(self, tahun: int, tw: int) -> ArchiveRef:
        """Export the dinas workbook (PDF, xlsx) into the archive folder."""
        ...

    def poll(self, cursor: str | None) -> PollBatch:
        """What changed since ``cursor`` (None on the first poll); the core stores the cursor."""
        ...


@dataclass(frozen=True)
class Notification:
    """One outbox row as handed to a Notifier: who gets what (``kind`` + JSON ``payload``)."""

    id: int
    dedupe_key: str
    kind: str
    payload: Mapping[str, Any]
    recipient_role: str
    recipient_bidang: str | None
    recipient_nama: str
    telegram_id: int
    attempts: int
    # Messages of this notification Telegram already accepted (a chart, then text parts): a
    # delivery resumes after them, also after a restart.
    parts_sent: int = 0


PartsProgress = Callable[[int], Awaitable[None]]
"""Told how many messages of a notification are accepted so far, after each but the last."""


@runtime_checkable
class Notifier(Protocol):
    """Delivers one notification (the Telegram edge renders and sends it).

    Raises :class:`~bot.workflow.errors.RecipientUnreachable` when the person cannot be reached
    at all, :class:`~bot.workflow.errors.TransientDeliveryError` when a retry may succeed.
    """

    async def deliver(self, notification: Notification, progress: PartsProgress | None = None) -> None:
        """Send it (from ``notification.parts_sent`` on); return only when the far side accepted it."""
        ...
