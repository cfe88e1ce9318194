"""Google's size limits and the behaviours Google leaves undocumented, as switches of the sandbox.

Defaults are Google's (``POST /_sandbox/reset`` restores them); ``/_sandbox/google/limits``
tunes them for tests:

- ``request_bytes``: the largest request body Google takes. Above it Sheets and Drive answer 400
  ``Request payload size exceeds the limit: 10485760 bytes.`` (reason ``badRequest``, status
  ``INVALID_ARGUMENT``), as quoted from the live API in public issue threads. Uploads
  (``/upload/drive/v3``) are not bound by it.
- ``export_bytes``: the largest content ``files.export`` hands out; above it Drive answers 403
  ``exportSizeLimitExceeded`` "This file is too large to be exported." (the 10 MB of the
  drive.v3 reference, measured on the exported content).
- ``id_ID``: what Sheets does with the locale code ``id_ID``. Google names Indonesian ``in_ID``
  (the legacy Java code) when the property is read back; whether it takes ``id_ID`` is not
  documented. ``store_in_ID`` (default: taken, read back as ``in_ID``), ``accept`` (kept as sent)
  or ``refuse`` (400 for the request that sends it).
- ``typed_format``: what a USER_ENTERED value typed with its own format (``75%``, ``1.500``) does
  to a cell that already has a number format: ``replace`` (default: the typed format wins) or
  ``keep`` (the cell keeps its format: ``75%`` in a ``#,##0.##`` cell stores 0.75 shown as 0,75).

The sandbox also records the size of every request body it receives (``/_sandbox/google/bodies``)
so tests can check what a client sends without timing it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GOOGLE_MAX_BODY", "LOCALE_MODES", "TYPED_FORMAT_MODES", "BodySizes", "Limits", "LimitsError"]

GOOGLE_MAX_BODY = 10 * 1024 * 1024
"""10485760 bytes: Google's limit on a request body and on the content of one export."""
LOCALE_MODES = ("store_in_ID", "accept", "refuse")
TYPED_FORMAT_MODES = ("replace", "keep")
_KEYS = {"request_bytes", "export_bytes", "id_ID", "typed_format"}


class LimitsError(ValueError):
    """A control request for the limits that cannot be honoured."""


@dataclass
class Limits:
    """The limits and switches in force (Google's by default)."""

    request_bytes: int = GOOGLE_MAX_BODY
    export_bytes: int = GOOGLE_MAX_BODY
    id_locale: str = "store_in_ID"
    """The ``id_ID`` switch: ``store_in_ID``, ``accept`` or ``refuse``."""
    typed_format: str = "replace"

    def as_json(self) -> dict[str, Any]:
        """The control API's JSON form."""
        return {
            "request_bytes": self.request_bytes,
            "export_bytes": self.export_bytes,
            "id_ID": self.id_locale,
            "typed_format": self.typed_format,
        }

    def update(self, spec: Any) -> None:
        """Apply a control request's body (only the keys given); LimitsError when it is not valid."""
        if not isinstance(spec, dict):
            raise LimitsError("body must be a JSON object")
        unknown = sorted(set(spec) - _KEYS)
        if unknown:
            raise LimitsError(f"unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
        changes: dict[str, Any] = {}
        for key in ("request_bytes", "export_bytes"):
            if key in spec:
                value = spec[key]
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise LimitsError(f"{key} must be a positive number of bytes")
                changes[key] = value
        if "id_ID" in spec:
            if spec["id_ID"] not in LOCALE_MODES:
                raise LimitsError(f"id_ID must be one of {list(LOCALE_MODES)}")
            changes["id_locale"] = spec["id_ID"]
        if "typed_format" in spec:
            if spec["typed_format"] not in TYPED_FORMAT_MODES:
                raise LimitsError(f"typed_format must be one of {list(TYPED_FORMAT_MODES)}")
            changes["typed_format"] = spec["typed_format"]
        for key, value in changes.items():
            setattr(self, key, value)

    def stored_locale(self, code: str) -> str | None:
        """The locale Sheets keeps for ``code``; None when it refuses the code."""
        if code != "id_ID" or self.id_locale == "accept":
            return code
        return "in_ID" if self.id_locale == "store_in_ID" else None


@dataclass
class BodySizes:
    """The size of every request body received, per API method (thread-safe)."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _methods: dict[str, dict[str, int]] = field(default_factory=dict)
    _largest: tuple[int, str] = (0, "")

    def record(self, method: str, size: int) -> None:
        """Count one body of ``size`` bytes sent to ``method``."""
        with self._lock:
            entry = self._methods.setdefault(method, {"count": 0, "max_bytes": 0, "total_bytes": 0})
            entry["count"] += 1
            entry["total_bytes"] += size
            entry["max_bytes"] = max(entry["max_bytes"], size)
            if size > self._largest[0]:
                self._largest = (size, method)

    def as_json(self) -> dict[str, Any]:
        """``{"largest": {"bytes", "method"}, "methods": {method: {"count", "max_bytes", "total_bytes"}}}``."""
        with self._lock:
            return {
                "largest": {"bytes": self._largest[0], "method": self._largest[1] or None},
                "methods": {name: dict(entry) for name, entry in sorted(self._methods.items())},
            }

    def clear(self) -> None:
        """Forget every size recorded."""
        with self._lock:
            self._methods = {}
            self._largest = (0, "")
