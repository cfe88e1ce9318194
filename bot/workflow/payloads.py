"""The typed payload of every notification kind: what the core promises the Telegram edge.

The core builds one of these dataclasses per outbox row; its JSON form (:meth:`Payload.as_json`,
the field names as keys) is what the outbox stores and the renderer reads. A field without a
default is in every row the core writes now (its value may be None, e.g. ``url`` before a step
has a sheet); :data:`PAYLOAD_KEYS` lists them per kind, derived from the classes. Rows written
by an older version may still wait in the outbox without the keys added since (``url``,
``deadline``, ``mutu_baku`` of some kinds), so those fields are typed ``| None``:
:func:`payload_from_json` reads a row back into its dataclass, a missing key of such a field as
None (a missing list or dict as empty).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.workflow.notifications import Kind

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Payload:
    """Base of every payload; the JSON form is its fields."""

    def as_json(self) -> JsonDict:
        """The outbox's JSON form (field name -> JSON-ready value)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class PeriodPayload(Payload):
    """About one period."""

    period_id: int
    tahun: int
    tw: int


@dataclass(frozen=True)
class BidangPayload(PeriodPayload):
    """About one bidang's report of a period."""

    bidang: str
    bidang_nama: str


@dataclass(frozen=True)
class DistributionApprovalRequest(PeriodPayload):
    """Step 1: the Sekretaris is asked to approve distributing the format."""

    bidang: list[str]
    mutu_baku: str
    format: list[JsonDict] = field(default_factory=list)
    deadline: str | None = None


@dataclass(frozen=True)
class DistributionDeferred(PeriodPayload):
    """Step 1 deferred by the Sekretaris."""

    actor_nama: str
    note: str | None


@dataclass(frozen=True)
class DistributionDone(PeriodPayload):
    """Step 1 done: every bidang's link and the input deadline (to the Kasubbag).

    ``tanpa_akun_google``: addresses shared by Google's invitation email because they have no
    Google account; ``tidak_dibagikan``: addresses Drive refused to share with (address -> why).
    """

    links: dict[str, str]
    deadline: str
    tanpa_akun_google: list[str] = field(default_factory=list)
    tidak_dibagikan: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InputOpened(BidangPayload):
    """Step 2 opens: the bidang's link and deadline (to its staff)."""

    url: str | None
    deadline: str | None


@dataclass(frozen=True)
class ValidationFailed(BidangPayload):
    """A submission refused by the validation, with every problem."""

    url: str | None
    problems: list[JsonDict]
    deadline: str | None


@dataclass(frozen=True)
class SubmissionReceived(BidangPayload):
    """A submission accepted (to the staff), with the warnings shown to the Kepala Bidang."""

    warnings: list[JsonDict]


@dataclass(frozen=True)
class KoreksiRequest(BidangPayload):
    """Step 3: the Kepala Bidang is asked to correct the report."""

    url: str | None
    summary: JsonDict
    warnings: list[JsonDict]
    mutu_baku: str


@dataclass(frozen=True)
class ReportReturned(BidangPayload):
    """Step 3: the report was returned, with the reason."""

    url: str | None
    reason: str
    actor_nama: str


@dataclass(frozen=True)
class ReportApproved(BidangPayload):
    """Step 3: the report was approved."""

    actor_nama: str


@dataclass(frozen=True)
class RekapDraft(PeriodPayload):
    """Step 4: the draft rekap (to the Kasubbag)."""

    url: str | None
    summary: JsonDict
    mutu_baku: str


@dataclass(frozen=True)
class TelaahRequest(PeriodPayload):
    """Steps 5 and 6: the Sekretaris or the Kepala Dinas is asked to review the dinas report."""

    url: str | None
    summary: JsonDict
    catatan_analisis: str | None
    mutu_baku: str


@dataclass(frozen=True)
class DinasReturned(PeriodPayload):
    """Steps 5 and 6: the dinas report was returned, with the reason and by whom."""

    reason: str
    by_role: str
    actor_nama: str


@dataclass(frozen=True)
class RekomendasiRequest(PeriodPayload):
    """Step 6: the Kepala Dinas approved and is asked for the rekomendasi."""

    bidang: list[str]
    url: str | None
    summary: JsonDict
    mutu_baku: str | None  # the core always sets it; rows written before it was added lack it


@dataclass(frozen=True)
class RekomendasiHanded(PeriodPayload):
    """Step 7: the report and rekomendasi handed on (to the Sekretaris and the Kasubbag)."""

    sop_step: int
    umum: str
    per_bidang: dict[str, str]
    url: str | None


@dataclass(frozen=True)
class RekomendasiForBidang(BidangPayload):
    """Step 8: the rekomendasi that concern one bidang (to its Kepala Bidang)."""

    umum: str
    khusus: str | None
    url: str | None
    mutu_baku: str


@dataclass(frozen=True)
class BidangReopened(BidangPayload):
    """After a return: one bidang's approved report reopened, with the reason."""

    url: str | None
    reason: str
    actor_nama: str


