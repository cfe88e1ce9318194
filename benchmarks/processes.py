"""Child processes the benchmarks drive: one JSON command per line in, one JSON answer per line out.

The service under measurement (:mod:`benchmarks.service_process`) and the chat benchmark's floor
(:mod:`benchmarks.floor_bot`) each run alone in their own process, so that their memory and CPU
are their own and not the benchmark's or the sandbox's. Both speak the same small protocol:

- ``{"cmd": "rss"}`` -> ``{"rss_kib"}`` (``VmRSS`` of ``/proc/self/status``);
- ``{"cmd": "watch"}`` / ``{"cmd": "peak"}``: sample RSS every 2 ms from now on / stop and give the
  peak (``rss_peak_kib``) and the process's CPU time since ``watch`` (``cpu_seconds``);
- ``{"cmd": "modules"}`` -> ``{"modules"}``: every module loaded that is not ours (what a process
  importing "the same libraries" imports, :func:`library_rss_kib`);
- ``{"cmd": "stop"}``: stop and exit;

plus each child's own commands. Answers carry ``"ok"``; a failure ``"ok": false`` and ``"error"``.
The children import this module, so it imports nothing of the benchmarks' world (the sandbox,
the demo): only what they would load anyway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.errors import BenchmarkError

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.002
OWN_PACKAGES = frozenset({"bot", "sheets", "config", "benchmarks", "sandbox", "tests", "__main__", "__mp_main__"})
"""Top-level packages of this repository (and the script itself): everything else is a library."""

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


# --- inside the child ------------------------------------------------------------------------


def rss_kib(pid: int | str = "self") -> int:
    """A process's resident set size in KiB (``VmRSS`` of ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"VmRSS not found in /proc/{pid}/status")


def cpu_seconds() -> float:
    """CPU time (user + system, every thread) this process has used so far."""
    times = os.times()
    return times.user + times.system


def library_modules() -> list[str]:
    """Every loaded module that is not part of this repository, sorted (parents before children)."""
    return sorted(name for name in list(sys.modules) if name.split(".")[0] not in OWN_PACKAGES)


class RssWatch:
    """Samples RSS in a thread until stopped; keeps the peak."""

    def __init__(self) -> None:
        self.peak = rss_kib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, rss_kib())

    def stop(self) -> int:
        """Stop sampling; the peak RSS seen (KiB)."""
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kib())
        return self.peak


def send(payload: Mapping[str, Any]) -> None:
    """One answer line on stdout."""
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


async def serve_commands(handlers: Mapping[str, Handler]) -> None:
    """Answer commands from stdin until ``stop`` or its end; the shared ones plus ``handlers``."""
    watch: RssWatch | None = None
    watch_cpu = 0.0
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        command = json.loads(line)
        name = command.get("cmd")
        try:
            if name == "stop":
                return
            if name == "rss":
                send({"ok": True, "rss_kib": rss_kib()})
            elif name == "modules":
                send({"ok": True, "modules": library_modules()})
            elif name == "watch":
                watch, watch_cpu = RssWatch(), cpu_seconds()
                send({"ok": True})
            elif name == "peak":
                peak = watch.stop() if watch is not None else rss_kib()
                watch = None
                send({"ok": True, "rss_peak_kib": peak, "cpu_seconds": cpu_seconds() - watch_cpu})
            elif name in handlers:
                send({"ok": True, **await handlers[name](command)})
            else:
                send({"ok": False, "error": f"unknown command {name!r}"})
        except Exception as err:  # reported to the benchmark, which fails loudly
            logging.getLogger(__name__).exception("command %s failed", name)
            send({"ok": False, "error": f"{type(err).__name__}: {err}"})


# --- in the benchmark ------------------------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    """The benchmark's environment for a child, with the repository importable."""
    env = {**os.environ, "PTB_TIMEDELTA": "1", **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


class ChildProcess:
    """A child process driven by one JSON command per line (see the module docstring)."""

    def __init__(self, argv: Sequence[str], log: Path, env: Mapping[str, str]) -> None:
        self.log = log
        self._log_handle = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, *argv],
            cwd=REPO,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_handle,
            text=True,
            bufsize=1,
        )
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, name="child-reader", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self._answers.put(json.loads(line))
            except ValueError:
                continue
        self._answers.put(None)

    def expect(self, timeout: float = 120.0) -> dict[str, Any]:
        """The next answer; BenchmarkError when it fails, dies or keeps silent."""
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise BenchmarkError(f"{self.log.stem} did not answer in {timeout:.0f} s; see {self.log}") from None
        if answer is None:
            tail = self.log.read_text(encoding="utf-8")[-2000:]
            raise BenchmarkError(f"{self.log.stem} ended unexpectedly:\n{tail}")
        if not answer.get("ok"):
            raise BenchmarkError(f"{self.log.stem} failed: {answer.get('error')}")
        return answer

    def call(self, cmd: str, timeout: float = 120.0, **arguments: Any) -> dict[str, Any]:
        """Send one command and wait for its answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **arguments}) + "\n")
        self.process.stdin.flush()
        return self.expect(timeout)

    def stop(self) -> None:
        """Stop the child (killed if it does not stop in time)."""
        try:
            if self.process.poll() is None:
                self.call("stop", timeout=60)
            self.process.wait(timeout=60)
        except (BenchmarkError, subprocess.TimeoutExpired, BrokenPipeError, OSError):
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            self._log_handle.close()


IMPORTER = """
import importlib, json, sys
names = json.load(sys.stdin)
failed = []
for name in names:
    try:
        importlib.import_module(name)
    except BaseException as err:  # a module that only imports inside its package's own start
        failed.append(f"{name}: {type(err).__name__}")
status = open("/proc/self/status").read().splitlines()
rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
print(json.dumps({"rss_kib": rss, "failed": failed, "imported": len(names) - len(failed)}))
"""


def library_rss_kib(modules: Sequence[str]) -> dict[str, Any]:
    """RSS of a fresh interpreter that imports exactly ``modules`` and nothing of ours (the memory floor).

    Returns ``{"rss_kib", "imported", "failed"}``; ``failed`` lists modules that cannot be imported
    on their own (private parts that only load inside their package's start), which count nothing.
    """
    done = subprocess.run(
        [sys.executable, "-c", IMPORTER],
        input=json.dumps([m for m in modules if m.split(".")[0] not in OWN_PACKAGES]),
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def wait_until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.02) -> Any:
    """``check()`` once it is truthy; BenchmarkError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise BenchmarkError(f"timed out waiting for {what}")
        time.sleep(every)
