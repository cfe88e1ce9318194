"""Notification (kind + payload) -> what the bot sends: text, inline buttons, and maybe the chart.

One function per outbox kind the core emits (``bot.workflow.notifications.Kind``); the words
come from :mod:`bot.texts`, the buttons carry :mod:`bot.telegram.callback_data` and take their
labels from the actions table (:mod:`bot.telegram.actions`). Links to a workbook, the rekap or a
folder are URL buttons (:class:`Link`, "Buka laporan", "Buka rekap"), never raw URLs in the text;
they come first, on rows of their own, above the action buttons.

Rekap summaries (``RekapRef.summary``, stored as the period's ``rekap_summary``) are read
tolerantly. The expected shape, matching ``sheets.aggregate``'s Ringkasan columns, is::

    {"dinas": {"jumlah_indikator": 28, "rata_rata_capaian": 93.1, "predikat": "Sangat Tinggi", ...},
     "bidang": [{"kode_bidang": "PTK", "bidang": "...", "rata_rata_capaian": 95.2,
                 "predikat": "Sangat Tinggi", "serapan": 61.0}, ...]}

``bidang`` may also be a mapping kode -> figures, or a plain list of kodes (no figures: no chart).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.telegram.actions import ACTIONS, Action
from bot.telegram.callback_data import CallbackData
from bot.telegram.charts import Bar, capaian_chart
from bot.workflow.machine import BidangState
from bot.workflow.notifications import Kind
from bot.workflow.payloads import (
    ActionResumed,
    BidangReopened,
    DeadlineReminder,
    DinasReturned,
    DistributionApprovalRequest,
    DistributionDeferred,
    DistributionDone,
    ForeignAccessRemoved,
    InputOpened,
    KoreksiRequest,
    MasterInvalid,
    MasterReminder,
    MutuBakuEscalation,
    MutuBakuReminder,
    Payload,
    PeriodClosed,
    PeriodHeld,
    PlhNotice,
    PlhRequest,
    RecipientUnreachable,
    RekapDraft,
    RekomendasiForBidang,
    RekomendasiHanded,
    RekomendasiRequest,
    ReportApproved,
    ReportReturned,
    SubmissionReceived,
    TamperDetected,
    TargetRevised,
    TelaahRequest,
    TindakLanjutRecorded,
    TindakLanjutReminder,
    ValidationFailed,
    WorkbookMissing,
    WorkbookProblem,
    payload_from_json,
)
from config.settings import Settings

logger = logging.getLogger(__name__)

Figure = tuple[str, str, float | None, str | None, float | None]  # kode, nama, capaian, predikat, serapan


@dataclass(frozen=True)
class Rendered:
    """What to send for one notification: the text, its buttons, and a chart and a document to send first."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    photo: bytes | None = None
    photo_caption: str | None = None
    document: bytes | None = None
    document_name: str | None = None
    document_caption: str | None = None


# The report document of a period (PDF bytes) for (tahun, tw), read from the store.
LaporanSource = Callable[[int, int], bytes]
# Who receives the report document with the closing message (the SOP's archive goes to them).
LAPORAN_AT_CLOSE_ROLES = frozenset({"kasubbag_kpep", "kepala_dinas"})


@dataclass(frozen=True)
class Link:
    """A URL button: it opens ``url`` (a workbook, the rekap, a folder) and sends the bot nothing."""

    label: str
    url: str


Cell = tuple[str, CallbackData] | Link
LINKS_PER_ROW = 2


def _button(cell: Cell) -> InlineKeyboardButton:
    if isinstance(cell, Link):
        return InlineKeyboardButton(cell.label, url=cell.url)
    label, data = cell
    return InlineKeyboardButton(label, callback_data=data.encode())


def keyboard(*rows: Sequence[Cell]) -> InlineKeyboardMarkup:
    """Inline keyboard from rows of (label, callback data) and links; empty rows are left out."""
    return InlineKeyboardMarkup([[_button(cell) for cell in row] for row in rows if row])


