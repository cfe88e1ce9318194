"""Fidelity replay: run recorded Google traffic (vcrpy JSON cassettes) against a fresh sandbox.

Each cassette is replayed in order on a new in-process sandbox. Recorded ids are mapped to the
ids the sandbox hands out (learned where both answers hold an id field, then substituted into
later requests and expected answers). An interaction matches when the status is equal and the
JSON bodies have the same keys recursively, the same value types and equal values, except the
explicit volatile fields in :data:`VOLATILE_FIELDS`.

Files the recorded account already had (they show up in a listing, or are opened, before the
cassette creates them) are seeded just before the interaction that first mentions them: owned
by the replaying account when the recording could open them, by another account when it got
403, and not at all when it got 404. A seeded spreadsheet gets the sheets the recording shows
it had (from a recorded spreadsheet resource, or from a sheet title a successful request names
in a range), since older cassettes work on a spreadsheet set up outside the recording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from werkzeug.datastructures import Headers
from werkzeug.test import Client, EnvironBuilder, run_wsgi_app

from sandbox.google.a1 import split_title
from sandbox.server import SandboxApp

# Fields compared by type only (their values differ run to run)...
VOLATILE_FIELDS: tuple[str, ...] = ("createdTime", "modifiedTime", "etag", "version")
# ...and id fields whose recorded value is mapped to the sandbox's value (must stay consistent).
ID_FIELDS: tuple[str, ...] = (
    "id",
    "spreadsheetId",
    "sheetId",
    "protectedRangeId",
    "chartId",
    "namedRangeId",
    "fileId",
    "permissionId",
)
GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
REPLAY_EMAIL = "replay@sandbox.test"
STRANGER_EMAIL = "someone-else@sandbox.test"
_ID_IN_PATH = re.compile(r"/(?:spreadsheets|files)/([A-Za-z0-9_-]+)")
_SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]+$")
_VALUES_RANGE = re.compile(r"^/v4/spreadsheets/[^/]+/values/([^/:]+)")


@dataclass
class Outcome:
    """The result of one cassette."""

    name: str
    status: str  # "passed" | "failed" | "skipped"
    detail: str = ""
    interactions: int = 0


@dataclass
class _Mapper:
    ids: dict[Any, Any] = field(default_factory=dict)

    def to_actual(self, text: str) -> str:
        for recorded, actual in sorted(
            ((r, a) for r, a in self.ids.items() if isinstance(r, str)), key=lambda kv: -len(kv[0])
        ):
            text = text.replace(recorded, actual)
        return text

    def body_to_actual(self, node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            return {k: self.body_to_actual(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [self.body_to_actual(v, key) for v in node]
        if isinstance(node, str):
            return self.to_actual(node)
        if isinstance(node, int) and not isinstance(node, bool) and key in ID_FIELDS:
            return self.ids.get(node, node)
        return node


def load(path: Path) -> list[dict[str, Any]]:
    """The interactions of a cassette file."""
    data = json.loads(path.read_text())
    return list(data.get("interactions") or [])


def cassette_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Every ``*.json`` cassette under the given files and folders, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(path.rglob("*.json")))
        else:
            out.append(path)
    return out


def _json(text: str | bytes | None) -> Any:
    if text in (None, b"", ""):
        return None
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return _RAW


_RAW = object()


def _body_text(part: dict[str, Any]) -> str | None:
    body = part.get("body")
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return body


def unsupported_kind(app: SandboxApp, interactions: list[dict[str, Any]]) -> str | None:
    """The first request kind of the cassette the sandbox does not implement, if any."""
    from sandbox.google.service import ROUTES

    handled = _handled_kinds()
    for interaction in interactions:
        request = interaction["request"]
        url = urlsplit(request["uri"])
        path = url.path
        if path.startswith(("/token", "/upload/drive/v3", "/batch/drive/v3")):
            continue
        if not any(m == request["method"] and p.match(path) for m, p, *_ in ROUTES):
            return f"{request['method']} {path}"
        if path.endswith(":batchUpdate") and "/values" not in path:
            body = _json(_body_text(request))
            for item in (body or {}).get("requests", []) if isinstance(body, dict) else []:
                for kind in item:
                    if kind not in handled:
                        return str(kind)
    del app
    return None


def _handled_kinds() -> set[str]:
    from sandbox.google.sheets_batch import HANDLERS

    return set(HANDLERS)


class Replayer:
    """Replays one cassette."""

    def __init__(self, name: str, interactions: list[dict[str, Any]]) -> None:
        self.name = name
        self.interactions = interactions
        self.app = SandboxApp()
        self.app.base_url = "http://sandbox.replay"
        self.client = Client(self.app)
        self.mapper = _Mapper()
        self.known: set[str] = set()
        self.seeded: set[str] = set()
        self.google = self.app.service("google")
        response = self.client.post("/_sandbox/google/accounts", json={"email": REPLAY_EMAIL})
        self.token = response.get_json()["token"]

    # ---- seeding -----------------------------------------------------------------------------------
    def _seed(
        self, file_id: str, name: str, owner: str, created: str | None = None, modified: str | None = None
    ) -> None:
        body = {"id": file_id, "name": name, "owner": owner}
        if created:
            body["createdTime"] = created
        if modified:
            body["modifiedTime"] = modified
        self.client.post("/_sandbox/google/files", json=body)
        self.known.add(file_id)
        self.seeded.add(file_id)
        self.mapper.ids.setdefault(file_id, file_id)

    def _prepare(self, request: dict[str, Any], status: int, expected: Any) -> None:
        """Seed the files the recorded account had before this interaction mentions them."""
        path = urlsplit(request["uri"]).path
        creates = request["method"] == "POST" and (path.endswith("/files") or path.endswith("/copy"))
        for match in _ID_IN_PATH.finditer(path):
            file_id = match.group(1)
            if file_id in self.mapper.ids or file_id in self.known:
                continue
            self.known.add(file_id)
            if status == 404 or (creates and path.endswith("/files")):
                continue
            title = None
            if isinstance(expected, dict):
                title = (expected.get("properties") or {}).get("title") or expected.get("name")
            owner = STRANGER_EMAIL if status == 403 else REPLAY_EMAIL
            self._seed(file_id, title or "Untitled spreadsheet", owner)
            if isinstance(expected, dict) and isinstance(expected.get("sheets"), list):
                self._seed_sheets(file_id, expected["sheets"])
        if 200 <= status < 300 and path.startswith("/v4/spreadsheets/"):
            file_id = path.split("/")[3].split(":")[0]
            for title in _range_titles(request):
                self._seed_sheet_title(file_id, title)
        if isinstance(expected, dict) and isinstance(expected.get("files"), list):
            for entry in expected["files"]:
                file_id = entry.get("id") if isinstance(entry, dict) else None
                if file_id and file_id not in self.mapper.ids and file_id not in self.known:
                    self._seed(
                        file_id,
                        entry.get("name", "Untitled"),
                        REPLAY_EMAIL,
                        entry.get("createdTime"),
                        entry.get("modifiedTime"),
                    )

    def _spreadsheet(self, file_id: str) -> Any:
        if file_id not in self.seeded:
            return None
        file = self.google.store.files.get(file_id)  # type: ignore[attr-defined]
        return file.spreadsheet if file is not None else None

    def _seed_sheets(self, file_id: str, sheets: list[Any]) -> None:
        """Give a seeded spreadsheet the sheets a recorded spreadsheet resource lists."""
        spreadsheet = self._spreadsheet(file_id)
        candidates = [s.get("properties") for s in sheets if isinstance(s, dict)]
        props: list[dict[str, Any]] = [p for p in candidates if isinstance(p, dict) and isinstance(p.get("title"), str)]
        if spreadsheet is None or not props:
            return
        spreadsheet.sheets.clear()
        for prop in props:
            grid = prop.get("gridProperties") or {}
            sheet = spreadsheet.add_sheet(
                prop["title"],
                rows=int(grid.get("rowCount", 1000)),
                cols=int(grid.get("columnCount", 26)),
                sheet_id=int(prop.get("sheetId", 0)),
            )
            sheet.hidden = bool(prop.get("hidden", False))
            self.mapper.ids.setdefault(sheet.sheet_id, sheet.sheet_id)

    def _seed_sheet_title(self, file_id: str, title: str) -> None:
        """A sheet a successful recorded request names, on a seeded spreadsheet lacking it."""
        spreadsheet = self._spreadsheet(file_id)
        if spreadsheet is not None and spreadsheet.sheet_by_title(title) is None:
            sheet = spreadsheet.add_sheet(title)
            self.mapper.ids.setdefault(sheet.sheet_id, sheet.sheet_id)

    # ---- running -----------------------------------------------------------------------------------
    def run(self) -> Outcome:
        kind = unsupported_kind(self.app, self.interactions)
        if kind is not None:
            return Outcome(self.name, "skipped", f"unsupported request kind: {kind}")
        for index, interaction in enumerate(self.interactions):
            request, response = interaction["request"], interaction["response"]
            status = int(response["status"]["code"])
            expected_text = _body_text(response)
            expected = _json(expected_text)
            self._prepare(request, status, expected)
            actual_status, actual_text, content_type = self._send(request)
            where = f"interaction {index} ({request['method']} {urlsplit(request['uri']).path})"
            if actual_status != status:
                return Outcome(
                    self.name,
                    "failed",
                    f"{where}: status {actual_status} != recorded {status}: {actual_text[:300]!r}",
                    index,
                )
            if expected is _RAW:
                if "json" in content_type:
                    return Outcome(
                        self.name, "failed", f"{where}: JSON answer where the recording has raw bytes", index
                    )
                if expected_text is not None and actual_text != expected_text and "text" in content_type:
                    return Outcome(
                        self.name,
                        "failed",
                        f"{where}: body {actual_text[:200]!r} != {expected_text[:200]!r}",
                        index,
                    )
                continue
            actual = _json(actual_text) if expected is not None else None
            problem = self._compare(expected, actual, "$")
            if problem:
                return Outcome(self.name, "failed", f"{where}: {problem}", index)
        return Outcome(self.name, "passed", interactions=len(self.interactions))

    def _send(self, request: dict[str, Any]) -> tuple[int, str, str]:
        uri = request["uri"]
        for host in GOOGLE_HOSTS:
            if uri.startswith(host):
                uri = uri[len(host) :]
        uri = self.mapper.to_actual(uri)
        path, _, query = uri.partition("?")
        body_text = _body_text(request)
        data: bytes | None = None
        if body_text:
            parsed = _json(body_text)
            if parsed is not None and parsed is not _RAW:
                data = json.dumps(self.mapper.body_to_actual(parsed)).encode()
            else:
                data = body_text.encode()
        headers = {"Authorization": f"Bearer {self.token}"}
        content_type = (request.get("headers") or {}).get("Content-Type") or (request.get("headers") or {}).get(
            "content-type"
        )
        if isinstance(content_type, list):
            content_type = content_type[0] if content_type else None
        builder = EnvironBuilder(
            method=request["method"],
            path=path,
            query_string=query,
            headers=Headers(headers),
            data=data,
            content_type=content_type or ("application/json" if data else None),
        )
        environ = builder.get_environ()
        environ["RAW_URI"] = path
        # run_wsgi_app keeps RAW_URI as given (the test Client would decode it)
        app_iter, status, response_headers = run_wsgi_app(self.app, environ)
        try:
            payload = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        code = int(status.split(" ", 1)[0])
        return code, payload.decode("utf-8", "replace"), response_headers.get("Content-Type", "")

    def _compare(self, expected: Any, actual: Any, path: str) -> str | None:
        if isinstance(expected, dict):
            if not isinstance(actual, dict):
                return f"{path}: expected an object, got {type(actual).__name__}"
            missing = sorted(set(expected) - set(actual))
            extra = sorted(set(actual) - set(expected))
            if missing or extra:
                return f"{path}: keys differ (missing {missing}, unexpected {extra})"
            for key in expected:
                problem = self._compare_field(key, expected[key], actual[key], f"{path}.{key}")
                if problem:
                    return problem
            return None
        if isinstance(expected, list):
            if not isinstance(actual, list):
                return f"{path}: expected a list, got {type(actual).__name__}"
            if len(expected) != len(actual):
                return f"{path}: {len(actual)} items != recorded {len(expected)}"
            for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
                problem = self._compare(e, a, f"{path}[{i}]")
                if problem:
                    return problem
            return None
        if not _same_type(expected, actual):
            return (
                f"{path}: type {type(actual).__name__} != recorded {type(expected).__name__} "
                f"({actual!r} vs {expected!r})"
            )
        if isinstance(expected, str):
            expected = self.mapper.to_actual(expected)
            if _EMAIL.match(expected) and _EMAIL.match(actual) and expected != actual:
                # the recording account's identity: mapped like an id, consistently
                known = self.mapper.ids.get(expected)
                if known is None and actual not in self.mapper.ids.values():
                    self.mapper.ids[expected] = actual
                    return None
                return None if known == actual else f"{path}: {actual!r} != recorded {expected!r}"
        if expected != actual:
            return f"{path}: {actual!r} != recorded {expected!r}"
        return None

    def _compare_field(self, key: str, expected: Any, actual: Any, path: str) -> str | None:
        if key in VOLATILE_FIELDS:
            return None if _same_type(expected, actual) else f"{path}: type differs"
        if key in ID_FIELDS and isinstance(expected, (str, int)) and not isinstance(expected, bool):
            if not _same_type(expected, actual):
                return f"{path}: type {type(actual).__name__} != recorded {type(expected).__name__}"
            known = self.mapper.ids.get(expected)
            if known is None:
                if (
                    actual in self.mapper.ids.values()
                    and self.mapper.ids.get(expected) != actual
                    and expected != actual
                ):
                    return f"{path}: sandbox id {actual!r} already stands for another recorded id"
                self.mapper.ids[expected] = actual
                return None
            return None if known == actual else f"{path}: {actual!r} != recorded {expected!r} (mapped {known!r})"
        return self._compare(expected, actual, path)


def _range_titles(request: dict[str, Any]) -> list[str]:
    """Sheet titles named in the A1 ranges of a recorded Sheets request (path, query, body)."""
    url = urlsplit(request["uri"])
    ranges: list[str] = list(parse_qs(url.query).get("ranges", []))
    match = _VALUES_RANGE.match(url.path)
    if match:
        ranges.append(unquote(match.group(1)))
    body = _json(_body_text(request))
    if isinstance(body, dict):
        ranges.extend(r for r in body.get("ranges") or [] if isinstance(r, str))
        ranges.extend(
            d["range"] for d in body.get("data") or [] if isinstance(d, dict) and isinstance(d.get("range"), str)
        )
    titles = []
    for text in ranges:
        try:
            title, _ = split_title(text)
        except ValueError:
            continue
        if title:
            titles.append(title)
    return titles


def _same_type(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool)
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float))
    if expected is None:
        return actual is None
    return type(expected) is type(actual)


def replay_file(path: Path) -> Outcome:
    """Replay one cassette file on a fresh sandbox."""
    try:
        interactions = load(path)
    except (OSError, ValueError) as err:
        return Outcome(path.stem, "failed", f"cannot read cassette: {err}")
    return Replayer(path.stem, interactions).run()


def replay_all(paths: Iterable[str | Path]) -> Iterator[Outcome]:
    """Replay every cassette under ``paths``."""
    for path in cassette_paths(paths):
        yield replay_file(path)


def volatile_description() -> str:
    """The printed list of what the comparison ignores."""
    return (
        "volatile fields (compared by type only): "
        + ", ".join(VOLATILE_FIELDS)
        + "; id fields (recorded value mapped to the sandbox's, consistently): "
        + ", ".join(ID_FIELDS)
        + "; account emails (mapped to the replaying account's, consistently)"
    )
