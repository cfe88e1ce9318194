"""Every button of the bot, once: one row per :class:`Action` (issue #21 item 4, "one name per action").

A row ties together what used to be spread over the Telegram edge: the short code the button
carries on the wire (the :class:`Action` value, never changed: buttons already sent keep
working), the workflow event the press causes (a row of ``bot.workflow.machine``'s tables),
whether it concerns one bidang, its label, the free text it asks for (None: it acts at once),
the public :class:`~bot.workflow.service.WorkflowService` method it calls, and the outcome the
decided message shows. :mod:`bot.telegram.callback_data` (which actions carry a bidang),
:mod:`bot.telegram.render` (button labels) and :mod:`bot.telegram.handlers` (prompt, call,
outcome) all read :data:`ACTIONS`; none keeps its own per-action map.

Every word comes from :mod:`bot.texts`. This module imports no Telegram library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot import texts
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BidangEvent, DinasEvent
from config.settings import KODE_BIDANG_POLA

if TYPE_CHECKING:  # only for annotations: the codec importing this module stays light
    from bot.workflow.people import Actor
    from bot.workflow.service import WorkflowService


class Action(StrEnum):
    """What a button asks for; the value is the code in its callback data (``k1|kok|12|PTK``)."""

    DIST_APPROVE = "dok"  # step 1 Setujui
    DIST_DEFER = "dtd"  # step 1 Tunda
    KOREKSI_APPROVE = "kok"  # step 3 Setujui
    KOREKSI_RETURN = "krt"  # step 3 Kembalikan (asks for a reason)
    ANALYSIS_NOTE = "anl"  # step 4 Tambah analisis (asks for the note)
    SUBMIT_SEKRETARIS = "ksk"  # step 4 Kirim ke Sekretaris
    FORWARD_KADIS = "tkd"  # step 5 Teruskan ke Kepala Dinas
    SEKRETARIS_RETURN = "srt"  # step 5 Kembalikan (asks for a reason)
    KADIS_APPROVE = "dok6"  # step 6 Setujui
    KADIS_RETURN = "drt"  # step 6 Kembalikan (asks for a reason)
    REKOMENDASI = "rek"  # step 6 Tulis rekomendasi (asks for the text)
    TINDAK_LANJUT = "tl"  # step 9 Catat tindak lanjut (asks for the text)
    REOPEN_BIDANG = "rop"  # after a return: Buka kembali (asks for a reason)
    PLH_ACCEPT = "pht"  # the person named Plh: Terima (the number is the Plh's id)
    PLH_DECLINE = "phx"  # the person named Plh: Tolak
    REVISION_APPLY = "rva"  # the Kasubbag: Terapkan an APBD Perubahan (the number is the draft's id)
    REVISION_CANCEL = "rvx"  # the Kasubbag: Batal


class Ask(StrEnum):
    """Which free text a prompting button asks for (sent as a ForceReply)."""

    REASON = "alasan"
    ANALYSIS_NOTE = "catatan_analisis"
    REKOMENDASI = "rekomendasi"
    TINDAK_LANJUT = "tindak_lanjut"


@dataclass(frozen=True)
class AskSpec:
    """How one kind of free text is asked for and shown once given."""

    placeholder: str  # the ForceReply's input field placeholder
    detail: Callable[[str], str] | None  # the answer as the outcome line quotes it (None: not quoted)


ASKS: Mapping[Ask, AskSpec] = MappingProxyType(
    {
        Ask.REASON: AskSpec(texts.PLACEHOLDER_ALASAN, texts.outcome_reason),
        Ask.ANALYSIS_NOTE: AskSpec(texts.PLACEHOLDER_ANALISIS, None),
        Ask.REKOMENDASI: AskSpec(
            texts.PLACEHOLDER_REKOMENDASI, lambda text: texts.outcome_text(texts.LABEL_REKOMENDASI, text)
        ),
        Ask.TINDAK_LANJUT: AskSpec(
            texts.PLACEHOLDER_TINDAK_LANJUT, lambda text: texts.outcome_text(texts.LABEL_TINDAK_LANJUT, text)
        ),
    }
)


@dataclass(frozen=True)
class PromptFacts:
    """What a prompt's question may mention."""

    tw: int
    tahun: int
    bidang_nama: str  # "" when the action concerns no bidang
    kodes: Sequence[str]  # every bidang's kode, in the settings' order


