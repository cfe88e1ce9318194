"""The one place the Google edge sends HTTP: timeouts, bounded backoff with jitter, the endpoint.

:class:`GoogleSession` is a google-auth ``AuthorizedSession`` (it signs every request and
refreshes the token) that

- moves every ``https://*.googleapis.com`` URL onto ``google.endpoint`` when one is configured,
  so gspread and googleapiclient alike reach the endpoint the admin chose;
- puts a timeout on every call;
- retries 408, 429, 5xx, Drive's rate-limit 403s (``rateLimitExceeded``,
  ``userRateLimitExceeded``) and network errors with bounded exponential backoff and full
  jitter (tenacity), at most ``maks_percobaan`` attempts, then hands the last answer back.

gspread 6.2.1's ``BackOffHTTPClient`` retries forever, so it is not used. googleapiclient talks
httplib2; :class:`Httplib2Adapter` lets it send through the same session.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httplib2
import requests
import tenacity.nap
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession, Request
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

logger = logging.getLogger(__name__)

__all__ = ["GoogleSession", "Httplib2Adapter", "RetryPolicy", "is_retryable_response", "rewrite_url"]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DRIVE_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


@dataclass(frozen=True)
class RetryPolicy:
    """How long one call may take and how often it is retried."""

    attempts: int = 5
    timeout: float = 30.0
    initial_wait: float = 1.0
    max_wait: float = 32.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.timeout <= 0 or self.initial_wait < 0 or self.max_wait < self.initial_wait:
            raise ValueError(f"invalid retry policy: {self}")


def rewrite_url(url: str, endpoint: str | None) -> str:
    """``https://sheets.googleapis.com/v4/...`` -> ``<endpoint>/v4/...`` (unchanged without endpoint)."""
    if not endpoint:
        return url
    parts = urlsplit(url)
    if not parts.netloc.endswith("googleapis.com"):
        return url
    base = urlsplit(endpoint.rstrip("/"))
    return urlunsplit((base.scheme, base.netloc, base.path + parts.path, parts.query, parts.fragment))


def _drive_reason(content: bytes) -> str | None:
    try:
        errors = json.loads(content or b"{}").get("error", {}).get("errors") or []
    except (ValueError, AttributeError):
        return None
    if errors and isinstance(errors[0], Mapping):
        reason = errors[0].get("reason")
        return reason if isinstance(reason, str) else None
    return None


def is_retryable_response(status: int, content: bytes) -> bool:
    """Whether an answer is worth retrying: 408/429/5xx, or a Drive rate-limit 403."""
    if status in RETRY_STATUSES:
        return True
    return status == 403 and _drive_reason(content) in DRIVE_RATE_LIMIT_REASONS


class _RetryableAnswer(Exception):
    """Raised inside the retry loop for a response that should be retried."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _is_retryable_error(err: BaseException) -> bool:
    return isinstance(err, _RetryableAnswer | requests.ConnectionError | requests.Timeout)


class _EndpointSession(requests.Session):
    """A plain session for google-auth's own calls (token, access-boundary lookups): same endpoint, timeout."""

    def __init__(self, endpoint: str | None, timeout: float) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().request(method, rewrite_url(str(url), self.endpoint), *args, **kwargs)


class GoogleSession(AuthorizedSession):
    """An authorized requests session with endpoint rewriting, timeouts and bounded retries."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        endpoint: str | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.policy = policy or RetryPolicy()
        # google-auth's own calls (token refresh, access-boundary lookups) honour the endpoint too.
        auth_request = Request(_EndpointSession(self.endpoint, self.policy.timeout))
        # google-auth ships py.typed but leaves AuthorizedSession.__init__ unannotated.
        super().__init__(credentials, auth_request=auth_request)  # type: ignore[no-untyped-call]
        self._sleep = sleep
        self.retries = 0
        """How many retries this session has made (for the logs and the benchmarks)."""

    def _log_retry(self, state: RetryCallState) -> None:
        self.retries += 1
        outcome = state.outcome
        err = outcome.exception() if outcome is not None else None
        detail = str(err) if err is not None else "?"
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        logger.warning(
            "google call %s failed (%s), attempt %d/%d; retrying in %.2fs",
            state.kwargs.get("_label", "?"),
            detail,
            state.attempt_number,
            self.policy.attempts,
            wait,
        )

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        data: Any = None,
        headers: Any = None,
        max_allowed_time: float | None = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one API call (retried as the policy says); the final response is returned as is."""
        url = rewrite_url(url, self.endpoint)
        timeout = timeout or self.policy.timeout
        label = f"{method.upper()} {urlsplit(url).path}"
        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=wait_random_exponential(multiplier=self.policy.initial_wait, max=self.policy.max_wait),
            retry=retry_if_exception(_is_retryable_error),
            before_sleep=self._log_retry,
            reraise=True,
            sleep=self._sleep if self._sleep is not None else tenacity.nap.sleep,  # tenacity's own default
        )

        def once(_label: str) -> requests.Response:
            # AuthorizedSession.request is unannotated in google-auth; it returns requests.Session.request's answer.
            response: requests.Response = super(GoogleSession, self).request(  # type: ignore[no-untyped-call]
                method, url, data=data, headers=headers, max_allowed_time=max_allowed_time, timeout=timeout, **kwargs
            )
            if is_retryable_response(response.status_code, response.content):
                raise _RetryableAnswer(response)
            return response

        try:
            return retrying(once, _label=label)
        except _RetryableAnswer as answer:
            logger.error("google call %s still failing after %d attempts", label, self.policy.attempts)
            return answer.response


class Httplib2Adapter:
    """The httplib2 ``request`` interface googleapiclient needs, sent through a :class:`GoogleSession`."""

    def __init__(self, session: GoogleSession) -> None:
        self.session = session

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        """Send and answer as httplib2 does: (response with ``status``, content bytes)."""
        response = self.session.request(method, uri, data=body, headers=dict(headers or {}))
        info = {key.lower(): value for key, value in response.headers.items()}
        info["status"] = str(response.status_code)
        result = httplib2.Response(info)
        result.reason = response.reason or ""
        return result, response.content

    def close(self) -> None:
        """Close the underlying session."""
        # AuthorizedSession.close is unannotated in google-auth.
        self.session.close()  # type: ignore[no-untyped-call]
