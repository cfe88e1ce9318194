"""The outbox's vocabulary: every notification kind.

The core writes ``kind`` + a payload (:mod:`bot.workflow.payloads`, one typed dataclass per
kind) + a recipient; the Telegram edge renders the text.
"""

from __future__ import annotations

from enum import StrEnum


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
    FOREIGN_ACCESS_REMOVED = "foreign_access_removed"
    RECIPIENT_UNREACHABLE = "recipient_unreachable"
    MASTER_REMINDER = "master_reminder"
    PERIOD_HELD = "period_held"
    ACTION_RESUMED = "action_resumed"
    PLH_REQUEST = "plh_request"
    PLH_NOTICE = "plh_notice"
    TARGET_REVISED = "target_revised"
    MASTER_INVALID = "master_invalid"
