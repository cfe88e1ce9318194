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

:func:`rows_for_sheet` turns any of these frames into sheet rows under the layout's labels;
:func:`rows_with_sizes` also counts each row's bytes in a request body (for the 2 MB cut).
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Collection, Iterator, KeysView, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING, Any, Protocol

from sheets import layout
from sheets.capaian import (
    PREDIKAT_LABELS,
    capaian_series,
    catatan_series,
    distinct_objects,
    factorize_objects,
    nilai_periode_frame,
    predikat_series,
    serapan_series,
    target_series,
)
from sheets.json_sizes import SeenColumns, float_repr_lengths, int_json_lengths, str_json_lengths
from sheets.master import Master

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PREDIKAT_COLUMNS",
    "Rekap",
    "Tahunan",
    "build_rekap",
    "build_tahunan",
    "indicator_frame",
    "rows_for_sheet",
    "rows_with_sizes",
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
        copy=False,  # the columns are new or the input's own (copy-on-write): no second copy of each
    )
    return frame[REKAP_TW_NAMES]


def _identity_codes(frame: pd.DataFrame, by: list[str]) -> Any:
    """Per row, the number of its combination of ``by``'s values (in order of first appearance)."""
    import numpy as np
    import pandas as pd

    codes = np.zeros(len(frame), dtype="int64")
    for name in by:  # one column at a time (hashing a column is fast, a MultiIndex is not)
        column, count = _numbered(frame[name])
        # Renumbered after each column: the product of the columns' distinct counts could overflow.
        codes, _ = pd.factorize(codes * max(count, 1) + column)
    return np.asarray(codes, dtype="int64")


def _numbered(series: pd.Series) -> tuple[Any, int]:
    """``pandas.factorize(series, use_na_sentinel=False)``'s numbers and how many: a text column by way
    of its distinct objects (the master frame's texts are shared, a few hundred per column)."""
    import pandas as pd

    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        column, uniques = factorize_objects(series.to_numpy(dtype=object))
    else:
        column, uniques = pd.factorize(series, use_na_sentinel=False)
    return column, len(uniques)


def _group_codes(frame: pd.DataFrame, by: list[str]) -> tuple[Any, pd.DataFrame]:
    """Per row, its group's number (groups in order of first appearance), and each group's keys."""
    import numpy as np
    import pandas as pd

    if not by:
        return np.zeros(len(frame), dtype="int64"), pd.DataFrame(index=range(1))
    codes = _identity_codes(frame, by)
    first = np.unique(codes, return_index=True)[1]
    keys = frame[by].iloc[np.sort(first)].reset_index(drop=True)
    return codes, keys


