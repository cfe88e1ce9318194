"""The dinas rekap computed row by row in pure Python: the benchmark's peer for :mod:`sheets.aggregate`.

The same rules as :func:`sheets.aggregate.build_rekap`, one indicator at a time, through the
scalar rules of :mod:`sheets.capaian` (``target_periode``, ``nilai_periode``, ``hitung_capaian``,
``predikat``, ``catatan_capaian``, ``serapan_anggaran``); only the budget sum and the averages of
the summaries, which have no scalar rule there, are written out here. No pandas, no numpy.

:func:`assert_same` checks that both give the same figures (floats to 1e-9 relative: the two sum
in different orders), so the benchmark never reports the speed of a wrong answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sheets import layout
from sheets.aggregate import Rekap
from sheets.capaian import (
    PREDIKAT_LABELS,
    catatan_capaian,
    hitung_capaian,
    nilai_periode,
    predikat,
    serapan_anggaran,
    target_periode,
)
from sheets.master import Master

__all__ = ["RowRekap", "assert_same", "build_rekap_rows", "plain_tables"]

TWS = tuple(layout.TW_LABELS)
Row = dict[str, Any]


@dataclass(frozen=True)
class RowRekap:
    """The rekap as lists of dicts, keyed like the columns of :class:`sheets.aggregate.Rekap`'s frames."""

    tw: int
    per_tw: dict[int, list[Row]]
    ringkasan: list[Row]
    dinas: list[Row]
    chart: list[Row]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def plain_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[Row]]:
    """The typed tables as plain Python rows (missing -> None); the peer's input form."""
    result = {}
    for kode, table in tables.items():
        rows = table.astype(object).to_dict("records")
        result[kode] = [{name: (None if _missing(value) else value) for name, value in row.items()} for row in rows]
    return result


def _sum(values: Sequence[float | None]) -> float | None:
    """Sum of the present values; None when none is present (pandas' ``min_count=1``)."""
    total = None
    for value in values:
        if value is not None:
            total = value if total is None else total + value
    return total


def _summary(rows: Sequence[Row]) -> Row:
    capaian = [r["capaian"] for r in rows if r["capaian"] is not None]
    mean = sum(capaian) / len(capaian) if capaian else None
    counts = dict.fromkeys(PREDIKAT_LABELS, 0)
    for row in rows:
        if row["predikat"] is not None:
            counts[row["predikat"]] += 1
    pagu = _sum([r["pagu"] for r in rows])
    anggaran = _sum([r["anggaran_kumulatif"] for r in rows])
    return {
        "jumlah_indikator": len(rows),
        "indikator_dinilai": len(capaian),
        "rata_rata_capaian": mean,
        "predikat": predikat(mean),
        **{label.casefold().replace(" ", "_"): counts[label] for label in PREDIKAT_LABELS},
        "pagu": pagu,
        "anggaran_kumulatif": anggaran,
        "serapan": serapan_anggaran(anggaran, pagu),
    }


