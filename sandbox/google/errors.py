"""Google API errors as the sandbox raises and serialises them.

Sheets v4 answers ``{"error": {"code", "message", "status"}}``; Drive v3 answers
``{"error": {"code", "message", "errors": [{"message", "domain", "reason", ...}]}}``.
Every handler raises :class:`GoogleApiError` (or a subclass); the service turns it into JSON.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from sandbox.http import json_response

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

FAULT_MESSAGES: dict[int, str] = {
    400: "Request contains an invalid argument.",
    403: "The caller does not have permission",
    408: "Request timed out.",
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' "
    "of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "Deadline expired before operation could complete.",
}

DRIVE_FAULT_REASONS: dict[int, str] = {
    400: "badRequest",
    403: "rateLimitExceeded",
    408: "timeout",
    429: "rateLimitExceeded",
    500: "internalError",
    502: "backendError",
    503: "backendError",
    504: "backendError",
}


class GoogleApiError(Exception):
    """An error answered to the client; ``api`` picks the Sheets or Drive envelope."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        api: str = "sheets",
        reason: str | None = None,
        location: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.api = api
        self.reason = reason
        self.location = location
        self.details = details

    def body(self) -> dict[str, Any]:
        """The JSON error body as Google sends it."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.api == "drive":
            item: dict[str, Any] = {
                "message": self.message,
                "domain": "global",
                "reason": self.reason or DRIVE_FAULT_REASONS.get(self.code, "badRequest"),
            }
            if self.location:
                item["location"] = self.location
                item["locationType"] = "parameter"
            error["errors"] = [item]
        else:
            error["status"] = STATUS_NAMES.get(self.code, "UNKNOWN")
            if self.details:
                error["details"] = self.details
        return {"error": error}


def error_response(err: GoogleApiError) -> Response:
    """Google's JSON error envelope."""
    return json_response(err.body(), err.code)


def bad_request(message: str, api: str = "sheets") -> GoogleApiError:
    """400 INVALID_ARGUMENT."""
    return GoogleApiError(400, message, api=api, reason="badRequest")


def sheets_not_found() -> GoogleApiError:
    """404 for an unknown spreadsheet id."""
    return GoogleApiError(404, "Requested entity was not found.")


def permission_denied(api: str = "sheets") -> GoogleApiError:
    """403 when the caller has no (or too little) access."""
    if api == "drive":
        return GoogleApiError(
            403,
            "The user does not have sufficient permissions for this file.",
            api="drive",
            reason="insufficientFilePermissions",
        )
    return GoogleApiError(403, "The caller does not have permission")


def drive_file_not_found(file_id: str) -> GoogleApiError:
    """Drive's 404 for a file the caller cannot see or that does not exist."""
    return GoogleApiError(404, f"File not found: {file_id}.", api="drive", reason="notFound", location="fileId")


PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


def protected_cell() -> GoogleApiError:
    """400 for a person writing into a protected range.

    Sheets answers this as a bad request, not a 403: reports of the live API show
    ``HTTP error 400`` with this text, and inside a batch the text is prefixed with the item,
    ``Invalid data[0]: You are trying to edit a protected cell or object.``
    (values.batchUpdate) or ``Invalid requests[0].updateCells: ...`` (spreadsheets.batchUpdate).
    """
    return GoogleApiError(400, PROTECTED_MESSAGE)


def in_batch_item(err: GoogleApiError, prefix: str) -> GoogleApiError:
    """A cell-level error raised inside one item of a batch, prefixed as Sheets does."""
    if err.message.startswith("Invalid "):
        return err
    return GoogleApiError(err.code, f"{prefix}: {err.message}", api=err.api, reason=err.reason)


def invalid_values_field(field: str, value: Any) -> GoogleApiError:
    """400 for a ``values`` field that is not a list of lists (Google's exact wording)."""
    import json

    text = f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), {json.dumps(value)}"
    return GoogleApiError(
        400,
        text,
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": text}],
            }
        ],
    )


def unauthenticated(missing: bool) -> GoogleApiError:
    """401 for a missing or unknown bearer token."""
    if missing:
        message = (
            "Request is missing required authentication credential. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project."
        )
        reason = "CREDENTIALS_MISSING"
    else:
        message = (
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
            "cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project."
        )
        reason = "ACCESS_TOKEN_TYPE_UNSUPPORTED"
    return GoogleApiError(
        401,
        message,
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
            }
        ],
    )


class PayloadTooLarge(GoogleApiError):
    """400 for a request body over Google's limit (10485760 bytes).

    The live API answers with both envelopes' fields, as quoted in public reports from Sheets
    and Drive clients: ``errors`` (reason ``badRequest``) and ``status`` ``INVALID_ARGUMENT``.
    """

    def __init__(self, limit: int, api: str) -> None:
        super().__init__(400, f"Request payload size exceeds the limit: {limit} bytes.", api=api, reason="badRequest")

    def body(self) -> dict[str, Any]:
        """The JSON error body as Google sends it."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [{"message": self.message, "domain": "global", "reason": "badRequest"}],
                "status": "INVALID_ARGUMENT",
            }
        }


def export_too_large() -> GoogleApiError:
    """Drive's 403 for an export whose content is over the limit (as the live API answers it)."""
    return GoogleApiError(403, "This file is too large to be exported.", api="drive", reason="exportSizeLimitExceeded")
