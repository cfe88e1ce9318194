"""``python -m sandbox``: serve the sandbox, and the tools that go with it."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from sandbox.server import SandboxApp, SandboxServer

logger = logging.getLogger(__name__)


def _cmd_serve(args: argparse.Namespace) -> int:
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    server = SandboxServer(args.host, args.port, SandboxApp(seed=args.seed))

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() blocks until serve_forever returns, so it must run in another thread.
        threading.Thread(target=server.stop, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    sys.stdout.write(f"sandbox listening on {server.base_url}\n")
    sys.stdout.flush()
    server.serve_forever()
    return 0


def _cmd_keygen(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sandbox.google.auth import write_key

    write_key(Path(args.out), args.url, args.email)
    sys.stdout.write(f"service account key for {args.email} written to {args.out}\n")
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from collections import Counter

    from sandbox.replay import replay_all, volatile_description

    logging.getLogger("sandbox").setLevel(logging.CRITICAL)
    sys.stdout.write(volatile_description() + "\n")
    counts: Counter[str] = Counter()
    for outcome in replay_all(args.paths):
        counts[outcome.status] += 1
        line = f"{outcome.status.upper():7} {outcome.name}"
        if outcome.detail:
            line += f": {outcome.detail}"
        sys.stdout.write(line + "\n")
    sys.stdout.write(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped\n")
    return 1 if counts["failed"] else 0


def build_parser() -> argparse.ArgumentParser:
    """Subcommands of the sandbox CLI."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Loopback Google + Bot API sandbox")
    parser.add_argument("-v", "--verbose", action="store_true")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the sandbox until SIGINT/SIGTERM")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=1234, help="seed for rate-based faults")
    serve.set_defaults(handler=_cmd_serve)
    keygen = commands.add_parser("keygen", help="write a throwaway service-account key for the sandbox")
    keygen.add_argument("--url", required=True, help="sandbox base URL, e.g. http://127.0.0.1:8765")
    keygen.add_argument("--email", required=True, help="service account email")
    keygen.add_argument("--out", required=True, help="key file to write")
    keygen.set_defaults(handler=_cmd_keygen)
    replay = commands.add_parser("replay", help="replay recorded Google cassettes against a fresh sandbox")
    replay.add_argument("paths", nargs="+", help="cassette files or folders")
    replay.set_defaults(handler=_cmd_replay)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox CLI."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    code: int = args.handler(args)
    return code