@dataclass(frozen=True)
class PromptSpec:
    """The free text a button asks for before it acts."""

    ask: Ask
    question: Callable[[PromptFacts], str]  # the prompt's text
    reply: str  # the thanks after the answer was taken (``texts.reply_done``)

    @property
    def placeholder(self) -> str:
        """The ForceReply's input field placeholder."""
        return ASKS[self.ask].placeholder

    def detail(self, text: str) -> str | None:
        """The answer as the outcome line quotes it."""
        quote = ASKS[self.ask].detail
        return None if quote is None else quote(text)


# (service, actor, period_id, bidang, text) -> None; ``text`` is the prompt's answer ("" for a
# button that acts at once). Raises ActionRefused with the reason to show.
ServiceCall = Callable[["WorkflowService", "Actor", int, str | None, str], None]


@dataclass(frozen=True)
class ActionSpec:
    """One button: its wire code, workflow event, prompt, service call and outcome."""

    action: Action
    # The move it causes (checked before a prompt is sent); None for a button about something other
    # than a period (a Plh, a revision of the master list), whose callback number is that thing's id.
    event: BidangEvent | DinasEvent | None
    needs_bidang: bool  # its callback data carries a bidang kode (and must)
    label: str | Callable[[str], str]  # the button's text; a function of the bidang kode
    prompt: PromptSpec | None  # None: the press acts at once
    call: ServiceCall
    outcome: str  # what the decided message says was done (``texts.outcome``)
    keeps: tuple[Action, ...] = ()  # buttons left on the message after success
    settles: bool = True  # False: the message it came from keeps its buttons and gets no outcome

    @property
    def code(self) -> str:
        """The short code in the callback data."""
        return self.action.value

    def label_for(self, bidang: str | None) -> str:
        """The button's text (for ``bidang`` when the label names it)."""
        return self.label if isinstance(self.label, str) else self.label(bidang or "")


_KHUSUS_LINE = re.compile(r"^\s*([A-Za-z0-9]{1,12})\s*:\s*(.*?)\s*$")
# A line that looks like a bidang code (capitals and digits) but names none: refused, not merged
# into the general rekomendasi every bidang receives. "Catatan: ..." stays a general line.
_CODE_LIKE = re.compile(KODE_BIDANG_POLA)