def link_rows(links: Sequence[Link | None]) -> list[list[Cell]]:
    """The rows of URL buttons (those with a URL), ``LINKS_PER_ROW`` to a row."""
    present: list[Cell] = [link for link in links if link is not None and link.url]
    return [present[i : i + LINKS_PER_ROW] for i in range(0, len(present), LINKS_PER_ROW)]


def with_links(links: Sequence[Link | None], *rows: Sequence[Cell]) -> InlineKeyboardMarkup | None:
    """URL buttons on rows of their own first, then the action rows; None when there is no button."""
    all_rows = [*link_rows(links), *(row for row in rows if row)]
    return keyboard(*all_rows) if all_rows else None


def link(label: str, url: str | None) -> Link | None:
    """A URL button, or None when there is no URL (yet)."""
    return Link(label, url) if url else None


def links_of(markup: InlineKeyboardMarkup | None) -> list[Link]:
    """The URL buttons of a message's keyboard (kept when its action buttons give way to an outcome)."""
    if markup is None:
        return []
    return [Link(b.text, b.url) for row in markup.inline_keyboard for b in row if b.url]


def button(action: Action, period_id: int, bidang: str | None = None) -> tuple[str, CallbackData]:
    """One button of ``action`` (its label from the actions table) for a period (and bidang)."""
    return ACTIONS[action].label_for(bidang), CallbackData(action, period_id, bidang)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN -> None


def rekap_figures(summary: Mapping[str, Any] | None, settings: Settings) -> tuple[list[Figure], dict[str, Any]]:
    """Per-bidang figures and the dinas-level figures of a rekap summary (see the module doc)."""
    summary = summary or {}
    raw = summary.get("bidang", summary.get("per_bidang"))
    items: list[tuple[str, Mapping[str, Any]]] = []
    if isinstance(raw, Mapping):
        items = [(str(k), v) for k, v in raw.items() if isinstance(v, Mapping)]
    elif isinstance(raw, list | tuple):
        for entry in raw:
            if isinstance(entry, Mapping):
                kode = entry.get("kode_bidang") or entry.get("kode")
                if kode:
                    items.append((str(kode), entry))
    names = {b.kode: b.nama for b in settings.bidang}
    figures: list[Figure] = []
    for kode, values in items:
        capaian = _number(values.get("rata_rata_capaian", values.get("capaian")))
        predikat = values.get("predikat")
        figures.append(
            (
                kode,
                str(values.get("bidang") or values.get("nama") or names.get(kode, kode)),
                capaian,
                str(predikat) if isinstance(predikat, str) and predikat else None,
                _number(values.get("serapan", values.get("serapan_anggaran"))),
            )
        )
    dinas = summary.get("dinas")
    if not isinstance(dinas, Mapping):
        dinas = {
            k: v
            for k, v in summary.items()
            if k not in ("bidang", "per_bidang") and not isinstance(v, Mapping | list | tuple)
        }
    return figures, dict(dinas)


def rekap_body_and_chart(summary: Mapping[str, Any] | None, settings: Settings) -> tuple[str, bytes | None]:
    """The summary text of a rekap and, when there are figures, the capaian chart."""
    figures, dinas = rekap_figures(summary, settings)
    chart = capaian_chart([Bar(f[0], f[2], f[3]) for f in figures]) if figures else None
    return texts.rekap_lines(figures, dinas), chart


P = TypeVar("P", bound=Payload)
Builder = Callable[[Payload, str], Rendered]


def _for(cls: type[P], build: Callable[[P, str], Rendered]) -> Builder:
    """``build`` (which reads a ``cls``) as an entry of the renderer's table of kinds."""

    def checked(payload: Payload, role: str) -> Rendered:
        if not isinstance(payload, cls):
            raise TypeError(f"{build.__name__} renders {cls.__name__}, not {type(payload).__name__}")
        return build(payload, role)

    return checked


