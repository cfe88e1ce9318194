"""The snapshot of an approved TW: the values kept once it is approved, and their hash.

:func:`snapshot_values` takes them from the typed table of :func:`sheets.validate.validate_realisasi`
(JSON-ready: plain floats, None for missing); :func:`snapshot_hash` is the sha256 of their
canonical JSON, the identity of what was approved.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sheets import layout

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plain_value", "snapshot_hash", "snapshot_values"]


def plain_value(value: Any) -> Any:
    """A table value as plain Python: numpy scalars unwrapped, NA, NaN and infinities as None."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def snapshot_values(table: pd.DataFrame, tw: int) -> dict[str, Any]:
    """The values of TW ``tw`` to keep once it is approved: ``{"tw", "indikator": {key: {...}}}``.

    Each indicator holds ``realisasi``, ``anggaran`` (float or None), ``kendala`` and ``bukti``
    (str, empty when none). JSON-ready; pass it back to :func:`sheets.validate.validate_realisasi`
    as ``approved``.
    """
    import pandas as pd

    layout.tw_label(tw)
    kendala_column = f"kendala_tw{tw}" if f"kendala_tw{tw}" in table.columns else "kendala"
    frame = pd.DataFrame(
        {
            "key": table["key"].astype("str"),
            "realisasi": table[f"realisasi_tw{tw}"].astype("float64"),
            "anggaran": table[f"anggaran_tw{tw}"].astype("float64"),
            "kendala": table[kendala_column].astype("str").fillna(""),
            "bukti": table["bukti"].astype("str").fillna(""),
        }
    )
    entries = {
        record["key"]: {name: plain_value(record[name]) for name in ("realisasi", "anggaran", "kendala", "bukti")}
        for record in frame.to_dict("records")
    }
    return {"tw": tw, "indikator": entries}


def snapshot_hash(values: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of a snapshot: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