def parse_rekomendasi(text: str, kodes: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """Split a rekomendasi answer: ``KODE: teks`` lines per bidang, every other line general.

    Refused (ActionRefused, naming the line) when a line starts with a code no bidang has
    (``ZZZ: ...``) or gives a bidang nothing (``HIJ:``).
    """
    umum: list[str] = []
    khusus: dict[str, str] = {}
    known = {k.upper(): k for k in kodes}
    for line in text.splitlines():
        match = _KHUSUS_LINE.match(line)
        code, said = (match.group(1), match.group(2)) if match else ("", "")
        if match and code.upper() in known:
            kode = known[code.upper()]
            if not said:
                raise ActionRefused(texts.refusal_rekomendasi_empty(kode, line.strip()))
            khusus[kode] = f"{khusus[kode]} {said}" if kode in khusus else said
        elif match and _CODE_LIKE.fullmatch(code):
            raise ActionRefused(texts.refusal_rekomendasi_unknown_code(line.strip(), kodes))
        elif line.strip():
            umum.append(line.strip())
    return "\n".join(umum), khusus


def _give_rekomendasi(service: WorkflowService, actor: Actor, period_id: int, bidang: str | None, text: str) -> None:
    umum, khusus = parse_rekomendasi(text, service.kodes)
    service.give_rekomendasi(actor, period_id, umum, khusus)


def _reason_about(what: str) -> Callable[[PromptFacts], str]:
    return lambda f: texts.prompt_alasan(what, f.tw, f.tahun)


_A, _BE, _DE = Action, BidangEvent, DinasEvent

ROWS: tuple[ActionSpec, ...] = (
    # step 1: the Sekretaris approves sharing the format, or defers (the request stays open)
    ActionSpec(
        _A.DIST_APPROVE,
        _DE.APPROVE_DISTRIBUTION,
        needs_bidang=False,
        label=texts.BTN_SETUJUI,
        prompt=None,
        call=lambda s, a, p, b, t: s.approve_distribution(a, p),
        outcome=texts.OUTCOME_SETUJUI_DISTRIBUSI,
    ),
    ActionSpec(
        _A.DIST_DEFER,
        _DE.DEFER_DISTRIBUTION,
        needs_bidang=False,
        label=texts.BTN_TUNDA,
        prompt=None,
        call=lambda s, a, p, b, t: s.defer_distribution(a, p),
        outcome=texts.OUTCOME_TUNDA,
        keeps=(_A.DIST_APPROVE,),
    ),
    # step 3: the Kepala Bidang corrects the bidang's report
    ActionSpec(
        _A.KOREKSI_APPROVE,
        _BE.APPROVE,
        needs_bidang=True,
        label=texts.BTN_SETUJUI,
        prompt=None,
        call=lambda s, a, p, b, t: s.approve_koreksi(a, p, b or ""),
        outcome=texts.OUTCOME_SETUJUI,
    ),
    ActionSpec(
        _A.KOREKSI_RETURN,
        _BE.RETURN,
        needs_bidang=True,
        label=texts.BTN_KEMBALIKAN,
        prompt=PromptSpec(Ask.REASON, _reason_about(texts.WHAT_KOREKSI), texts.REPLY_RETURNED),
        call=lambda s, a, p, b, t: s.return_koreksi(a, p, b or "", t),
        outcome=texts.OUTCOME_KEMBALIKAN,
    ),
    # step 4: the Kasubbag annotates the rekap (the draft keeps its buttons) and sends it on
    ActionSpec(
        _A.ANALYSIS_NOTE,
        _DE.ADD_ANALYSIS_NOTE,
        needs_bidang=False,
        label=texts.BTN_TAMBAH_ANALISIS,
        prompt=PromptSpec(Ask.ANALYSIS_NOTE, lambda f: texts.prompt_analisis(f.tw, f.tahun), texts.REPLY_ANALISIS),
        call=lambda s, a, p, b, t: s.add_analysis_note(a, p, t),
        outcome=texts.OUTCOME_ANALISIS,
        settles=False,
    ),
    ActionSpec(
        _A.SUBMIT_SEKRETARIS,
        _DE.SUBMIT_TO_SEKRETARIS,
        needs_bidang=False,
        label=texts.BTN_KIRIM_SEKRETARIS,
        prompt=None,
        call=lambda s, a, p, b, t: s.submit_to_sekretaris(a, p),
        outcome=texts.OUTCOME_KIRIM_SEKRETARIS,
    ),
    # step 5: the Sekretaris's telaah
    ActionSpec(
        _A.FORWARD_KADIS,
        _DE.FORWARD_TO_KEPALA_DINAS,
        needs_bidang=False,
        label=texts.BTN_TERUSKAN_KADIS,
        prompt=None,
        call=lambda s, a, p, b, t: s.forward_to_kepala_dinas(a, p),
        outcome=texts.OUTCOME_TERUSKAN,
    ),
    ActionSpec(
        _A.SEKRETARIS_RETURN,
        _DE.RETURN_BY_SEKRETARIS,
        needs_bidang=False,
        label=texts.BTN_KEMBALIKAN,
        prompt=PromptSpec(Ask.REASON, _reason_about(texts.WHAT_TELAAH), texts.REPLY_RETURNED),
        call=lambda s, a, p, b, t: s.return_by_sekretaris(a, p, t),
        outcome=texts.OUTCOME_KEMBALIKAN,
    ),
    # step 6: the Kepala Dinas's telaah and rekomendasi
    ActionSpec(
        _A.KADIS_APPROVE,
        _DE.APPROVE_BY_KEPALA_DINAS,
        needs_bidang=False,
        label=texts.BTN_SETUJUI,
        prompt=None,
        call=lambda s, a, p, b, t: s.approve_by_kepala_dinas(a, p),
        outcome=texts.OUTCOME_SETUJUI,
    ),
    ActionSpec(
        _A.KADIS_RETURN,
        _DE.RETURN_BY_KEPALA_DINAS,
        needs_bidang=False,
        label=texts.BTN_KEMBALIKAN,
        prompt=PromptSpec(Ask.REASON, _reason_about(texts.WHAT_TELAAH), texts.REPLY_RETURNED),
        call=lambda s, a, p, b, t: s.return_by_kepala_dinas(a, p, t),
        outcome=texts.OUTCOME_KEMBALIKAN,
    ),
    ActionSpec(
        _A.REKOMENDASI,
        _DE.GIVE_REKOMENDASI,
        needs_bidang=False,
        label=texts.BTN_TULIS_REKOMENDASI,
        prompt=PromptSpec(
            Ask.REKOMENDASI, lambda f: texts.prompt_rekomendasi(f.tw, f.tahun, f.kodes), texts.REPLY_REKOMENDASI
        ),
        call=_give_rekomendasi,
        outcome=texts.OUTCOME_REKOMENDASI,
    ),
    # step 9: each bidang's tindak lanjut
    ActionSpec(
        _A.TINDAK_LANJUT,
        _DE.RECORD_TINDAK_LANJUT,
        needs_bidang=True,
        label=texts.BTN_CATAT_TINDAK_LANJUT,
        prompt=PromptSpec(
            Ask.TINDAK_LANJUT,
            lambda f: texts.prompt_tindak_lanjut(f.tw, f.tahun, f.bidang_nama),
            texts.REPLY_TINDAK_LANJUT,
        ),
        call=lambda s, a, p, b, t: s.record_tindak_lanjut(a, p, b or "", t),
        outcome=texts.OUTCOME_TINDAK_LANJUT,
    ),
    # after a return by the Sekretaris or the Kepala Dinas: the Kasubbag reopens one bidang
    ActionSpec(
        _A.REOPEN_BIDANG,
        _DE.REOPEN_BIDANG,
        needs_bidang=True,
        label=texts.btn_buka_kembali,
        prompt=PromptSpec(
            Ask.REASON,
            lambda f: texts.prompt_alasan_buka_kembali(f.bidang_nama, f.tw, f.tahun),
            texts.REPLY_REOPENED,
        ),
        call=lambda s, a, p, b, t: s.reopen_bidang(a, p, b or "", t),
        outcome=texts.OUTCOME_BUKA_KEMBALI,
    ),
    # a Plh named by an official: the person named accepts or declines
    ActionSpec(
        _A.PLH_ACCEPT,
        None,
        needs_bidang=False,
        label=texts.BTN_TERIMA_PLH,
        prompt=None,
        call=lambda s, a, p, b, t: s.accept_plh(a, p),
        outcome=texts.OUTCOME_PLH_TERIMA,
    ),
    ActionSpec(
        _A.PLH_DECLINE,
        None,
        needs_bidang=False,
        label=texts.BTN_TOLAK_PLH,
        prompt=None,
        call=lambda s, a, p, b, t: s.decline_plh(a, p),
        outcome=texts.OUTCOME_PLH_TOLAK,
    ),
    # APBD Perubahan read from the master sheet: the Kasubbag applies it or lets it go
    ActionSpec(
        _A.REVISION_APPLY,
        None,
        needs_bidang=False,
        label=texts.BTN_TERAPKAN_PERUBAHAN,
        prompt=None,
        call=lambda s, a, p, b, t: s.apply_revision(a, p),
        outcome=texts.OUTCOME_PERUBAHAN_DITERAPKAN,
    ),
    ActionSpec(
        _A.REVISION_CANCEL,
        None,
        needs_bidang=False,
        label=texts.BTN_BATAL_PERUBAHAN,
        prompt=None,
        call=lambda s, a, p, b, t: s.cancel_revision(a, p),
        outcome=texts.OUTCOME_PERUBAHAN_DIBATALKAN,
    ),
)


def _by_action(rows: Iterable[ActionSpec]) -> Mapping[Action, ActionSpec]:
    table: dict[Action, ActionSpec] = {}
    for row in rows:
        if row.action in table:
            raise ValueError(f"two rows for action {row.action.name}")
        table[row.action] = row
    missing = set(Action) - set(table)
    if missing:
        raise ValueError(f"no row for {', '.join(sorted(a.name for a in missing))}")
    return MappingProxyType(table)


ACTIONS: Mapping[Action, ActionSpec] = _by_action(ROWS)
