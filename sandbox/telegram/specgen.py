"""Generates ``api_spec.json``: the parameters of the methods the sandbox serves, from the Bot API spec.

The sandbox validates every request against the published Bot API spec
(PaulSonOfLars/telegram-bot-api-spec, MIT). The full spec (900 KB) is vendored for the tests
only (``tests/fidelity/telegram/bot-api-spec.json``, with its licence), so this module extracts
the part the sandbox needs at run time (its methods and every type their parameters use) into
``sandbox/telegram/api_spec.json``. Run ``python -m sandbox.telegram.specgen SPEC`` after
updating the spec; a test checks the extract still matches.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from sandbox.telegram.constants import SERVED_METHODS

OUTPUT = Path(__file__).with_name("api_spec.json")
_CONST = re.compile(r"must be (\w+)$")


def _type_names(type_expr: str) -> str:
    """The element type of ``Array of Array of X``."""
    return type_expr.removeprefix("Array of ").removeprefix("Array of ")


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``spec`` the sandbox validates requests with."""
    methods: dict[str, Any] = {}
    pending: list[str] = []
    for name in SERVED_METHODS:
        method = spec["methods"][name]
        params = {
            field["name"]: {"types": field["types"], "required": field["required"]}
            for field in method.get("fields", [])
        }
        methods[name] = {"params": params, "returns": method["returns"]}
        for param in params.values():
            pending.extend(_type_names(t) for t in param["types"])
    types: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name in types or name not in spec["types"]:
            continue
        source = spec["types"][name]
        entry: dict[str, Any] = {}
        if "subtypes" in source:
            entry["subtypes"] = source["subtypes"]
            pending.extend(source["subtypes"])
        fields: dict[str, Any] = {}
        for field in source.get("fields", []):
            item: dict[str, Any] = {"types": field["types"], "required": field["required"]}
            match = _CONST.search(field["description"].strip())
            if field["name"] == "type" and match:
                item["const"] = match.group(1)
            fields[field["name"]] = item
            pending.extend(_type_names(t) for t in field["types"])
        entry["fields"] = fields
        types[name] = entry
    return {
        "_source": "PaulSonOfLars/telegram-bot-api-spec (MIT), extracted by sandbox.telegram.specgen",
        "version": spec["version"],
        "all_methods": sorted(spec["methods"]),
        "methods": methods,
        "types": dict(sorted(types.items())),
    }


def main(argv: list[str]) -> int:
    """Write ``api_spec.json`` from the spec file named on the command line."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    OUTPUT.write_text(json.dumps(extract(spec), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
