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
- ``chart``: capaian per bidang at the rekap's TW (``kode_bidang, bidang, capaian, predikat``);
- ``tahunan`` (the ``Tahunan`` tab, at TW IV only): the year per indicator, per bidang and for
  the dinas (:class:`Tahunan`).

The year (DESIGN.md section 4): an indicator's realisasi for the year is its period value at TW
IV by its Jenis (Kumulatif: the sum of TW I-IV, Nilai Akhir: the latest reported TW, Rata-rata:
the mean of the reported TWs), measured against the Target Tahunan (``Target TW IV`` when the
annual target is empty); its serapan is the year's realisasi anggaran against the pagu. The trend
is the capaian of each TW, each against that TW's cumulative target, as in the ``TW n`` tabs.

:func:`rows_for_sheet` turns any of these frames into sheet rows under the layout's labels.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

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

__all__ = [
    "PREDIKAT_COLUMNS",
    "Rekap",
    "Tahunan",
    "build_rekap",
    "build_tahunan",
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
CAPAIAN_TW_COLUMNS = [f"capaian_tw{tw}" for tw in TWS]
TAHUNAN_INDIKATOR_NAMES = [name for name, _ in layout.TAHUNAN_INDIKATOR_COLUMNS]
TAHUNAN_BIDANG_NAMES = [name for name, _ in layout.TAHUNAN_BIDANG_COLUMNS if name]


@dataclass(frozen=True)
class Tahunan:
    """The year's result (the ``Tahunan`` tab): what the LKjIP and the PK evaluation are written from.

    ``indikator``: one row per indicator, columns of :data:`sheets.layout.TAHUNAN_INDIKATOR_COLUMNS`
    (the year's target, realisasi, capaian, predikat, pagu, realisasi anggaran, serapan, and the
    capaian of each TW); ``bidang``: one row per bidang, ``dinas``: one row for the whole dinas,
    both with the columns of :data:`sheets.layout.TAHUNAN_BIDANG_COLUMNS` (the average capaian of
    the year and of each TW, the count per predikat, pagu, realisasi anggaran, serapan).
    """

    indikator: pd.DataFrame
    bidang: pd.DataFrame
    dinas: pd.DataFrame


@dataclass(frozen=True)
class Rekap:
    """The frames of the dinas workbook for one period, up to TW ``tw``."""

    tw: int
    per_tw: dict[int, pd.DataFrame]
    ringkasan: pd.DataFrame
    dinas: pd.DataFrame
    chart: pd.DataFrame
    bidang_order: tuple[str, ...] = field(default=())
    tahunan: Tahunan | None = None


def _column(frame: pd.DataFrame, name: str, dtype: str = "float64") -> pd.Series:
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


def build_rekap(
    master: Master,
    tables: Mapping[str, pd.DataFrame],
    bidang_names: Mapping[str, str],
    tw: int,
    masters: Mapping[int, Master] | None = None,
) -> Rekap:
    """The dinas rekap up to TW ``tw`` from the approved typed tables of each bidang (keyed by kode).

    ``masters`` gives the master list each TW is measured against when a revision (APBD Perubahan)
    changed it during the year; a TW it lacks is measured against ``master``.
    """
    layout.tw_label(tw)
    lists = {k: (masters or {}).get(k, master) for k in range(1, tw + 1)}
    # Bidang in the settings' order first, then any other bidang of the master lists.
    present = {code for each in lists.values() for code in each.bidang_codes()}
    order = [code for code in bidang_names if code in present]
    order += [code for each in lists.values() for code in each.bidang_codes() if code not in order]
    order = list(dict.fromkeys(order))
    rank = {code: position for position, code in enumerate(order)}
    combined_of: dict[int, pd.DataFrame] = {}

    def combined_for(k: int) -> pd.DataFrame:
        # One frame per distinct list (a revision is one more), shared by the TWs measured against it.
        key = id(lists[k])
        if key not in combined_of:
            frame = _combined(lists[k], tables, bidang_names)
            combined_of[key] = frame.sort_values(
                by="kode_bidang", key=lambda codes: codes.map(rank), kind="stable"
            ).reset_index(drop=True)
        return combined_of[key]

    combined = combined_for(tw)
    per_tw: dict[int, pd.DataFrame] = {}
    ringkasan_parts = []
    dinas_parts = []
    for k in range(1, tw + 1):
        frame = indicator_frame(combined_for(k), k)
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
    tahunan = build_tahunan(combined, per_tw, ringkasan, dinas) if tw == 4 else None
    logger.info("rekap TW %d: %d indicators of %d bidang", tw, len(combined), len(order))
    return Rekap(
        tw=tw,
        per_tw=per_tw,
        ringkasan=ringkasan,
        dinas=dinas,
        chart=chart,
        bidang_order=tuple(order),
        tahunan=tahunan,
    )


def _trend(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Average capaian per TW as columns ``capaian_tw1..4``, one row per ``keys`` (one row when empty)."""
    result: pd.DataFrame | None = None
    for tw, label in layout.TW_LABELS.items():
        part = summary.loc[summary["triwulan"] == label, [*keys, "rata_rata_capaian"]]
        part = part.rename(columns={"rata_rata_capaian": f"capaian_tw{tw}"}).reset_index(drop=True)
        if result is None:
            result = part
        elif keys:
            result = result.merge(part, on=keys, how="outer", sort=False)
        else:
            result = pd.concat([result, part], axis=1)
    assert result is not None
    return result.astype({name: "float64" for name in CAPAIAN_TW_COLUMNS})


def _capaian_of(frame: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """``frame``'s capaian for each indicator of ``rows`` (by bidang, Kode and name: after an APBD
    Perubahan a TW measured against another list has other rows); NaN for one it lacks."""
    names = ["kode_bidang", "kode", "indikator"]
    found = dict(zip(zip(*(frame[n] for n in names), strict=True), frame["capaian"], strict=True))
    wanted = zip(*(rows[n] for n in names), strict=True)
    return pd.Series([found.get(identity, np.nan) for identity in wanted], index=rows.index, dtype="float64")


def build_tahunan(
    combined: pd.DataFrame, per_tw: Mapping[int, pd.DataFrame], ringkasan: pd.DataFrame, dinas: pd.DataFrame
) -> Tahunan:
    """The year from the TW IV rekap's frames (``combined``: master rows with every TW's values)."""
    tw4 = per_tw[4]
    target = target_series(_column(combined, "target_tahunan"), _column(combined, "target_tw4"))
    realisasi = tw4["realisasi_kumulatif"]
    capaian = capaian_series(target, realisasi, tw4["polaritas"])
    indikator = pd.DataFrame(
        {
            **{name: tw4[name] for name in ("kode_bidang", "bidang", "kode", "indikator", "satuan", "polaritas")},
            "jenis": tw4["jenis"],
            "target_tahunan": target,
            "realisasi_tahunan": realisasi,
            "capaian": capaian,
            "predikat": predikat_series(capaian),
            "catatan_capaian": catatan_series(target, realisasi),
            "pagu": tw4["pagu"],
            "anggaran_kumulatif": tw4["anggaran_kumulatif"],
            "serapan": tw4["serapan"],
            **{f"capaian_tw{k}": _capaian_of(per_tw[k], tw4) for k in TWS},
        },
        index=tw4.index,
    )[TAHUNAN_INDIKATOR_NAMES]
    by_bidang = summarize(indikator, ["kode_bidang", "bidang"])
    by_bidang = by_bidang.merge(_trend(ringkasan, ["kode_bidang", "bidang"]), on=["kode_bidang", "bidang"], how="left")
    whole = summarize(indikator, [])
    whole.insert(0, "bidang", layout.SELURUH_DINAS)
    whole.insert(0, "kode_bidang", "")
    whole = pd.concat([whole.reset_index(drop=True), _trend(dinas, [])], axis=1)
    return Tahunan(
        indikator=indikator.reset_index(drop=True),
        bidang=by_bidang[TAHUNAN_BIDANG_NAMES].reset_index(drop=True),
        dinas=whole[TAHUNAN_BIDANG_NAMES].reset_index(drop=True),
    )


def rows_for_sheet(frame: pd.DataFrame, columns: Sequence[tuple[str, str]] | None = None) -> list[list[Any]]:
    """Header plus one list per row; missing -> ``""``, floats at full precision.

    ``columns`` (frame column, label) pairs choose and label the columns, an empty name giving an
    empty column; by default every column of ``frame`` under the layout's label.
    """
    if columns is not None:
        frame = pd.DataFrame(
            {f"_{i}": frame[name] if name else pd.Series("", index=frame.index) for i, (name, _) in enumerate(columns)}
        )
        header = [label for _, label in columns]
    else:
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
