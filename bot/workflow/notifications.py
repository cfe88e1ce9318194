"""The outbox's vocabulary: every notification kind and the payload keys it always carries.

The core writes ``kind`` + a JSON payload + a recipient; the Telegram edge renders the text.
Every payload also carries ``tahun`` and ``tw`` except where noted (``recipient_unreachable``).
A key listed here is always present, its value may be None (``url`` of a step with no sheet yet).
Renderers read keys added after a kind was first emitted with ``.get``: rows written by an older
version may still wait in the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Kind(StrEnum):
    """What a notification is about."""

    DISTRIBUTION_APPROVAL_REQUEST = "distribution_approval_request"
    DISTRIBUTION_DEFERRED = "distribution_deferred"
    DISTRIBUTION_DONE = "distribution_done"
    INPUT_OPENED = "input_opened"
    VALIDATION_FAILED = "validation_failed"
    SUBMISSION_RECEIVED = "submission_received"
    KOREKSI_REQUEST = "koreksi_request"
    REPORT_RETURNED = "report_returned"
    REPORT_APPROVED = "report_approved"
    REKAP_DRAFT = "rekap_draft"
    TELAAH_REQUEST = "telaah_request"
    TELAAH_KEPALA_DINAS_REQUEST = "telaah_kepala_dinas_request"
    DINAS_RETURNED = "dinas_returned"
    REKOMENDASI_REQUEST = "rekomendasi_request"
    REKOMENDASI_HANDED = "rekomendasi_handed"
    REKOMENDASI_FOR_BIDANG = "rekomendasi_for_bidang"
    BIDANG_REOPENED = "bidang_reopened"
    TINDAK_LANJUT_RECORDED = "tindak_lanjut_recorded"
    PERIOD_CLOSED = "period_closed"
    DEADLINE_REMINDER = "deadline_reminder"
    TINDAK_LANJUT_REMINDER = "tindak_lanjut_reminder"
    MUTU_BAKU_REMINDER = "mutu_baku_reminder"
    MUTU_BAKU_ESCALATION = "mutu_baku_escalation"
    TAMPER_DETECTED = "tamper_detected"
    WORKBOOK_MISSING = "workbook_missing"
    ACCESS_LOST = "access_lost"
    RECIPIENT_UNREACHABLE = "recipient_unreachable"


_P = ("period_id", "tahun", "tw")

PAYLOAD_KEYS: Mapping[Kind, frozenset[str]] = MappingProxyType(
    {
        Kind.DISTRIBUTION_APPROVAL_REQUEST: frozenset({*_P, "bidang", "mutu_baku"}),
        Kind.DISTRIBUTION_DEFERRED: frozenset({*_P, "actor_nama", "note"}),
        Kind.DISTRIBUTION_DONE: frozenset({*_P, "links", "deadline"}),
        Kind.INPUT_OPENED: frozenset({*_P, "bidang", "bidang_nama", "url", "deadline"}),
        Kind.VALIDATION_FAILED: frozenset({*_P, "bidang", "bidang_nama", "url", "problems", "deadline"}),
        Kind.SUBMISSION_RECEIVED: frozenset({*_P, "bidang", "bidang_nama", "warnings"}),
        Kind.KOREKSI_REQUEST: frozenset({*_P, "bidang", "bidang_nama", "url", "summary", "warnings", "mutu_baku"}),
        Kind.REPORT_RETURNED: frozenset({*_P, "bidang", "bidang_nama", "url", "reason", "actor_nama"}),
        Kind.REPORT_APPROVED: frozenset({*_P, "bidang", "bidang_nama", "actor_nama"}),
        Kind.REKAP_DRAFT: frozenset({*_P, "url", "summary", "mutu_baku"}),
        Kind.TELAAH_REQUEST: frozenset({*_P, "url", "summary", "catatan_analisis", "mutu_baku"}),
        Kind.TELAAH_KEPALA_DINAS_REQUEST: frozenset({*_P, "url", "summary", "catatan_analisis", "mutu_baku"}),
        Kind.DINAS_RETURNED: frozenset({*_P, "reason", "by_role", "actor_nama"}),
        Kind.REKOMENDASI_REQUEST: frozenset({*_P, "bidang", "url", "summary", "mutu_baku"}),
        Kind.REKOMENDASI_HANDED: frozenset({*_P, "sop_step", "umum", "per_bidang", "url"}),
        Kind.REKOMENDASI_FOR_BIDANG: frozenset({*_P, "bidang", "bidang_nama", "umum", "khusus", "url", "mutu_baku"}),
        Kind.BIDANG_REOPENED: frozenset({*_P, "bidang", "bidang_nama", "url", "reason", "actor_nama"}),
        Kind.TINDAK_LANJUT_RECORDED: frozenset({*_P, "bidang", "bidang_nama", "teks", "actor_nama"}),
        Kind.PERIOD_CLOSED: frozenset({*_P, "rekap_url", "archive_url"}),
        Kind.DEADLINE_REMINDER: frozenset({*_P, "bidang", "bidang_nama", "url", "deadline", "hari_kerja_tersisa"}),
        Kind.TINDAK_LANJUT_REMINDER: frozenset({*_P, "bidang", "bidang_nama"}),
        Kind.MUTU_BAKU_REMINDER: frozenset({*_P, "bidang", "sop_step", "state", "since", "mutu_baku", "due_at", "url"}),
        Kind.MUTU_BAKU_ESCALATION: frozenset(
            {*_P, "bidang", "sop_step", "state", "since", "mutu_baku", "due_at", "url", "holder_role", "holder_nama"}
        ),
        Kind.TAMPER_DETECTED: frozenset({*_P, "bidang", "bidang_nama", "snapshot_hash", "sheet_hash"}),
        Kind.WORKBOOK_MISSING: frozenset({"bidang", "bidang_nama", "reason"}),
        Kind.ACCESS_LOST: frozenset({"bidang", "bidang_nama"}),
        Kind.RECIPIENT_UNREACHABLE: frozenset({"nama", "role", "bidang", "kind", "error"}),
    }
)


def check_payload(kind: Kind, payload: Mapping[str, Any]) -> None:
    """Raise ValueError when a payload lacks a key its kind promises (a bug in the core)."""
    missing = PAYLOAD_KEYS[kind] - payload.keys()
    if missing:
        raise ValueError(f"payload of {kind} lacks {sorted(missing)}")