def build_rekap_rows(
    master: Master, tables: Mapping[str, Sequence[Row]], bidang_names: Mapping[str, str], tw: int
) -> RowRekap:
    """The dinas rekap up to TW ``tw``, one indicator at a time."""
    layout.tw_label(tw)
    codes = master.bidang_codes()
    order = [code for code in bidang_names if code in codes]
    order += [code for code in codes if code not in order]
    lookup: dict[str, dict[str, Row]] = {}
    for kode, rows in tables.items():
        by_key: dict[str, Row] = {}
        for row in rows:
            by_key.setdefault(str(row["key"]), row)  # the first of a duplicated key wins
        lookup[kode] = by_key

    per_tw: dict[int, list[Row]] = {k: [] for k in range(1, tw + 1)}
    for kode in order:
        nama = bidang_names.get(kode, kode)
        values_of = lookup.get(kode, {})
        for item in master.for_bidang(kode):
            values = values_of.get(item.key, {})
            realisasi = [values.get(f"realisasi_tw{t}") for t in TWS]
            anggaran = [values.get(f"anggaran_tw{t}") for t in TWS]
            targets: dict[str, float | None] = {"target_tahunan": item.target_tahunan}
            targets.update({f"target_tw{t}": item.target_tw[t - 1] for t in TWS})
            for k in range(1, tw + 1):
                target = target_periode(targets, k)
                kumulatif = nilai_periode(realisasi, item.jenis, k)
                capaian = hitung_capaian(target, kumulatif, item.polaritas)
                anggaran_kumulatif = _sum(anggaran[:k])
                kendala = values.get(f"kendala_tw{k}", values.get("kendala"))
                per_tw[k].append(
                    {
                        "kode_bidang": kode,
                        "bidang": nama,
                        "kode": item.kode,
                        "program": item.program,
                        "indikator": item.indikator,
                        "satuan": item.satuan,
                        "polaritas": str(item.polaritas),
                        "jenis": str(item.jenis),
                        "target": target,
                        "realisasi_periode": realisasi[k - 1],
                        "realisasi_kumulatif": kumulatif,
                        "capaian": capaian,
                        "predikat": predikat(capaian),
                        "catatan_capaian": catatan_capaian(target, kumulatif),
                        "pagu": item.pagu,
                        "anggaran_periode": anggaran[k - 1],
                        "anggaran_kumulatif": anggaran_kumulatif,
                        "serapan": serapan_anggaran(anggaran_kumulatif, item.pagu),
                        "kendala": None if _missing(kendala) else str(kendala),
                    }
                )

    ringkasan: list[Row] = []
    dinas: list[Row] = []
    for k in range(1, tw + 1):
        label = layout.TW_LABELS[k]
        groups: dict[str, list[Row]] = {}
        for row in per_tw[k]:
            groups.setdefault(row["kode_bidang"], []).append(row)
        for kode, rows in groups.items():
            ringkasan.append({"kode_bidang": kode, "bidang": rows[0]["bidang"], "triwulan": label, **_summary(rows)})
        dinas.append({"triwulan": label, **_summary(per_tw[k])})
    latest = layout.TW_LABELS[tw]
    chart = [
        {
            "kode_bidang": r["kode_bidang"],
            "bidang": r["bidang"],
            "capaian": r["rata_rata_capaian"],
            "predikat": r["predikat"],
        }
        for r in ringkasan
        if r["triwulan"] == latest
    ]
    return RowRekap(tw=tw, per_tw=per_tw, ringkasan=ringkasan, dinas=dinas, chart=chart)


# --- the equality check --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if value is pd.NA or _missing(value):
        return None
    return value


def _same(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def _compare(what: str, frame: pd.DataFrame, rows: Sequence[Row]) -> None:
    records = frame.to_dict("records")
    if len(records) != len(rows):
        raise AssertionError(f"{what}: {len(records)} rows (vectorised) vs {len(rows)} (row by row)")
    for index, (left, right) in enumerate(zip(records, rows, strict=True)):
        if set(left) != set(right):
            raise AssertionError(f"{what}: columns differ: {sorted(set(left) ^ set(right))}")
        for name, value in left.items():
            if not _same(value, right[name]):
                raise AssertionError(
                    f"{what}, row {index}, column {name}: {value!r} (vectorised) vs {right[name]!r} (row by row)"
                )


def assert_same(product: Rekap, rows: RowRekap) -> None:
    """AssertionError naming the first figure where the two implementations differ."""
    if sorted(product.per_tw) != sorted(rows.per_tw):
        raise AssertionError(f"TW tabs differ: {sorted(product.per_tw)} vs {sorted(rows.per_tw)}")
    for k, frame in product.per_tw.items():
        _compare(f"TW {k}", frame, rows.per_tw[k])
    _compare("Ringkasan", product.ringkasan, rows.ringkasan)
    _compare("dinas", product.dinas, rows.dinas)
    _compare("chart", product.chart, rows.chart)
