"""What Kinerja Bot learned of the real Google, kept in a small JSON file the settings point to.

``python -m bot doctor --live`` tries every Google behaviour the product relies on and writes what
Google actually did here (``google.berkas_temuan``, by default ``temuan-google.json`` beside the
settings file); the service and the other doctor checks read it. One flat JSON object::

    {"checked_at": "2026-04-01T08:00:00+07:00",
     "locale": "id_ID",
     "no_google_account": ["staf@contoh.go.id"],
     "change_lag_seconds": 42.0}

- ``locale``: the locale code Google accepted for Indonesian (``id_ID`` or ``in_ID``), to send it
  first; None when not tried yet;
- ``no_google_account``: configured addresses Drive said have no Google account (shared by
  Google's invitation email instead);
- ``change_lag_seconds``: how long an edit took to reach the Drive change feed.

A missing or unreadable file reads as "nothing learned yet": the service then uses its defaults.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["GoogleFacts", "load_facts", "save_facts"]


@dataclass(frozen=True)
class GoogleFacts:
    """What one live check learned of Google (every field None or empty when not learned)."""

    checked_at: str | None = None
    locale: str | None = None
    no_google_account: tuple[str, ...] = field(default_factory=tuple)
    change_lag_seconds: float | None = None

    def with_changes(self, **changes: Any) -> GoogleFacts:
        """A copy with ``changes``."""
        return replace(self, **changes)

    def as_json(self) -> dict[str, Any]:
        """The file's JSON object."""
        data = asdict(self)
        data["no_google_account"] = sorted(self.no_google_account)
        return data


def load_facts(path: Path | None) -> GoogleFacts:
    """The facts in ``path``; nothing learned when it is missing or unreadable (logged)."""
    if path is None or not path.is_file():
        return GoogleFacts()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        lag = data.get("change_lag_seconds")
        return GoogleFacts(
            checked_at=data.get("checked_at"),
            locale=data.get("locale") or None,
            no_google_account=tuple(str(a).lower() for a in data.get("no_google_account") or ()),
            change_lag_seconds=None if lag is None else float(lag),
        )
    except (OSError, ValueError, TypeError, AttributeError) as err:
        logger.warning("cannot read what was learned of Google from %s: %s", path, err)
        return GoogleFacts()


def save_facts(path: Path, facts: GoogleFacts) -> None:
    """Write ``facts`` to ``path`` atomically (a half-written file never replaces a good one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(facts.as_json(), ensure_ascii=False, indent=2) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=".temuan-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
