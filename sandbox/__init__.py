"""The loopback stand-in for Google Sheets v4, Drive v3 and the Telegram Bot API.

Used by the tests, the demo and the benchmarks. The product never imports this package: it
reaches the sandbox only through configured endpoints.
"""

from sandbox.server import SandboxServer, running_sandbox

__all__ = ["SandboxServer", "running_sandbox"]
