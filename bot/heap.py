"""Freed memory handed back to the operating system after the service's bulk work.

A poll that reads workbooks validates each with pandas: frames and lists of cells that are freed
again when it ends. glibc's ``malloc`` keeps what they freed in its heaps (the worker thread's
arena among them) for later allocations rather than returning it, so the service's resident
memory would stay at that poll's peak for as long as it then idles, which is most of the time.
:func:`release_free_memory` asks glibc to return those free pages (``malloc_trim``); nothing in
use moves or changes. Elsewhere (musl, macOS, Windows) there is no ``malloc_trim`` and it does
nothing. The workflow calls it after a poll that read workbooks
(:meth:`bot.workflow.koreksi.Koreksi.read_queued`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    import ctypes  # here, not at start: an idle service that has read no workbook yet never needs it

    try:
        # The symbols the process already has (the C library among them): no search, no subprocess.
        process = ctypes.CDLL(None)
    except (OSError, TypeError):  # a platform that cannot open the process itself (Windows)
        return None
    trim = getattr(process, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def release_free_memory() -> bool:
    """Return the C heap's free pages to the OS (glibc); whether that was possible here."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)  # 0: keep no extra padding at the top of the heap; takes well under a millisecond
    return True
