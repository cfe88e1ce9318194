"""Freed memory handed back to the operating system after the service's bulk work.

A poll that reads workbooks validates each with pandas: frames and lists of cells that are freed
again when it ends. glibc's ``malloc`` keeps what they freed in its heaps (the worker thread's
arena among them) for later allocations rather than returning it, so the service's resident
memory would stay at that poll's peak for as long as it then idles, which is most of the time.
:func:`release_free_memory` asks glibc to return those free pages (``malloc_trim``); nothing in
use moves or changes. Elsewhere (musl, macOS, Windows) there is no ``malloc_trim`` and it does
nothing. The workflow calls it after a poll that read workbooks
(:meth:`bot.workflow.koreksi.Koreksi.read_queued`).

glibc also gives every thread that allocates its own arena (up to eight per core), and what a
worker thread keeps alive there (the store's connections, the Google key it signed with, a
notification it rendered) holds that arena's pages for good. The service's threads take turns on
the GIL, so separate arenas buy it no parallelism; :func:`share_one_arena`, called by ``bot run``
before any thread starts, makes them all allocate from the main heap (as ``MALLOC_ARENA_MAX=1``
would), which keeps the idle service about half a megabyte smaller and its size steadier.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the most arenas malloc may create (malloc.h)."""


@cache
def _libc() -> Any:
    """The process's own C symbols (the C library among them), or None where they cannot be opened."""
    import ctypes  # here: only a process that trims or shares its arenas needs it

    try:
        # The symbols the process already has: no search, no subprocess.
        return ctypes.CDLL(None)
    except (OSError, TypeError):  # a platform that cannot open the process itself (Windows)
        return None


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    import ctypes

    trim = getattr(_libc(), "malloc_trim", None)
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


def share_one_arena() -> bool:
    """Let every thread allocate from the main heap (glibc ``mallopt``); whether that was possible here.

    Call before the first thread starts: an arena already made stays.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_ARENA_MAX, 1))