def summarize(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Ringkasan figures of an :func:`indicator_frame`, grouped by ``by`` (may be empty: one row).

    Sums and counts per group with ``numpy.bincount`` over the rows' group numbers: one pass per
    figure whatever the number of bidang (a ``groupby`` per figure took longer than the rest).
    """
    return _summaries(frame, [(by, *_group_codes(frame, by))])[0]


Grouping = tuple[list[str], Any, "pd.DataFrame"]
"""The columns grouped by, each row's group number and the groups' keys (:func:`_group_codes`)."""


def _summaries(frame: pd.DataFrame, groupings: Sequence[Grouping]) -> list[pd.DataFrame]:
    """:func:`summarize` of ``frame`` for each grouping (a TW per bidang and for the dinas): the rows'
    figures are read once for all of them."""
    import numpy as np
    import pandas as pd

    capaian = frame["capaian"].to_numpy(dtype="float64", na_value=np.nan)
    rated = ~np.isnan(capaian)
    rated_capaian = np.where(rated, capaian, 0.0)
    # Each row's predikat as the number of its label (-1: none): the column holds a few distinct
    # objects, each compared with the labels once instead of every row with every label.
    predikat = frame["predikat"].to_numpy(dtype=object)
    objects, first = distinct_objects(predikat)
    labels = list(PREDIKAT_COLUMNS)
    numbers = [next((n for n, label in enumerate(labels) if value == label), -1) for value in predikat[first]]
    band = np.array(numbers, dtype=np.int64)[objects]
    present: dict[str, tuple[Any, Any]] = {}
    for column in ("pagu", "anggaran_kumulatif"):
        values = frame[column].to_numpy(dtype="float64", na_value=np.nan)
        known = ~np.isnan(values)
        present[column] = (np.where(known, values, 0.0), known.astype("float64"))
    rated_count = rated.astype("float64")
    width = len(labels) + 1  # a row's predikat number + 1: 0 for none
    results = []
    for by, codes, keys in groupings:
        groups = len(keys)

        def total(values: Any, codes: Any = codes, groups: int = groups) -> Any:
            return np.bincount(codes, weights=values, minlength=groups)

        dinilai = total(rated_count)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(dinilai > 0, total(rated_capaian) / np.maximum(dinilai, 1), np.nan)
        # One count per (group, predikat) pair.
        counts = np.bincount(codes * width + band + 1, minlength=groups * width).reshape(groups, width)
        pagu, anggaran = (np.where(total(known) > 0, total(values), np.nan) for values, known in present.values())
        index = pd.RangeIndex(groups)  # the keys' own (numbered from 0)
        average = pd.Series(mean.astype("float64"), index=index)
        columns: dict[str, Any] = {name: keys[name] for name in by}
        columns["jumlah_indikator"] = np.bincount(codes, minlength=groups).astype("int64")
        columns["indikator_dinilai"] = dinilai.astype("int64")
        columns["rata_rata_capaian"] = average
        for number, column in enumerate(PREDIKAT_COLUMNS.values(), start=1):
            columns[column] = counts[:, number].astype("int64")
        columns["pagu"] = pagu  # sum(min_count=1)
        columns["anggaran_kumulatif"] = anggaran
        columns["predikat"] = predikat_series(average)
        columns["serapan"] = serapan_series(pd.Series(anggaran, index=index), pd.Series(pagu, index=index))
        # One frame made at once (adding the columns one by one cost more than the sums).
        results.append(pd.DataFrame(columns, index=index, copy=False))
    return results


VALUE_COLUMNS = (*REALISASI_COLUMNS, *ANGGARAN_COLUMNS)


@dataclass
class _Aligned:
    """Values of the approved tables placed on the master list's rows (NaN/None where none was approved)."""

    numbers: dict[str, Any]
    texts: dict[str, Any]


def _as_floats(values: Sequence[Any]) -> Any:
    import numpy as np
    import pandas as pd

    try:
        return np.asarray(values, dtype="float64")  # None -> NaN
    except (TypeError, ValueError):  # text where a number belongs: not a figure
        return pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype="float64")


def _aligned(
    master: Master, base: pd.DataFrame, parts: Sequence[tuple[str, Collection[str], Mapping[str, Sequence[Any]]]]
) -> _Aligned:
    """Put each part's values (bidang kode, keys, columns of values) on ``base``'s rows (``master``'s frame).

    Each key is looked up in the master's (bidang -> key -> row) table, built once per list; the
    first of a key given twice for a bidang wins, a key the master list lacks is left out (as a
    left merge).
    """
    import numpy as np
    import pandas as pd

    rows = len(base)
    numbers = {name: np.full(rows, np.nan) for name in VALUE_COLUMNS}
    texts = {name: np.full(rows, None, dtype=object) for name in KENDALA_COLUMNS}
    if not parts:
        return _Aligned(numbers, texts)
    key_rows = master.key_rows()
    if key_rows is None:
        raise ValueError("the master list names an indicator twice for one bidang")
    # Per bidang, the keys of its last part and where they go: its snapshots of the other TWs
    # usually name the same keys in the same order, found again by comparing them.
    placed: dict[str, tuple[list[str], Any, Any, bool]] = {}
    for kode_bidang, keys, columns in parts:
        listed = list(keys)
        last = placed.get(kode_bidang)
        if last is not None and last[0] == listed:
            _, target, keep, every = last
        else:
            rows_of = key_rows.get(kode_bidang, {})
            positions = np.fromiter(map(rows_of.get, listed, repeat(-1)), dtype=np.int64, count=len(listed))
            keep = positions >= 0
            # Within one table a key given twice: its first row counts (the tables of several TWs of
            # one bidang, from the snapshots, each hold every key once and fill different columns; a
            # snapshot's keys are a dict's).
            if not isinstance(keys, KeysView) and len(set(listed)) < len(listed):
                keep &= ~pd.Index(listed).duplicated(keep="first")
            every = bool(keep.all())  # every key on the list (as usual): no values to leave out
            target = positions if every else positions[keep]
            placed[kode_bidang] = (listed, target, keep, every)
        for name, values in columns.items():
            if name in numbers:
                floats = _as_floats(values)
                numbers[name][target] = floats if every else floats[keep]
            elif name in texts:
                # fromiter: each value one object as it is (asarray looks into every value for a sequence).
                objects = np.fromiter(values, dtype=object, count=len(values))
                texts[name][target] = objects if every else objects[keep]
        logger.debug("rekap: %d values of %s placed", len(target), kode_bidang)
    return _Aligned(numbers, texts)


