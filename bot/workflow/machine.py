"""SOP P-SEK-KP-09 as two pure, declarative state tables: the bidang report and the dinas report.

Each table maps (state, event) to a :class:`Transition` naming the destination, the SOP step the
move performs, the role allowed to cause it, the step whose Mutu Baku measures the time spent
before it, and its effects: the Google effect the move needs (:class:`GoogleEffect`, carried out
before the move is written) and the notifications it sends (:class:`Notify`: which kind to which
role, for the action's bidang, for every bidang, or for the dinas). One generic path in the
workflow service takes any row: check -> Google effect -> move + audit + outbox in one
transaction. A move the table lacks raises :class:`InvalidTransition`, never a silent no-op.
``HOLDS`` says who holds a report while it rests in a state (for timers and ``/status``).
This module imports nothing but the standard library, the error classes and the kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.workflow.errors import InvalidTransition
from bot.workflow.notifications import Kind


class Role(StrEnum):
    """Who may act; ``system`` is the bot itself."""

    KEPALA_DINAS = "kepala_dinas"
    SEKRETARIS = "sekretaris"
    KASUBBAG_KPEP = "kasubbag_kpep"
    KEPALA_BIDANG = "kepala_bidang"
    STAF = "staf"
    SYSTEM = "system"


class BidangState(StrEnum):
    """The state of one bidang's report for one period (TW)."""

    OPENED = "dibuka"
    FILLING = "diisi"
    SUBMITTED = "diajukan"
    RETURNED = "dikembalikan"
    APPROVED = "disetujui"
    REOPENED = "dibuka_kembali"


class BidangEvent(StrEnum):
    """What can happen to a bidang report."""

    VALUES_CHANGED = "nilai_berubah"
    SUBMIT = "ajukan"
    SUBMISSION_INVALID = "pengajuan_tidak_valid"
    APPROVE = "setujui"
    RETURN = "kembalikan"
    REOPEN = "buka_kembali"


class DinasState(StrEnum):
    """The state of the dinas-level report of one period (TW)."""

    AWAITING_DISTRIBUTION = "menunggu_persetujuan_distribusi"
    COLLECTING = "pengumpulan"
    ANALYSIS = "analisis"
    REVISION = "revisi"
    TELAAH_SEKRETARIS = "telaah_sekretaris"
    TELAAH_KEPALA_DINAS = "telaah_kepala_dinas"
    WRITING_REKOMENDASI = "penyusunan_rekomendasi"
    HANDED_TO_SEKRETARIS = "diserahkan_ke_sekretaris"
    HANDED_TO_KASUBBAG = "diserahkan_ke_kasubbag"
    FOLLOW_UP = "tindak_lanjut"
    CLOSED = "selesai"


class DinasEvent(StrEnum):
    """What can happen to the dinas report."""

    APPROVE_DISTRIBUTION = "setujui_distribusi"
    DEFER_DISTRIBUTION = "tunda_distribusi"
    ALL_APPROVED = "semua_bidang_disetujui"
    ADD_ANALYSIS_NOTE = "tambah_analisis"
    SUBMIT_TO_SEKRETARIS = "kirim_ke_sekretaris"
    FORWARD_TO_KEPALA_DINAS = "teruskan_ke_kepala_dinas"
    RETURN_BY_SEKRETARIS = "dikembalikan_sekretaris"
    APPROVE_BY_KEPALA_DINAS = "disetujui_kepala_dinas"
    RETURN_BY_KEPALA_DINAS = "dikembalikan_kepala_dinas"
    GIVE_REKOMENDASI = "beri_rekomendasi"
    HAND_TO_KASUBBAG = "serahkan_ke_kasubbag"
    HAND_TO_BIDANG = "serahkan_ke_bidang"
    REOPEN_BIDANG = "buka_kembali_bidang"
    RECORD_TINDAK_LANJUT = "catat_tindak_lanjut"
    CLOSE = "tutup"


