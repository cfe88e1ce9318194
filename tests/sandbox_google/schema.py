"""Strict validation of response bodies against the discovery documents shipped in
google-api-python-client (``sheets.v4.json``, ``drive.v3.json``).

The documents mark nothing as required, so this catches what a schema can: unknown fields,
wrong JSON types, values outside an enum. Reusable by any test: ``validate("sheets", "Spreadsheet", body)``
or ``validate_method("drive.files.list", body)``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


class SchemaError(AssertionError):
    """A body that does not fit its discovery schema."""


@cache
def document(api: str) -> dict[str, Any]:
    """The bundled discovery document of ``sheets`` or ``drive``."""
    name = {"sheets": "sheets.v4.json", "drive": "drive.v3.json"}[api]
    return json.loads(resources.files("googleapiclient.discovery_cache.documents").joinpath(name).read_text())


def _methods(node: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for method in (node.get("methods") or {}).values():
        out[method["id"]] = method
    for resource in (node.get("resources") or {}).values():
        out.update(_methods(resource))
    return out


@cache
def methods(api: str) -> dict[str, dict[str, Any]]:
    """Discovery methods of ``api`` by id (``drive.files.list``...)."""
    return _methods(document(api))


def response_ref(method_id: str) -> str | None:
    """The schema name a method answers with (None when it answers no body)."""
    api = method_id.split(".", 1)[0]
    method = methods(api).get(method_id)
    if method is None:
        raise KeyError(method_id)
    return (method.get("response") or {}).get("$ref")


def _check(api: str, schema: dict[str, Any], value: Any, path: str) -> None:
    if "$ref" in schema:
        _check(api, document(api)["schemas"][schema["$ref"]], value, path)
        return
    kind = schema.get("type")
    fmt = schema.get("format")
    if kind == "object":
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected an object, got {type(value).__name__}")
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                _check(api, props[key], item, f"{path}.{key}")
            elif extra is not None:
                _check(api, extra, item, f"{path}.{key}")
            else:
                raise SchemaError(f"{path}: unknown field {key!r}")
        return
    if kind == "array":
        if not isinstance(value, list):
            raise SchemaError(f"{path}: expected an array, got {type(value).__name__}")
        for index, item in enumerate(value):
            _check(api, schema.get("items") or {}, item, f"{path}[{index}]")
        return
    if kind == "string":
        if fmt in {"int64", "uint64"}:
            ok = isinstance(value, str) and value.lstrip("-").isdigit()
        else:
            ok = isinstance(value, str)
        if not ok:
            raise SchemaError(f"{path}: expected a string ({fmt or 'text'}), got {value!r}")
        enum = schema.get("enum")
        if enum and value not in enum:
            raise SchemaError(f"{path}: {value!r} is not one of {enum}")
        return
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"{path}: expected an integer, got {value!r}")
        return
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError(f"{path}: expected a number, got {value!r}")
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            raise SchemaError(f"{path}: expected a boolean, got {value!r}")
        return
    if kind == "any" or kind is None:
        return
    raise SchemaError(f"{path}: unknown schema type {kind}")


def validate(api: str, schema_name: str, body: Any) -> None:
    """Raise :class:`SchemaError` unless ``body`` fits ``schema_name`` of ``api``."""
    _check(api, {"$ref": schema_name}, body, schema_name)


def validate_method(method_id: str, body: Any) -> None:
    """Validate a successful answer of ``method_id`` against its response schema."""
    ref = response_ref(method_id)
    if ref is None:
        return
    validate(method_id.split(".", 1)[0], ref, body)