def _table_parts(tables: Mapping[str, pd.DataFrame]) -> list[tuple[str, Collection[str], dict[str, Sequence[Any]]]]:
    """Each typed table as (bidang kode, keys, its value and kendala columns as lists)."""
    import numpy as np

    parts = []
    for kode_bidang, table in tables.items():
        keys = table["key"].astype("str").tolist()
        columns: dict[str, Sequence[Any]] = {}
        for name in VALUE_COLUMNS:
            if name in table.columns:
                columns[name] = table[name].to_numpy(dtype="float64", na_value=np.nan).tolist()
        for tw, name in zip(TWS, KENDALA_COLUMNS, strict=True):
            source = name if name in table.columns else "kendala"
            if source in table.columns:
                columns[f"kendala_tw{tw}"] = table[source].astype("str").to_numpy(dtype=object, na_value=None).tolist()
        parts.append((kode_bidang, keys, columns))
    return parts


def _combined(base: pd.DataFrame, aligned: _Aligned, bidang_names: Mapping[str, str]) -> pd.DataFrame:
    import pandas as pd

    combined = base
    for name, values in aligned.numbers.items():
        combined[name] = values
    for name, texts in aligned.texts.items():
        combined[name] = pd.Series(texts, index=combined.index, dtype="str")
    # Each bidang's name looked up once per distinct kode object (the master frame shares them),
    # then taken for every row.
    codes = combined["kode_bidang"].to_numpy(dtype=object)
    objects, first = distinct_objects(codes)
    names = pd.array([bidang_names.get(code, code) for code in codes[first]], dtype="str")
    combined["bidang"] = pd.Series(names.take(objects), index=combined.index, copy=False)
    return combined


Parts = list[tuple[str, Collection[str], dict[str, Sequence[Any]]]]


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
    return _rekap(master, _table_parts(tables), bidang_names, tw, masters)


def build_rekap_from_snapshots(
    master: Master,
    snapshots: Sequence[SnapshotValues],
    bidang_names: Mapping[str, str],
    tw: int,
    masters: Mapping[int, Master] | None = None,
) -> Rekap:
    """The dinas rekap up to TW ``tw`` straight from the approved snapshots (no table per bidang).

    The same figures as ``build_rekap(master, tables_from_snapshots(snapshots), ...)``: the
    snapshots' values are placed on the master list's rows in one pass, so the cost grows with
    the indicators, not with a pandas frame per bidang.
    """
    return _rekap(master, _snapshot_parts(snapshots), bidang_names, tw, masters)


