"""Request parameters of the Bot API: reading form/JSON/multipart bodies and checking them against the spec.

Telegram accepts the same parameters as a query string, a form, multipart form data or a JSON
object; in the first three every value is a string and objects arrive JSON-serialized. This
module turns any of them into native values typed as ``api_spec.json`` (the extract of the
published spec) says, and raises :class:`BadRequest` with Telegram-like wording otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Request

from sandbox.http import invalid_text
from sandbox.telegram.errors import BadRequest

SPEC_PATH = Path(__file__).with_name("api_spec.json")
# Telegram's answer to text that is not valid UTF-8 (a lone surrogate escaped in JSON).
NOT_UTF8 = "strings must be encoded in UTF-8"

# Missing required parameters that Telegram reports in its own words.
_MISSING_MESSAGES = {
    "text": "message text is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "callback_query_id": "query_id is empty",
    "action": "wrong parameter action in request",
    "message_id": "message identifier is not specified",
    "file_id": "file_id is empty",
    "url": "url is empty",
    "commands": "commands is empty",
}


# Parameters Telegram still accepts though the spec has dropped them.
_LEGACY_PARAMS = {
    "reply_to_message_id": ["Integer"],
    "allow_sending_without_reply": ["Boolean"],
    "disable_web_page_preview": ["Boolean"],
}


@dataclass(frozen=True)
class Upload:
    """A file sent in the request body (multipart)."""

    filename: str
    content: bytes
    mimetype: str | None


@lru_cache(maxsize=1)
def api_spec() -> dict[str, Any]:
    """The extract of the Bot API spec the sandbox validates with."""
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


@lru_cache(maxsize=1)
def _methods_by_lower_name() -> dict[str, str]:
    return {known.lower(): known for known in api_spec()["all_methods"]}


def canonical_method(name: str) -> tuple[str, bool]:
    """The canonical spelling of a method name and whether the spec has it at all."""
    known = _methods_by_lower_name().get(name.lower())
    return (known, True) if known else (name, False)


def read_raw_params(request: Request) -> tuple[dict[str, Any], dict[str, FileStorage]]:
    """Raw parameters (query string, then body) and uploaded files; BadRequest on a broken body."""
    raw: dict[str, Any] = {key: value for key, value in request.args.items()}
    files: dict[str, FileStorage] = {}
    mimetype = request.mimetype
    if mimetype == "application/json":
        body = request.get_data(cache=True)
        if body.strip():
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError) as err:
                raise BadRequest("can't parse JSON object") from err
            if not isinstance(data, dict):
                raise BadRequest("JSON object expected")
            if invalid_text(data) is not None:
                raise BadRequest(NOT_UTF8)
            raw.update(data)
    elif mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        raw.update(request.form.items())
        files = {key: value for key, value in request.files.items()}
    return raw, files


def _type_error(where: str, field: str, expected: str) -> BadRequest:
    if where:
        return BadRequest(f'can\'t parse {where}: Field "{field}" must be of type {expected}')
    return BadRequest(f'field "{field}" must be of type {expected}')


class ParamReader:
    """Coerces raw parameter values to the types the spec names."""

    def __init__(self, files: dict[str, FileStorage]) -> None:
        self.files = files
        self.types: dict[str, Any] = api_spec()["types"]

    def method_params(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        """All parameters of ``method``: checked, typed, missing optional ones left out."""
        spec = api_spec()["methods"][method]["params"]
        result: dict[str, Any] = {}
        for name, param in spec.items():
            value = raw.get(name)
            if name in self.files and value is None:
                value = self.files[name]
            if value is None or value == "":
                if param["required"]:
                    raise BadRequest(_MISSING_MESSAGES.get(name, f"{name} is empty"))
                continue
            result[name] = self.top_level(name, value, param["types"])
        if "reply_parameters" in spec:
            for name, types in _LEGACY_PARAMS.items():
                if raw.get(name) not in (None, ""):
                    result[name] = self.top_level(name, raw[name], types)
        return result

    def top_level(self, name: str, value: Any, types: list[str]) -> Any:
        """One parameter of the request itself (strings may hold JSON)."""
        if "InputFile" in types:
            return self.input_file(name, value)
        needs_json = any(t.startswith("Array of") or t in self.types for t in types)
        scalar_allowed = bool({"String", "Integer"} & set(types))
        if needs_json and isinstance(value, str) and (not scalar_allowed or value.lstrip()[:1] in {"{", "["}):
            try:
                value = json.loads(value)
            except ValueError as err:
                raise BadRequest(f"can't parse {name} JSON object") from err
            if invalid_text(value) is not None:
                raise BadRequest(NOT_UTF8)
        return self.coerce(value, types, "", name)

    def input_file(self, name: str, value: Any) -> Upload | str:
        """An uploaded file (directly or by ``attach://``), or a file_id/URL string."""
        if isinstance(value, FileStorage):
            return Upload(value.filename or name, value.read(), value.mimetype or None)
        if not isinstance(value, str):
            raise BadRequest(f"wrong type of the {name} parameter")
        if value.startswith("attach://"):
            attached = self.files.get(value[len("attach://") :])
            if attached is None:
                raise BadRequest(f'can\'t find attached file "{value[len("attach://") :]}"')
            return Upload(attached.filename or name, attached.read(), attached.mimetype or None)
        return value

    def coerce(self, value: Any, types: list[str], where: str, field: str) -> Any:
        """``value`` as one of ``types``; BadRequest naming the field otherwise."""
        first_error: BadRequest | None = None
        for type_name in types:
            try:
                return self._coerce_one(value, type_name, where, field)
            except BadRequest as err:
                first_error = first_error or err
        assert first_error is not None
        raise first_error

    def _coerce_one(self, value: Any, type_name: str, where: str, field: str) -> Any:
        if type_name == "String":
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise _type_error(where, field, "String")
            return value if isinstance(value, str) else str(value)
        if type_name == "Integer":
            if isinstance(value, bool):
                raise _type_error(where, field, "Integer")
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str):
                try:
                    return int(value.strip())
                except ValueError:
                    pass
            raise _type_error(where, field, "Integer")
        if type_name == "Float":
            if isinstance(value, bool):
                raise _type_error(where, field, "Float")
            try:
                return float(value)
            except (TypeError, ValueError) as err:
                raise _type_error(where, field, "Float") from err
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            if isinstance(value, str) and value.strip().lower() in {"true", "false", "1", "0"}:
                return value.strip().lower() in {"true", "1"}
            raise _type_error(where, field, "Boolean")
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                raise _type_error(where, field, type_name)
            inner = type_name[len("Array of ") :]
            return [self._coerce_one(item, inner, where or inner, f"{field}[{n}]") for n, item in enumerate(value)]
        if type_name == "InputFile":
            return self.input_file(field, value)
        spec = self.types.get(type_name)
        if spec is None:
            return value
        if "subtypes" in spec:
            return self.coerce(value, spec["subtypes"], where or type_name, field)
        return self._object(value, type_name, spec, where or type_name, field)

    def _object(self, value: Any, type_name: str, spec: dict[str, Any], where: str, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise BadRequest(f"can't parse {where}: object expected as {field}")
        result: dict[str, Any] = {}
        for name, item in spec["fields"].items():
            if name not in value or value[name] is None:
                if item["required"]:
                    raise BadRequest(f"can't parse {where}: Can't find field \"{name}\"")
                continue
            coerced = self.coerce(value[name], item["types"], where, name)
            if "const" in item and coerced != item["const"]:
                raise BadRequest(f'can\'t parse {where}: Field "{name}" must be "{item["const"]}"')
            result[name] = coerced
        return result
