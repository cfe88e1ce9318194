"""Command line of the sandbox: ``python -m sandbox serve|keygen|replay``."""

import sys

from sandbox.cli import main

sys.exit(main())
