"""The Google half of the sandbox: routes Sheets v4, Drive v3, upload, batch and token
requests to their handlers, authenticates the bearer token, injects faults, and serves the
control endpoints under ``/_sandbox/google/``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from sandbox.google import auth, drive, sheets
from sandbox.google.batch import handle_batch
from sandbox.google.context import Ctx
from sandbox.google.errors import FAULT_MESSAGES, GoogleApiError, PayloadTooLarge, error_response, unauthenticated
from sandbox.google.limits import BodySizes, LimitsError
from sandbox.google.model import FOLDER_MIME, MAX_CHANGE_LAG_SECONDS, Permission, SharedDrive, Store
from sandbox.google.quota import Quotas
from sandbox.google.upload import handle_upload
from sandbox.http import InvalidText, ServiceHost, json_response, read_json
from sandbox.hub import ServiceName

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]

# (HTTP method, path regex over the raw path, method id, handler, api)
_S = r"(?P<sid>[^/:?]+)"
_F = r"(?P<fid>[^/?]+)"
ROUTES: list[tuple[str, re.Pattern[str], str, Handler, str]] = [
    (
        "GET",
        re.compile(rf"^/v4/spreadsheets/{_S}/values:batchGet$"),
        "sheets.spreadsheets.values.batchGet",
        sheets.values_batch_get,
        "sheets",
    ),
    (
        "POST",
        re.compile(rf"^/v4/spreadsheets/{_S}/values:batchUpdate$"),
        "sheets.spreadsheets.values.batchUpdate",
        sheets.values_batch_update,
        "sheets",
    ),
    (
        "POST",
        re.compile(rf"^/v4/spreadsheets/{_S}/values:batchClear$"),
        "sheets.spreadsheets.values.batchClear",
        sheets.values_batch_clear,
        "sheets",
    ),
    (
        "POST",
        re.compile(rf"^/v4/spreadsheets/{_S}/values/(?P<range>[^/]+):append$"),
        "sheets.spreadsheets.values.append",
        sheets.values_append,
        "sheets",
    ),
    (
        "POST",
        re.compile(rf"^/v4/spreadsheets/{_S}/values/(?P<range>[^/]+):clear$"),
        "sheets.spreadsheets.values.clear",
        sheets.values_clear,
        "sheets",
    ),
    (
        "GET",
        re.compile(rf"^/v4/spreadsheets/{_S}/values/(?P<range>[^/]+)$"),
        "sheets.spreadsheets.values.get",
        sheets.values_get,
        "sheets",
    ),
    (
        "PUT",
        re.compile(rf"^/v4/spreadsheets/{_S}/values/(?P<range>[^/]+)$"),
        "sheets.spreadsheets.values.update",
        sheets.values_update,
        "sheets",
    ),
    (
        "POST",
        re.compile(rf"^/v4/spreadsheets/{_S}:batchUpdate$"),
        "sheets.spreadsheets.batchUpdate",
        sheets.spreadsheets_batch_update,
        "sheets",
    ),
    (
        "GET",
        re.compile(rf"^/v4/spreadsheets/{_S}$"),
        "sheets.spreadsheets.get",
        sheets.spreadsheets_get,
        "sheets",
    ),
    (
        "POST",
        re.compile(r"^/v4/spreadsheets/?$"),
        "sheets.spreadsheets.create",
        sheets.spreadsheets_create,
        "sheets",
    ),
    ("GET", re.compile(r"^/drive/v3/files/?$"), "drive.files.list", drive.files_list, "drive"),
    ("POST", re.compile(r"^/drive/v3/files/?$"), "drive.files.create", drive.files_create, "drive"),
    ("POST", re.compile(rf"^/drive/v3/files/{_F}/copy$"), "drive.files.copy", drive.files_copy, "drive"),
    ("GET", re.compile(rf"^/drive/v3/files/{_F}/export$"), "drive.files.export", drive.files_export, "drive"),
    (
        "GET",
        re.compile(rf"^/drive/v3/files/{_F}/comments$"),
        "drive.comments.list",
        drive.comments_list,
        "drive",
    ),
    (
        "GET",
        re.compile(rf"^/drive/v3/files/{_F}/permissions$"),
        "drive.permissions.list",
        drive.permissions_list,
        "drive",
    ),
    (
        "POST",
        re.compile(rf"^/drive/v3/files/{_F}/permissions$"),
        "drive.permissions.create",
        drive.permissions_create,
        "drive",
    ),
    (
        "GET",
        re.compile(rf"^/drive/v3/files/{_F}/permissions/(?P<pid>[^/?]+)$"),
        "drive.permissions.get",
        drive.permissions_get,
        "drive",
    ),
    (
        "DELETE",
        re.compile(rf"^/drive/v3/files/{_F}/permissions/(?P<pid>[^/?]+)$"),
        "drive.permissions.delete",
        drive.permissions_delete,
        "drive",
    ),
    ("GET", re.compile(rf"^/drive/v3/files/{_F}$"), "drive.files.get", drive.files_get, "drive"),
    ("PATCH", re.compile(rf"^/drive/v3/files/{_F}$"), "drive.files.update", drive.files_update, "drive"),
    ("DELETE", re.compile(rf"^/drive/v3/files/{_F}$"), "drive.files.delete", drive.files_delete, "drive"),
    (
        "GET",
        re.compile(r"^/drive/v3/changes/startPageToken$"),
        "drive.changes.getStartPageToken",
        drive.changes_start_token,
        "drive",
    ),
    ("GET", re.compile(r"^/drive/v3/changes/?$"), "drive.changes.list", drive.changes_list, "drive"),
    ("GET", re.compile(r"^/drive/v3/drives/?$"), "drive.drives.list", drive.drives_list, "drive"),
    ("POST", re.compile(r"^/drive/v3/drives/?$"), "drive.drives.create", drive.drives_create, "drive"),
    ("GET", re.compile(r"^/drive/v3/drives/(?P<did>[^/?]+)$"), "drive.drives.get", drive.drives_get, "drive"),
]


def raw_path(request: Request) -> str:
    """The request path still percent-encoded (ranges may hold ``/`` or ``:``)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        raw = raw.split("?", 1)[0]
        if raw.startswith("http"):
            raw = "/" + raw.split("/", 3)[-1]
        if any(ord(ch) > 127 or ch == " " for ch in raw):
            # some WSGI layers hand the target over decoded (as latin-1); encode it back
            from urllib.parse import quote

            raw = quote(raw.encode("latin-1", "replace"), safe="/:%!'()*,;=@&+$~-._")
        return raw
    from urllib.parse import quote

    return quote(request.path, safe="/:")


