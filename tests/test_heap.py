"""Freed memory goes back to the OS after a poll that read workbooks (glibc), and nothing breaks elsewhere."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from bot import heap

ROOT = Path(__file__).resolve().parents[1]

# A child process frees 60 MB of blocks below the mmap threshold, each between two small ones that
# stay (so the heap cannot simply shrink from its top), then releases; its RSS must fall by most of it.
RELEASE = """
from bot.heap import release_free_memory
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
pairs = [(bytearray(60_000), bytearray(600)) for _ in range(1000)]
kept = [small for _, small in pairs]
del pairs
freed = rss()
assert release_free_memory()
print(freed - rss())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_on_glibc_the_free_pages_are_returned() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RELEASE], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert int(done.stdout.strip()) > 30_000  # KiB: at least half of what was freed


def test_without_malloc_trim_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    assert heap.release_free_memory() is False


# A child process lets four threads allocate at the same time, then counts glibc's arenas in
# malloc_info's XML (one <heap nr=...> element per arena).
ARENAS = """
import ctypes, os, sys, tempfile, threading
from bot.heap import share_one_arena
if sys.argv[1] == "share":
    assert share_one_arena()
ready = threading.Barrier(4)
def allocate():
    ready.wait()
    kept.append([bytearray(2_000) for _ in range(200)])
kept = []
threads = [threading.Thread(target=allocate) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = os.path.join(tempfile.mkdtemp(), "info.xml")
handle = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, handle)
libc.fclose(handle)
print(open(path).read().count("<heap nr="))
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt(M_ARENA_MAX) is glibc's")
@pytest.mark.parametrize(("mode", "shared"), [("share", True), ("default", False)], ids=["shared", "glibc-default"])
def test_threads_allocate_from_one_arena_once_shared(mode: str, shared: bool) -> None:
    done = subprocess.run(
        [sys.executable, "-c", ARENAS, mode], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    arenas = int(done.stdout.strip())
    assert (arenas == 1) is shared, arenas


def test_without_mallopt_sharing_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_libc", lambda: None)
    assert heap.share_one_arena() is False
