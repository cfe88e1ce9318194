"""``/upload/drive/v3/files``: media, multipart and resumable uploads for files.create/update."""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import secrets
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from sandbox.google import drive
from sandbox.google.context import Ctx
from sandbox.google.errors import GoogleApiError

if TYPE_CHECKING:
    from sandbox.google.service import GoogleService

_SESSIONS: dict[str, tuple[str, str | None, dict[str, Any], str | None]] = {}


def parse_multipart_related(body: bytes, content_type: str) -> tuple[dict[str, Any], bytes, str | None]:
    """(metadata, media bytes, media content type) of a multipart/related body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    parts = list(message.iter_parts()) if message.is_multipart() else []
    if len(parts) != 2:
        raise GoogleApiError(400, "Invalid multipart request with 0 mime parts.", api="drive", reason="badContent")
    meta_raw = parts[0].get_payload(decode=True) or b"{}"
    try:
        metadata = json.loads(meta_raw or b"{}")
    except ValueError:
        raise GoogleApiError(400, "Invalid JSON payload received.", api="drive", reason="parseError") from None
    media = parts[1].get_payload(decode=True) or b""
    return metadata, media, parts[1].get_content_type()


def handle_upload(service: GoogleService, request: Request, path: str) -> Response:
    """Route an upload request to files.create or files.update."""
    match = re.match(r"^/upload/drive/v3/files(?:/(?P<fid>[^/?]+))?/?$", path)
    if match is None:
        return Response(json.dumps({"error": {"code": 404, "message": "Not Found"}}), 404, mimetype="application/json")
    file_id = match.group("fid")
    method_id = "drive.files.update" if file_id else "drive.files.create"
    upload_type = request.args.get("uploadType", "media")

    def run(ctx: Ctx, *params: str) -> Any:
        content_type = request.headers.get("Content-Type", "application/octet-stream")
        if upload_type == "resumable":
            upload_id = request.args.get("upload_id")
            if upload_id is None:
                metadata = ctx.json_object()
                session = secrets.token_urlsafe(16)
                _SESSIONS[session] = (ctx.email, file_id, metadata, request.headers.get("X-Upload-Content-Type"))
                query = "&".join(f"{k}={v}" for k, v in request.args.items(multi=True))
                location = f"{ctx.base_url}{path}?{query}&upload_id={session}"
                return Response(b"", 200, headers={"Location": location})
            stored = _SESSIONS.pop(upload_id, None)
            if stored is None or stored[0] != ctx.email:
                raise GoogleApiError(404, "Upload session not found.", api="drive", reason="notFound")
            _, target, metadata, media_type = stored
            media = request.get_data()
            return _finish(ctx, target, metadata, media, media_type or content_type)
        if upload_type == "multipart":
            metadata, media, media_type = parse_multipart_related(request.get_data(), content_type)
            return _finish(ctx, file_id, metadata, media, media_type)
        return _finish(ctx, file_id, {}, request.get_data(), content_type)

    return service.call(request, method_id, "drive", run, {})


def _finish(ctx: Ctx, file_id: str | None, metadata: dict[str, Any], media: bytes, media_type: str | None) -> Any:
    if file_id:
        ctx._body, ctx._parsed = metadata, True
        return drive.files_update(ctx, file_id, content=media, content_type=metadata.get("mimeType") or media_type)
    file = drive.create_file(ctx, metadata, content=media, content_type=media_type)
    return drive.respond_file(ctx, file)
