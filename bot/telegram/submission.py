"""What ``/kirim`` needs from the Google edge: read and validate one bidang's open TW on demand.

The core's :class:`~bot.workflow.ports.WorkbookPort` only reports submissions through ``poll``.
``/kirim`` submits at once, so the workbook adapter may also offer ``read_submission``; the
composition root uses it when the adapter has it, and ``/kirim`` explains the sheet route when not.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.workflow.ports import SubmissionReady


@runtime_checkable
class SubmissionReader(Protocol):
    """Reads a bidang's TW as if its status were set to "Siap Dikoreksi" (blocking)."""

    def read_submission(self, kode: str, tw: int) -> SubmissionReady:
        """Validate every cell of TW ``tw`` of bidang ``kode`` and return the verdict and data."""
        ...
