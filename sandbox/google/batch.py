"""``/batch/drive/v3``: a multipart/mixed batch of Drive requests, answered part by part.

Each part is an ``application/http`` message (request line, headers, body) as googleapiclient's
``BatchHttpRequest`` writes it; each is run as its own request, with its own Authorization or
else the outer one, and answered in a part whose Content-ID is ``<response-ID>``.
"""

from __future__ import annotations

import email.parser
import email.policy
import secrets
from http import HTTPStatus
from urllib.parse import urlsplit

from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from sandbox.google.context import GoogleCalls
from sandbox.google.errors import GoogleApiError, error_response

# Drive documents a limit of 100 calls per batch request.
MAX_PARTS = 100
# Headers of a part that describe the part's own transport, not the inner request.
_HOP_HEADERS = {"host", "content-length", "mime-version", "content-transfer-encoding"}


class BatchPartError(ValueError):
    """A part that is not a well-formed ``application/http`` request."""


def _parse_part(raw: bytes) -> tuple[str, str, Headers, bytes]:
    """(method, target, headers, body) of one ``application/http`` part payload."""
    text = raw.lstrip(b"\r\n")
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = text.partition(separator)
        if found:
            break
    else:
        head, body = text, b""
    lines = head.decode("utf-8", "replace").splitlines()
    if not lines:
        raise BatchPartError("empty part")
    request_line = lines[0].split()
    if len(request_line) < 2:
        raise BatchPartError(f"bad request line {lines[0]!r}")
    headers = Headers()
    for line in lines[1:]:
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() not in _HOP_HEADERS:
            headers.set(key.strip(), value.strip())
    return request_line[0].upper(), request_line[1], headers, body


def _reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Unknown"


def _error_part(code: int, message: str) -> Response:
    return error_response(GoogleApiError(code, message, api="drive", reason="badRequest"))


def handle_batch(service: GoogleCalls, request: Request) -> Response:
    """Run every part as its own request with its own (or the outer) Authorization."""
    content_type = request.headers.get("Content-Type", "")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.get_data()
    )
    if request.method != "POST" or not message.is_multipart():
        return error_response(GoogleApiError(400, "Failed to parse batch request.", api="drive", reason="badRequest"))
    parts = list(message.iter_parts())
    if len(parts) > MAX_PARTS:
        return error_response(
            GoogleApiError(
                400,
                f"A batch request may contain at most {MAX_PARTS} calls.",
                api="drive",
                reason="batchSizeTooLarge",
            )
        )
    boundary = "batch_" + secrets.token_hex(8)
    chunks: list[bytes] = []
    for part in parts:
        content_id = (part.get("Content-ID") or "").strip().strip("<>")
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        try:
            method, target, headers, body = _parse_part(raw)
        except BatchPartError as err:
            response = _error_part(400, f"Failed to parse batch request part: {err}.")
        else:
            if "Authorization" not in headers and request.headers.get("Authorization"):
                headers.set("Authorization", request.headers["Authorization"])
            url = urlsplit(target)
            path = url.path
            if path.startswith("/batch"):
                response = _error_part(400, "Nested batch requests are not allowed.")
            else:
                builder = EnvironBuilder(
                    method=method,
                    path=path,
                    query_string=url.query,
                    headers=headers,
                    data=body.rstrip(b"\r\n") or None,
                )
                environ = builder.get_environ()
                environ["RAW_URI"] = path
                response = service.dispatch(Request(environ), method, path)
        payload = response.get_data()
        reply_id = f"<response-{content_id}>" if content_id else ""
        head = f"--{boundary}\r\nContent-Type: application/http\r\n"
        if reply_id:
            head += f"Content-ID: {reply_id}\r\n"
        head += f"\r\nHTTP/1.1 {response.status_code} {_reason(response.status_code)}\r\n"
        if payload or response.content_type:
            head += f"Content-Type: {response.content_type}\r\n"
        head += f"Content-Length: {len(payload)}\r\n\r\n"
        chunks.append(head.encode() + payload + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return Response(b"".join(chunks), 200, content_type=f"multipart/mixed; boundary={boundary}")
