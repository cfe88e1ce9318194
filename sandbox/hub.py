"""State shared by every service of the sandbox: request statistics, injected faults, latency and the clock."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.clock import SandboxClock

ServiceName = Literal["google", "telegram"]
SERVICES: tuple[ServiceName, ...] = ("google", "telegram")
FAULT_STATUSES = frozenset({400, 403, 408, 429, 500, 502, 503, 504})
MAX_LATENCY_MS = 60_000
"""Upper bound of ``ms + jitter_ms``: a latency above a minute is a typo, not a network."""
LATENCY_KEYS = frozenset({"service", "ms", "jitter_ms"})


class FaultSpecError(ValueError):
    """A fault request that cannot be honoured."""


class LatencySpecError(ValueError):
    """A latency request that cannot be honoured."""


@dataclass(frozen=True)
class Latency:
    """Delay added to every API request of one service: ``ms`` plus up to ``jitter_ms`` at random."""

    service: ServiceName
    ms: float
    jitter_ms: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The control API's JSON form."""
        return {"service": self.service, "ms": self.ms, "jitter_ms": self.jitter_ms}


def _milliseconds(spec: dict[str, Any], key: str, default: float | None = None) -> float:
    value = spec.get(key, default)
    if value is None:
        raise LatencySpecError(f"{key} is required")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_LATENCY_MS:
        raise LatencySpecError(f"{key} must be a number of milliseconds in [0, {MAX_LATENCY_MS}]")
    return float(value)


def parse_latency(spec: Any) -> Latency:
    """A :class:`Latency` from the control API's JSON body; LatencySpecError when it is not one."""
    if not isinstance(spec, dict):
        raise LatencySpecError("body must be a JSON object")
    unknown = sorted(set(spec) - LATENCY_KEYS)
    if unknown:
        raise LatencySpecError(f"unknown key(s) {unknown}; allowed: {sorted(LATENCY_KEYS)}")
    service = spec.get("service")
    if service not in SERVICES:
        raise LatencySpecError(f"service must be one of {SERVICES}")
    ms = _milliseconds(spec, "ms")
    jitter_ms = _milliseconds(spec, "jitter_ms", 0.0)
    if ms + jitter_ms > MAX_LATENCY_MS:
        raise LatencySpecError(f"ms + jitter_ms must not exceed {MAX_LATENCY_MS}")
    return Latency(service, ms, jitter_ms)


@dataclass
class Fault:
    """Errors to inject: ``count`` times, or on a ``rate`` share of matching requests.

    ``method`` limits the fault to one API method; ``account`` (Google only) to the requests
    authenticated as that account, so a test can fail the bot's calls and not the people's.
    """

    service: ServiceName
    status: int
    count: int | None = None
    rate: float | None = None
    method: str | None = None
    retry_after: int = 1
    account: str | None = None
    injected: int = 0

    def matches(self, service: str, method: str, account: str | None = None) -> bool:
        """Whether this fault applies to a request of ``method`` on ``service`` made by ``account``."""
        if service != self.service:
            return False
        if self.account is not None and self.account != account:
            return False
        return self.method is None or self.method == method

    @property
    def exhausted(self) -> bool:
        """A counted fault that has been injected as often as asked."""
        return self.count is not None and self.injected >= self.count


class HoldSpecError(ValueError):
    """A hold request that cannot be honoured."""


@dataclass
class Hold:
    """The ``after``-th API request of ``service`` from now is applied, then its answer is held.

    For kill tests: the far side has done what was asked, the caller has not heard back, and the
    test stops the caller (SIGKILL) before it can record anything. ``released`` lets the held
    answer go (to nobody, once the caller is dead); ``held`` says the request has arrived.
    """

    service: ServiceName
    after: int
    seen: int = 0
    method: str | None = None
    held: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def as_json(self) -> dict[str, Any]:
        """The control API's JSON form."""
        return {
            "service": self.service,
            "after": self.after,
            "method": self.method,
            "seen": self.seen,
            "held": self.held.is_set(),
        }


HOLD_TIMEOUT_SECONDS = 120.0
"""A held answer is let go after this long even if nobody releases it (a test that died)."""