class GoogleEffect(StrEnum):
    """What a move needs done in Google before it is written (idempotent, retried on a fault)."""

    DISTRIBUTE = "bagikan_format"  # find or create every workbook, share it, open the TW
    FEEDBACK = "catatan_validasi"  # the validation's notes and Status row (reset to Draft if refused)
    LOCK = "kunci_tw"  # lock the TW's cells, Status "disetujui"
    RETURN = "kembalikan_tw"  # Status "dikembalikan" with the reason, reset to Draft
    REOPEN = "buka_kembali_tw"  # open the TW's cells again, reset to Draft with the reason
    REKAP = "tulis_rekap"  # write the dinas workbook
    ARCHIVE = "arsipkan"  # write the dinas workbook, then archive it


class Scope(StrEnum):
    """Whom of a role a notification goes to."""

    BIDANG = "bidang"  # the holders of the role for the action's bidang
    EACH_BIDANG = "setiap_bidang"  # one per bidang of the period, to that bidang's holders
    DINAS = "dinas"  # the holders of a dinas-wide role
    EVERYONE = "semua"  # every person bound to the bot (the role is ignored)


@dataclass(frozen=True)
class Notify:
    """One notification a move sends: ``kind`` to the holders of ``role`` in ``scope``."""

    kind: Kind
    role: Role
    scope: Scope


@dataclass(frozen=True)
class Transition:
    """One row of a table: where the move goes, which SOP step it is, who may cause it, its effects.

    ``mutu_baku_step`` is the SOP step whose Mutu Baku the time spent in the step being left is
    measured against; None when the move does not complete a timed step (a self loop, a change
    noticed in passing). ``google`` and ``notify`` are the move's effects.
    """

    dest: StrEnum
    sop_step: int
    actor_role: Role
    mutu_baku_step: int | None
    google: GoogleEffect | None = None
    notify: tuple[Notify, ...] = ()


@dataclass(frozen=True)
class Holding:
    """Who holds a report resting in a state, and which SOP step's Mutu Baku runs meanwhile."""

    role: Role
    sop_step: int


_B, _BE, _D, _DE, _R = BidangState, BidangEvent, DinasState, DinasEvent, Role
_G, _K, _S = GoogleEffect, Kind, Scope


def _t(
    dest: StrEnum,
    step: int,
    role: Role,
    mutu_baku_step: int | None,
    google: GoogleEffect | None = None,
    *notify: tuple[Kind, Role, Scope],
) -> Transition:
    return Transition(dest, step, role, mutu_baku_step, google, tuple(Notify(*n) for n in notify))


# The states in which the staff fill the sheet (input open, deadline reminders due).
INPUT_STATES = frozenset({_B.OPENED, _B.FILLING, _B.RETURNED, _B.REOPENED})

# Staff input is noticed by the poll (or /kirim); the validation verdict is the bot's own.
_INPUT_ROWS: dict[tuple[BidangState, BidangEvent], Transition] = {}
for _state in (_B.OPENED, _B.FILLING, _B.RETURNED, _B.REOPENED):
    _INPUT_ROWS[(_state, _BE.SUBMIT)] = _t(
        _B.SUBMITTED,
        2,
        _R.STAF,
        2,
        _G.FEEDBACK,
        (_K.KOREKSI_REQUEST, _R.KEPALA_BIDANG, _S.BIDANG),
        (_K.SUBMISSION_RECEIVED, _R.STAF, _S.BIDANG),
    )
    _INPUT_ROWS[(_state, _BE.SUBMISSION_INVALID)] = _t(
        _B.FILLING, 2, _R.SYSTEM, None, _G.FEEDBACK, (_K.VALIDATION_FAILED, _R.STAF, _S.BIDANG)
    )
    if _state is not _B.FILLING:
        _INPUT_ROWS[(_state, _BE.VALUES_CHANGED)] = _t(_B.FILLING, 2, _R.STAF, None)

