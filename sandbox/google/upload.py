"""``/upload/drive/v3/files``: media, multipart and resumable uploads for files.create/update.

The three protocols as Drive documents them
(https://developers.google.com/workspace/drive/api/guides/manage-uploads):

- ``uploadType=media``: the body is the content, ``Content-Type`` its type, no metadata;
- ``uploadType=multipart``: ``multipart/related`` with a JSON metadata part, then the media part;
- ``uploadType=resumable``: a POST (PATCH for update) with the metadata answers ``200`` with a
  ``Location`` session URI; PUTs to it send the content whole or in chunks
  (``Content-Range: bytes FIRST-LAST/TOTAL``, ``TOTAL`` may be ``*``), each incomplete step
  answered ``308`` with ``Range: bytes=0-LAST``; an empty PUT with ``Content-Range: bytes */TOTAL``
  asks for the status. The last chunk creates (or updates) the file and answers its resource.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.google import drive
from sandbox.google.context import Ctx, GoogleCalls
from sandbox.google.errors import GoogleApiError, error_response

UPLOAD_TYPES = ("media", "multipart", "resumable")
# Chunks other than the last must be a multiple of 256 KiB.
CHUNK_GRANULARITY = 256 * 1024
_PATH = re.compile(r"^/upload/drive/v3/files(?:/(?P<fid>[^/?]+))?/?$")
_CONTENT_RANGE = re.compile(r"^bytes\s+(?:(?P<first>\d+)-(?P<last>\d+)|\*)/(?P<total>\d+|\*)$")


@dataclass
class UploadSession:
    """A resumable upload in progress."""

    email: str
    file_id: str | None
    metadata: dict[str, Any]
    media_type: str | None
    declared_length: int | None
    received: bytearray = field(default_factory=bytearray)


def _bad_request(message: str, reason: str = "badRequest") -> GoogleApiError:
    return GoogleApiError(400, message, api="drive", reason=reason)


def _payload(part: email.message.Message) -> bytes:
    """A MIME part's decoded body (empty when it has none)."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def parse_multipart_related(body: bytes, content_type: str) -> tuple[dict[str, Any], bytes, str | None]:
    """(metadata, media bytes, media content type) of a multipart/related body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    parts = list(message.iter_parts()) if message.is_multipart() else []
    if len(parts) != 2:
        raise _bad_request(f"Invalid multipart request with {len(parts)} mime parts.", "badContent")
    meta_raw = _payload(parts[0])
    try:
        metadata = json.loads(meta_raw) if meta_raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise _bad_request("Invalid JSON payload received.", "parseError") from None
    if not isinstance(metadata, dict):
        raise _bad_request("Invalid JSON payload received. Root element must be a message.", "parseError")
    media = _payload(parts[1])
    return metadata, media, parts[1].get_content_type()


def handle_upload(service: GoogleCalls, request: Request, path: str) -> Response:
    """Route an upload request to files.create or files.update."""
    match = _PATH.match(path)
    if match is None:
        service.app.hub.record("google", "unknown")
        return error_response(
            GoogleApiError(404, f"Method not found: {request.method} {path}", api="drive", reason="notFound")
        )
    file_id = match.group("fid")
    method_id = "drive.files.update" if file_id else "drive.files.create"
    upload_type = request.args.get("uploadType", "media")

    def run(ctx: Ctx, *params: str) -> Any:
        if upload_type not in UPLOAD_TYPES:
            raise _bad_request(f"Invalid upload type: {upload_type}. Expected one of {', '.join(UPLOAD_TYPES)}.")
        expected_verb = "PATCH" if file_id else "POST"
        content_type = request.headers.get("Content-Type") or "application/octet-stream"
        if upload_type == "resumable":
            upload_id = request.args.get("upload_id")
            if upload_id is None:
                if request.method != expected_verb:
                    raise _method_not_allowed(request.method, path)
                return _start_session(ctx, path, file_id, request)
            return _continue_session(ctx, upload_id, request)
        if request.method != expected_verb:
            raise _method_not_allowed(request.method, path)
        if upload_type == "multipart":
            metadata, media, media_type = parse_multipart_related(request.get_data(), content_type)
            return _finish(ctx, file_id, metadata, media, media_type)
        return _finish(ctx, file_id, {}, request.get_data(), content_type.split(";")[0].strip())

    return service.call(request, method_id, "drive", run, {})


def _method_not_allowed(method: str, path: str) -> GoogleApiError:
    return GoogleApiError(405, f"Method {method} is not allowed for {path}", api="drive", reason="methodNotAllowed")


def _start_session(ctx: Ctx, path: str, file_id: str | None, request: Request) -> Response:
    """Check the metadata and the target now (as Drive does), hand out a session URI."""
    metadata = ctx.json_object()
    if file_id:
        drive.get_file(ctx, file_id, write=True)
    else:
        parents, drive_id = drive.placement(ctx, metadata.get("parents"))
        del parents
        drive.check_quota(ctx, drive_id)
    declared = request.headers.get("X-Upload-Content-Length")
    try:
        declared_length = int(declared) if declared else None
    except ValueError:
        raise _bad_request(f"Invalid X-Upload-Content-Length: {declared}") from None
    upload_id = secrets.token_urlsafe(24)
    ctx.store.uploads[upload_id] = UploadSession(
        ctx.email, file_id, metadata, request.headers.get("X-Upload-Content-Type"), declared_length
    )
    query = "&".join(f"{k}={v}" for k, v in request.args.items(multi=True) if k != "upload_id")
    location = f"{ctx.base_url}{path}?{query}&upload_id={upload_id}"
    return Response(b"", 200, headers={"Location": location, "X-GUploader-UploadID": upload_id})


def _incomplete(session: UploadSession) -> Response:
    headers = {"Range": f"bytes=0-{len(session.received) - 1}"} if session.received else {}
    return Response(b"", 308, headers=headers)


def _continue_session(ctx: Ctx, upload_id: str, request: Request) -> Any:
    """One PUT on a session URI: the whole content, a chunk, or a status query."""
    session = ctx.store.uploads.get(upload_id)
    if session is None or session.email != ctx.email:
        raise GoogleApiError(404, "Upload session not found or expired.", api="drive", reason="notFound")
    if request.method not in {"PUT", "POST"}:
        raise _method_not_allowed(request.method, request.path)
    data = request.get_data()
    header = (request.headers.get("Content-Range") or "").strip()
    if not header:
        session.received[:] = data
        return _complete(ctx, upload_id, session)
    match = _CONTENT_RANGE.match(header)
    if match is None:
        raise _bad_request(f"Failed to parse Content-Range header: {header}")
    total = None if match.group("total") == "*" else int(match.group("total"))
    if total is not None and session.declared_length is not None and total != session.declared_length:
        raise _bad_request(
            f"Content-Range total {total} does not match X-Upload-Content-Length {session.declared_length}."
        )
    if match.group("first") is None:  # status query: bytes */TOTAL
        if total is not None and len(session.received) == total:
            return _complete(ctx, upload_id, session)
        return _incomplete(session)
    first, last = int(match.group("first")), int(match.group("last"))
    if last < first or last - first + 1 != len(data):
        raise _bad_request(f"Content-Range {header} does not match the {len(data)} bytes sent.")
    if first > len(session.received):
        raise _bad_request(f"Chunk starts at byte {first} but only {len(session.received)} bytes were received.")
    session.received[first:] = data
    if total is not None and len(session.received) > total:
        raise _bad_request(f"More than the declared {total} bytes were sent.")
    if total is not None and len(session.received) == total:
        return _complete(ctx, upload_id, session)
    if len(data) % CHUNK_GRANULARITY:
        raise _bad_request(
            f"Invalid request. The number of bytes uploaded is required to be a multiple of {CHUNK_GRANULARITY} "
            f"bytes except for the last chunk of the upload, but got {len(data)}."
        )
    return _incomplete(session)


def _complete(ctx: Ctx, upload_id: str, session: UploadSession) -> Any:
    ctx.store.uploads.pop(upload_id, None)
    media_type = session.media_type or ctx.request.headers.get("Content-Type")
    return _finish(ctx, session.file_id, session.metadata, bytes(session.received), media_type)


def _finish(ctx: Ctx, file_id: str | None, metadata: dict[str, Any], media: bytes, media_type: str | None) -> Any:
    if file_id:
        return drive.files_update(
            ctx, file_id, content=media, content_type=metadata.get("mimeType") or media_type, metadata=metadata
        )
    file = drive.create_file(ctx, metadata, content=media, content_type=media_type)
    return drive.respond_file(ctx, file)
