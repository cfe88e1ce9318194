"""The dinas rekap: approved bidang tables plus the master list become the frames of the dinas workbook.

Everything is vectorised pandas/numpy over whole columns, with the rules of
:mod:`sheets.capaian`; there is no Python loop over indicators (the only loops run over the
four triwulan). :func:`build_rekap` gives

- ``per_tw[k]`` (the ``TW I`` .. ``TW IV`` tabs, for k up to the rekap's TW): one row per
  indicator of every bidang, columns of :data:`sheets.layout.REKAP_TW_COLUMNS`:
  ``kode_bidang, bidang, kode, program, indikator, satuan, polaritas, jenis, target,
  realisasi_periode, realisasi_kumulatif, capaian, predikat, catatan_capaian, pagu,
  anggaran_periode, anggaran_kumulatif, serapan, kendala``;
- ``ringkasan`` (the ``Ringkasan`` tab): one row per TW per bidang, columns of
  :data:`sheets.layout.RINGKASAN_COLUMNS`;
- ``dinas``: the same figures for the whole dinas, one row per TW;
- ``chart``: capaian per bidang at the rekap's TW (``kode_bidang, bidang, capaian, predikat``).

:func:`rows_for_sheet` turns any of these frames into sheet rows under the layout's labels.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sheets import layout
from sheets.capaian import (
    PREDIKAT_LABELS,
    capaian_series,
    catatan_series,
    nilai_periode_frame,
    predikat_series,
    serapan_series,
    target_series,
)
from sheets.master import Master

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PREDIKAT_COLUMNS",
    "Rekap",
    "build_rekap",
    "indicator_frame",
    "rows_for_sheet",
    "summarize",
]

logger = logging.getLogger(__name__)

TWS = tuple(layout.TW_LABELS)
REALISASI_COLUMNS = [f"realisasi_tw{tw}" for tw in TWS]
ANGGARAN_COLUMNS = [f"anggaran_tw{tw}" for tw in TWS]
KENDALA_COLUMNS = [f"kendala_tw{tw}" for tw in TWS]
PREDIKAT_COLUMNS: dict[str, str] = {label: label.casefold().replace(" ", "_") for label in PREDIKAT_LABELS}
"""Predikat label -> Ringkasan column counting it (``Sangat Tinggi`` -> ``sangat_tinggi``)."""

REKAP_TW_NAMES = [name for name, _ in layout.REKAP_TW_COLUMNS]
RINGKASAN_NAMES = [name for name, _ in layout.RINGKASAN_COLUMNS]
DINAS_NAMES = [name for name in RINGKASAN_NAMES if name not in ("kode_bidang", "bidang")]
CHART_NAMES = ["kode_bidang", "bidang", "capaian", "predikat"]


@dataclass(frozen=True)
class Rekap:
    """The frames of the dinas workbook for one period, up to TW ``tw``."""

    tw: int
    per_tw: dict[int, pd.DataFrame]
    ringkasan: pd.DataFrame
    dinas: pd.DataFrame
    chart: pd.DataFrame
    bidang_order: tuple[str, ...] = field(default=())


def _column(frame: pd.DataFrame, name: str, dtype: str = "float64") -> pd.Series:
    import numpy as np
    import pandas as pd

    if name in frame.columns:
        return frame[name].astype(dtype)
    return pd.Series(np.nan, index=frame.index, dtype=dtype)


def indicator_frame(values: pd.DataFrame, tw: int) -> pd.DataFrame:
    """Per-indicator figures for TW ``tw`` from a frame with the typed-table columns.

    ``values`` needs ``polaritas, jenis, target_tahunan, target_tw1..4, realisasi_tw1..4, pagu,
    anggaran_tw1..4`` (missing value columns count as not reported); ``kendala_tw<k>`` (else
    ``kendala``), ``kode_bidang``/``bidang`` and the descriptive columns are carried when present.
    Columns: :data:`sheets.layout.REKAP_TW_COLUMNS` names.
    """
    import numpy as np
    import pandas as pd

    layout.tw_label(tw)
    target = target_series(_column(values, f"target_tw{tw}"), _column(values, "target_tahunan"))
    realisasi = pd.DataFrame({name: _column(values, name) for name in REALISASI_COLUMNS})
    kumulatif = nilai_periode_frame(realisasi, values["jenis"], tw)
    capaian = capaian_series(target, kumulatif, values["polaritas"])
    anggaran = pd.DataFrame({name: _column(values, name) for name in ANGGARAN_COLUMNS[:tw]})
    anggaran_kumulatif = anggaran.sum(axis=1, min_count=1)
    pagu = _column(values, "pagu")
    if f"kendala_tw{tw}" in values.columns:
        kendala = values[f"kendala_tw{tw}"]
    elif "kendala" in values.columns:
        kendala = values["kendala"]
    else:
        kendala = pd.Series(np.nan, index=values.index, dtype="str")

    def text(name: str) -> pd.Series:
        if name in values.columns:
            return values[name].astype("str")
        return pd.Series(np.nan, index=values.index, dtype="str")

    frame = pd.DataFrame(
        {
            "kode_bidang": text("kode_bidang"),
            "bidang": text("bidang"),
            "kode": text("kode"),
            "program": text("program"),
            "indikator": text("indikator"),
            "satuan": text("satuan"),
            "polaritas": values["polaritas"].astype("str"),
            "jenis": values["jenis"].astype("str"),
            "target": target,
            "realisasi_periode": realisasi[f"realisasi_tw{tw}"],
            "realisasi_kumulatif": kumulatif,
            "capaian": capaian,
            "predikat": predikat_series(capaian),
            "catatan_capaian": catatan_series(target, kumulatif),
            "pagu": pagu,
            "anggaran_periode": anggaran[f"anggaran_tw{tw}"],
            "anggaran_kumulatif": anggaran_kumulatif,
            "serapan": serapan_series(anggaran_kumulatif, pagu),
            "kendala": kendala.astype("str"),
        },
        index=values.index,
    )
    return frame[REKAP_TW_NAMES]


def summarize(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Ringkasan figures of an :func:`indicator_frame`, grouped by ``by`` (may be empty: one row)."""
    import pandas as pd

    work = frame.assign(
        _dinilai=frame["capaian"].notna().astype("int64"),
        **{
            f"_{column}": frame["predikat"].eq(label).fillna(False).astype("int64")
            for label, column in PREDIKAT_COLUMNS.items()
        },
    )
    keys = by or (lambda _: 0)
    grouped = work.groupby(keys, sort=False, dropna=False)
    result = pd.DataFrame(
        {
            "jumlah_indikator": grouped.size().astype("int64"),
            "indikator_dinilai": grouped["_dinilai"].sum().astype("int64"),
            "rata_rata_capaian": grouped["capaian"].mean(),
            **{column: grouped[f"_{column}"].sum().astype("int64") for column in PREDIKAT_COLUMNS.values()},
            "pagu": grouped["pagu"].sum(min_count=1),
            "anggaran_kumulatif": grouped["anggaran_kumulatif"].sum(min_count=1),
        }
    )
    result["predikat"] = predikat_series(result["rata_rata_capaian"])
    result["serapan"] = serapan_series(result["anggaran_kumulatif"], result["pagu"])
    return result.reset_index(drop=not by)


