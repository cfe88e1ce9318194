"""SOP step 2, bukti dukung sent through Telegram: who may send it, for which indicator, into which TW.

A staff member sends the bot a photo or a PDF. The workflow decides everything about it here:

- the sender is staff of a bidang (:meth:`Evidence.target`);
- a period of this year is collecting and that bidang's report is open for input (``dibuka``,
  ``diisi``, ``dikembalikan``, ``dibuka_kembali``); otherwise it is refused with the reason;
- which indicator: the caption names it (its number in the sheet's ``No`` column, its unique
  ``Kode``, or words of its name found in one indicator only: :func:`match_indikator`), or the
  staff member picks it from buttons.

:meth:`Evidence.store` checks all that again, has the Google edge keep the file in the bidang's
``Bukti Dukung TW n tahun`` folder and link it in the indicator's ``Bukti Dukung (tautan)`` cell
(:meth:`~bot.workflow.ports.WorkbookPort.store_evidence`, idempotent), then records an audit row
(event ``unggah_bukti_dukung``, SOP step 2, once per file and indicator). No state moves: the
cell the bot wrote is a change the poll then notices like any other.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import WorkflowCore
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import INPUT_STATES, BidangState, DinasState, Role
from bot.workflow.people import Actor
from sheets.bukti import file_name
from sheets.facts import EvidenceFile
from sheets.master import Master

logger = logging.getLogger(__name__)

__all__ = [
    "EVENT",
    "EvidenceStored",
    "EvidenceTarget",
    "IndikatorChoice",
    "SentFile",
    "match_indikator",
]

EVENT = "unggah_bukti_dukung"
# "3", "3.", "No. 3 foto", "#3": a number the caption starts with ("2.07.01..." is a Kode, not 2).
_NUMBER = re.compile(r"^\s*(?:no(?:mor)?\.?|indikator|#)?\s*(\d{1,4})[.):-]?(?:\s|$)", re.IGNORECASE)
_MIN_NAME_LETTERS = 4


@dataclass(frozen=True)
class IndikatorChoice:
    """One indicator a bukti dukung may be for: its number in the bidang's list (``No``), key, kode, name."""

    no: int
    key: str
    kode: str
    nama: str


@dataclass(frozen=True)
class EvidenceTarget:
    """Where a staff member's bukti dukung may go now: the period, the bidang, its indicators.

    ``chosen`` is the indicator the caption named (None: the staff member picks one).
    """

    period_id: int
    tahun: int
    tw: int
    bidang: str
    bidang_nama: str
    indikator: tuple[IndikatorChoice, ...]
    chosen: IndikatorChoice | None = None


@dataclass(frozen=True)
class SentFile:
    """A file as the Telegram edge received it: its name (``foto.jpg`` for a photo), type, bytes, Telegram id."""

    name: str
    mime_type: str
    content: bytes
    source_id: str


@dataclass(frozen=True)
class EvidenceStored:
    """A bukti dukung kept: for which indicator of which TW, the file's link, and the cell now holding it."""

    indikator: IndikatorChoice
    tahun: int
    tw: int
    bidang_nama: str
    url: str
    folder_url: str
    cell: str


def _words(text: str) -> set[str]:
    return set(re.sub(r"[^\w%/]+", " ", text.casefold()).split())


def match_indikator(indikator: Sequence[IndikatorChoice], caption: str | None) -> IndikatorChoice | None:
    """The indicator a caption names, or None when it names none or several.

    In order: a ``Kode`` the caption holds (named when only one indicator of the bidang has it,
    so never read as a number); a number it starts with (``3``, ``No. 3``, ``#3 foto kegiatan``)
    of an indicator in the list; words that only one indicator's name holds (or a name the
    caption holds whole).
    """
    text = (caption or "").strip()
    if not text:
        return None
    tokens = text.split()
    kodes = [item for item in indikator if item.kode and item.kode in tokens]
    if kodes:
        unique = {item.kode for item in kodes}
        return kodes[0] if len(kodes) == 1 and len(unique) == 1 else None
    number = _NUMBER.match(text)
    if number is not None:
        wanted = int(number.group(1))
        return next((item for item in indikator if item.no == wanted), None)
    said = _words(text)
    if sum(len(word) for word in said) < _MIN_NAME_LETTERS:
        return None
    named = [item for item in indikator if said <= _words(item.nama) or _words(item.nama) <= said]
    return named[0] if len(named) == 1 else None


