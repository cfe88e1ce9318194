"""Partial responses: Google's ``fields`` parameter applied to a response body.

Accepts both spellings: ``kind,files(id,name)`` (Drive) and ``sheets.properties.title`` or
``sheets/data/rowData/values/note`` (Sheets), and ``*``.
"""

from __future__ import annotations

from typing import Any

from sandbox.google.errors import GoogleApiError

Mask = dict[str, "Mask | None"]


def parse_fields(text: str) -> Mask | None:
    """The mask tree of ``text`` (None means everything)."""
    text = text.replace(" ", "")
    if text in {"", "*"}:
        return None
    mask, pos = _parse_list(text, 0)
    if pos != len(text):
        raise GoogleApiError(400, f"Invalid field selection {text}", api="sheets")
    return mask


def _merge(into: Mask, path: list[str], sub: Mask | None) -> None:
    node = into
    for part in path[:-1]:
        existing = node.get(part, {})
        if existing is None:
            return
        node[part] = existing
        node = existing
    last = path[-1]
    if last == "*" and len(path) == 1:
        node.clear()
        node["*"] = None
        return
    if sub is None or node.get(last, {}) is None:
        node[last] = None
    else:
        existing = node.setdefault(last, {})
        assert existing is not None
        for key, value in sub.items():
            _merge(existing, [key], value)


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while pos < len(text):
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = [p for p in text[start:pos].replace("/", ".").split(".") if p]
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise GoogleApiError(400, f"Invalid field selection {text}")
            pos += 1
        if path:
            _merge(mask, path, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return mask, pos


def apply_fields(body: Any, mask: Mask | None) -> Any:
    """``body`` restricted to ``mask``."""
    if mask is None or "*" in mask:
        return body
    if isinstance(body, list):
        return [apply_fields(item, mask) for item in body]
    if not isinstance(body, dict):
        return body
    out: dict[str, Any] = {}
    for key, sub in mask.items():
        if key in body:
            out[key] = apply_fields(body[key], sub)
    return out


def mask_paths(mask: Mask | None, prefix: str = "") -> set[str]:
    """Dotted leaf paths of a mask (used to decide what to compute)."""
    if mask is None:
        return {prefix or "*"}
    out: set[str] = set()
    for key, sub in mask.items():
        out |= mask_paths(sub, f"{prefix}.{key}" if prefix else key)
    return out
