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