def _rekap(
    master: Master,
    parts: Parts,
    bidang_names: Mapping[str, str],
    tw: int,
    masters: Mapping[int, Master] | None,
) -> Rekap:
    import numpy as np
    import pandas as pd

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
            base = lists[k].frame().rename(columns={"bidang": "kode_bidang"})
            frame = _combined(base, _aligned(lists[k], base, parts), bidang_names)
            codes = frame["kode_bidang"].to_numpy(dtype=object)
            objects, first = distinct_objects(codes)  # a rank looked up per distinct kode object
            ranks = np.array([rank.get(code, np.nan) for code in codes[first]])[objects]
            if (ranks[1:] >= ranks[:-1]).all():  # the list already in the settings' order
                combined_of[key] = frame.reset_index(drop=True)
            else:
                positions = np.argsort(ranks, kind="stable")
                combined_of[key] = frame.take(positions).reset_index(drop=True)
        return combined_of[key]

    groups_of: dict[int, Grouping] = {}

    def by_bidang(k: int, frame: pd.DataFrame) -> Grouping:
        # The TWs measured against one list have its rows in the same order: their bidang are
        # numbered once.
        key = id(lists[k])
        if key not in groups_of:
            groups_of[key] = (BIDANG, *_group_codes(frame, BIDANG))
        return groups_of[key]

    combined = combined_for(tw)
    per_tw: dict[int, pd.DataFrame] = {}
    ringkasan_parts = []
    dinas_parts = []
    for k in range(1, tw + 1):
        frame = indicator_frame(combined_for(k), k)
        per_tw[k] = frame
        bidang, whole = _summaries(frame, [by_bidang(k, frame), ([], *_group_codes(frame, []))])
        bidang.insert(2, "triwulan", pd.Series(layout.TW_LABELS[k], index=bidang.index, dtype="str"))
        ringkasan_parts.append(bidang)
        whole.insert(0, "triwulan", pd.Series(layout.TW_LABELS[k], index=whole.index, dtype="str"))
        dinas_parts.append(whole)
    ringkasan = pd.concat(ringkasan_parts, ignore_index=True)[RINGKASAN_NAMES]
    dinas = pd.concat(dinas_parts, ignore_index=True)[DINAS_NAMES]
    latest = ringkasan[ringkasan["triwulan"] == layout.TW_LABELS[tw]]
    chart = latest.rename(columns={"rata_rata_capaian": "capaian"})[CHART_NAMES].reset_index(drop=True)
    tahunan = _tahunan(combined, per_tw, ringkasan, dinas, by_bidang(4, per_tw[4])) if tw == 4 else None
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


def _cells(series: pd.Series) -> Any:
    """A column as sheet cells (an object array): Python int/float/str, missing and non-finite numbers as ``""``."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        cells = values.astype(object)  # Python floats
        cells[~np.isfinite(values)] = ""
        return cells
    if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
        cells = np.empty(len(series), dtype=object)
        cells[:] = series.to_numpy().tolist()  # Python ints
        return cells
    return series.to_numpy(dtype=object, na_value="")


@dataclass(frozen=True)
class _Cells:
    """A column as sheet cells, ``table[codes]`` (``codes`` None: ``table`` itself), and each cell's
    bytes in a request body's JSON (``sizes``, one per cell)."""

    table: Any
    codes: Any
    sizes: Any

    def into(self, out: Any) -> None:
        """Write the cells into ``out`` (an object array as long as the column)."""
        import numpy as np

        if self.codes is None:
            out[:] = self.table
        else:  # every code is a position in the table: "clip" takes them without a buffer
            np.take(self.table, self.codes, out=out, mode="clip")


def _cells_and_sizes(series: pd.Series, seen: SeenColumns) -> _Cells:
    """A column's cells (as :func:`_cells` makes them) and each one's bytes in a request body's JSON.

    Worked out once per content: the dinas tabs repeat columns (every ``TW n`` tab holds the
    master list's texts and the pagu, the ``Tahunan`` tab each TW's capaian). A column is
    recognised by its values as the frame holds them (a float column's bits, a text column's
    objects), so the same cells serve each tab.
    """
    import numpy as np
    import pandas as pd

    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        floats: _Cells = seen.column("float", values.view(np.int64), lambda: _float_cells(values))
        return floats
    if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
        numbers = series.to_numpy(dtype="int64")
        ints: _Cells = seen.column("int", numbers, lambda: _int_cells(numbers))
        return ints
    held = series.to_numpy(dtype=object)  # the column's own objects, NA as they are held
    objects: _Cells = seen.column(str(series.dtype), held, lambda: _object_cells(held))
    return objects


