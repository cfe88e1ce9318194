"""The sandbox's added request latency (``/_sandbox/latency``): which requests wait, and how long at least.

That a delayed request takes at least the latency asked for is a behaviour of the sandbox (the
floor it promises), not a performance figure of the product; no upper bound is asserted in time.
Which requests are delayed is observed by recording the hub's ``delay`` calls.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.control import SandboxControl
from sandbox.hub import Hub, Latency, LatencySpecError, parse_latency
from sandbox.server import SandboxServer, running_sandbox
from sandbox.telegram import DEFAULT_BOT_TOKEN

LATENCY_MS = 50
Delays = list[tuple[str, float]]


@pytest.fixture(scope="module")
def _module_sandbox() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def sandbox(_module_sandbox: SandboxServer) -> SandboxServer:
    """A sandbox reset for each test (shared per module for speed)."""
    requests.post(f"{_module_sandbox.base_url}/_sandbox/reset", timeout=5).raise_for_status()
    return _module_sandbox


@pytest.fixture
def control(sandbox: SandboxServer) -> SandboxControl:
    return SandboxControl(sandbox.base_url)


@pytest.fixture
def delays(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Delays:
    """(service, seconds slept) of every ``Hub.delay`` call, in order."""
    seen: Delays = []
    hub = sandbox.app.hub
    original = hub.delay

    def recording(service: Any) -> float:
        slept = original(service)
        seen.append((service, slept))
        return slept

    monkeypatch.setattr(hub, "delay", recording)
    return seen


def google_request(base_url: str, token: str) -> requests.Response:
    """One Drive API request (files.list) as the token's owner."""
    return requests.get(f"{base_url}/drive/v3/files", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def telegram_request(base_url: str) -> requests.Response:
    """One Bot API request (getMe) as the sandbox's default bot."""
    return requests.post(f"{base_url}/bot{DEFAULT_BOT_TOKEN}/getMe", timeout=10)


def timed(call: Any) -> tuple[requests.Response, float]:
    """The response of ``call()`` and how long it took, in ms."""
    start = time.perf_counter()
    response = call()
    return response, (time.perf_counter() - start) * 1000


@pytest.mark.parametrize("service", ["google", "telegram"], ids=["google", "telegram"])
def test_api_request_waits_at_least_the_latency(sandbox: SandboxServer, control: SandboxControl, service: str) -> None:
    token = control.google_token("staf@dinas.test")
    control.latency(service, LATENCY_MS)
    if service == "google":
        response, took = timed(lambda: google_request(sandbox.base_url, token))
    else:
        response, took = timed(lambda: telegram_request(sandbox.base_url))
    assert response.status_code == 200
    assert took >= LATENCY_MS


def test_latency_is_per_service(sandbox: SandboxServer, control: SandboxControl, delays: Delays) -> None:
    token = control.google_token("staf@dinas.test")
    control.latency("telegram", LATENCY_MS)
    assert google_request(sandbox.base_url, token).status_code == 200
    assert telegram_request(sandbox.base_url).status_code == 200
    assert delays == [("google", 0.0), ("telegram", LATENCY_MS / 1000)]


def test_control_and_token_requests_are_never_delayed(
    sandbox: SandboxServer, control: SandboxControl, delays: Delays
) -> None:
    control.latency("google", LATENCY_MS)
    control.latency("telegram", LATENCY_MS)
    token = control.google_token("staf@dinas.test")
    control.call("GET", "stats")
    control.telegram_user(501, "Sari")
    answer = requests.post(f"{sandbox.base_url}/token", data={"grant_type": "nonsense"}, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]
    assert delays == []
    assert google_request(sandbox.base_url, token).status_code == 200
    assert telegram_request(sandbox.base_url).status_code == 200
    assert delays == [("google", LATENCY_MS / 1000), ("telegram", LATENCY_MS / 1000)]


def test_injected_fault_is_delayed_too(sandbox: SandboxServer, control: SandboxControl, delays: Delays) -> None:
    control.latency("telegram", LATENCY_MS)
    control.fault("telegram", 500, count=1)
    response, took = timed(lambda: telegram_request(sandbox.base_url))
    assert response.status_code == 500 and delays == [("telegram", LATENCY_MS / 1000)]
    assert took >= LATENCY_MS


def test_get_shows_and_delete_clears_one_service_or_all(sandbox: SandboxServer, control: SandboxControl) -> None:
    control.latency("google", 20, jitter_ms=5)
    control.latency("telegram", 30)
    assert control.call("GET", "latency") == {
        "google": {"service": "google", "ms": 20.0, "jitter_ms": 5.0},
        "telegram": {"service": "telegram", "ms": 30.0, "jitter_ms": 0.0},
    }
    control.latency("telegram", 40)  # replaces the earlier setting
    assert control.call("GET", "latency")["telegram"]["ms"] == 40.0
    control.clear_latency("google")
    assert control.call("GET", "latency")["google"] is None
    assert control.call("GET", "latency")["telegram"]["ms"] == 40.0
    control.clear_latency()
    assert control.call("GET", "latency") == {"google": None, "telegram": None}
    assert sandbox.app.hub.delay("telegram") == 0.0


def test_reset_clears_the_latency(sandbox: SandboxServer, control: SandboxControl) -> None:
    control.latency("google", 10)
    control.call("POST", "reset")
    assert control.call("GET", "latency") == {"google": None, "telegram": None}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([1, 2], "JSON object"),
        ({"ms": 10}, "service must be one of"),
        ({"service": "drive", "ms": 10}, "service must be one of"),
        ({"service": "google"}, "ms is required"),
        ({"service": "google", "ms": -1}, "ms must be a number"),
        ({"service": "google", "ms": "100"}, "ms must be a number"),
        ({"service": "google", "ms": True}, "ms must be a number"),
        ({"service": "google", "ms": 10, "jitter_ms": -5}, "jitter_ms must be a number"),
        ({"service": "google", "ms": 60_001}, "ms must be a number"),
        ({"service": "google", "ms": 50_000, "jitter_ms": 20_000}, "must not exceed"),
        ({"service": "google", "ms": 10, "rate": 0.5}, "unknown key"),
    ],
    ids=[
        "not-object",
        "no-service",
        "bad-service",
        "no-ms",
        "negative",
        "string",
        "bool",
        "negative-jitter",
        "too-long",
        "sum-too-long",
        "unknown-key",
    ],
)
def test_bad_bodies_answer_400(sandbox: SandboxServer, body: Any, message: str) -> None:
    response = requests.post(f"{sandbox.base_url}/_sandbox/latency", json=body, timeout=5)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert sandbox.app.hub.latency() == {"google": None, "telegram": None}


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("POST", {"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ("DELETE", {"json": {"service": "fax"}}, 400),
        ("DELETE", {"json": {"service": "google", "ms": 1}}, 400),
        ("PUT", {"json": {"service": "google", "ms": 1}}, 405),
    ],
    ids=["invalid-json", "delete-bad-service", "delete-extra-key", "put"],
)
def test_other_bad_requests(sandbox: SandboxServer, method: str, kwargs: dict[str, Any], status: int) -> None:
    response = requests.request(method, f"{sandbox.base_url}/_sandbox/latency", timeout=5, **kwargs)
    assert response.status_code == status and response.json()["error"]


def test_jitter_adds_up_to_jitter_ms_above_the_floor() -> None:
    hub = Hub(seed=7)
    hub.set_latency(parse_latency({"service": "google", "ms": 1, "jitter_ms": 4}))
    slept = [hub.delay("google") for _ in range(20)]
    assert all(0.001 <= s <= 0.005 for s in slept)
    assert len(set(slept)) > 1
    assert hub.delay("telegram") == 0.0


def test_parse_latency_defaults_jitter_to_zero() -> None:
    assert parse_latency({"service": "telegram", "ms": 0}) == Latency("telegram", 0.0, 0.0)
    with pytest.raises(LatencySpecError):
        parse_latency(None)