@dataclass
class Hub:
    """Counts requests per service and method, and decides which ones fail on purpose."""

    seed: int = 1234
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stats: dict[str, Counter[str]] = field(default_factory=dict)
    _faults: list[Fault] = field(default_factory=list)
    _latency: dict[str, Latency] = field(default_factory=dict)
    _holds: list[Hold] = field(default_factory=list)
    clock: SandboxClock = field(default_factory=SandboxClock)
    """The sandbox's clock (:mod:`sandbox.clock`): what the quotas, the change lag and callback ages follow."""
    _random: random.Random = field(init=False)
    _jitter: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        # A generator of its own, so that setting a jitter does not change which requests fail.
        self._jitter = random.Random(self.seed)
        self._stats = {name: Counter() for name in SERVICES}

    def record(self, service: ServiceName, method: str, account: str | None = None) -> Fault | None:
        """Count one request (by ``account`` when known); return the fault to inject into it, if any."""
        with self._lock:
            self._stats[service][method] += 1
            for fault in self._faults:
                if not fault.matches(service, method, account) or fault.exhausted:
                    continue
                if fault.rate is not None and self._random.random() >= fault.rate:
                    continue
                fault.injected += 1
                self._stats[service]["_faults_injected"] += 1
                self._stats[service][f"_faults_injected:{fault.status}"] += 1
                return fault
            return None

    def add_fault(self, spec: dict[str, Any]) -> Fault:
        """Register a fault from the control API's JSON body."""
        service = spec.get("service")
        if service not in SERVICES:
            raise FaultSpecError(f"service must be one of {SERVICES}")
        status = spec.get("status")
        if not isinstance(status, int) or status not in FAULT_STATUSES:
            raise FaultSpecError(f"status must be one of {sorted(FAULT_STATUSES)}")
        count, rate = spec.get("count"), spec.get("rate")
        if (count is None) == (rate is None):
            raise FaultSpecError("give exactly one of count or rate")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise FaultSpecError("count must be a positive integer")
        if rate is not None and (not isinstance(rate, (int, float)) or not 0 < rate <= 1):
            raise FaultSpecError("rate must be a number in (0, 1]")
        method = spec.get("method")
        if method is not None and not isinstance(method, str):
            raise FaultSpecError("method must be a string")
        retry_after = spec.get("retry_after", 1)
        if not isinstance(retry_after, int) or retry_after < 0:
            raise FaultSpecError("retry_after must be a non-negative integer")
        account = spec.get("account")
        if account is not None and (not isinstance(account, str) or service != "google"):
            raise FaultSpecError("account must be a string, and only Google requests carry one")
        fault = Fault(service, status, count, None if rate is None else float(rate), method, retry_after, account)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Stop injecting errors."""
        with self._lock:
            self._faults.clear()

    def set_latency(self, latency: Latency) -> None:
        """Delay every later API request of ``latency.service`` (replacing an earlier setting)."""
        with self._lock:
            self._latency[latency.service] = latency

    def clear_latency(self, service: ServiceName | None = None) -> None:
        """Answer ``service``'s requests (every service's without one) without added delay."""
        with self._lock:
            if service is None:
                self._latency.clear()
            else:
                self._latency.pop(service, None)

    def latency(self) -> dict[str, Any]:
        """The latency set per service (the control API's GET)."""
        with self._lock:
            return {name: (self._latency[name].as_json() if name in self._latency else None) for name in SERVICES}

    def delay(self, service: ServiceName) -> float:
        """Sleep the latency set for ``service`` in the calling (request) thread; the seconds slept.

        Services call this once per API request, before handling it, outside every lock, so that
        concurrent requests wait side by side as they would on a network.
        """
        with self._lock:
            latency = self._latency.get(service)
            if latency is None:
                return 0.0
            ms = latency.ms + (self._jitter.uniform(0.0, latency.jitter_ms) if latency.jitter_ms else 0.0)
        seconds = ms / 1000.0
        if seconds > 0:
            time.sleep(seconds)
        return seconds

    def stats(self) -> dict[str, Any]:
        """Requests per method for each service, with totals."""
        with self._lock:
            result: dict[str, Any] = {}
            for name, counter in self._stats.items():
                methods = {k: v for k, v in sorted(counter.items()) if not k.startswith("_")}
                by_status = {
                    k.partition(":")[2]: v for k, v in sorted(counter.items()) if k.startswith("_faults_injected:")
                }
                result[name] = {
                    "total": sum(methods.values()),
                    "faults_injected": counter["_faults_injected"],
                    "faults_by_status": by_status,
                    "methods": methods,
                }
            return result

    def reset_stats(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._stats = {name: Counter() for name in SERVICES}

    def add_hold(self, spec: Any) -> Hold:
        """Register a hold from the control API's JSON body ``{"service", "after", "method"?}``."""
        if not isinstance(spec, dict):
            raise HoldSpecError("body must be a JSON object")
        service, after, method = spec.get("service"), spec.get("after", 1), spec.get("method")
        if service not in SERVICES:
            raise HoldSpecError(f"service must be one of {SERVICES}")
        if isinstance(after, bool) or not isinstance(after, int) or after < 1:
            raise HoldSpecError("after must be a positive integer")
        if method is not None and not isinstance(method, str):
            raise HoldSpecError("method must be a string")
        hold = Hold(service, after, method=method)
        with self._lock:
            self._holds.append(hold)
        return hold

    def holds(self) -> list[dict[str, Any]]:
        """The registered holds (the control API's GET)."""
        with self._lock:
            return [hold.as_json() for hold in self._holds]

    def release_holds(self) -> None:
        """Let every held answer go and forget the holds."""
        with self._lock:
            holds, self._holds = self._holds, []
        for hold in holds:
            hold.released.set()

    def hold_after(self, service: ServiceName, method: str) -> None:
        """Called once a request was applied: block the answer while a hold says so.

        Runs in the request's own thread, outside every lock, like :meth:`delay`.
        """
        with self._lock:
            hold = None
            for candidate in self._holds:
                if candidate.service != service or candidate.held.is_set():
                    continue
                if candidate.method is not None and candidate.method != method:
                    continue
                candidate.seen += 1
                if candidate.seen == candidate.after:
                    hold = candidate
                    break
        if hold is None:
            return
        hold.held.set()
        hold.released.wait(HOLD_TIMEOUT_SECONDS)

    def reset(self) -> None:
        """Forget statistics, faults, latency and holds; the clock back to the wall clock."""
        self.clock.reset()
        self.release_holds()
        self.clear_faults()
        self.clear_latency()
        self.reset_stats()
        with self._lock:
            self._random = random.Random(self.seed)
            self._jitter = random.Random(self.seed)