BIDANG_TABLE: Mapping[tuple[BidangState, BidangEvent], Transition] = MappingProxyType(
    {
        **_INPUT_ROWS,
        (_B.SUBMITTED, _BE.APPROVE): _t(
            _B.APPROVED, 3, _R.KEPALA_BIDANG, 3, _G.LOCK, (_K.REPORT_APPROVED, _R.STAF, _S.BIDANG)
        ),
        (_B.SUBMITTED, _BE.RETURN): _t(
            _B.RETURNED, 3, _R.KEPALA_BIDANG, 3, _G.RETURN, (_K.REPORT_RETURNED, _R.STAF, _S.BIDANG)
        ),
        # Only when the Sekretaris or the Kepala Dinas returned the dinas report (checked by the
        # dinas table: REOPEN_BIDANG exists only in REVISION).
        (_B.APPROVED, _BE.REOPEN): _t(
            _B.REOPENED,
            4,
            _R.KASUBBAG_KPEP,
            None,
            _G.REOPEN,
            (_K.BIDANG_REOPENED, _R.STAF, _S.BIDANG),
            (_K.BIDANG_REOPENED, _R.KEPALA_BIDANG, _S.BIDANG),
        ),
    }
)

DINAS_TABLE: Mapping[tuple[DinasState, DinasEvent], Transition] = MappingProxyType(
    {
        (_D.AWAITING_DISTRIBUTION, _DE.APPROVE_DISTRIBUTION): _t(
            _D.COLLECTING,
            1,
            _R.SEKRETARIS,
            1,
            _G.DISTRIBUTE,
            (_K.INPUT_OPENED, _R.STAF, _S.EACH_BIDANG),
            (_K.DISTRIBUTION_DONE, _R.KASUBBAG_KPEP, _S.DINAS),
        ),
        (_D.AWAITING_DISTRIBUTION, _DE.DEFER_DISTRIBUTION): _t(
            _D.AWAITING_DISTRIBUTION,
            1,
            _R.SEKRETARIS,
            None,
            None,
            (_K.DISTRIBUTION_DEFERRED, _R.KASUBBAG_KPEP, _S.DINAS),
        ),
        (_D.COLLECTING, _DE.ALL_APPROVED): _t(
            _D.ANALYSIS, 4, _R.SYSTEM, None, _G.REKAP, (_K.REKAP_DRAFT, _R.KASUBBAG_KPEP, _S.DINAS)
        ),
        (_D.ANALYSIS, _DE.ADD_ANALYSIS_NOTE): _t(_D.ANALYSIS, 4, _R.KASUBBAG_KPEP, None),
        (_D.ANALYSIS, _DE.SUBMIT_TO_SEKRETARIS): _t(
            _D.TELAAH_SEKRETARIS, 4, _R.KASUBBAG_KPEP, 4, _G.REKAP, (_K.TELAAH_REQUEST, _R.SEKRETARIS, _S.DINAS)
        ),
        (_D.TELAAH_SEKRETARIS, _DE.FORWARD_TO_KEPALA_DINAS): _t(
            _D.TELAAH_KEPALA_DINAS,
            5,
            _R.SEKRETARIS,
            5,
            None,
            (_K.TELAAH_KEPALA_DINAS_REQUEST, _R.KEPALA_DINAS, _S.DINAS),
        ),
        (_D.TELAAH_SEKRETARIS, _DE.RETURN_BY_SEKRETARIS): _t(
            _D.REVISION, 5, _R.SEKRETARIS, 5, None, (_K.DINAS_RETURNED, _R.KASUBBAG_KPEP, _S.DINAS)
        ),
        (_D.TELAAH_KEPALA_DINAS, _DE.APPROVE_BY_KEPALA_DINAS): _t(
            _D.WRITING_REKOMENDASI,
            6,
            _R.KEPALA_DINAS,
            None,
            None,
            (_K.REKOMENDASI_REQUEST, _R.KEPALA_DINAS, _S.DINAS),
        ),
        (_D.TELAAH_KEPALA_DINAS, _DE.RETURN_BY_KEPALA_DINAS): _t(
            _D.REVISION,
            6,
            _R.KEPALA_DINAS,
            6,
            None,
            (_K.DINAS_RETURNED, _R.KASUBBAG_KPEP, _S.DINAS),
            (_K.DINAS_RETURNED, _R.SEKRETARIS, _S.DINAS),
        ),
        (_D.WRITING_REKOMENDASI, _DE.GIVE_REKOMENDASI): _t(_D.HANDED_TO_SEKRETARIS, 6, _R.KEPALA_DINAS, 6, _G.REKAP),
        # Steps 7 and 8 are done by the bot at once, each recorded as its own step.
        (_D.HANDED_TO_SEKRETARIS, _DE.HAND_TO_KASUBBAG): _t(
            _D.HANDED_TO_KASUBBAG,
            7,
            _R.SYSTEM,
            7,
            None,
            (_K.REKOMENDASI_HANDED, _R.SEKRETARIS, _S.DINAS),
            (_K.REKOMENDASI_HANDED, _R.KASUBBAG_KPEP, _S.DINAS),
        ),
        (_D.HANDED_TO_KASUBBAG, _DE.HAND_TO_BIDANG): _t(
            _D.FOLLOW_UP, 8, _R.SYSTEM, 8, None, (_K.REKOMENDASI_FOR_BIDANG, _R.KEPALA_BIDANG, _S.EACH_BIDANG)
        ),
        (_D.REVISION, _DE.ADD_ANALYSIS_NOTE): _t(_D.REVISION, 4, _R.KASUBBAG_KPEP, None),
        (_D.REVISION, _DE.SUBMIT_TO_SEKRETARIS): _t(
            _D.TELAAH_SEKRETARIS, 4, _R.KASUBBAG_KPEP, 4, _G.REKAP, (_K.TELAAH_REQUEST, _R.SEKRETARIS, _S.DINAS)
        ),
        # Its Google effect and notifications are the bidang table's REOPEN, moved with it.
        (_D.REVISION, _DE.REOPEN_BIDANG): _t(_D.COLLECTING, 4, _R.KASUBBAG_KPEP, None),
        (_D.FOLLOW_UP, _DE.RECORD_TINDAK_LANJUT): _t(
            _D.FOLLOW_UP, 9, _R.KEPALA_BIDANG, 9, _G.REKAP, (_K.TINDAK_LANJUT_RECORDED, _R.KASUBBAG_KPEP, _S.DINAS)
        ),
        (_D.FOLLOW_UP, _DE.CLOSE): _t(
            _D.CLOSED, 9, _R.SYSTEM, None, _G.ARCHIVE, (_K.PERIOD_CLOSED, _R.SYSTEM, _S.EVERYONE)
        ),
    }
)

