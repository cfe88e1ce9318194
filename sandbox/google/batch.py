"""``/batch/drive/v3``: a multipart/mixed batch of Drive requests, answered part by part."""

from __future__ import annotations

import email.parser
import email.policy
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from sandbox.google.service import GoogleService


def handle_batch(service: GoogleService, request: Request) -> Response:
    """Run every part as its own request with the outer (or its own) Authorization."""
    content_type = request.headers.get("Content-Type", "")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.get_data()
    )
    if not message.is_multipart():
        return Response(b"Bad Request", 400)
    boundary = "batch_" + secrets.token_hex(8)
    chunks: list[bytes] = []
    for part in message.iter_parts():
        content_id = part.get("Content-ID", "")
        raw = part.get_payload(decode=True) or b""
        head, _, body = raw.partition(b"\r\n\r\n")
        if not _:
            head, _, body = raw.partition(b"\n\n")
        lines = head.decode("utf-8", "replace").splitlines()
        method, target = lines[0].split(" ")[:2]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip()] = value.strip()
        if "Authorization" not in headers and request.headers.get("Authorization"):
            headers["Authorization"] = request.headers["Authorization"]
        url = urlsplit(target)
        builder = EnvironBuilder(method=method, path=url.path, query_string=url.query, headers=headers,
                                 data=body.rstrip(b"\r\n"))
        env = builder.get_environ()
        env["RAW_URI"] = url.path
        inner = Request(env)
        response = service.dispatch(inner, method, url.path)
        payload = response.get_data()
        status_line = f"HTTP/1.1 {response.status}"
        chunk = (
            f"--{boundary}\r\nContent-Type: application/http\r\n"
            f"Content-ID: <response-{content_id.strip('<>')}>\r\n\r\n"
            f"{status_line}\r\nContent-Type: {response.content_type}\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload + b"\r\n"
        chunks.append(chunk)
    chunks.append(f"--{boundary}--\r\n".encode())
    return Response(b"".join(chunks), 200, content_type=f"multipart/mixed; boundary={boundary}")
