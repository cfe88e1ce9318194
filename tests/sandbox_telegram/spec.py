"""Validates Bot API results against the published spec (bot-api-spec.json).

Checks what a strict client relies on: every required field present, every value of the
spec's type (nested types, arrays, unions of subtypes), and no field the spec does not define.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from tests.conftest import FIDELITY_DIR

SPEC_PATH = FIDELITY_DIR / "telegram" / "bot-api-spec.json"


class SpecViolation(AssertionError):
    """A Bot API value that does not match the spec."""


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """The Bot API spec."""
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def validate_result(method: str, result: Any) -> None:
    """Check ``result`` against the return type(s) of ``method``; SpecViolation otherwise."""
    spec = load_spec()
    returns = spec["methods"][method]["returns"]
    _check_union(result, returns, method)


def validate_type(type_expr: str, value: Any, path: str = "$") -> None:
    """Check ``value`` against one spec type expression (``Message``, ``Array of Update``...)."""
    _check(value, type_expr, path)


def _check_union(value: Any, types: list[str], path: str) -> None:
    errors: list[str] = []
    for type_expr in types:
        try:
            _check(value, type_expr, path)
            return
        except SpecViolation as err:
            errors.append(str(err))
    raise SpecViolation(" | ".join(errors))


def _check(value: Any, type_expr: str, path: str) -> None:
    if type_expr.startswith("Array of "):
        if not isinstance(value, list):
            raise SpecViolation(f"{path}: expected {type_expr}, got {type(value).__name__}")
        inner = type_expr[len("Array of ") :]
        for index, item in enumerate(value):
            _check(item, inner, f"{path}[{index}]")
        return
    if type_expr == "Integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecViolation(f"{path}: expected Integer, got {value!r}")
        return
    if type_expr == "Float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SpecViolation(f"{path}: expected Float, got {value!r}")
        return
    if type_expr == "String":
        if not isinstance(value, str):
            raise SpecViolation(f"{path}: expected String, got {value!r}")
        return
    if type_expr in {"Boolean", "True"}:
        if not isinstance(value, bool) or (type_expr == "True" and value is not True):
            raise SpecViolation(f"{path}: expected {type_expr}, got {value!r}")
        return
    spec_type = load_spec()["types"].get(type_expr)
    if spec_type is None:
        raise SpecViolation(f"{path}: unknown spec type {type_expr}")
    if "subtypes" in spec_type:
        _check_union(value, spec_type["subtypes"], path)
        return
    if not isinstance(value, dict):
        raise SpecViolation(f"{path}: expected {type_expr} object, got {value!r}")
    fields = {field["name"]: field for field in spec_type.get("fields", [])}
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise SpecViolation(f"{path}: {type_expr} has no field(s) {unknown}")
    for name, field in fields.items():
        if name not in value:
            if field["required"]:
                raise SpecViolation(f"{path}: {type_expr} lacks required field {name!r}")
            continue
        _check_union(value[name], field["types"], f"{path}.{name}")