# Who holds a report resting in each state; states missing here are held by nobody in person
# (the bot is working, or every bidang holds its own part).
BIDANG_HOLDS: Mapping[BidangState, Holding] = MappingProxyType(
    {
        _B.OPENED: Holding(_R.STAF, 2),
        _B.FILLING: Holding(_R.STAF, 2),
        _B.RETURNED: Holding(_R.STAF, 2),
        _B.REOPENED: Holding(_R.STAF, 2),
        _B.SUBMITTED: Holding(_R.KEPALA_BIDANG, 3),
    }
)

DINAS_HOLDS: Mapping[DinasState, Holding] = MappingProxyType(
    {
        _D.AWAITING_DISTRIBUTION: Holding(_R.SEKRETARIS, 1),
        _D.ANALYSIS: Holding(_R.KASUBBAG_KPEP, 4),
        _D.REVISION: Holding(_R.KASUBBAG_KPEP, 4),
        _D.TELAAH_SEKRETARIS: Holding(_R.SEKRETARIS, 5),
        _D.TELAAH_KEPALA_DINAS: Holding(_R.KEPALA_DINAS, 6),
        _D.WRITING_REKOMENDASI: Holding(_R.KEPALA_DINAS, 6),
        # Each bidang without a tindak lanjut holds step 9 (timed per bidang).
        _D.FOLLOW_UP: Holding(_R.KEPALA_BIDANG, 9),
    }
)

TERMINAL_DINAS_STATES = frozenset({_D.CLOSED})


def bidang_transition(state: BidangState, event: BidangEvent) -> Transition:
    """The row of the bidang table for (state, event); InvalidTransition when there is none."""
    try:
        return BIDANG_TABLE[(BidangState(state), BidangEvent(event))]
    except KeyError:
        raise InvalidTransition("bidang", str(state), str(event)) from None


def dinas_transition(state: DinasState, event: DinasEvent) -> Transition:
    """The row of the dinas table for (state, event); InvalidTransition when there is none."""
    try:
        return DINAS_TABLE[(DinasState(state), DinasEvent(event))]
    except KeyError:
        raise InvalidTransition("dinas", str(state), str(event)) from None
