"""The capaian rules of DESIGN.md section 4, in one place: formulas, predikat bands and labels.

Scalar functions serve single indicators (validation, Telegram texts); the ``*_series`` and
``*_frame`` functions apply the very same rules to whole pandas columns for the rekap, without
Python loops over indicators. The worked-example table in ``tests/domain/test_capaian.py``
checks both against each other.

- Capaian (%) = R / T x 100 for Positif; (2T - R) / T x 100 for Negatif, floored at 0.
  T = 0, negative or missing, or R missing: no capaian (``None``), with a note, never a
  division error.
- Predikat: >= 91 Sangat Tinggi, >= 76 Tinggi, >= 66 Sedang, >= 51 Rendah, else Sangat Rendah.
- Period value by Jenis Indikator: Kumulatif = sum of the reported TWs so far, Nilai Akhir =
  the latest reported TW, Rata-rata = mean of the reported TWs; ``None`` when none reported.
- Target for TW n: ``Target TW n`` if filled (cumulative up to that TW), else Target Tahunan.
- Serapan anggaran (%) = cumulative realisasi anggaran / pagu x 100.

Full precision is kept; rounding is display only (:mod:`sheets.formatting`).

:func:`distinct_objects` and :func:`factorize_objects` number a column's values by way of the
objects it refers to: the columns parsed here (and the rekap's texts) hold a few of them.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sheets.numbers import DomainError, parse_angka

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "BATAS_PREDIKAT",
    "CATATAN_REALISASI_KOSONG",
    "CATATAN_TARGET_KOSONG",
    "CATATAN_TARGET_NOL",
    "PREDIKAT_LABELS",
    "SANGAT_RENDAH",
    "Jenis",
    "NilaiTidakDikenal",
    "Polaritas",
    "capaian_series",
    "catatan_capaian",
    "catatan_series",
    "distinct_objects",
    "factorize_objects",
    "hitung_capaian",
    "nilai_periode",
    "nilai_periode_frame",
    "parse_jenis",
    "parse_polaritas",
    "predikat",
    "predikat_series",
    "serapan_anggaran",
    "serapan_series",
    "target_periode",
    "target_series",
]

TRIWULAN = (1, 2, 3, 4)


class NilaiTidakDikenal(DomainError, ValueError):
    """A Polaritas, Jenis Indikator or triwulan that the rules do not know."""


class Polaritas(StrEnum):
    """Which direction is better for an indicator."""

    POSITIF = "Positif"
    NEGATIF = "Negatif"


class Jenis(StrEnum):
    """How the quarterly values of an indicator add up to the period value."""

    KUMULATIF = "Kumulatif"
    NILAI_AKHIR = "Nilai Akhir"
    RATA_RATA = "Rata-rata"


def _normal(text: str) -> str:
    # "Rata-Rata", "rata rata", " NILAI  AKHIR " all name the same thing.
    return re.sub(r"[^a-z]", "", text.casefold())


_POLARITAS = {_normal(p.value): p for p in Polaritas}
_JENIS = {_normal(j.value): j for j in Jenis}


def parse_polaritas(value: Any) -> Polaritas:
    """``"positif"``, ``" Negatif "`` -> :class:`Polaritas`; anything else: :class:`NilaiTidakDikenal`."""
    if isinstance(value, Polaritas):
        return value
    if isinstance(value, str) and _normal(value) in _POLARITAS:
        return _POLARITAS[_normal(value)]
    raise NilaiTidakDikenal(f'Polaritas "{value}" tidak dikenal; gunakan "Positif" atau "Negatif"')


def parse_jenis(value: Any) -> Jenis:
    """``"rata rata"``, ``"NILAI AKHIR"`` -> :class:`Jenis`; anything else: :class:`NilaiTidakDikenal`."""
    if isinstance(value, Jenis):
        return value
    if isinstance(value, str) and _normal(value) in _JENIS:
        return _JENIS[_normal(value)]
    raise NilaiTidakDikenal(
        f'Jenis Indikator "{value}" tidak dikenal; gunakan "Kumulatif", "Nilai Akhir" atau "Rata-rata"'
    )


def _check_tw(tw: Any) -> int:
    # numbers.Integral: int and numpy's integers alike, without importing numpy for a scalar.
    if isinstance(tw, bool) or not isinstance(tw, numbers.Integral) or int(tw) not in TRIWULAN:
        raise NilaiTidakDikenal(f"Triwulan {tw!r} tidak dikenal; gunakan 1, 2, 3 atau 4")
    return int(tw)


def _number(value: Any) -> float | None:
    """A finite number or None (empty, NaN); text is parsed the Indonesian way."""
    number = parse_angka(value)
    if number is None or not math.isfinite(number):
        return None
    return number


# --- predikat --------------------------------------------------------------------------------

SANGAT_RENDAH = "Sangat Rendah"
BATAS_PREDIKAT: tuple[tuple[float, str], ...] = (
    (91.0, "Sangat Tinggi"),
    (76.0, "Tinggi"),
    (66.0, "Sedang"),
    (51.0, "Rendah"),
)
"""Lower bound (inclusive) of each band, highest first; below the last one is Sangat Rendah."""

PREDIKAT_LABELS: tuple[str, ...] = (*(label for _, label in BATAS_PREDIKAT), SANGAT_RENDAH)
"""Every predikat, best first (the order of the Ringkasan columns)."""


def predikat(capaian: float | None) -> str | None:
    """The predikat of a capaian in percent; ``None`` when there is no capaian."""
    if capaian is None:
        return None
    value = float(capaian)
    if math.isnan(value):
        return None
    for lower, label in BATAS_PREDIKAT:
        if value >= lower:
            return label
    return SANGAT_RENDAH


def _texts(codes: np.ndarray, table: Sequence[str | None], index: pd.Index) -> pd.Series:
    """A text column (``str``, missing where ``table`` gives None) of ``table[code]`` for each code.

    The texts are taken from the table made a text array once (one ``take``): no array of
    fixed-width strings is built and converted back, no cell is checked again for being text, and
    every cell of one text is the same string object.
    """
    import pandas as pd

    texts = pd.array([pd.NA if text is None else text for text in table], dtype="str")
    return pd.Series(texts.take(codes), index=index, copy=False)


# The band of a capaian as a number: 0 (Sangat Rendah) .. 4 (Sangat Tinggi), the index in _BANDS of
# its label; None for no capaian.
_BOUNDS = tuple(sorted(lower for lower, _ in BATAS_PREDIKAT))
_BANDS: tuple[str | None, ...] = (SANGAT_RENDAH, *(label for _, label in reversed(BATAS_PREDIKAT)), None)


def predikat_series(capaian: pd.Series) -> pd.Series:
    """:func:`predikat` over a column; missing capaian gives a missing predikat."""
    import numpy as np

    values = capaian.to_numpy(dtype=float, na_value=np.nan)
    # How many lower bounds the value reaches: the same bands as predikat()'s ">=" tests.
    bands = np.searchsorted(np.array(_BOUNDS), values, side="right")
    bands[np.isnan(values)] = len(_BANDS) - 1
    return _texts(bands, _BANDS, capaian.index)


# --- capaian ---------------------------------------------------------------------------------

CATATAN_TARGET_KOSONG = "Target belum ditetapkan; capaian tidak dihitung"
CATATAN_TARGET_NOL = "Target 0; capaian tidak dihitung"
CATATAN_REALISASI_KOSONG = "Realisasi belum dilaporkan"
_CATATAN = (None, CATATAN_TARGET_KOSONG, CATATAN_TARGET_NOL, CATATAN_REALISASI_KOSONG)
"""The notes of :func:`catatan_series` by number (0: none, there is a capaian)."""


def hitung_capaian(target: Any, realisasi: Any, polaritas: Any) -> float | None:
    """Capaian in percent, full precision; ``None`` when T is 0, negative or missing, or R missing."""
    arah = parse_polaritas(polaritas)
    t = _number(target)
    r = _number(realisasi)
    if t is None or r is None or t <= 0:
        return None
    # Multiply before dividing: for whole numbers R x 100 is exact, so a capaian that is exactly
    # 66 comes out as 66.0 (R / T x 100 can give 65.99999999999999 and the wrong predikat).
    numerator = r if arah is Polaritas.POSITIF else 2.0 * t - r
    capaian = numerator * 100.0 / t
    if not math.isfinite(capaian):
        # Only for astronomically large inputs: divide first so the product cannot overflow.
        capaian = (r / t if arah is Polaritas.POSITIF else 2.0 - r / t) * 100.0
    if arah is Polaritas.NEGATIF:
        capaian = max(capaian, 0.0)
    return capaian if math.isfinite(capaian) else None


def catatan_capaian(target: Any, realisasi: Any) -> str | None:
    """Why there is no capaian (target empty or 0, realisasi not reported); ``None`` when there is one."""
    t = _number(target)
    if t is None:
        return CATATAN_TARGET_KOSONG
    if t <= 0:
        return CATATAN_TARGET_NOL
    if _number(realisasi) is None:
        return CATATAN_REALISASI_KOSONG
    return None


def distinct_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per item of an object array, the number of the object it refers to (in order of first
    appearance), and each object's first position.

    A column made from a table refers to a handful of objects (the master frame keeps one string
    per text, a predikat column one per label): numbering them by address costs a fraction of
    hashing every text, and the few distinct objects can then be compared by value.
    """
    import numpy as np
    import pandas as pd

    references = np.frombuffer(values.tobytes(), dtype=np.intp)  # the objects' addresses, as numbers
    codes, uniques = pd.factorize(references)
    first = np.empty(len(uniques), dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # reversed: the first position is written last
    return codes, first


def factorize_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize(values, use_na_sentinel=False)`` of an object array, by way of its distinct
    objects: only those are hashed and compared by value (see :func:`distinct_objects`)."""
    import pandas as pd

    objects, first = distinct_objects(values)
    codes, uniques = pd.factorize(values[first], use_na_sentinel=False)
    return codes[objects], uniques


def _parsed(column: pd.Series, parse: Any) -> tuple[np.ndarray, list[Any]]:
    """Each value's number among the distinct values of ``column``, and those values parsed.

    A column of thousands of rows holds a few distinct Polaritas or Jenis: each is parsed once,
    and the rows are compared as numbers (a value that does not parse raises, as parsing it would).
    """
    codes, uniques = factorize_objects(column.to_numpy(dtype=object))
    return codes, [parse(value) for value in uniques]


def _polaritas_codes(polaritas: pd.Series) -> np.ndarray:
    import numpy as np

    codes, parsed = _parsed(polaritas, parse_polaritas)
    negatif: np.ndarray = np.array([value is Polaritas.NEGATIF for value in parsed], dtype=bool)[codes]
    return negatif


def capaian_series(target: pd.Series, realisasi: pd.Series, polaritas: pd.Series) -> pd.Series:
    """:func:`hitung_capaian` over aligned columns (float64, NaN where there is no capaian)."""
    import numpy as np
    import pandas as pd

    t = target.to_numpy(dtype=float, na_value=np.nan)
    r = realisasi.to_numpy(dtype=float, na_value=np.nan)
    negatif = _polaritas_codes(polaritas)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        valid = t > 0
        safe_t = np.where(valid, t, 1.0)
        numerator = np.where(negatif, 2.0 * t - r, r)
        capaian = numerator * 100.0 / safe_t
        ratio = r / safe_t
        fallback = np.where(negatif, 2.0 - ratio, ratio) * 100.0
        capaian = np.where(np.isfinite(capaian), capaian, fallback)
        capaian = np.where(negatif, np.maximum(capaian, 0.0), capaian)
    # np.maximum keeps NaN, so a missing R stays missing; overflow to inf is no capaian.
    capaian = np.where(valid & np.isfinite(capaian), capaian, np.nan)
    return pd.Series(capaian, index=target.index, dtype="float64")


def catatan_series(target: pd.Series, realisasi: pd.Series) -> pd.Series:
    """:func:`catatan_capaian` over aligned columns (missing where there is a capaian)."""
    import numpy as np

    t = target.to_numpy(dtype=float, na_value=np.nan)
    r = realisasi.to_numpy(dtype=float, na_value=np.nan)
    notes = np.select([np.isnan(t), t <= 0, np.isnan(r)], [1, 2, 3], default=0)
    return _texts(notes, _CATATAN, target.index)


# --- period values ---------------------------------------------------------------------------


def _values_list(values_by_tw: Mapping[int, Any] | Sequence[Any]) -> list[float | None]:
    if isinstance(values_by_tw, Mapping):
        return [_number(values_by_tw.get(tw)) for tw in TRIWULAN]
    values = list(values_by_tw)
    if len(values) != len(TRIWULAN):
        raise NilaiTidakDikenal(f"Diperlukan 4 nilai triwulan, diterima {len(values)}")
    return [_number(value) for value in values]


def nilai_periode(values_by_tw: Mapping[int, Any] | Sequence[Any], jenis: Any, tw: int) -> float | None:
    """The indicator's value for the period up to TW ``tw``, by its Jenis; ``None`` if nothing reported."""
    kind = parse_jenis(jenis)
    upto = _check_tw(tw)
    reported = [v for v in _values_list(values_by_tw)[:upto] if v is not None]
    if not reported:
        return None
    # Plain left-to-right sums, the same arithmetic as nilai_periode_frame's.
    if kind is Jenis.KUMULATIF:
        return sum(reported, 0.0)
    if kind is Jenis.NILAI_AKHIR:
        return reported[-1]
    return sum(reported, 0.0) / len(reported)


def nilai_periode_frame(values: pd.DataFrame, jenis: pd.Series, tw: int) -> pd.Series:
    """:func:`nilai_periode` per row; ``values`` has one column per TW (TW I first), NaN = not reported."""
    import numpy as np
    import pandas as pd

    upto = _check_tw(tw)
    matrix = values.iloc[:, :upto].to_numpy(dtype=float, na_value=np.nan)
    reported = ~np.isnan(matrix)
    count = reported.sum(axis=1)
    total = np.where(reported, matrix, 0.0).sum(axis=1)
    # The latest reported TW: the highest column index holding a value.
    last_index = upto - 1 - np.argmax(reported[:, ::-1], axis=1)
    latest = matrix[np.arange(len(matrix)), last_index] if len(matrix) else np.empty(0)
    codes, parsed = _parsed(jenis, parse_jenis)
    kumulatif = np.array([value is Jenis.KUMULATIF for value in parsed], dtype=bool)[codes]
    nilai_akhir = np.array([value is Jenis.NILAI_AKHIR for value in parsed], dtype=bool)[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.select(
            [kumulatif, nilai_akhir],
            [total, latest],
            default=total / np.maximum(count, 1),
        )
    result = np.where(count > 0, result, np.nan)
    return pd.Series(result, index=values.index, dtype="float64")


# --- targets and budget ------------------------------------------------------------------------


def _row_value(row: Mapping[str, Any] | pd.Series, *keys: str) -> Any:
    for key in keys:
        if key in row:
            value = row[key]
            if _number(value) is not None:
                return value
    return None


def target_periode(row: Mapping[str, Any] | pd.Series, tw: int) -> float | None:
    """Target for TW ``tw``: ``Target TW n`` if filled, else ``Target Tahunan``.

    ``row`` is a typed-table row (``target_tw2``, ``target_tahunan``) or a mapping keyed by the
    sheet's header labels (``Target TW II``, ``Target Tahunan``).
    """
    n = _check_tw(tw)
    roman = ("I", "II", "III", "IV")[n - 1]
    value = _row_value(row, f"target_tw{n}", f"Target TW {roman}")
    if value is None:
        value = _row_value(row, "target_tahunan", "Target Tahunan")
    return _number(value)


def target_series(period_targets: pd.Series, annual_targets: pd.Series) -> pd.Series:
    """:func:`target_periode` over columns: the TW target where filled, else the annual target."""
    return period_targets.astype("float64").fillna(annual_targets.astype("float64"))


def serapan_anggaran(realisasi_kumulatif: Any, pagu: Any) -> float | None:
    """Budget absorption in percent; ``None`` when the pagu is 0 or missing or nothing was reported."""
    spent = _number(realisasi_kumulatif)
    ceiling = _number(pagu)
    if spent is None or ceiling is None or ceiling <= 0:
        return None
    serapan = spent * 100.0 / ceiling
    if not math.isfinite(serapan):
        serapan = spent / ceiling * 100.0
    return serapan if math.isfinite(serapan) else None


def serapan_series(realisasi_kumulatif: pd.Series, pagu: pd.Series) -> pd.Series:
    """:func:`serapan_anggaran` over aligned columns (float64, NaN where not computable)."""
    import numpy as np
    import pandas as pd

    spent = realisasi_kumulatif.to_numpy(dtype=float, na_value=np.nan)
    ceiling = pagu.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        safe = np.where(ceiling > 0, ceiling, 1.0)
        serapan = spent * 100.0 / safe
        serapan = np.where(np.isfinite(serapan), serapan, spent / safe * 100.0)
        serapan = np.where(ceiling > 0, serapan, np.nan)
    serapan = np.where(np.isfinite(serapan), serapan, np.nan)
    return pd.Series(serapan, index=realisasi_kumulatif.index, dtype="float64")