def _float_cells(values: Any) -> _Cells:
    """Cells and sizes of a float column: each distinct double made a Python float and measured once.

    Distinct by its bits (0.0 and -0.0 print differently); a figure column repeats its values
    (the realisasi of a regency hold a few thousand distinct numbers), and its cells then share
    a few thousand float objects instead of holding one each. Non-finite numbers are ``""``.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values.view(np.int64))
    doubles = uniques.view(np.float64)
    finite = np.isfinite(doubles)
    cells = doubles.astype(object)  # Python floats
    cells[~finite] = ""
    sizes = np.full(len(doubles), 2, dtype=np.int64)  # ""
    sizes[finite] = float_repr_lengths(doubles[finite])
    return _Cells(cells, codes, sizes[codes])


def _int_cells(numbers: Any) -> _Cells:
    """Cells (Python ints) and sizes of an integer column."""
    import numpy as np

    listed = numbers.tolist()
    cells = np.empty(len(listed), dtype=object)
    cells[:] = listed
    return _Cells(cells, None, int_json_lengths(listed))


def _object_cells(held: Any) -> _Cells:
    """Cells and sizes of a text (or object) column's objects, missing as ``""``: each distinct object
    looked at once.

    A text column holds a few texts many times over (a predikat, a note, the one missing value of
    every empty cell), each cell referring to one of them: each is checked for missing and
    measured once, and the cells refer to the same objects.
    """
    import numpy as np
    import pandas as pd

    codes, first = distinct_objects(held)
    distinct = held[first]
    distinct[pd.isna(distinct)] = ""  # as to_numpy(na_value="") writes a missing value
    try:
        lengths = str_json_lengths(distinct.tolist())
    except TypeError:  # not all text: each cell on its own
        lengths = np.fromiter(map(len, map(json.dumps, distinct.tolist())), dtype=np.int64, count=len(distinct))
    return _Cells(distinct, codes, lengths[codes])


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while the block builds many objects that all stay alive.

    Every list created counts towards the collector's next run, which then walks everything still
    alive: building the rows of a regency's tabs (hundreds of thousands of lists) spent three
    quarters of its time there, finding nothing. Reference counting still frees what dies; the
    collector runs again afterwards. (A caller that switched it off keeps it off.)

    What the block built is then handed to the collector as old: ``gc.freeze()`` followed at once
    by ``gc.unfreeze()`` moves every tracked object into the oldest generation without walking
    any. Left young, the rows would be walked by the next young collection and again by the one
    after it (about 0.1 s each at regency scale, finding nothing), and counted as newly old
    objects towards a full collection. Cyclic garbage made meanwhile waits for the next full
    collection. Skipped when the process froze objects itself (unfreezing would undo that).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _trend(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Average capaian per TW as columns ``capaian_tw1..4``, one row per ``keys`` (one row when empty)."""
    import pandas as pd

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


IDENTITY = ["kode_bidang", "kode", "indikator"]
BIDANG = ["kode_bidang", "bidang"]


def _same_objects(left: Any, right: Any) -> bool:
    """Whether two object arrays hold equal values: at once when they are the same memory (the TWs
    measured against one list share their identity columns), else compared value by value."""
    import numpy as np

    same_memory = left.__array_interface__["data"][0] == right.__array_interface__["data"][0]
    if same_memory and left.shape == right.shape and left.strides == right.strides:
        return True
    return bool(np.array_equal(left, right))


