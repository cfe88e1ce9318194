"""How many bytes cells take in a request body, for whole columns at once, without serialising them.

The values of the dinas workbook are cut into requests of at most 2 MB of JSON
(:mod:`sheets.google.chunks`), measured exactly as ``json.dumps`` writes them. At regency scale
that is millions of cells, and writing every float just to count its characters cost seconds
(``float.__repr__`` finds the shortest decimal that reads back as the same double, about a
microsecond per number). These functions give the same counts from numpy arrays:

- :func:`float_repr_lengths`: ``len(repr(x))`` of finite doubles, by exact integer and
  error-free float arithmetic (no decimal string is built);
- :func:`str_json_lengths`: ``len(json.dumps(s))`` of strings (ASCII-escaped, quoted);
- :func:`int_json_lengths`: ``len(json.dumps(n))`` of integers.

numpy is imported inside the functions: the service loads it only with its first frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from json.encoder import encode_basestring_ascii
from typing import Any

__all__ = ["SeenColumns", "float_repr_lengths", "int_json_lengths", "str_json_lengths"]

_CHUNK = 32_768
"""Floats measured per pass: numpy's temporaries stay in the cache (a whole column at once ran 3x slower)."""


@cache
def _tables() -> tuple[Any, Any, Any, Any, Any]:
    """10**k (exact doubles for k <= 22), Dekker's halves of them, the doubles nearest 1e-30..1e30,
    and 10**1 .. 10**11 (where the integer part gains a digit, below 1e11)."""
    import numpy as np

    powers = np.array([10.0**k for k in range(23)])
    high, low = _split(powers)
    nearest = np.array([float(f"1e{k}") for k in range(-30, 31)])  # parsed: correctly rounded
    return powers, high, low, nearest, powers[1:12]


def _split(x: Any) -> tuple[Any, Any]:
    """Dekker's split: ``x = high + low`` exactly, each half of at most 26 bits."""
    t = x * 134217729.0  # 2**27 + 1
    high = t - (t - x)
    return high, x - high


def _scaled(a: Any, a_high: Any, a_low: Any, k: Any) -> tuple[Any, Any]:
    """``a * 10**k`` exactly as ``hi + lo`` (Dekker's product: numpy has no fused multiply-add)."""
    powers, high, low, _, _ = _tables()
    hi = a * powers[k]
    c_high, c_low = high[k], low[k]
    lo = ((a_high * c_high - hi) + a_high * c_low + a_low * c_high) + a_low * c_low
    return hi, lo


def float_repr_lengths(values: Any) -> Any:
    """``len(repr(float(x)))`` for each finite double of ``values`` (an int64 array).

    What ``json.dumps`` writes for a float is its ``repr``: the shortest decimal that reads back
    as the same double. Its length is the number of digits that decimal needs; a figure of at
    most three decimals (most of a rekap's) is measured by :func:`_short_lengths`, any other by
    :func:`_lengths`, neither writing it. Doubles outside the fixed notation (below 0.001 or from
    1e15), powers of two and the doubles nearest a power of ten are few and measured with
    ``repr`` itself.
    """
    import numpy as np

    x = np.ascontiguousarray(values, dtype=np.float64)
    out = np.empty(x.shape, dtype=np.int64)
    for start in range(0, len(x), _CHUNK):
        part = x[start : start + _CHUNK]
        # Figures as people type them (at most three decimals) first: a few cheap tests each.
        short, short_lengths = _short_lengths(part)
        if short.size == part.size:
            out[start : start + len(part)] = short_lengths
            continue
        window: Any = slice(start, start + len(part))
        if short.size:  # the others: the general way
            others = np.ones(part.shape, dtype=bool)
            others[short] = False
            rest = np.flatnonzero(others)
            part, window = part[rest], start + rest
            out[start + short] = short_lengths
        lengths, slow = _lengths(part)
        if slow.size:
            lengths[slow] = [len(repr(v)) for v in part[slow].tolist()]
        out[window] = lengths
    return out


