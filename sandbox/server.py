"""The sandbox's HTTP server: one origin serving Google, the Bot API and the control API.

Each half (``sandbox.google``, ``sandbox.telegram``) is a :class:`~sandbox.http.SandboxService`
built for its host (:class:`~sandbox.http.ServiceHost`, here :class:`SandboxApp`); the halves
import only :mod:`sandbox.http`, never this module. This module only routes requests to them,
serves the shared control endpoints and runs the server in a thread for tests or in the
foreground for ``python -m sandbox serve``.

Shared control endpoints (each service adds its own under ``/_sandbox/<service>/``):

- ``POST /_sandbox/faults {"service": "google"|"telegram", "status", "count"|"rate", "method"?,
  "retry_after"?}``: inject errors; ``DELETE`` removes them all.
- ``POST /_sandbox/latency {"service": "google"|"telegram", "ms", "jitter_ms"?}``: every later
  API request of that service waits ``ms`` plus a uniform random ``0..jitter_ms`` milliseconds
  (so ``ms`` is the floor) before it is handled, in its own request thread (the server is
  threaded, so concurrent requests wait side by side, as on a network). Control requests and
  Google's token endpoint are never delayed. Posting again replaces the service's setting;
  ``DELETE /_sandbox/latency`` (body ``{"service"}`` for one service, none for all) clears it;
  ``GET`` shows it. A body that is not one of these answers 400 with ``{"error"}``.
- ``POST /_sandbox/holds {"service", "after"?, "method"?}``: the ``after``-th (default first)
  later API request of that service (of that method) is applied, then its answer is held until
  ``DELETE /_sandbox/holds`` (or two minutes): a kill test stops the caller in between. ``GET``
  shows each hold and whether its request has arrived (``held``).
- ``GET /_sandbox/stats``: request counts per service and method; ``POST``/``DELETE`` zero them.
- ``GET /_sandbox/clock``: the sandbox clock (``{"now", "offset_seconds"}``); ``POST /_sandbox/clock
  {"advance_seconds": N}`` moves it forward (never back): quotas' minute windows, the change feed's
  lag and callback queries' age follow it, so a test lets minutes pass without sleeping
  (:mod:`sandbox.clock`).
- ``POST /_sandbox/reset``: forget every service's state, the faults, the latency and the stats;
  the clock back to the wall clock, every strictness switch back to Google's behaviour.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from sandbox.clock import ClockSpecError
from sandbox.google.service import GoogleService
from sandbox.http import SandboxService, ServiceFactory, json_response, read_json
from sandbox.hub import SERVICES, FaultSpecError, HoldSpecError, Hub, LatencySpecError, parse_latency
from sandbox.telegram.service import TelegramService

logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sandbox/"


__all__ = ["CONTROL_PREFIX", "SandboxApp", "SandboxServer", "default_service_factories", "running_sandbox"]


def default_service_factories() -> list[ServiceFactory]:
    """The Google and Telegram halves."""
    return [GoogleService, TelegramService]


class SandboxApp:
    """The WSGI application behind the sandbox."""

    def __init__(self, factories: Sequence[ServiceFactory] | None = None, seed: int = 1234) -> None:
        self.hub = Hub(seed=seed)
        self.base_url = "http://127.0.0.1"
        self.services: list[SandboxService] = [factory(self) for factory in (factories or default_service_factories())]

    def service(self, name: str) -> SandboxService:
        """The service called ``name``."""
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except HTTPException as err:
            response = err.get_response(environ)
        except Exception:  # the server must survive any bad request
            logger.exception("sandbox: unhandled error for %s %s", request.method, request.path)
            response = json_response(
                {"error": {"code": 500, "message": "Internal sandbox error", "status": "INTERNAL"}},
                500,
            )
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        """Route a request to the control API or to the service owning its path."""
        path = request.path
        if path.startswith(CONTROL_PREFIX):
            return self.control(request, path[len(CONTROL_PREFIX) :])
        for service in self.services:
            if service.matches(path):
                return service.handle(request)
        return json_response({"error": {"code": 404, "message": f"Not found: {path}", "status": "NOT_FOUND"}}, 404)

    def control(self, request: Request, path: str) -> Response:
        """The shared control endpoints, then each service's own."""
        path = path.strip("/")
        if path == "faults":
            if request.method == "DELETE":
                self.hub.clear_faults()
                return json_response({"ok": True})
            if request.method != "POST":
                return json_response({"error": "use POST or DELETE"}, 405)
            try:
                spec = read_json(request)
                if not isinstance(spec, dict):
                    raise FaultSpecError("body must be a JSON object")
                fault = self.hub.add_fault(spec)
            except (ValueError, FaultSpecError) as err:
                return json_response({"error": str(err)}, 400)
            return json_response({"ok": True, "fault": {"service": fault.service, "status": fault.status}})
        if path == "latency":
            return self._latency(request)
        if path == "clock":
            return self._clock(request)
        if path == "holds":
            return self._holds(request)
        if path == "stats":
            if request.method in {"DELETE", "POST"}:
                self.hub.reset_stats()
                return json_response({"ok": True})
            return json_response(self.hub.stats())
        if path == "reset" and request.method == "POST":
            self.hub.reset()
            for service in self.services:
                service.reset()
            return json_response({"ok": True})
        name, _, rest = path.partition("/")
        for service in self.services:
            if service.name == name:
                response = service.control(request, rest)
                if response is not None:
                    return response
        return json_response({"error": f"unknown control endpoint: /_sandbox/{path}"}, 404)

    def _clock(self, request: Request) -> Response:
        """``/_sandbox/clock``: GET shows the sandbox clock, POST ``{"advance_seconds"}`` moves it forward."""
        if request.method == "GET":
            return json_response(self.hub.clock.as_json())
        if request.method != "POST":
            return json_response({"error": "use GET or POST"}, 405)
        try:
            body = read_json(request)
            if not isinstance(body, dict) or set(body) != {"advance_seconds"}:
                raise ClockSpecError('body must be {"advance_seconds": N}')
            self.hub.clock.advance(body["advance_seconds"])
        except ValueError as err:  # ClockSpecError is a ValueError, as is bad JSON
            return json_response({"error": str(err)}, 400)
        return json_response({"ok": True, **self.hub.clock.as_json()})

    def _holds(self, request: Request) -> Response:
        """``/_sandbox/holds``: GET shows, POST adds, DELETE releases every held answer."""
        if request.method == "GET":
            return json_response(self.hub.holds())
        if request.method == "DELETE":
            self.hub.release_holds()
            return json_response({"ok": True})
        if request.method != "POST":
            return json_response({"error": "use GET, POST or DELETE"}, 405)
        try:
            hold = self.hub.add_hold(read_json(request))
        except (ValueError, HoldSpecError) as err:
            return json_response({"error": str(err)}, 400)
        return json_response({"ok": True, "hold": hold.as_json()})

    def _latency(self, request: Request) -> Response:
        """``/_sandbox/latency``: GET shows, POST sets, DELETE clears the added request latency."""
        if request.method == "GET":
            return json_response(self.hub.latency())
        try:
            body = read_json(request)
        except ValueError:
            return json_response({"error": "body must be JSON"}, 400)
        if request.method == "DELETE":
            if not isinstance(body, dict) or set(body) - {"service"}:
                return json_response({"error": 'body must be empty or {"service": ...}'}, 400)
            service = body.get("service")
            if service is not None and service not in SERVICES:
                return json_response({"error": f"service must be one of {SERVICES}"}, 400)
            self.hub.clear_latency(service)
            return json_response({"ok": True, "latency": self.hub.latency()})
        if request.method != "POST":
            return json_response({"error": "use GET, POST or DELETE"}, 405)
        try:
            latency = parse_latency(body)
        except LatencySpecError as err:
            return json_response({"error": str(err)}, 400)
        self.hub.set_latency(latency)
        return json_response({"ok": True, "latency": latency.as_json()})


class SandboxServer:
    """The sandbox listening on a loopback port, in a background thread or the foreground."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, app: SandboxApp | None = None) -> None:
        self.app = app or SandboxApp()
        self._server: BaseWSGIServer = make_server(host, port, self.app, threaded=True)
        self.host = host
        self.port = self._server.server_port
        self.app.base_url = self.base_url
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` of this server."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (or a signal handler calling it)."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


@contextmanager
def running_sandbox(host: str = "127.0.0.1", port: int = 0, seed: int = 1234) -> Iterator[SandboxServer]:
    """A sandbox served in a background thread for the duration of the block."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = SandboxServer(host, port, SandboxApp(seed=seed)).start()
    try:
        yield server
    finally:
        server.stop()