def _capaian_of(frame: pd.DataFrame, rows: pd.DataFrame, rows_codes: Any) -> pd.Series:
    """``frame``'s capaian for each indicator of ``rows`` (by bidang, Kode and name: after an APBD
    Perubahan a TW measured against another list has other rows); NaN for one it lacks.

    An identity ``frame`` holds twice gives its last row's capaian (as a dict built from the rows
    would). Matched by number: ``rows_codes`` are ``rows``' identities numbered
    (:func:`_identity_codes`); a ``frame`` with the same identities row for row (measured against
    the same list) shares them, another one is numbered together with ``rows``.
    """
    import numpy as np
    import pandas as pd

    same = len(frame) == len(rows) and all(
        _same_objects(frame[name].to_numpy(dtype=object), rows[name].to_numpy(dtype=object)) for name in IDENTITY
    )
    if same and (not len(rows_codes) or rows_codes.max() + 1 == len(rows_codes)):
        # The same rows, each identity once (the numbers run 0 .. n-1): each row's own capaian.
        return pd.Series(frame["capaian"].to_numpy(dtype="float64", na_value=np.nan), index=rows.index, dtype="float64")
    if same:
        known, wanted = rows_codes, rows_codes
    else:
        codes = _identity_codes(pd.concat([frame[IDENTITY], rows[IDENTITY]], ignore_index=True), IDENTITY)
        known, wanted = codes[: len(frame)], codes[len(frame) :]
    # Each identity's last row in ``frame``: its first in the reversed rows.
    identities, first_reversed = np.unique(known[::-1], return_index=True)
    row_of = np.full(int(max(known.max(initial=-1), wanted.max(initial=-1))) + 1, -1, dtype="int64")
    row_of[identities] = len(frame) - 1 - first_reversed
    # Position -1 picks the NaN appended after the capaian: an identity ``frame`` lacks.
    capaian = np.append(frame["capaian"].to_numpy(dtype="float64", na_value=np.nan), np.nan)
    return pd.Series(capaian[row_of[wanted]], index=rows.index, dtype="float64")


def build_tahunan(
    combined: pd.DataFrame, per_tw: Mapping[int, pd.DataFrame], ringkasan: pd.DataFrame, dinas: pd.DataFrame
) -> Tahunan:
    """The year from the TW IV rekap's frames (``combined``: master rows with every TW's values)."""
    return _tahunan(combined, per_tw, ringkasan, dinas, (BIDANG, *_group_codes(per_tw[4], BIDANG)))


def _tahunan(
    combined: pd.DataFrame,
    per_tw: Mapping[int, pd.DataFrame],
    ringkasan: pd.DataFrame,
    dinas: pd.DataFrame,
    by_bidang: Grouping,
) -> Tahunan:
    """:func:`build_tahunan`, with TW IV's rows grouped per bidang given (the year's rows are TW IV's)."""
    import pandas as pd

    tw4 = per_tw[4]
    codes = _identity_codes(tw4, IDENTITY)
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
            **{f"capaian_tw{k}": _capaian_of(per_tw[k], tw4, codes) for k in TWS},
        },
        index=tw4.index,
        copy=False,  # TW IV's columns as they are (copy-on-write), the new ones made here
    )[TAHUNAN_INDIKATOR_NAMES]
    bidang, whole = _summaries(indikator, [by_bidang, ([], *_group_codes(indikator, []))])
    bidang = bidang.merge(_trend(ringkasan, BIDANG), on=BIDANG, how="left")
    whole.insert(0, "bidang", layout.SELURUH_DINAS)
    whole.insert(0, "kode_bidang", "")
    whole = pd.concat([whole.reset_index(drop=True), _trend(dinas, [])], axis=1)
    return Tahunan(
        indikator=indikator.reset_index(drop=True),
        bidang=bidang[TAHUNAN_BIDANG_NAMES].reset_index(drop=True),
        dinas=whole[TAHUNAN_BIDANG_NAMES].reset_index(drop=True),
    )


def rows_for_sheet(frame: pd.DataFrame, columns: Sequence[tuple[str, str]] | None = None) -> list[list[Any]]:
    """Header plus one list per row; missing and non-finite numbers -> ``""``, floats at full precision.

    ``columns`` (frame column, label) pairs choose and label the columns, an empty name giving an
    empty column; by default every column of ``frame`` under the layout's label. Built a column at
    a time (one conversion per column, then numpy lays the rows out): the TW tabs of a regency
    hold hundreds of thousands of cells.
    """
    return _rows(frame, columns, None)[0]


