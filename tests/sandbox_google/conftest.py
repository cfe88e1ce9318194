"""Fixtures for the Google half: a running sandbox whose every JSON answer is checked
against the discovery schemas, tokens for people, and real clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.google.clients import discovery_service, gspread_client
from sandbox.google.service import GoogleService
from sandbox.server import SandboxServer, running_sandbox
from tests.sandbox_google.schema import validate_method

BOT = "kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def schema_log() -> Iterator[list[tuple[str, Any]]]:
    """Every successful JSON answer of the Google half, validated at teardown."""
    monkeypatch = pytest.MonkeyPatch()
    seen: list[tuple[str, Any]] = []
    original = GoogleService.call

    def recording(self: GoogleService, request: Any, method_id: str, *args: Any, **kwargs: Any) -> Any:
        response = original(self, request, method_id, *args, **kwargs)
        if response.status_code == 200 and response.mimetype == "application/json":
            seen.append((method_id, json.loads(response.get_data())))
        return response

    monkeypatch.setattr(GoogleService, "call", recording)
    try:
        yield seen
    finally:
        monkeypatch.undo()
    assert seen, "no Google answers were recorded"
    for method_id, body in seen:
        validate_method(method_id, body)


@pytest.fixture(scope="module")
def _module_sandbox(schema_log: list[tuple[str, Any]]) -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def sandbox(_module_sandbox: SandboxServer) -> SandboxServer:
    """A sandbox on a free loopback port, reset for each test (shared per module for speed)."""
    requests.post(f"{_module_sandbox.base_url}/_sandbox/reset", timeout=5).raise_for_status()
    return _module_sandbox


def person_token(base_url: str, email: str) -> str:
    """A bearer token for ``email`` from the control API."""
    response = requests.post(f"{base_url}/_sandbox/google/accounts", json={"email": email}, timeout=5)
    response.raise_for_status()
    return response.json()["token"]


@pytest.fixture
def owner_token(sandbox: SandboxServer) -> str:
    """A person who owns what they create."""
    return person_token(sandbox.base_url, "owner@dinas.test")


@pytest.fixture
def gc(sandbox: SandboxServer, owner_token: str) -> Any:
    """A real gspread client acting as the owner."""
    return gspread_client(sandbox.base_url, owner_token)


@pytest.fixture
def drive(sandbox: SandboxServer, owner_token: str) -> Any:
    """A real googleapiclient Drive v3 service acting as the owner."""
    return discovery_service(sandbox.base_url, "drive", owner_token)


@pytest.fixture
def sheets(sandbox: SandboxServer, owner_token: str) -> Any:
    """A real googleapiclient Sheets v4 service acting as the owner."""
    return discovery_service(sandbox.base_url, "sheets", owner_token)