class Renderer:
    """Renders every outbox kind; needs the settings for the zone and the bidang list.

    ``laporan`` gives the period's report document: the Kepala Dinas receives it (a draft) with
    the telaah request of step 6, the Kasubbag and the Kepala Dinas the final one at the close.
    """

    def __init__(self, settings: Settings, laporan: LaporanSource | None = None) -> None:
        self.settings = settings
        self.laporan = laporan
        self.tz = settings.tz
        self.kodes = tuple(b.kode for b in settings.bidang)
        self._by_kind: dict[str, Builder] = {
            Kind.DISTRIBUTION_APPROVAL_REQUEST: _for(DistributionApprovalRequest, self._distribution_approval_request),
            Kind.DISTRIBUTION_DEFERRED: _for(
                DistributionDeferred,
                lambda p, r: Rendered(texts.distribution_deferred(p.tw, p.tahun, p.actor_nama, p.note)),
            ),
            Kind.DISTRIBUTION_DONE: _for(
                DistributionDone,
                lambda p, r: Rendered(
                    texts.distribution_done(
                        p.tw, p.tahun, list(p.links), p.deadline, self.tz, p.tanpa_akun_google, p.tidak_dibagikan
                    ),
                    with_links([link(texts.btn_buka_laporan_bidang(k), url) for k, url in p.links.items()]),
                ),
            ),
            Kind.INPUT_OPENED: _for(
                InputOpened,
                lambda p, r: Rendered(
                    texts.input_opened(p.tw, p.tahun, p.bidang_nama, p.deadline, self.tz), self._laporan(p.url)
                ),
            ),
            Kind.VALIDATION_FAILED: _for(
                ValidationFailed,
                lambda p, r: Rendered(
                    texts.validation_failed(p.tw, p.tahun, p.bidang_nama, p.problems, p.deadline, self.tz),
                    self._laporan(p.url),
                ),
            ),
            Kind.SUBMISSION_RECEIVED: _for(
                SubmissionReceived,
                lambda p, r: Rendered(texts.submission_received(p.tw, p.tahun, p.bidang_nama, p.warnings)),
            ),
            Kind.KOREKSI_REQUEST: _for(KoreksiRequest, self._koreksi_request),
            Kind.REPORT_RETURNED: _for(
                ReportReturned,
                lambda p, r: Rendered(
                    texts.report_returned(p.tw, p.tahun, p.bidang_nama, p.reason, p.actor_nama), self._laporan(p.url)
                ),
            ),
            Kind.REPORT_APPROVED: _for(
                ReportApproved,
                lambda p, r: Rendered(texts.report_approved(p.tw, p.tahun, p.bidang_nama, p.actor_nama)),
            ),
            Kind.REKAP_DRAFT: _for(RekapDraft, self._rekap_draft),
            Kind.TELAAH_REQUEST: _for(TelaahRequest, self._telaah_request),
            Kind.TELAAH_KEPALA_DINAS_REQUEST: _for(TelaahRequest, self._telaah_kepala_dinas_request),
            Kind.DINAS_RETURNED: _for(DinasReturned, self._dinas_returned),
            Kind.REKOMENDASI_REQUEST: _for(RekomendasiRequest, self._rekomendasi_request),
            Kind.REKOMENDASI_HANDED: _for(
                RekomendasiHanded,
                lambda p, r: Rendered(
                    texts.rekomendasi_handed(p.tw, p.tahun, p.umum, p.per_bidang, sekretaris=r == "sekretaris"),
                    self._rekap(p.url),
                ),
            ),
            Kind.REKOMENDASI_FOR_BIDANG: _for(RekomendasiForBidang, self._rekomendasi_for_bidang),
            Kind.BIDANG_REOPENED: _for(
                BidangReopened,
                lambda p, r: Rendered(
                    texts.bidang_reopened(p.tw, p.tahun, p.bidang_nama, p.reason, p.actor_nama), self._laporan(p.url)
                ),
            ),
            Kind.TINDAK_LANJUT_RECORDED: _for(
                TindakLanjutRecorded,
                lambda p, r: Rendered(texts.tindak_lanjut_recorded(p.tw, p.tahun, p.bidang_nama, p.teks, p.actor_nama)),
            ),
            Kind.PERIOD_CLOSED: _for(PeriodClosed, self._period_closed),
            Kind.DEADLINE_REMINDER: _for(
                DeadlineReminder,
                lambda p, r: Rendered(
                    texts.deadline_reminder(p.tw, p.tahun, p.bidang_nama, p.deadline, p.hari_kerja_tersisa, self.tz),
                    self._laporan(p.url),
                ),
            ),
            Kind.TINDAK_LANJUT_REMINDER: _for(TindakLanjutReminder, self._tindak_lanjut_reminder),
            Kind.MUTU_BAKU_REMINDER: _for(
                MutuBakuReminder,
                lambda p, r: Rendered(
                    texts.mutu_baku_reminder(
                        p.tw,
                        p.tahun,
                        p.sop_step,
                        self._bidang_label(p.bidang),
                        p.since,
                        p.mutu_baku,
                        self.tz,
                        p.deadline,
                    ),
                    self._step_link(p),
                ),
            ),
            Kind.MUTU_BAKU_ESCALATION: _for(
                MutuBakuEscalation,
                lambda p, r: Rendered(
                    texts.mutu_baku_escalation(
                        p.tw,
                        p.tahun,
                        p.sop_step,
                        self._bidang_label(p.bidang),
                        p.since,
                        p.mutu_baku,
                        p.holder_role,
                        p.holder_nama,
                        self.tz,
                    ),
                    self._step_link(p),
                ),
            ),
            Kind.TAMPER_DETECTED: _for(
                TamperDetected, lambda p, r: Rendered(texts.tamper_detected(p.tw, p.tahun, p.bidang_nama))
            ),
            Kind.WORKBOOK_MISSING: _for(
                WorkbookMissing, lambda p, r: Rendered(texts.workbook_missing(p.bidang_nama, p.reason))
            ),
            Kind.ACCESS_LOST: _for(WorkbookProblem, lambda p, r: Rendered(texts.access_lost(p.bidang_nama))),
            Kind.FOREIGN_ACCESS_REMOVED: _for(
                ForeignAccessRemoved,
                lambda p, r: Rendered(
                    texts.foreign_access_removed(p.tw, p.tahun, p.bidang_nama, p.akses, p.editor, p.dihapus),
                    self._laporan(p.url),
                ),
            ),
            Kind.RECIPIENT_UNREACHABLE: _for(
                RecipientUnreachable,
                lambda p, r: Rendered(texts.recipient_unreachable(p.nama, p.role, self._bidang_label(p.bidang))),
            ),
            Kind.MASTER_REMINDER: _for(
                MasterReminder,
                lambda p, r: Rendered(
                    texts.master_reminder(p.tahun, p.path, p.opens_at, p.problem, p.overdue, self.tz, p.tab),
                    with_links([link(texts.BTN_BUKA_INDUK, p.url)]),
                ),
            ),
            Kind.PERIOD_HELD: _for(PeriodHeld, lambda p, r: Rendered(texts.period_held(p.tw, p.tahun, p.waiting_for))),
            Kind.ACTION_RESUMED: _for(
                ActionResumed,
                lambda p, r: Rendered(
                    texts.action_resumed(
                        texts.event_label(p.event), p.bidang_nama, p.tw, p.tahun, p.pressed_at, self.tz, p.reason
                    )
                ),
            ),
            Kind.PLH_REQUEST: _for(PlhRequest, self._plh_request),
            Kind.PLH_NOTICE: _for(
                PlhNotice,
                lambda p, r: Rendered(
                    texts.plh_notice(
                        p.peristiwa,
                        texts.jabatan(p.role, p.bidang),
                        p.holder_nama,
                        p.acting_nama,
                        p.mulai,
                        p.selesai,
                        p.oleh,
                    )
                ),
            ),
            Kind.TARGET_REVISED: _for(
                TargetRevised,
                lambda p, r: Rendered(
                    texts.target_revised(
                        p.tahun,
                        p.label,
                        p.berlaku_mulai,
                        p.mulai_tw,
                        (p.diubah, p.ditambah, p.dihapus),
                        p.bidang_berubah,
                        p.actor_nama,
                    )
                ),
            ),
            Kind.MASTER_INVALID: _for(
                MasterInvalid,
                lambda p, r: Rendered(
                    texts.master_invalid(p.sumber, p.masalah), with_links([link(texts.BTN_BUKA_INDUK, p.url)])
                ),
            ),
        }

    def kinds(self) -> frozenset[str]:
        """Every kind this renderer knows."""
        return frozenset(self._by_kind)

    def render(self, kind: str, payload: Mapping[str, Any], recipient_role: str) -> Rendered:
        """The message for one notification (an outbox row's kind and JSON payload) to a person
        holding ``recipient_role``; the payload is read into its dataclass first."""
        builder = self._by_kind.get(kind)
        if builder is None:
            logger.error("no renderer for notification kind %s", kind)
            return Rendered(texts.unknown_kind(kind))
        return builder(payload_from_json(Kind(kind), payload), str(recipient_role))

    def _bidang_label(self, kode: str | None) -> str | None:
        return self.settings.bidang_nama(kode) if kode else None

    @staticmethod
    def _laporan(url: str | None, *rows: Sequence[Cell]) -> InlineKeyboardMarkup | None:
        """ "Buka laporan" (the bidang's workbook) above the action rows."""
        return with_links([link(texts.BTN_BUKA_LAPORAN, url)], *rows)

    @staticmethod
    def _rekap(url: str | None, *rows: Sequence[Cell]) -> InlineKeyboardMarkup | None:
        """ "Buka rekap" (the dinas workbook) above the action rows."""
        return with_links([link(texts.BTN_BUKA_REKAP, url)], *rows)

    @staticmethod
    def _step_link(p: MutuBakuReminder) -> InlineKeyboardMarkup | None:
        """The workbook of a bidang step, the rekap of a dinas step (the reminder's ``url``)."""
        bidang_step = p.state in {s.value for s in BidangState}
        return with_links([link(texts.BTN_BUKA_LAPORAN if bidang_step else texts.BTN_BUKA_REKAP, p.url)])

    # --- kinds with buttons ---------------------------------------------------------------------

    def _distribution_approval_request(self, p: DistributionApprovalRequest, role: str) -> Rendered:
        pid = p.period_id
        folders = [link(texts.btn_buka_folder(str(f.get("kode", ""))), f.get("folder_url")) for f in p.format]
        return Rendered(
            texts.distribution_approval_request(p.tw, p.tahun, p.bidang, p.mutu_baku, p.format, p.deadline, self.tz),
            with_links(folders, [button(Action.DIST_APPROVE, pid), button(Action.DIST_DEFER, pid)]),
        )

    def _koreksi_request(self, p: KoreksiRequest, role: str) -> Rendered:
        pid, kode = p.period_id, p.bidang
        return Rendered(
            texts.koreksi_request(p.tw, p.tahun, p.bidang_nama, p.summary, p.warnings, p.mutu_baku),
            self._laporan(p.url, [button(Action.KOREKSI_APPROVE, pid, kode), button(Action.KOREKSI_RETURN, pid, kode)]),
        )

    def _rekap_draft(self, p: RekapDraft, role: str) -> Rendered:
        pid = p.period_id
        body, chart = rekap_body_and_chart(p.summary, self.settings)
        return Rendered(
            texts.rekap_draft(p.tw, p.tahun, body, p.mutu_baku),
            self._rekap(p.url, [button(Action.ANALYSIS_NOTE, pid)], [button(Action.SUBMIT_SEKRETARIS, pid)]),
            chart,
            texts.chart_caption(p.tw, p.tahun) if chart else None,
        )

    def _telaah(self, p: TelaahRequest, kepala_dinas: bool) -> tuple[str, bytes | None]:
        body, chart = rekap_body_and_chart(p.summary, self.settings)
        text = texts.telaah_request(p.tw, p.tahun, body, p.catatan_analisis, p.mutu_baku, kepala_dinas)
        return text, chart

    def _telaah_request(self, p: TelaahRequest, role: str) -> Rendered:
        pid = p.period_id
        text, chart = self._telaah(p, kepala_dinas=False)
        return Rendered(
            text,
            self._rekap(p.url, [button(Action.FORWARD_KADIS, pid)], [button(Action.SEKRETARIS_RETURN, pid)]),
            chart,
            texts.chart_caption(p.tw, p.tahun) if chart else None,
        )

    def _telaah_kepala_dinas_request(self, p: TelaahRequest, role: str) -> Rendered:
        pid = p.period_id
        text, chart = self._telaah(p, kepala_dinas=True)
        rendered = Rendered(
            text,
            self._rekap(p.url, [button(Action.KADIS_APPROVE, pid), button(Action.KADIS_RETURN, pid)]),
            chart,
            texts.chart_caption(p.tw, p.tahun) if chart else None,
        )
        # Step 6: the document the Kepala Dinas approves is the one archived at the close.
        return self._with_laporan(rendered, p.tahun, p.tw, texts.laporan_caption_draft(p.tw, p.tahun))

    def _period_closed(self, p: PeriodClosed, role: str) -> Rendered:
        rendered = Rendered(
            texts.period_closed(p.tw, p.tahun),
            with_links([link(texts.BTN_BUKA_REKAP, p.rekap_url), link(texts.BTN_BUKA_ARSIP, p.archive_url)]),
        )
        if role not in LAPORAN_AT_CLOSE_ROLES:
            return rendered
        return self._with_laporan(rendered, p.tahun, p.tw, texts.laporan_caption_final(p.tw, p.tahun))

    def _with_laporan(self, rendered: Rendered, tahun: int, tw: int, caption: str) -> Rendered:
        """``rendered`` with the period's report document attached (as it is: without it if none)."""
        if self.laporan is None:
            return rendered
        try:
            document = self.laporan(tahun, tw)
        except Exception:  # the message still goes; the document is in the archive and `export --laporan`
            logger.exception("report document of TW %s %s not rendered for Telegram", tw, tahun)
            return rendered
        from sheets.laporan import nama_berkas  # loaded with the document just written

        return dataclasses.replace(
            rendered, document=document, document_name=nama_berkas(tahun, tw), document_caption=caption
        )

    def _dinas_returned(self, p: DinasReturned, role: str) -> Rendered:
        for_kasubbag = role == "kasubbag_kpep"
        text = texts.dinas_returned(p.tw, p.tahun, p.reason, p.by_role, p.actor_nama, for_kasubbag)
        if not for_kasubbag:
            return Rendered(text)
        pid = p.period_id
        reopen = [button(Action.REOPEN_BIDANG, pid, k) for k in self.kodes]
        rows = [reopen[i : i + 2] for i in range(0, len(reopen), 2)]
        rows.append([button(Action.ANALYSIS_NOTE, pid)])
        rows.append([button(Action.SUBMIT_SEKRETARIS, pid)])
        return Rendered(text, keyboard(*rows))

    def _rekomendasi_request(self, p: RekomendasiRequest, role: str) -> Rendered:
        pid = p.period_id
        return Rendered(
            texts.rekomendasi_request(
                p.tw, p.tahun, p.bidang, texts.rekap_lines(*rekap_figures(p.summary, self.settings)), p.mutu_baku
            ),
            self._rekap(p.url, [button(Action.REKOMENDASI, pid)]),
        )

    def _rekomendasi_for_bidang(self, p: RekomendasiForBidang, role: str) -> Rendered:
        pid, kode = p.period_id, p.bidang
        return Rendered(
            texts.rekomendasi_for_bidang(p.tw, p.tahun, p.bidang_nama, p.umum, p.khusus, p.mutu_baku),
            self._rekap(p.url, [button(Action.TINDAK_LANJUT, pid, kode)]),
        )

    def _plh_request(self, p: PlhRequest, role: str) -> Rendered:
        return Rendered(
            texts.plh_request(texts.jabatan(p.role, p.bidang), p.holder_nama, p.mulai, p.selesai),
            keyboard([button(Action.PLH_ACCEPT, p.plh_id), button(Action.PLH_DECLINE, p.plh_id)]),
        )

    def _tindak_lanjut_reminder(self, p: TindakLanjutReminder, role: str) -> Rendered:
        pid, kode = p.period_id, p.bidang
        return Rendered(
            texts.tindak_lanjut_reminder(p.tw, p.tahun, p.bidang_nama),
            keyboard([button(Action.TINDAK_LANJUT, pid, kode)]),
        )
