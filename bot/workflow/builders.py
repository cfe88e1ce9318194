"""The payload each notification of a table row carries, built from the action that caused it.

One builder per :class:`~bot.workflow.notifications.Kind` a table row names; each returns the
kind's typed payload (:mod:`bot.workflow.payloads`). The generic path calls :meth:`Builders.for_act`
with the row's :class:`~bot.workflow.machine.Notify` and the recipient's bidang.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from bot.workflow import payloads as p
from bot.workflow.effects import Act
from bot.workflow.guards import Guards
from bot.workflow.machine import Notify
from bot.workflow.notifications import Kind
from config.settings import Settings


def iso(moment: datetime | None) -> str | None:
    """An aware datetime as ISO text (None stays None)."""
    return None if moment is None else moment.isoformat()


class Builders:
    """Payload builders for the notifications the state tables name."""

    def __init__(self, settings: Settings, guards: Guards) -> None:
        self.settings = settings
        self.guards = guards
        self._table: Mapping[Kind, Callable[[Act, str], p.Payload]] = MappingProxyType(
            {
                Kind.DISTRIBUTION_DEFERRED: self._deferred,
                Kind.DISTRIBUTION_DONE: self._distribution_done,
                Kind.INPUT_OPENED: self._input_opened,
                Kind.VALIDATION_FAILED: self._validation_failed,
                Kind.SUBMISSION_RECEIVED: self._submission_received,
                Kind.KOREKSI_REQUEST: self._koreksi_request,
                Kind.REPORT_APPROVED: self._report_approved,
                Kind.REPORT_RETURNED: self._report_returned,
                Kind.BIDANG_REOPENED: self._bidang_reopened,
                Kind.REKAP_DRAFT: self._rekap_draft,
                Kind.TELAAH_REQUEST: self._telaah_request,
                Kind.TELAAH_KEPALA_DINAS_REQUEST: self._telaah_kepala_dinas_request,
                Kind.DINAS_RETURNED: self._dinas_returned,
                Kind.REKOMENDASI_REQUEST: self._rekomendasi_request,
                Kind.REKOMENDASI_HANDED: self._rekomendasi_handed,
                Kind.REKOMENDASI_FOR_BIDANG: self._rekomendasi_for_bidang,
                Kind.TINDAK_LANJUT_RECORDED: self._tindak_lanjut_recorded,
                Kind.PERIOD_CLOSED: self._period_closed,
            }
        )

    def kinds(self) -> frozenset[Kind]:
        """The kinds a table row may name."""
        return frozenset(self._table)

    def for_act(self, act: Act) -> Callable[[Notify, str | None], p.Payload]:
        """The payload builder of ``act``'s notifications (given the notification and its bidang)."""
        return lambda notify, kode: self._table[notify.kind](act, kode or act.bidang or "")

    # --- shared parts -------------------------------------------------------------------------

    def mutu_baku(self, step: int) -> str:
        """A step's Mutu Baku as people read it ("10 menit")."""
        return str(self.settings.mutu_baku.for_step(step))

    @staticmethod
    def period_fields(period: Any) -> dict[str, Any]:
        """The fields of every period payload."""
        return {"period_id": period.id, "tahun": period.tahun, "tw": period.tw}

    def bidang_fields(self, period: Any, kode: str) -> dict[str, Any]:
        """The fields of every bidang payload."""
        return {**self.period_fields(period), "bidang": kode, "bidang_nama": self.guards.bidang_label(kode)}

    def _url(self, act: Act) -> str | None:
        return None if act.report is None else act.report.workbook_url

    # --- step 1 -------------------------------------------------------------------------------

    def _deferred(self, act: Act, kode: str) -> p.Payload:
        return p.DistributionDeferred(**self.period_fields(act.period), actor_nama=act.actor.nama, note=act.text)

    def _distribution_done(self, act: Act, kode: str) -> p.Payload:
        links = {k: ref.url for k, ref in act.refs.items()}
        invited = sorted({email for ref in act.refs.values() for email in ref.invited})
        refused = {email: why for ref in act.refs.values() for email, why in ref.not_shared.items()}
        return p.DistributionDone(
            **self.period_fields(act.period),
            links=links,
            deadline=iso(act.deadline) or "",
            tanpa_akun_google=invited,
            tidak_dibagikan=refused,
        )

    def _input_opened(self, act: Act, kode: str) -> p.Payload:
        url = act.refs[kode].url if kode in act.refs else None
        return p.InputOpened(**self.bidang_fields(act.period, kode), url=url, deadline=iso(act.deadline))

    # --- steps 2-3 ----------------------------------------------------------------------------

    def _problems(self, act: Act, severity: str | None = None) -> list[dict[str, Any]]:
        assert act.submission is not None
        return [x.as_dict() for x in act.submission.problems if severity is None or x.severity == severity]

    def _validation_failed(self, act: Act, kode: str) -> p.Payload:
        return p.ValidationFailed(
            **self.bidang_fields(act.period, kode),
            url=self._url(act),
            problems=self._problems(act),
            deadline=iso(act.period.deadline),
        )

    def _submission_received(self, act: Act, kode: str) -> p.Payload:
        return p.SubmissionReceived(**self.bidang_fields(act.period, kode), warnings=self._problems(act, "warning"))

    def _koreksi_request(self, act: Act, kode: str) -> p.Payload:
        assert act.submission is not None
        return p.KoreksiRequest(
            **self.bidang_fields(act.period, kode),
            url=self._url(act),
            summary=dict(act.submission.summary),
            warnings=self._problems(act, "warning"),
            mutu_baku=self.mutu_baku(3),
        )

    def _report_approved(self, act: Act, kode: str) -> p.Payload:
        return p.ReportApproved(**self.bidang_fields(act.period, kode), actor_nama=act.actor.nama)

    def _report_returned(self, act: Act, kode: str) -> p.Payload:
        return p.ReportReturned(
            **self.bidang_fields(act.period, kode), url=self._url(act), reason=act.text or "", actor_nama=act.actor.nama
        )

    def _bidang_reopened(self, act: Act, kode: str) -> p.Payload:
        return p.BidangReopened(
            **self.bidang_fields(act.period, kode), url=self._url(act), reason=act.text or "", actor_nama=act.actor.nama
        )

    # --- steps 4-8 ----------------------------------------------------------------------------

    def _rekap_draft(self, act: Act, kode: str) -> p.Payload:
        assert act.rekap_ref is not None
        return p.RekapDraft(
            **self.period_fields(act.period),
            url=act.rekap_ref.url,
            summary=dict(act.rekap_ref.summary),
            mutu_baku=self.mutu_baku(4),
        )

    def _telaah_request(self, act: Act, kode: str) -> p.Payload:
        assert act.rekap_ref is not None
        return p.TelaahRequest(
            **self.period_fields(act.period),
            url=act.rekap_ref.url,
            summary=dict(act.rekap_ref.summary),
            catatan_analisis=act.period.catatan_analisis,
            mutu_baku=self.mutu_baku(5),
        )

    def _telaah_kepala_dinas_request(self, act: Act, kode: str) -> p.Payload:
        return p.TelaahRequest(
            **self.period_fields(act.period),
            url=act.period.rekap_url,
            summary=act.period.rekap_summary or {},
            catatan_analisis=act.period.catatan_analisis,
            mutu_baku=self.mutu_baku(6),
        )

    def _dinas_returned(self, act: Act, kode: str) -> p.Payload:
        return p.DinasReturned(
            **self.period_fields(act.period),
            reason=act.text or "",
            by_role=str(act.actor.role),
            actor_nama=act.actor.nama,
        )

    def _rekomendasi_request(self, act: Act, kode: str) -> p.Payload:
        return p.RekomendasiRequest(
            **self.period_fields(act.period),
            bidang=list(self.guards.kodes),
            url=act.period.rekap_url,
            summary=act.period.rekap_summary or {},
            mutu_baku=self.mutu_baku(6),
        )

    def _rekomendasi_handed(self, act: Act, kode: str) -> p.Payload:
        assert act.rekap_ref is not None
        return p.RekomendasiHanded(
            **self.period_fields(act.period),
            sop_step=7,
            umum=act.text or "",
            per_bidang=dict(act.khusus),
            url=act.rekap_ref.url,
        )

    def _rekomendasi_for_bidang(self, act: Act, kode: str) -> p.Payload:
        assert act.rekap_ref is not None
        return p.RekomendasiForBidang(
            **self.bidang_fields(act.period, kode),
            umum=act.text or "",
            khusus=act.khusus.get(kode),
            url=act.rekap_ref.url,
            mutu_baku=self.mutu_baku(9),
        )

    # --- step 9 -------------------------------------------------------------------------------

    def _tindak_lanjut_recorded(self, act: Act, kode: str) -> p.Payload:
        return p.TindakLanjutRecorded(
            **self.bidang_fields(act.period, kode), teks=act.text or "", actor_nama=act.actor.nama
        )

    def _period_closed(self, act: Act, kode: str) -> p.Payload:
        assert act.rekap_ref is not None and act.archive is not None
        return p.PeriodClosed(
            **self.period_fields(act.period), rekap_url=act.rekap_ref.url, archive_url=act.archive.url
        )