def _short_lengths(x: Any) -> tuple[Any, Any]:
    """The positions of the doubles of ``x`` below 1e11 with a decimal of at most three places, and
    their repr lengths.

    ``a = |x|`` reads back from ``m / 10**3`` for the integer ``m`` nearest ``a * 1000`` exactly when
    some decimal of three places does (IEEE division rounds ``m / 1000`` correctly, as reading the
    decimal does; below 1e11 the product's error is under 0.05, so that integer is the only
    candidate). The shortest decimal then has ``3 - z`` places, ``z`` the trailing zeros of ``m``
    (at most three): a shorter one would be another such ``m``. ``repr`` writes the integer part's
    digits (a ``0`` below 1), the point and at least one place.
    """
    import numpy as np

    a = np.abs(x)
    with np.errstate(over="ignore"):  # beyond 1e305: inf, not a short figure
        m = np.rint(a * 1000.0)
    index = np.flatnonzero((a < 1e11) & (m / 1000.0 == a))
    m = m[index]
    zeros = np.zeros(index.size, dtype=np.int64)
    divisible = np.ones(index.size, dtype=bool)
    for power in (10.0, 100.0, 1000.0):
        # m < 1e14: m / power is exact when it divides, else at least 0.001 from an integer.
        quotient = m / power
        divisible &= quotient == np.rint(quotient)
        zeros += divisible
    digits = np.searchsorted(_tables()[4], a[index], side="right") + 1
    return index, digits + 1 + np.maximum(3 - zeros, 1) + np.signbit(x[index])


