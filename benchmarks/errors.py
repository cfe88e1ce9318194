"""The benchmarks' one exception, in a module of its own so that a child process can import it lightly.

The service under measurement and the floor bot import :mod:`benchmarks.processes`, which needs
this and nothing of :mod:`benchmarks.common` (the sandbox, the demo's provisioning): those would
count in the child's memory and start time as if they were the service's.
"""

from __future__ import annotations


class BenchmarkError(Exception):
    """A benchmark could not produce a trustworthy figure (e.g. the two implementations disagree)."""
