"""Entry of the google half of the sandbox (placeholder until its issue lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from sandbox.server import json_response

if TYPE_CHECKING:
    from sandbox.server import SandboxApp


class GoogleService:
    """Answers every request with 501 until implemented."""

    name = "google"

    def __init__(self, app: SandboxApp) -> None:
        self.app = app

    def matches(self, path: str) -> bool:
        """Paths owned by this half."""
        return path.startswith(("/v4/spreadsheets", "/drive/v3", "/upload/drive/v3", "/batch/drive/v3", "/token"))

    def handle(self, request: Request) -> Response:
        """Not implemented yet."""
        return json_response({"error": {"code": 501, "message": "not implemented"}}, 501)

    def control(self, request: Request, path: str) -> Response | None:
        """No control endpoints yet."""
        return None

    def reset(self) -> None:
        """No state yet."""