def _combined(master: Master, tables: Mapping[str, pd.DataFrame], bidang_names: Mapping[str, str]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    base = master.frame().rename(columns={"bidang": "kode_bidang"})
    wanted = ["key", *REALISASI_COLUMNS, *ANGGARAN_COLUMNS]
    parts = []
    for kode_bidang, table in tables.items():
        part = pd.DataFrame({name: _column(table, name) for name in wanted[1:]}, index=table.index)
        part.insert(0, "key", table["key"].astype("str"))
        for tw, name in zip(TWS, KENDALA_COLUMNS, strict=True):
            source = name if name in table.columns else "kendala"
            part[f"kendala_tw{tw}"] = (
                table[source].astype("str") if source in table.columns else pd.Series(np.nan, dtype="str")
            )
        part.insert(0, "kode_bidang", kode_bidang)
        parts.append(part)
    if parts:
        values = pd.concat(parts, ignore_index=True).drop_duplicates(["kode_bidang", "key"])
        combined = base.merge(values, on=["kode_bidang", "key"], how="left", validate="one_to_one")
    else:
        combined = base
    combined["bidang"] = combined["kode_bidang"].map(lambda code: bidang_names.get(code, code)).astype("str")
    return combined


def build_rekap(master: Master, tables: Mapping[str, pd.DataFrame], bidang_names: Mapping[str, str], tw: int) -> Rekap:
    """The dinas rekap up to TW ``tw`` from the approved typed tables of each bidang (keyed by kode)."""
    import pandas as pd

    layout.tw_label(tw)
    combined = _combined(master, tables, bidang_names)
    # Bidang in the settings' order first, then any other bidang of the master list.
    present = set(combined["kode_bidang"].unique())
    order = [code for code in bidang_names if code in present]
    order += [code for code in master.bidang_codes() if code not in order]
    rank = {code: position for position, code in enumerate(order)}
    combined = combined.sort_values(by="kode_bidang", key=lambda codes: codes.map(rank), kind="stable").reset_index(
        drop=True
    )

    per_tw: dict[int, pd.DataFrame] = {}
    ringkasan_parts = []
    dinas_parts = []
    for k in range(1, tw + 1):
        frame = indicator_frame(combined, k)
        per_tw[k] = frame
        by_bidang = summarize(frame, ["kode_bidang", "bidang"])
        by_bidang.insert(2, "triwulan", layout.TW_LABELS[k])
        ringkasan_parts.append(by_bidang)
        whole = summarize(frame, [])
        whole.insert(0, "triwulan", layout.TW_LABELS[k])
        dinas_parts.append(whole)
    ringkasan = pd.concat(ringkasan_parts, ignore_index=True)[RINGKASAN_NAMES]
    dinas = pd.concat(dinas_parts, ignore_index=True)[DINAS_NAMES]
    latest = ringkasan[ringkasan["triwulan"] == layout.TW_LABELS[tw]]
    chart = latest.rename(columns={"rata_rata_capaian": "capaian"})[CHART_NAMES].reset_index(drop=True)
    logger.info("rekap TW %d: %d indicators of %d bidang", tw, len(combined), len(order))
    return Rekap(tw=tw, per_tw=per_tw, ringkasan=ringkasan, dinas=dinas, chart=chart, bidang_order=tuple(order))


def rows_for_sheet(frame: pd.DataFrame) -> list[list[Any]]:
    """Header (the layout's labels) plus one list per row; missing -> ``""``, floats at full precision."""
    import numpy as np

    labels = layout.label_map()
    header = [labels.get(str(column), str(column)) for column in frame.columns]
    # astype(object) yields Python int/float/str; infinities are not figures a sheet should show.
    cells = frame.astype(object)
    numeric = frame.select_dtypes("number").columns
    present = frame.notna()
    if len(numeric):
        present[numeric] &= np.isfinite(frame[numeric].astype("float64"))
    body = cells.where(present, "").to_numpy().tolist()
    return [header, *body]


class SnapshotValues(Protocol):
    """What the tables are read from: one bidang's approved values of one TW (``sheets.facts.SnapshotData``)."""

    @property
    def bidang(self) -> str: ...
    @property
    def tw(self) -> int: ...
    @property
    def values(self) -> Mapping[str, Any]: ...


def tables_from_snapshots(snapshots: Sequence[SnapshotValues]) -> dict[str, pd.DataFrame]:
    """Bidang kode -> typed table (key, realisasi/anggaran/kendala per TW) from approved snapshots.

    The one reading of the snapshots shared by the dinas workbook and the report document.
    """
    import pandas as pd

    by_bidang: dict[str, dict[str, dict[str, Any]]] = {}
    for snapshot in snapshots:
        rows = by_bidang.setdefault(snapshot.bidang, {})
        entries = snapshot.values.get("indikator", {}) if isinstance(snapshot.values, Mapping) else {}
        for key, entry in entries.items():
            row = rows.setdefault(key, {"key": key})
            row[f"realisasi_tw{snapshot.tw}"] = entry.get("realisasi")
            row[f"anggaran_tw{snapshot.tw}"] = entry.get("anggaran")
            row[f"kendala_tw{snapshot.tw}"] = entry.get("kendala") or None
    columns = ["key"] + [f"{name}_tw{tw}" for name in ("realisasi", "anggaran", "kendala") for tw in layout.TW_LABELS]
    tables: dict[str, pd.DataFrame] = {}
    for kode, rows in by_bidang.items():
        frame = pd.DataFrame.from_records(list(rows.values()), columns=columns)
        for tw in layout.TW_LABELS:
            frame[f"realisasi_tw{tw}"] = frame[f"realisasi_tw{tw}"].astype("float64")
            frame[f"anggaran_tw{tw}"] = frame[f"anggaran_tw{tw}"].astype("float64")
            frame[f"kendala_tw{tw}"] = frame[f"kendala_tw{tw}"].astype("str")
        tables[kode] = frame
    return tables
