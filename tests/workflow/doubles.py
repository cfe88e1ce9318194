"""Test doubles for the workflow core's ports: an in-memory workbook and a file-append notifier."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.workflow.errors import PortError, RecipientUnreachable, TransientDeliveryError
from bot.workflow.ports import Notification, PartsProgress
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
    ProblemInfo,
    RekapData,
    RekapRef,
    WorkbookRef,
)
from sheets.master import Master
from sheets.revision import TargetRevision


@dataclass
class InMemoryWorkbook:
    """A WorkbookPort double: records every call, keeps TW locks; its poll finds no change.

    Workflow tests give the service the intake's events directly (``service.handle_events``);
    the intake itself is tested on real sheets through the sandbox (tests/google_edge).
    """

    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    locked: set[tuple[str, int]] = field(default_factory=set)
    feedback: dict[tuple[str, int], tuple[str, str, tuple[ProblemInfo, ...]]] = field(default_factory=dict)
    rekap_writes: list[RekapData] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)
    archived_laporan: bytes | None = None
    master_sheet: MasterSheetRead | None = None  # what read_master returns
    master_notes: list[MasterNotes] = field(default_factory=list)
    revisions: list[tuple[int, str, TargetRevision]] = field(default_factory=list)
    kept_permissions: tuple[str, ...] = ()  # what remove_permissions may not remove

    def _call(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))
        if self.fail.get(name, 0) > 0:
            self.fail[name] -= 1
            raise PortError(f"{name} gagal (simulasi)")

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def distribute(
        self, tahun: int, tw: int, bidang_kodes: Sequence[str], master: Master | None = None
    ) -> Mapping[str, WorkbookRef]:
        self._call("distribute", tahun, tw, tuple(bidang_kodes))
        return {k: WorkbookRef(f"https://sheets.test/{tahun}/{k}", f"sheet-{tahun}-{k}") for k in bidang_kodes}

    def write_feedback(self, tahun: int, kode: str, tw: int, feedback: Feedback) -> None:
        # One request on Google; recorded as its two parts (the notes, the reset to Draft).
        if feedback.status_alur is not None:
            self._call("write_feedback", kode, tw, feedback.status_alur)
            self.feedback[(kode, tw)] = (feedback.status_alur, feedback.catatan, feedback.problems)
        if feedback.reset_submission:
            self._call("reset_submission", kode, tw, feedback.catatan)

    def lock_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        self._call("lock_tw", kode, tw)
        self.locked.add((kode, tw))
        if feedback is not None:
            self.write_feedback(tahun, kode, tw, feedback)

    def reopen_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        self._call("reopen_tw", kode, tw)
        self.locked.discard((kode, tw))
        if feedback is not None:
            self.write_feedback(tahun, kode, tw, feedback)

    def write_rekap(self, tahun: int, tw: int, data: RekapData) -> RekapRef:
        self._call("write_rekap", tahun, tw)
        self.rekap_writes.append(data)
        return RekapRef(
            f"https://sheets.test/rekap/{tahun}",
            f"rekap-{tahun}",
            {"bidang": sorted({s.bidang for s in data.snapshots if s.tw == tw})},
        )

    def archive(self, tahun: int, tw: int, laporan: bytes | None = None) -> ArchiveRef:
        self._call("archive", tahun, tw)
        self.archived_laporan = laporan
        return ArchiveRef(f"https://drive.test/arsip/{tahun}/tw{tw}", (f"pdf-{tahun}-{tw}",))

    def changed(self, cursor: str | None, known: Mapping[str, tuple[int, str]], years: Collection[int]) -> ChangedBooks:
        self._call("poll", cursor)
        # Derived from the cursor given, so a process restarted after a crash continues the same way.
        number = 0 if cursor is None else int(cursor.rsplit("-", 1)[1])
        return ChangedBooks((), (), f"token-{number + 1}")

    def read_changed(self, book: BookToRead) -> BookFact | BookDeferred:
        self._call("read_changed", book.bidang)
        raise AssertionError("this double's poll finds no change to read")

    def read_book(self, tahun: int, kode: str) -> BookSeen:
        self._call("read_book", kode)
        raise AssertionError("the workflow tests submit through handle_events, not /kirim")

    def remove_permissions(self, tahun: int, kode: str, permission_ids: Sequence[str]) -> tuple[str, ...]:
        self._call("remove_permissions", kode, tuple(permission_ids))
        return tuple(p for p in permission_ids if p in self.kept_permissions)

    def store_evidence(
        self, tahun: int, kode: str, tw: int, evidence: EvidenceFile, master: Master | None = None
    ) -> EvidenceRef:
        self._call("store_evidence", kode, tw, evidence.indikator_key, evidence.name)
        return EvidenceRef(
            f"https://drive.test/bukti/{kode}/{evidence.source_id}", f"https://drive.test/bukti/{kode}/tw{tw}", "W2"
        )

    def read_master(self, source: str, tahun: int) -> MasterSheetRead:
        self._call("read_master", source, tahun)
        if self.master_sheet is None:
            raise AssertionError("no master sheet given to the double")
        return self.master_sheet

    def write_master_notes(self, source: str, notes: MasterNotes) -> None:
        self._call("write_master_notes", source)
        self.master_notes.append(notes)

    def revise_targets(self, tahun: int, kode: str, revision: TargetRevision) -> None:
        self._call("revise_targets", tahun, kode, revision.from_tw)
        self.revisions.append((tahun, kode, revision))


class FileNotifier:
    """A Notifier that appends one JSON line per delivered notification to a file."""

    def __init__(self, path: Path, unreachable: set[int] | None = None, transient: int = 0) -> None:
        self.path = path
        self.unreachable = unreachable or set()
        self.transient = transient

    async def deliver(self, notification: Notification, progress: PartsProgress | None = None) -> None:
        if notification.telegram_id in self.unreachable:
            raise RecipientUnreachable("Forbidden: bot was blocked by the user")
        if self.transient > 0:
            self.transient -= 1
            raise TransientDeliveryError("network down", retry_after=1.0)
        line = json.dumps(
            {"key": notification.dedupe_key, "kind": notification.kind, "to": notification.telegram_id},
            sort_keys=True,
        )
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()

    def lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]
