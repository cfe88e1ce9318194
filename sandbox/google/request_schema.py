"""Request bodies checked against the Sheets v4 discovery document, as Google's JSON parser checks them.

Google parses a request body into its protocol messages before the request runs; a field the
message does not have, or a value of the wrong type or outside an enum, fails the whole call with
400 and messages such as (wrapped here)::

    Invalid JSON payload received. Unknown name "chartTyp" at
        'requests[0].add_chart.chart.spec.basic_chart': Cannot find field.
    Invalid value at 'requests[0].add_chart.chart.spec.basic_chart.chart_type'
        (type.googleapis.com/google.apps.sheets.v4.BasicChartType), "LINES"
    Invalid value at 'requests[0].add_chart.chart.chart_id' (TYPE_INT32), "satu"

(one line per problem). Field names may be written camelCase or snake_case, as proto3 JSON allows;
paths name them in snake_case. The schemas are the discovery document bundled with
google-api-python-client; enum type names that the document does not carry are listed here.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from sandbox.google.errors import GoogleApiError

_PROTO = "type.googleapis.com/google.apps.sheets.v4."
# (schema, field) -> the proto enum type Google names in its message (the discovery document omits it).
ENUM_TYPES: dict[tuple[str, str], str] = {
    ("BasicChartSpec", "chartType"): "BasicChartType",
    ("BasicChartSeries", "type"): "BasicChartType",
    ("BasicChartSpec", "legendPosition"): "BasicChartLegendPosition",
    ("BasicChartSpec", "stackedType"): "BasicChartStackedType",
    ("BasicChartSpec", "compareMode"): "BasicChartCompareMode",
    ("BasicChartAxis", "position"): "BasicChartAxisPosition",
    ("BasicChartSeries", "targetAxis"): "BasicChartAxisPosition",
    ("ChartSpec", "hiddenDimensionStrategy"): "ChartHiddenDimensionStrategy",
    ("ChartData", "aggregateType"): "ChartAggregateType",
    ("PieChartSpec", "legendPosition"): "PieChartLegendPosition",
}
_SCALAR_TYPES: dict[tuple[str | None, str | None], str] = {
    ("integer", "int32"): "TYPE_INT32",
    ("integer", "int64"): "TYPE_INT64",
    ("integer", "uint32"): "TYPE_UINT32",
    ("number", "double"): "TYPE_DOUBLE",
    ("number", "float"): "TYPE_FLOAT",
    ("boolean", None): "TYPE_BOOL",
    ("string", None): "TYPE_STRING",
}
_INTEGER_TEXT = re.compile(r"^-?\d+$")


@cache
def schemas() -> dict[str, Any]:
    """The ``schemas`` of the bundled Sheets v4 discovery document."""
    text = resources.files("googleapiclient.discovery_cache.documents").joinpath("sheets.v4.json").read_text()
    found: dict[str, Any] = json.loads(text)["schemas"]
    return found


def snake(name: str) -> str:
    """``chartType`` -> ``chart_type`` (how Google's paths name a field)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def check_message(value: Any, schema: str, path: str) -> None:
    """Raise a 400 :class:`GoogleApiError` listing every problem of ``value`` as message ``schema``."""
    problems: list[str] = []
    _message(value, schema, path, problems)
    if problems:
        raise GoogleApiError(400, "\n".join(problems))


def _message(value: Any, schema: str, path: str, problems: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problems.append(f"Invalid value at '{path}' ({_PROTO}{schema}), {json.dumps(value)}")
        return
    properties: dict[str, Any] = schemas()[schema].get("properties", {})
    for key, item in value.items():
        name = key if key in properties else _camel(key)
        spec = properties.get(name)
        if spec is None:
            problems.append(f"Invalid JSON payload received. Unknown name \"{key}\" at '{path}': Cannot find field.")
            continue
        _field(item, spec, schema, name, f"{path}.{snake(name)}", problems)


def _field(value: Any, spec: dict[str, Any], owner: str, name: str, path: str, problems: list[str]) -> None:
    if value is None:
        return
    if "$ref" in spec:
        _message(value, spec["$ref"], path, problems)
        return
    kind, fmt = spec.get("type"), spec.get("format")
    if kind == "array":
        if not isinstance(value, list):
            problems.append(f"Invalid value at '{path}' (TYPE_LIST), {json.dumps(value)}")
            return
        for index, item in enumerate(value):
            _field(item, spec.get("items", {}), owner, name, f"{path}[{index}]", problems)
        return
    if kind == "object":  # a map (additionalProperties): its values are not checked further
        if not isinstance(value, dict):
            problems.append(f"Invalid value at '{path}' (TYPE_MAP), {json.dumps(value)}")
        return
    if kind == "string" and "enum" in spec:
        allowed = spec["enum"]
        number = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(allowed)
        if value not in allowed and not number:
            enum_type = ENUM_TYPES.get((owner, name))
            label = f"{_PROTO}{enum_type}" if enum_type else "TYPE_ENUM"
            problems.append(f"Invalid value at '{path}' ({label}), {json.dumps(value)}")
        return
    if not _scalar_fits(value, kind, fmt):
        label = _SCALAR_TYPES.get((kind, fmt if kind in ("integer", "number") else None), "TYPE_STRING")
        problems.append(f"Invalid value at '{path}' ({label}), {json.dumps(value)}")


def _scalar_fits(value: Any, kind: str | None, fmt: str | None) -> bool:
    """Whether proto3 JSON accepts ``value`` for a scalar of ``kind`` (numbers may come as text)."""
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) or (isinstance(value, str) and bool(_INTEGER_TEXT.match(value)))
    if kind == "number":
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return True
        try:
            float(value)
        except (TypeError, ValueError):
            return False
        return True
    return isinstance(value, str)


def normalized(value: Any, schema: str) -> Any:
    """``value`` (checked by :func:`check_message`) with every field named in camelCase, as Google keeps it."""
    if not isinstance(value, dict):
        return value
    properties: dict[str, Any] = schemas()[schema].get("properties", {})
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key if key in properties else _camel(key)
        out[name] = _normalized_field(item, properties.get(name, {}))
    return out


def _normalized_field(value: Any, spec: dict[str, Any]) -> Any:
    if "$ref" in spec:
        return normalized(value, spec["$ref"])
    if spec.get("type") == "array" and isinstance(value, list):
        return [_normalized_field(item, spec.get("items", {})) for item in value]
    return value
