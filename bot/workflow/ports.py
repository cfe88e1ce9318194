"""The narrow interfaces through which the Google and Telegram edges plug into the workflow core.

Everything crossing a port is plain, frozen data: the core never imports ``gspread``, ``telegram``
or the Google edge. The Google edge implements :class:`WorkbookPort` with the plain data of
:mod:`sheets.facts` (which both sides import); the Telegram edge implements :class:`Notifier`
and renders :class:`Notification` (kind + JSON payload) into Indonesian text. Every WorkbookPort
method must be idempotent: the core may call it again after a crash.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

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


@runtime_checkable
class WorkbookPort(Protocol):
    """The Google side as the workflow needs it; implemented by the Google edge. Blocking."""

    def distribute(
        self, tahun: int, tw: int, bidang_kodes: Sequence[str], master: Master | None = None
    ) -> Mapping[str, WorkbookRef]:
        """Find or create each bidang's workbook (a new one laid out from ``master``), share it, open TW ``tw``."""
        ...

    def write_feedback(self, tahun: int, kode: str, tw: int, feedback: Feedback) -> None:
        """Write per-row Catatan Validasi and the TW's Status row (and the reset to Draft if asked)."""
        ...

    def lock_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Protect the TW's cells after approval, then write ``feedback`` (the Status row)."""
        ...

    def reopen_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Open the TW's cells for input again (after a return or a reopen), then write ``feedback``."""
        ...

    def write_rekap(self, tahun: int, tw: int, data: RekapData) -> RekapRef:
        """Write the dinas workbook from the approved snapshots; return its link and summary."""
        ...

    def archive(self, tahun: int, tw: int, laporan: bytes | None = None) -> ArchiveRef:
        """Archive the period: the report document ``laporan`` (PDF) and the dinas workbook (xlsx)."""
        ...

    def changed(self, cursor: str | None, known: Mapping[str, tuple[int, str]], years: Collection[int]) -> ChangedBooks:
        """Which workbooks of ``years`` changed since ``cursor`` (None on the first poll: every one), none read yet.

        ``known`` maps the spreadsheet ids the workflow handed out to their (tahun, bidang kode);
        the core keeps what is to read and the new cursor in the store.
        """
        ...

    def read_changed(self, book: BookToRead) -> BookFact | BookDeferred:
        """Read one changed workbook: what it holds, or that it is gone, unreachable or to read later."""
        ...

    def read_book(self, tahun: int, kode: str) -> BookSeen:
        """Read bidang ``kode``'s workbook of ``tahun`` now (``/kirim``)."""
        ...

    def remove_permissions(self, tahun: int, kode: str, permission_ids: Sequence[str]) -> tuple[str, ...]:
        """Remove these permissions (foreign access the poll found) from bidang ``kode``'s workbook of ``tahun``;
        returns those Google did not let the bot remove."""
        ...

    def store_evidence(
        self, tahun: int, kode: str, tw: int, evidence: EvidenceFile, master: Master | None = None
    ) -> EvidenceRef:
        """Keep a bukti dukung in the bidang's folder of TW ``tw``; link it in its indicator's cell
        (its row found with ``master``, the list TW ``tw`` of ``tahun`` is measured against)."""
        ...

    def read_master(self, source: str, tahun: int) -> MasterSheetRead:
        """Read ``tahun``'s tab of the master sheet the Kasubbag keeps (its id or URL)."""
        ...

    def write_master_notes(self, source: str, notes: MasterNotes) -> None:
        """Write the master list's validation notes beside its rows in the master sheet."""
        ...

    def revise_targets(self, tahun: int, kode: str, revision: TargetRevision) -> None:
        """Give bidang ``kode``'s workbook of ``tahun`` a revision's targets, rows added and rows dropped."""
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
    # The holder's name when the recipient gets this as their Plh (the message says so).
    atas_nama: str | None = None


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