@dataclass(frozen=True)
class TindakLanjutRecorded(BidangPayload):
    """Step 9: a bidang's tindak lanjut (to the Kasubbag)."""

    teks: str
    actor_nama: str


@dataclass(frozen=True)
class PeriodClosed(PeriodPayload):
    """The period closed and archived (to everyone)."""

    rekap_url: str | None
    archive_url: str | None


@dataclass(frozen=True)
class DeadlineReminder(BidangPayload):
    """Step 2's deadline is near or past (to the staff)."""

    url: str | None
    deadline: str
    hari_kerja_tersisa: int


@dataclass(frozen=True)
class TindakLanjutReminder(BidangPayload):
    """Step 9 still waits for this bidang's tindak lanjut."""


@dataclass(frozen=True)
class MutuBakuReminder(PeriodPayload):
    """A step held longer than its Mutu Baku (to its holder); ``deadline``: the input deadline, which
    still holds, for a step 2 reminder to the staff (None otherwise, and in rows of older versions)."""

    bidang: str | None
    sop_step: int
    state: str
    since: str
    mutu_baku: str
    due_at: str
    url: str | None
    deadline: str | None


@dataclass(frozen=True)
class MutuBakuEscalation(MutuBakuReminder):
    """A step held twice its Mutu Baku (to the holder's superior), naming the holder."""

    holder_role: str
    holder_nama: str


@dataclass(frozen=True)
class TamperDetected(BidangPayload):
    """Approved data changed in the sheet; the snapshot is kept (to the Kasubbag)."""

    snapshot_hash: str
    sheet_hash: str
    audit_id: int | None = None


@dataclass(frozen=True)
class ForeignAccessRemoved(BidangPayload):
    """Access to a bidang workbook outside the configured people, removed or not (to the Kasubbag).

    ``akses`` are the permissions removed (:meth:`sheets.facts.PermissionInfo.as_dict`);
    ``editor`` the addresses that could have added them (Drive does not say who did).
    """

    url: str | None
    akses: list[JsonDict]
    editor: list[str] = field(default_factory=list)
    dihapus: bool = True  # False: Google did not let the bot remove it (left in place)


@dataclass(frozen=True)
class WorkbookProblem(Payload):
    """A bidang's workbook is gone, renamed, or unreadable (to the Kasubbag)."""

    bidang: str
    bidang_nama: str


@dataclass(frozen=True)
class WorkbookMissing(WorkbookProblem):
    """The workbook (or a tab) is gone or renamed, with the reason."""

    reason: str


@dataclass(frozen=True)
class MasterReminder(Payload):
    """A coming budget year's master list is missing or cannot be read (to the Kasubbag).

    ``opens_at``: when that year's TW I opens (ISO); ``problem``: why the file cannot be used
    (None: there is no file yet); ``overdue``: TW I is due and waits for the list.
    """

    tahun: int
    path: str
    opens_at: str
    problem: str | None
    overdue: bool
    # A list kept as a Google Sheet: the tab of that year to fill, and the sheet's link (a button).
    tab: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class PeriodHeld(Payload):
    """A new year's TW I is due but waits until the earlier year's periods are closed (to the Kasubbag)."""

    tahun: int
    tw: int
    waiting_for: list[str]


@dataclass(frozen=True)
class RecipientUnreachable(Payload):
    """Someone could not be reached on Telegram (to the Kasubbag)."""

    nama: str
    role: str
    bidang: str | None
    kind: str
    error: str


@dataclass(frozen=True)
class ActionResumed(PeriodPayload):
    """An action a stop interrupted, carried out after the restart or undone (to who pressed it).

    ``reason`` is None when it was carried out, else why it could not be.
    """

    event: str
    bidang_nama: str | None
    pressed_at: str
    reason: str | None = None


@dataclass(frozen=True)
class PlhPayload(Payload):
    """About one Plh: who acts as ``role`` (of ``bidang``) for ``holder_nama``, which days (ISO dates)."""

    plh_id: int
    role: str
    bidang: str | None
    bidang_nama: str | None
    holder_nama: str
    acting_nama: str
    mulai: str
    selesai: str


@dataclass(frozen=True)
class PlhRequest(PlhPayload):
    """An official named a Plh: the person named is asked to accept (buttons Terima / Tolak)."""


@dataclass(frozen=True)
class PlhNotice(PlhPayload):
    """What happened to a Plh (``peristiwa``: diterima, ditolak, ditetapkan, berakhir, dibatalkan)."""

    peristiwa: str
    oleh: str


@dataclass(frozen=True)
class TargetRevised(Payload):
    """The master list was revised (APBD Perubahan): what changed, from which TW (to the Kepala Dinas)."""

    tahun: int
    versi: int
    label: str
    berlaku_mulai: str | None
    mulai_tw: int
    diubah: int
    ditambah: int
    dihapus: int
    bidang_berubah: list[JsonDict]
    actor_nama: str


@dataclass(frozen=True)
class MasterInvalid(Payload):
    """The master sheet cannot be used: every problem at its cell (to the Kasubbag)."""

    sumber: str
    url: str | None
    masalah: list[JsonDict]