class Evidence:
    """Bukti dukung from Telegram: the checks, the Google effect, the audit row."""

    def __init__(self, core: WorkflowCore, master: Callable[[int, int], Master]) -> None:
        """``master(tahun, tw)``: the list TW ``tw`` of ``tahun`` is measured against."""
        self.core = core
        self._master = master

    def _indikator(self, tahun: int, tw: int, kode: str) -> tuple[IndikatorChoice, ...]:
        items = self._master(tahun, tw).for_bidang(kode)
        return tuple(IndikatorChoice(n, i.key, i.kode, i.indikator) for n, i in enumerate(items, start=1))

    def _open_report(self, tx: Tx, actor: Actor) -> tuple[Row[Any], Row[Any]]:
        """The collecting period (of any year) and the actor's bidang report open for input, else refused."""
        if actor.role is not Role.STAF or actor.bidang is None:
            raise ActionRefused(texts.REFUSAL_EVIDENCE_NOT_STAFF)
        kode = actor.bidang
        latest: tuple[Row[Any], Row[Any]] | None = None
        for period in tx.periods():
            report = tx.get_report(period.id, kode)
            if report is None:
                continue
            if period.state == DinasState.COLLECTING and BidangState(report.state) in INPUT_STATES:
                return period, report
            latest = (period, report)
        if latest is None:
            raise ActionRefused(texts.REFUSAL_EVIDENCE_NO_PERIOD)
        period, report = latest
        nama = self.core.guards.bidang_label(kode)
        raise ActionRefused(texts.refusal_evidence_closed(nama, period.tw, period.tahun, report.state, period.state))

    def target(self, actor: Actor, caption: str | None = None) -> EvidenceTarget:
        """Where ``actor``'s bukti dukung would go now, and the indicator ``caption`` names; refused otherwise."""
        with self.core.store.transaction() as tx:
            period, report = self._open_report(tx, actor)
        indikator = self._indikator(int(period.tahun), int(period.tw), report.bidang)
        return EvidenceTarget(
            period_id=int(period.id),
            tahun=int(period.tahun),
            tw=int(period.tw),
            bidang=str(report.bidang),
            bidang_nama=self.core.guards.bidang_label(report.bidang),
            indikator=indikator,
            chosen=match_indikator(indikator, caption),
        )

    def store(self, actor: Actor, period_id: int, no: int, sent: SentFile) -> EvidenceStored:
        """Keep ``sent`` as the bukti dukung of indicator ``no`` of ``actor``'s bidang (checked again first)."""
        core = self.core
        with core.store.transaction() as tx:
            period, report = self._open_report(tx, actor)
        if int(period.id) != period_id:  # a button of a period no longer open for input
            raise ActionRefused(texts.REFUSAL_EVIDENCE_STALE)
        tahun, kode, tw = int(period.tahun), str(report.bidang), int(period.tw)
        choice = next((item for item in self._indikator(tahun, tw, kode) if item.no == no), None)
        if choice is None:
            raise ActionRefused(texts.refusal_evidence_unknown_indikator(no))
        name = file_name(choice.no, choice.nama, sent.name, core.now())
        evidence = EvidenceFile(choice.key, name, sent.mime_type, sent.content, sent.source_id)
        ref = core.workbook.store_evidence(tahun, kode, tw, evidence, self._master(tahun, tw))
        now = core.now()
        with core.store.transaction() as tx:
            # Once per file and indicator, also when a doubled press or a retry stores it again.
            if tx.fire_timer(f"bukti:{period_id}:{kode}:{choice.no}:{sent.source_id}", now):
                core.recorder.audit(
                    tx,
                    period_id=period_id,
                    machine="bidang",
                    bidang=kode,
                    transition=None,
                    sop_step=2,
                    event=EVENT,
                    from_state=None,
                    to_state=None,
                    actor=actor,
                    step_since=None,
                    now=now,
                    note=texts.audit_evidence_note(choice.no, choice.nama, ref.cell, ref.url),
                )
        logger.info("bukti dukung of %s TW %d indicator %d stored (%d bytes)", kode, tw, choice.no, len(sent.content))
        nama = core.guards.bidang_label(kode)
        return EvidenceStored(choice, int(period.tahun), tw, nama, ref.url, ref.folder_url, ref.cell)