def _lengths(x: Any) -> tuple[Any, Any]:
    """The repr lengths of ``x``, and the positions left to ``repr`` (their lengths are not set).

    For ``a = |x|`` with ``10**e <= a < 10**(e+1)``: ``X = a * 10**(16-e)`` lies in
    ``[1e16, 1e17)``, and the decimals that read back as ``a`` are, in units of its 17th
    significant digit, the integers within ``B`` (half the gap between ``a`` and its
    neighbouring doubles, so scaled) of ``X``: inclusive when ``a``'s last bit is even (ties
    round to even), exclusive otherwise. The shortest is the one with the most trailing zeros,
    ``q``: ``repr`` then shows ``17 - q`` significant digits, ``16 - e - q`` of them after the
    point (at least one, a ``.0``), ``e + 1`` before it (at least a ``0``).

    ``X`` is computed exactly (Dekker's product: ``hi`` an integer above 2**53, ``lo`` the rest),
    ``B`` too (a power of two times 10**(16-e)); the integers at the ends of the interval follow
    from comparisons of exact differences. ``B`` is between 0.55 and 11, so the interval holds
    one to 23 integers: a multiple of 100 in it is found from its top integer's last two digits.
    """
    import numpy as np

    powers, _, _, nearest, _ = _tables()
    a = np.abs(x)
    bits = a.view(np.uint64)
    fast = (a >= 1e-3) & (a < 1e15) & ((bits & np.uint64(0xFFFFFFFFFFFFF)) != 0)
    out = np.zeros(x.shape, dtype=np.int64)
    index = np.flatnonzero(fast)
    if index.size < x.size:
        a, bits = a[index], bits[index]
    e = np.floor(np.log10(a)).astype(np.int64)
    a_high, a_low = _split(a)
    hi, lo = _scaled(a, a_high, a_low, 16 - e)
    for _ in range(2):  # log10 may be one off near a power of ten: set e by the exact X
        off = np.flatnonzero((hi < 1e16) | ((hi == 1e16) & (lo < 0)) | (hi > 1e17) | ((hi == 1e17) & (lo >= 0)))
        if not off.size:
            break
        e[off] += np.where(hi[off] >= 1e17, 1, -1)
        hi[off], lo[off] = _scaled(a[off], a_high[off], a_low[off], 16 - e[off])
    # The double nearest a power of ten reads as that one digit, which may lie outside [10**e, 10**(e+1)).
    power_of_ten = (a == nearest[e + 30]) | (a == nearest[e + 31])
    lo_int = np.trunc(lo)
    lo_frac = lo - lo_int  # exact; X = K + frac with frac in [0, 1)
    wrapped = lo_frac < 0  # frac = 1 + lo_frac
    k = hi.astype(np.int64) + lo_int.astype(np.int64) - wrapped
    exponent = (bits >> np.uint64(52)).astype(np.int64)  # biased: a's gap is 2**(exponent - 1075)
    bound = np.ldexp(powers[16 - e], exponent - 1076)
    even = (bits & np.uint64(1)) == 0
    floor_bound = np.floor(bound)
    gb = bound - floor_bound  # B = fb + gb, exact
    fb = floor_bound.astype(np.int64)
    # The interval's top integer is K + fb + 1 when 1 + fb - X <= B, i.e. frac >= 1 - gb.
    limit = (1.0 - gb) - wrapped
    up = (lo_frac > limit) | (even & (lo_frac == limit))
    # Else K + fb, unless that is exactly at the (excluded) end: gb and frac both 0, a odd.
    exact_end = ~(even | wrapped | (gb > 0) | (lo_frac > 0))
    top_offset = fb + up - exact_end
    # Its bottom integer is K - fb when X - (K - fb) <= B, i.e. frac <= gb; else K - fb + 1.
    limit = gb - wrapped
    down = (lo_frac < limit) | (even & (lo_frac == limit))
    width = top_offset + fb + down  # how many integers the interval holds
    top = k + top_offset
    last_two = top % 100
    q = (last_two % 10 < width) + (last_two < width).astype(np.int64)
    hundreds = np.flatnonzero(last_two < width)
    if hundreds.size:  # a multiple of 100 in the interval: its trailing zeros are the top's
        rest = top[hundreds] // 100
        zeros = np.zeros(hundreds.size, dtype=np.int64)
        for step in (8, 4, 2, 1):
            hit = (rest % 10**step == 0) & (rest != 0)
            zeros += hit * step
            rest = np.where(hit, rest // 10**step, rest)
        q[hundreds] += zeros
    lengths = np.maximum(e + 1, 1) + 1 + np.maximum(16 - e - q, 1)
    out[index] = lengths + np.signbit(x[index])
    slow = ~fast
    slow[index[power_of_ten | (top >= 10**17)]] = True
    return out, np.flatnonzero(slow)


def str_json_lengths(values: Sequence[str]) -> Any:
    """``len(json.dumps(s))`` for each string of ``values`` (an int64 array; TypeError for a non-string)."""
    import numpy as np

    count = len(values)
    joined = "".join(values)
    if joined.isascii() and joined.isprintable() and '"' not in joined and "\\" not in joined:
        return np.fromiter(map(len, values), dtype=np.int64, count=count) + 2  # the text and two quotes
    return np.fromiter(map(len, map(encode_basestring_ascii, values)), dtype=np.int64, count=count)


def int_json_lengths(values: Sequence[int]) -> Any:
    """``len(json.dumps(n))`` for each integer of ``values`` (an int64 array)."""
    import numpy as np

    return np.fromiter(map(len, map(int.__repr__, values)), dtype=np.int64, count=len(values))


class SeenColumns:
    """The columns worked out so far, found again by content: a rekap's tabs repeat columns.

    The ``TW n`` tabs share the master list's columns and the pagu, the ``Tahunan`` tab repeats
    each TW's capaian; each is laid out as cells and measured once. A column is recognised by its
    raw bytes: a float column's bits (0.0 and -0.0 print differently), an object column's
    references (the same objects). The arrays are kept here, so no address is reused meanwhile:
    an array at the address (and with the shape and strides) of one seen before is the same
    column, found without reading it; another is first told apart by a sample of its values,
    and compared whole only with the columns that sample matches.
    """

    def __init__(self) -> None:
        self._at: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self._sampled: dict[tuple[Any, ...], list[tuple[Any, Any]]] = {}

    def column(self, kind: str, key: Any, build: Callable[[], Any]) -> Any:
        """What ``build`` makes of the column that ``key`` (a 1-d numpy array) stands for, made once per ``kind``."""
        address = (kind, key.dtype.str, key.__array_interface__["data"][0], key.shape, key.strides)
        if address in self._at:
            return self._at[address][1]
        sample = (kind, key.dtype.str, key.shape, key[:: max(len(key) // _SAMPLED, 1)].tobytes())
        candidates = self._sampled.setdefault(sample, [])
        whole = key.tobytes() if candidates else b""
        made = next((made for other, made in candidates if other.tobytes() == whole), None)
        if made is None:
            made = build()
            candidates.append((key, made))
        self._at[address] = (key, made)
        return made


_SAMPLED = 64
"""About how many values of a column tell it apart from the others of a rekap."""
