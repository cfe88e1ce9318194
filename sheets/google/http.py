"""The one place the Google edge sends HTTP: timeouts, bounded backoff with jitter, the endpoint.

:class:`GoogleSession` is a google-auth ``AuthorizedSession`` (it signs every request and
refreshes the token) that

- moves every ``https://*.googleapis.com`` URL onto ``google.endpoint`` when one is configured,
  so gspread and googleapiclient alike reach the endpoint the admin chose;
- puts a timeout on every call;
- retries 408, 429, 5xx, Drive's rate-limit 403s (``rateLimitExceeded``,
  ``userRateLimitExceeded``) and network errors with bounded exponential backoff and full
  jitter (tenacity), at most ``maks_percobaan`` attempts, then hands the last answer back;
- waits a Sheets quota out: Sheets allows 60 read and 60 write requests per minute per user and
  answers 429 ``RESOURCE_EXHAUSTED`` ("Quota exceeded for quota metric 'Read requests' ...") past
  them. Backing off for a second or two only spends the attempts inside the same minute, so a
  quota answer waits ``quota_wait`` seconds (a minute and a second, plus jitter; Google's
  ``Retry-After`` when it sends one) before the next try, at most ``quota_waits`` times per call
  (these tries do not use up ``attempts``); then the 429 is handed back like any last answer.

gspread 6.2.1's ``BackOffHTTPClient`` retries forever, so it is not used. googleapiclient talks
httplib2; :class:`Httplib2Adapter` lets it send through the same session.
"""

from __future__ import annotations

import json
import logging
import random
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
    wait_random_exponential,
)

logger = logging.getLogger(__name__)

__all__ = [
    "GoogleSession",
    "Httplib2Adapter",
    "RetryPolicy",
    "is_quota_response",
    "is_retryable_response",
    "rewrite_url",
]

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DRIVE_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


QUOTA_REASONS = frozenset({"RATE_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED"})
MAX_RETRY_AFTER = 300.0
"""A ``Retry-After`` above five minutes is not honoured as given (the policy's quota wait is)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long one call may take and how often it is retried.

    ``quota_wait`` (+ up to ``quota_jitter``) is the pause after a Sheets quota answer (429
    ``RESOURCE_EXHAUSTED``): long enough for the per-minute window to refill; ``quota_waits``
    bounds how many such pauses one call may take.
    """

    attempts: int = 5
    timeout: float = 30.0
    initial_wait: float = 1.0
    max_wait: float = 32.0
    quota_wait: float = 61.0
    quota_jitter: float = 4.0
    quota_waits: int = 3

    def __post_init__(self) -> None:
        if (
            self.attempts < 1
            or self.timeout <= 0
            or self.initial_wait < 0
            or self.max_wait < self.initial_wait
            or self.quota_wait < 0
            or self.quota_jitter < 0
            or self.quota_waits < 0
        ):
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


def is_quota_response(status: int, content: bytes) -> bool:
    """Whether an answer is a Sheets per-minute quota refusal (429 ``RESOURCE_EXHAUSTED``)."""
    if status != 429:
        return False
    try:
        error = json.loads(content or b"{}").get("error", {})
    except (ValueError, AttributeError):
        return False
    if not isinstance(error, Mapping):
        return False
    if error.get("status") in QUOTA_REASONS:
        return True
    details = error.get("details") or []
    return any(isinstance(item, Mapping) and item.get("reason") in QUOTA_REASONS for item in details)


def _retry_after(response: requests.Response) -> float | None:
    """Google's ``Retry-After`` in seconds (the delta form), when it sent a usable one."""
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER else None


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
        policy = self.policy
        backoff = wait_random_exponential(multiplier=policy.initial_wait, max=policy.max_wait)
        quota_answers = 0

        def quota_answer(state: RetryCallState) -> requests.Response | None:
            outcome = state.outcome
            err = outcome.exception() if outcome is not None else None
            if isinstance(err, _RetryableAnswer) and is_quota_response(err.response.status_code, err.response.content):
                return err.response
            return None

        def stop(state: RetryCallState) -> bool:
            # Quota waits have their own bound; every other failure spends one of ``attempts``.
            nonlocal quota_answers
            if quota_answer(state) is not None:
                quota_answers += 1
                return quota_answers > policy.quota_waits
            return state.attempt_number - quota_answers >= policy.attempts

        def wait(state: RetryCallState) -> float:
            response = quota_answer(state)
            if response is None:
                return float(backoff(state))
            given = _retry_after(response)
            if given is not None:
                return given
            # Jitter, so that clients refused in the same minute do not all come back at once.
            return policy.quota_wait + random.uniform(0.0, policy.quota_jitter)

        retrying = Retrying(
            stop=stop,
            wait=wait,
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
            logger.error("google call %s still failing (%d quota waits); giving up", label, quota_answers)
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
