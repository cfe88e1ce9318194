"""The plain data that crosses between the Google edge and the workflow core.

Frozen dataclasses only, no I/O: what the Google edge read from a workbook (:class:`WorkbookRead`,
:class:`ChangesRead`), where the bot's notes go in it (:class:`FeedbackPlace`), the validation
problems it writes back (:class:`ProblemInfo`) and the cells it marks (:class:`CellMark`), the
bukti dukung it keeps (:class:`EvidenceFile`, :class:`EvidenceRef`), and what it writes into the
dinas workbook (:class:`RekapData` and its parts). The edge states facts with these types; the
workflow's intake (:mod:`bot.workflow.intake`) decides what they mean. Neither side imports the
other: both import this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # annotations only: the rekap's data names the master list each TW was measured against
    from sheets.master import Master

Severity = Literal["error", "warning"]


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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProblemInfo:
        """The inverse of :meth:`as_dict`."""
        severity: Severity = "error" if data["severity"] == "error" else "warning"
        return cls(
            str(data["cell"]),
            str(data["column"]),
            int(data["row"]),
            str(data["indikator"]),
            severity,
            str(data["message"]),
        )


@dataclass(frozen=True)
class FeedbackPlace:
    """Where the bot writes its notes in a ``Realisasi`` tab as last read.

    ``column`` is the 0-based column of ``Catatan Validasi`` (None when its header label is gone:
    the notes then go to the Status tab); ``first_row``..``last_row`` are the 1-based sheet rows
    below the header down to the last row holding anything (``last_row < first_row``: none).
    ``marked`` are the cells (A1, ``M14``) carrying the bot's mark (background and cell note) as
    last read, or as the bot's last feedback left them: the only cells a feedback may unmark.
    """

    column: int | None
    first_row: int
    last_row: int
    marked: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the store."""
        return {
            "column": self.column,
            "first_row": self.first_row,
            "last_row": self.last_row,
            "marked": list(self.marked),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeedbackPlace:
        """The inverse of :meth:`as_dict` (a place stored before marks existed has none)."""
        column = data.get("column")
        return cls(
            None if column is None else int(column),
            int(data["first_row"]),
            int(data["last_row"]),
            tuple(str(cell) for cell in data.get("marked") or ()),
        )


@dataclass(frozen=True)
class CellMark:
    """One cell the feedback marks: red for an error, yellow for a warning, the messages as its note."""

    cell: str
    severity: Severity
    note: str


@dataclass(frozen=True)
class Feedback:
    """What the bot writes back into a bidang's TW: per-row notes and the Status row.

    ``reset_submission`` also sets the TW's ``Status Pengisian`` back to ``Draft`` (a returned or
    refused submission) with the Catatan; ``status_alur`` None writes only that reset (a reopened
    TW). ``mark_submitted`` sets it to ``Siap Dikoreksi`` (an approved TW reads the same whether it
    was submitted in the sheet or with ``/kirim``). ``place`` is where the notes go (None: the edge
    finds it by reading the workbook).
    """

    status_alur: str | None
    catatan: str = ""
    problems: tuple[ProblemInfo, ...] = ()
    reset_submission: bool = False
    place: FeedbackPlace | None = None
    mark_submitted: bool = False


# --- what the poll read ------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookRead:
    """One bidang workbook as read by one request: cell values, their formats, the recorded state.

    ``percent_cells`` and ``date_cells`` are (row, column) positions (0-based) in ``realisasi``
    whose number format is a percent or a date; ``open_tw`` and ``approved`` are the state the
    bot recorded in the ``Realisasi`` protection's description; ``notes`` are the cell notes of
    ``Realisasi`` by position (the bot's marks among them, :func:`sheets.notes.is_bot_mark`).
    """

    realisasi: list[list[Any]]
    percent_cells: frozenset[tuple[int, int]]
    status: list[list[Any]]
    open_tw: int | None
    approved: frozenset[int]
    date_cells: frozenset[tuple[int, int]] = frozenset()
    notes: Mapping[tuple[int, int], str] = field(default_factory=dict)
    title: str = ""
    """The spreadsheet's title (its Drive name) as this read found it."""


@dataclass(frozen=True)
class PermissionInfo:
    """One Drive permission on a workbook: who (an address, a domain, or anyone) and what role."""

    id: str
    type: str  # user, group, domain, anyone
    role: str
    email: str | None = None
    domain: str | None = None

    @property
    def who(self) -> str:
        """The address, ``domain:...`` or ``anyone`` it grants to."""
        if self.email:
            return self.email
        if self.domain:
            return f"domain:{self.domain}"
        return self.type

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready form, for the outbox payload."""
        return {"id": self.id, "type": self.type, "role": self.role, "email": self.email, "domain": self.domain}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PermissionInfo:
        """The inverse of :meth:`as_dict`."""
        return cls(str(data["id"]), str(data["type"]), str(data["role"]), data.get("email"), data.get("domain"))


@dataclass(frozen=True)
class BookSeen:
    """A changed workbook of bidang ``bidang`` for budget year ``tahun``, read: its title and what it holds."""

    bidang: str
    spreadsheet_id: str
    name: str
    read: WorkbookRead
    tahun: int = field(kw_only=True)
    foreign: tuple[PermissionInfo, ...] = ()


@dataclass(frozen=True)
class BookGone:
    """A workbook of bidang ``bidang`` (year ``tahun``) that cannot be read: trashed, deleted, or a tab renamed.

    ``reason`` is the Indonesian sentence the Kasubbag reads.
    """

    bidang: str
    reason: str
    tahun: int = field(kw_only=True)


@dataclass(frozen=True)
class BookUnreachable:
    """The bot's account lost access to bidang ``bidang``'s workbook of year ``tahun``."""

    bidang: str
    tahun: int = field(kw_only=True)


BookFact = BookSeen | BookGone | BookUnreachable


@dataclass(frozen=True)
class BookDeferred:
    """Bidang ``bidang``'s workbook could not be read now: Google's per-minute quota stayed used up.

    Nothing is known of its content; it is to be read again later.
    """

    bidang: str
    spreadsheet_id: str


@dataclass(frozen=True)
class BookToRead:
    """A changed workbook of bidang ``bidang`` for budget year ``tahun`` that is still to be read."""

    spreadsheet_id: str
    bidang: str
    tahun: int = field(kw_only=True)


@dataclass(frozen=True)
class ChangedBooks:
    """What one Drive change listing found, before any workbook is read.

    ``to_read``: the changed workbooks of the years watched; ``known``: what the listing itself says
    without a read (a workbook moved to the trash); ``cursor``: the Drive page token to list from
    next time (every change up to it is in ``to_read`` or ``known``).
    """

    to_read: tuple[BookToRead, ...]
    known: tuple[BookFact, ...]
    cursor: str | None


@dataclass(frozen=True)
class ChangesRead:
    """What one poll of Drive read, and the cursor (a Drive page token) to give the next poll."""

    books: tuple[BookFact, ...]
    cursor: str | None


# --- what the edge writes -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookRef:
    """A bidang's yearly workbook.

    ``invited``: addresses it was shared with by Google's invitation email because they have no
    Google account; ``not_shared``: addresses Drive refused to share with at all (address -> why).
    """

    url: str
    spreadsheet_id: str
    invited: tuple[str, ...] = ()
    not_shared: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceFile:
    """A file a staff member sent as bukti dukung for one indicator, to be kept in Drive.

    ``indikator_key`` is the master list's key of the indicator (:attr:`sheets.master.Indikator.key`);
    ``source_id`` identifies the file where it came from (Telegram's ``file_unique_id``), so a
    retried upload finds the copy it made before.
    """

    indikator_key: str
    name: str
    mime_type: str
    content: bytes
    source_id: str


@dataclass(frozen=True)
class EvidenceRef:
    """Where a bukti dukung went: the file, its TW's folder, and the sheet cell now linking it."""

    url: str
    folder_url: str
    cell: str


@dataclass(frozen=True)
class RekapRef:
    """The dinas workbook after a write; ``summary`` is JSON-ready (per bidang figures)."""

    url: str
    spreadsheet_id: str
    summary: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ArchiveRef:
    """Where the archived copies (PDF, xlsx) of a closed period went, and what was done otherwise."""

    url: str
    file_ids: tuple[str, ...] = ()
    catatan: tuple[str, ...] = ()
    """In Indonesian: each copy made another way than usual (an xlsx built by the bot) or left out."""


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
    pelaku: str | None = None
    """Who acted as the Riwayat shows it, when not name and role (a Plh: both names)."""


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
    masters: Mapping[int, Master] = field(default_factory=dict)
    """Per TW, the master list (version) it is measured against; empty: the edge's own list."""
    target_labels: Mapping[int, str] = field(default_factory=dict)
    """Per TW, the line saying which targets it was measured against (``Target: APBD Murni``)."""


# --- the master list kept as a Google Sheet ------------------------------------------------------


@dataclass(frozen=True)
class MasterSheetRead:
    """The master sheet as one read found it: its tab's cells (as the bidang sheets are read).

    ``percent_cells`` and ``date_cells`` are 0-based (row, column) positions in ``rows`` whose
    number format is a percent or a date.
    """

    spreadsheet_id: str
    title: str
    tab: str
    url: str
    rows: list[list[Any]]
    percent_cells: frozenset[tuple[int, int]] = frozenset()
    date_cells: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class MasterNotes:
    """What the bot writes into the master sheet's ``Catatan Validasi`` column: one text per data row.

    ``column`` is 0-based; ``header`` is the label to write at ``header_row`` when the column has
    none yet; ``texts`` fills rows ``first_row`` onwards (empty texts clear earlier notes).
    """

    tab: str
    column: int
    header_row: int
    header: str | None
    first_row: int
    texts: tuple[str, ...]
