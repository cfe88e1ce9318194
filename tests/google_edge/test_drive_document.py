"""The Drive client is built from the shipped discovery document cut to the resources the edge calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httplib2
import pytest
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc

from sheets.google.auth import DRIVE_RESOURCES, drive_document

ROOT = Path(__file__).resolve().parents[2]
CALL = re.compile(r"\.(files|permissions|changes|about|drives|revisions|comments|replies)\(\)\.(\w+)\(")


def edge_calls() -> set[tuple[str, str]]:
    """Every ``drive.<resource>().<method>(`` the product's code makes."""
    found: set[tuple[str, str]] = set()
    for path in [*ROOT.joinpath("sheets").rglob("*.py"), *ROOT.joinpath("bot").rglob("*.py")]:
        found |= set(CALL.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_edge_calls_only_the_kept_resources() -> None:
    calls = edge_calls()
    assert {resource for resource, _ in calls} <= set(DRIVE_RESOURCES)
    assert ("files", "export_media") in calls  # the scan sees the calls it must


@pytest.fixture(scope="module")
def drive() -> Any:
    """A Drive client built from the cut document (built, never sent)."""
    return build_from_document(drive_document(), http=httplib2.Http())


@pytest.mark.parametrize("call", sorted(edge_calls()), ids=lambda call: ".".join(call))
def test_every_method_the_edge_calls_is_built(drive: Any, call: tuple[str, str]) -> None:
    resource, method = call
    assert callable(getattr(getattr(drive, resource)(), method))


def test_methods_keep_their_parameters_paths_and_media() -> None:
    shipped = json.loads(get_static_doc("drive", "v3"))
    cut = drive_document()
    for name in DRIVE_RESOURCES:
        for method, spec in shipped["resources"][name]["methods"].items():
            kept = cut["resources"][name]["methods"][method]
            assert kept["path"] == spec["path"] and kept["httpMethod"] == spec["httpMethod"]
            assert set(kept.get("parameters", {})) == set(spec.get("parameters", {}))
            assert kept.get("supportsMediaDownload") == spec.get("supportsMediaDownload")
            assert kept.get("mediaUpload") == spec.get("mediaUpload")


def test_schemas_are_closed_and_prose_is_gone() -> None:
    cut = drive_document()
    text = json.dumps(cut)
    assert set(re.findall(r'"\$ref": "(\w+)"', text)) <= set(cut["schemas"])
    # A File's own "description" property is data, not prose: it stays.
    assert "description" in cut["schemas"]["File"]["properties"]
    assert "description" not in cut["resources"]["files"]["methods"]["create"]
    assert len(text) < len(get_static_doc("drive", "v3")) / 3