def fault_error(status: int, api: str) -> GoogleApiError:
    """The error Google answers for an injected status."""
    message = FAULT_MESSAGES.get(status, "Error")
    if api == "drive" and status in {403, 429}:
        return GoogleApiError(
            status,
            "Rate limit exceeded",
            api="drive",
            reason="userRateLimitExceeded" if status == 403 else "rateLimitExceeded",
        )
    return GoogleApiError(status, message, api=api)


class GoogleService:
    """Sheets v4 + Drive v3 on loopback, stateful in memory."""

    name: ServiceName = "google"

    def __init__(self, app: ServiceHost) -> None:
        self.app = app
        self.store = Store(clock=app.hub.clock.time)
        self.quotas = Quotas(clock=app.hub.clock.time)
        self.bodies = BodySizes()  # the size of every request body received (/_sandbox/google/bodies)

    # ---- protocol --------------------------------------------------------------------------------
    def matches(self, path: str) -> bool:
        """Paths owned by this half."""
        return path.startswith(("/v4/spreadsheets", "/drive/v3", "/upload/drive/v3", "/batch/drive/v3", "/token"))

    def reset(self) -> None:
        """Forget every account, file, drive and body size seen; quotas off, the change lag back to Google's."""
        self.store.reset()
        self.quotas.reset()
        self.bodies.clear()

    def handle(self, request: Request) -> Response:
        """Answer one API request."""
        path = raw_path(request)
        if path.startswith("/token"):
            return self._token(request)
        self.app.hub.delay("google")  # the token endpoint is not an API request: never delayed
        if path.startswith("/batch/drive/v3"):
            return handle_batch(self, request)
        if path.startswith("/upload/drive/v3"):
            return handle_upload(self, request, path)
        return self.dispatch(request, request.method, path)

    def dispatch(self, request: Request, method: str, path: str) -> Response:
        """Route ``method path`` to its handler (also used by the batch endpoint)."""
        api = "drive" if path.startswith("/drive") else "sheets"
        for verb, pattern, method_id, handler, route_api in ROUTES:
            match = pattern.match(path)
            if match is None:
                continue
            if verb != method:
                continue
            return self.call(
                request, method_id, route_api, handler, {k: unquote(v) for k, v in match.groupdict().items()}
            )
        known = any(p.match(path) for _, p, _, _, _ in ROUTES)
        self.app.hub.record("google", "unknown")
        if known:
            return error_response(
                GoogleApiError(405, f"Method {method} is not allowed for {path}", api=api, reason="methodNotAllowed")
            )
        return error_response(GoogleApiError(404, f"Method not found: {method} {path}", api=api, reason="notFound"))

    def call(
        self,
        request: Request,
        method_id: str,
        api: str,
        handler: Handler,
        params: dict[str, str],
        **extra: Any,
    ) -> Response:
        """Authenticate, maybe inject a fault, run the handler, shape the answer."""
        fault = self.app.hub.record("google", method_id, self._caller(request))
        if fault is not None:
            return error_response(fault_error(fault.status, api))
        size = len(request.get_data(cache=True))
        self.bodies.record(method_id, size)
        limit = self.store.limits.request_bytes
        if size > limit and not request.path.startswith("/upload/"):  # media uploads have limits of their own
            return error_response(PayloadTooLarge(limit, api))
        try:
            with self.store.lock:
                ctx = self._context(request, api)
                if self._bearer(request) in self.store.api_tokens:
                    self.quotas.admit(ctx.email, method_id)
                result = handler(ctx, *params.values(), **extra)
        except GoogleApiError as err:
            if err.api != api:
                err.api = api
            return error_response(err)
        self.app.hub.hold_after("google", method_id)  # applied; a kill test may hold the answer
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(b"", status=204)
        return json_response(result)

    @staticmethod
    def _bearer(request: Request) -> str | None:
        header = request.headers.get("Authorization", "")
        return header[7:].strip() if header.lower().startswith("bearer ") else request.args.get("access_token")

    def _caller(self, request: Request) -> str | None:
        """The account behind the request's token (None when it has none), for faults aimed at one account."""
        token = self._bearer(request)
        if not token:
            return None
        with self.store.lock:
            return self.store.tokens.get(token)

    def _context(self, request: Request, api: str) -> Ctx:
        token = self._bearer(request)
        if not token:
            err = unauthenticated(missing=True)
            err.api = api
            raise err
        email = self.store.tokens.get(token)
        if email is None:
            err = unauthenticated(missing=False)
            err.api = api
            raise err
        return Ctx(self.store, request, self.store.account(email), self.app.base_url, api)

    def _token(self, request: Request) -> Response:
        fault = self.app.hub.record("google", "oauth2.token")
        if fault is not None:
            return json_response({"error": "internal_failure", "error_description": "Backend Error"}, fault.status)
        if request.method != "POST":
            return json_response({"error": "invalid_request", "error_description": "Use POST"}, 405)
        try:
            with self.store.lock:
                return json_response(auth.exchange(self.store, request.get_data()))
        except auth.TokenError as err:
            return json_response({"error": err.error, "error_description": err.description}, err.status)

    # ---- control ---------------------------------------------------------------------------------
    def control(self, request: Request, path: str) -> Response | None:
        """``/_sandbox/google/{accounts,service-accounts,folders,drives,files,sharing,limits,bodies,quotas,
        change-lag}``."""
        path = path.strip("/")
        if path in {"limits", "bodies"}:
            return self._control_limits(request, path)
        if path == "quotas":
            return self._control_quotas(request)
        if path == "change-lag":
            return self._control_change_lag(request)
        try:
            body = read_json(request) if request.method == "POST" else {}
        except InvalidText as err:
            return json_response({"error": str(err)}, 400)
        except ValueError:
            return json_response({"error": "body must be JSON"}, 400)
        if request.method == "POST" and not isinstance(body, dict):
            return json_response({"error": "body must be a JSON object"}, 400)
        with self.store.lock:
            try:
                if path == "accounts" and request.method == "POST":
                    return self._control_account(body)
                if path == "service-accounts" and request.method == "POST":
                    email = body.get("email") or "kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com"
                    self.store.account(email, "service").kind = "service"
                    return json_response(auth.service_account_key(self.app.base_url, email))
                if path == "folders" and request.method == "POST":
                    return self._control_folder(body)
                if path == "drives" and request.method == "POST":
                    return self._control_drive(body)
                if path == "files" and request.method == "POST":
                    return self._control_file(body)
                if path == "files" and request.method == "GET":
                    return json_response({"files": [self._debug_file(f) for f in self.store.files.values()]})
                if path == "sharing":
                    return self._control_sharing(request, body)
            except (KeyError, TypeError, ValueError) as err:
                return json_response({"error": f"bad control request: {err}"}, 400)
        return None

    def _control_quotas(self, request: Request) -> Response:
        """``/_sandbox/google/quotas``: GET limits and use; POST switches (``enabled``) and tunes them."""
        if request.method == "GET":
            return json_response(self.quotas.usage())
        if request.method != "POST":
            return json_response({"error": "use GET or POST"}, 405)
        try:
            limits = self.quotas.configure(read_json(request))
        except ValueError as err:  # QuotaSpecError, or a body that is not JSON
            return json_response({"error": str(err)}, 400)
        return json_response({"ok": True, "limits": limits.as_json()})

    def _control_change_lag(self, request: Request) -> Response:
        """``/_sandbox/google/change-lag``: GET the lag and what waits; POST ``{"seconds"}`` tunes it."""
        with self.store.lock:
            if request.method == "GET":
                now = self.store.clock()
                waiting = {file_id: max(0.0, at - now) for file_id, at in self.store.delayed.items()}
                return json_response({"seconds": self.store.change_lag, "waiting": waiting})
            if request.method != "POST":
                return json_response({"error": "use GET or POST"}, 405)
            try:
                body = read_json(request)
            except ValueError:
                return json_response({"error": "body must be JSON"}, 400)
            seconds = body.get("seconds") if isinstance(body, dict) and set(body) == {"seconds"} else None
            if (
                isinstance(seconds, bool)
                or not isinstance(seconds, int | float)
                or not 0 <= seconds <= MAX_CHANGE_LAG_SECONDS
            ):
                return json_response(
                    {"error": f'body must be {{"seconds": N}} with N in [0, {MAX_CHANGE_LAG_SECONDS:.0f}]'}, 400
                )
            self.store.set_change_lag(float(seconds))
            return json_response({"ok": True, "seconds": self.store.change_lag})

    def _control_limits(self, request: Request, path: str) -> Response:
        """``limits``: GET shows, POST sets, DELETE restores Google's; ``bodies``: GET shows, DELETE zeros."""
        store = self.store
        if path == "bodies":
            if request.method in {"DELETE", "POST"}:
                self.bodies.clear()
            elif request.method != "GET":
                return json_response({"error": "use GET or DELETE"}, 405)
            return json_response(self.bodies.as_json())
        if request.method == "POST":
            try:
                with store.lock:
                    store.limits.update(read_json(request))
            except (ValueError, LimitsError) as err:
                return json_response({"error": str(err)}, 400)
        elif request.method == "DELETE":
            with store.lock:
                store.limits = type(store.limits)()
        elif request.method != "GET":
            return json_response({"error": "use GET, POST or DELETE"}, 405)
        return json_response(store.limits.as_json())

    def _control_account(self, body: dict[str, Any]) -> Response:
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email:
            return json_response({"error": "email is required"}, 400)
        return json_response(auth.person(self.store, email))

    def _control_folder(self, body: dict[str, Any]) -> Response:
        store = self.store
        name, owner = body.get("name"), body.get("owner")
        if not isinstance(name, str) or not isinstance(owner, str):
            return json_response({"error": "name and owner are required"}, 400)
        folder_id = body.get("id") or store.new_file_id()
        if folder_id in store.files:
            return json_response({"error": f"file {folder_id} exists"}, 409)
        drive_id = body.get("drive_id")
        parents = list(body.get("parents") or [])
        if parents and parents[0] in store.files:
            drive_id = drive_id or store.files[parents[0]].drive_id
        if drive_id and drive_id not in store.drives:
            return json_response({"error": f"unknown drive {drive_id}"}, 400)
        from sandbox.google.model import DriveFile

        folder = DriveFile(
            id=folder_id,
            name=name,
            mime_type=FOLDER_MIME,
            owner=None if drive_id else owner.lower(),
            parents=[p for p in parents if p != drive_id],
            drive_id=drive_id,
            last_modifier=owner.lower(),
        )
        store.account(owner)
        for writer in body.get("writers") or []:
            folder.permissions.append(Permission(store.account(writer).permission_id, "user", "writer", writer.lower()))
        for reader in body.get("readers") or []:
            folder.permissions.append(Permission(store.account(reader).permission_id, "user", "reader", reader.lower()))
        store.files[folder.id] = folder
        store.touch(folder, owner.lower())
        return json_response(self._debug_file(folder))

    def _control_file(self, body: dict[str, Any]) -> Response:
        """Seed any file (a spreadsheet by default) with an exact id, owner and timestamps."""
        from sandbox.google.drive import new_spreadsheet
        from sandbox.google.model import SPREADSHEET_MIME, DriveFile

        store = self.store
        name, owner = body.get("name"), body.get("owner")
        if not isinstance(name, str) or not isinstance(owner, str):
            return json_response({"error": "name and owner are required"}, 400)
        file_id = body.get("id") or store.new_file_id()
        if file_id in store.files:
            return json_response({"error": f"file {file_id} exists"}, 409)
        mime = body.get("mimeType") or SPREADSHEET_MIME
        drive_id = body.get("drive_id")
        file = DriveFile(
            id=file_id,
            name=name,
            mime_type=mime,
            owner=None if drive_id else owner.lower(),
            parents=list(body.get("parents") or []),
            drive_id=drive_id,
            last_modifier=owner.lower(),
            app_properties=dict(body.get("appProperties") or {}),
        )
        store.account(owner)
        if mime == SPREADSHEET_MIME:
            file.spreadsheet = new_spreadsheet(file_id, name, body.get("locale") or "en_US")
        elif mime != FOLDER_MIME:
            file.content = (body.get("content") or "").encode()
        for role in ("writers", "readers"):
            for email in body.get(role) or []:
                file.permissions.append(
                    Permission(store.account(email).permission_id, "user", role[:-1], email.lower())
                )
        store.files[file.id] = file
        store.touch(file, owner.lower())
        file.created_time = body.get("createdTime") or file.created_time
        file.modified_time = body.get("modifiedTime") or file.modified_time
        return json_response(self._debug_file(file))

    def _control_sharing(self, request: Request, body: dict[str, Any]) -> Response:
        """``GET``/``POST /_sandbox/google/sharing``: Drive's sharing rules (see ``SharingRules``).

        POST sets any of the rules (booleans); ``POST /_sandbox/reset`` restores Google's.
        """
        rules = self.store.sharing
        if request.method == "POST":
            known = {f.name for f in dataclasses.fields(rules)}
            unknown = sorted(set(body) - known)
            if unknown:
                return json_response({"error": f"unknown rule(s) {unknown}; known: {sorted(known)}"}, 400)
            if not all(isinstance(value, bool) for value in body.values()):
                return json_response({"error": "every rule is true or false"}, 400)
            for name, value in body.items():
                setattr(rules, name, value)
        elif request.method != "GET":
            return json_response({"error": "use GET or POST"}, 405)
        return json_response(dataclasses.asdict(rules))

    def _control_drive(self, body: dict[str, Any]) -> Response:
        name = body.get("name")
        if not isinstance(name, str):
            return json_response({"error": "name is required"}, 400)
        members = {m["email"].lower(): m.get("role", "writer") for m in body.get("members") or []}
        drive_id = body.get("id") or self.store.new_drive_id()
        for email in members:
            self.store.account(email)
        shared = SharedDrive(drive_id, name, members)
        self.store.drives[drive_id] = shared
        return json_response({"kind": "drive#drive", "id": drive_id, "name": name, "members": members})

    def _debug_file(self, file: Any) -> dict[str, Any]:
        return {
            "id": file.id,
            "name": file.name,
            "mimeType": file.mime_type,
            "owner": file.owner,
            "parents": list(file.parents),
            "driveId": file.drive_id,
            "trashed": file.trashed,
            "writersCanShare": file.writers_can_share,
            "appProperties": dict(file.app_properties),
            "permissions": [
                {"id": p.id, "type": p.type, "role": p.role, "emailAddress": p.email, "domain": p.domain}
                for p in file.permissions
            ],
            "createdTime": file.created_time,
            "modifiedTime": file.modified_time,
            "sheets": [s.title for s in file.spreadsheet.sheets] if file.spreadsheet else None,
            "protectedRanges": json.loads(json.dumps(file.spreadsheet.protected_ranges)) if file.spreadsheet else None,
        }