PAYLOAD_TYPES: Mapping[Kind, type[Payload]] = MappingProxyType(
    {
        Kind.DISTRIBUTION_APPROVAL_REQUEST: DistributionApprovalRequest,
        Kind.DISTRIBUTION_DEFERRED: DistributionDeferred,
        Kind.DISTRIBUTION_DONE: DistributionDone,
        Kind.INPUT_OPENED: InputOpened,
        Kind.VALIDATION_FAILED: ValidationFailed,
        Kind.SUBMISSION_RECEIVED: SubmissionReceived,
        Kind.KOREKSI_REQUEST: KoreksiRequest,
        Kind.REPORT_RETURNED: ReportReturned,
        Kind.REPORT_APPROVED: ReportApproved,
        Kind.REKAP_DRAFT: RekapDraft,
        Kind.TELAAH_REQUEST: TelaahRequest,
        Kind.TELAAH_KEPALA_DINAS_REQUEST: TelaahRequest,
        Kind.DINAS_RETURNED: DinasReturned,
        Kind.REKOMENDASI_REQUEST: RekomendasiRequest,
        Kind.REKOMENDASI_HANDED: RekomendasiHanded,
        Kind.REKOMENDASI_FOR_BIDANG: RekomendasiForBidang,
        Kind.BIDANG_REOPENED: BidangReopened,
        Kind.TINDAK_LANJUT_RECORDED: TindakLanjutRecorded,
        Kind.PERIOD_CLOSED: PeriodClosed,
        Kind.DEADLINE_REMINDER: DeadlineReminder,
        Kind.TINDAK_LANJUT_REMINDER: TindakLanjutReminder,
        Kind.MUTU_BAKU_REMINDER: MutuBakuReminder,
        Kind.MUTU_BAKU_ESCALATION: MutuBakuEscalation,
        Kind.TAMPER_DETECTED: TamperDetected,
        Kind.WORKBOOK_MISSING: WorkbookMissing,
        Kind.ACCESS_LOST: WorkbookProblem,
        Kind.FOREIGN_ACCESS_REMOVED: ForeignAccessRemoved,
        Kind.RECIPIENT_UNREACHABLE: RecipientUnreachable,
        Kind.MASTER_REMINDER: MasterReminder,
        Kind.PERIOD_HELD: PeriodHeld,
        Kind.ACTION_RESUMED: ActionResumed,
        Kind.PLH_REQUEST: PlhRequest,
        Kind.PLH_NOTICE: PlhNotice,
        Kind.TARGET_REVISED: TargetRevised,
        Kind.MASTER_INVALID: MasterInvalid,
    }
)


def _always_present(cls: type[Payload]) -> frozenset[str]:
    missing = dataclasses.MISSING
    return frozenset(f.name for f in dataclasses.fields(cls) if f.default is missing and f.default_factory is missing)


PAYLOAD_KEYS: Mapping[Kind, frozenset[str]] = MappingProxyType(
    {kind: _always_present(cls) for kind, cls in PAYLOAD_TYPES.items()}
)


def check_payload(kind: Kind, payload: Payload) -> None:
    """Raise TypeError when ``payload`` is not the type ``kind`` promises (a bug in the core)."""
    expected = PAYLOAD_TYPES[kind]
    if type(payload) is not expected:
        raise TypeError(f"payload of {kind} must be {expected.__name__}, not {type(payload).__name__}")


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _when_missing(cls: type[Payload]) -> Mapping[str, Callable[[], Any]]:
    """Per field a row may lack, what it gets instead: the dataclass default, else an empty list or
    dict for a list or dict field, else None for a field typed ``| None``. Other fields are required."""
    hints = typing.get_type_hints(cls)
    makers: dict[str, Callable[[], Any]] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if f.default is not dataclasses.MISSING:
            makers[f.name] = _constant(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            makers[f.name] = f.default_factory
        elif typing.get_origin(hint) in (list, dict):
            makers[f.name] = typing.get_origin(hint)
        elif type(None) in typing.get_args(hint):
            makers[f.name] = _constant(None)
    return MappingProxyType(makers)


_WHEN_MISSING: Mapping[Kind, Mapping[str, Callable[[], Any]]] = MappingProxyType(
    {kind: _when_missing(cls) for kind, cls in PAYLOAD_TYPES.items()}
)


def payload_from_json(kind: Kind, data: Mapping[str, Any]) -> Payload:
    """The dataclass of ``kind`` from an outbox row's JSON (the inverse of :meth:`Payload.as_json`).

    A key the row lacks (written by an older version) gets the field's default, else an empty
    list or dict for a list or dict field, else None for a field typed ``| None``; a row without
    any other field is broken (KeyError, as the dict-reading renderer raised). Keys the class does
    not know are ignored.
    """
    cls = PAYLOAD_TYPES[kind]
    when_missing = _WHEN_MISSING[kind]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            values[f.name] = data[f.name]
        elif f.name in when_missing:
            values[f.name] = when_missing[f.name]()
        else:
            raise KeyError(f"{kind.value} payload without {f.name!r}")
    return cls(**values)