def rows_with_sizes(
    frame: pd.DataFrame, columns: Sequence[tuple[str, str]] | None = None, seen: SeenColumns | None = None
) -> tuple[list[list[Any]], Any]:
    """:func:`rows_for_sheet` and each row's bytes in a request body (``json.dumps`` of the row), as int64.

    The sizes are counted per column (:mod:`sheets.json_sizes`), not by writing the JSON;
    ``seen`` measures a column the earlier tabs already had only once.
    """
    rows, sizes = _rows(frame, columns, seen or SeenColumns())
    assert sizes is not None
    return rows, sizes


def _rows(
    frame: pd.DataFrame, columns: Sequence[tuple[str, str]] | None, seen: SeenColumns | None
) -> tuple[list[list[Any]], Any]:
    import numpy as np

    if columns is not None:
        header = [label for _, label in columns]
        chosen: list[pd.Series | None] = [frame[name] if name else None for name, _ in columns]
    else:
        labels = layout.label_map()
        header = [labels.get(str(column), str(column)) for column in frame.columns]
        chosen = [frame.iloc[:, position] for position in range(frame.shape[1])]
    # Column by column into a grid laid out a column after the other (each written in one run),
    # read back row by row.
    grid = np.empty((len(chosen), len(frame)), dtype=object)
    sizes = None
    if seen is not None:
        # "[a, b, c]": the cells, a separator between two, the brackets.
        sizes = np.full(len(frame), 2 * max(len(chosen) - 1, 0) + 2, dtype=np.int64)
    for position, series in enumerate(chosen):
        if series is None:
            grid[position] = ""
            if sizes is not None:
                sizes += 2
            continue
        if seen is None:
            grid[position] = _cells(series)
            continue
        cells = _cells_and_sizes(series, seen)
        cells.into(grid[position])
        if sizes is not None:
            sizes += cells.sizes
    if not chosen:  # no columns: the header alone, as before
        grid, sizes = np.empty((0, 0), dtype=object), None if seen is None else np.zeros(0, dtype=np.int64)
    with without_cycle_collection():
        rows: list[list[Any]] = [header, *grid.T.tolist()]
    if sizes is not None:
        sizes = np.concatenate([np.array([len(json.dumps(header))], dtype=np.int64), sizes])
    return rows, sizes


class SnapshotValues(Protocol):
    """What the tables are read from: one bidang's approved values of one TW (``sheets.facts.SnapshotData``)."""

    @property
    def bidang(self) -> str: ...
    @property
    def tw(self) -> int: ...
    @property
    def values(self) -> Mapping[str, Any]: ...


def _snapshot_parts(
    snapshots: Sequence[SnapshotValues],
) -> list[tuple[str, Collection[str], dict[str, Sequence[Any]]]]:
    """Each snapshot as (bidang kode, its keys (a dict's: each once), its TW's realisasi/anggaran/kendala as lists)."""
    parts: list[tuple[str, Collection[str], dict[str, Sequence[Any]]]] = []
    for snapshot in snapshots:
        entries = snapshot.values.get("indikator", {}) if isinstance(snapshot.values, Mapping) else {}
        tw = snapshot.tw
        values = entries.values()
        # One list per field: a regency's year holds hundreds of thousands of entries, and
        # transposing (realisasi, anggaran, kendala) triples with zip(*...) cost twice the reading.
        columns: dict[str, Sequence[Any]] = {
            f"realisasi_tw{tw}": [entry.get("realisasi") for entry in values],
            f"anggaran_tw{tw}": [entry.get("anggaran") for entry in values],
            f"kendala_tw{tw}": [entry.get("kendala") or None for entry in values],
        }
        parts.append((snapshot.bidang, entries.keys(), columns))
    return parts


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
