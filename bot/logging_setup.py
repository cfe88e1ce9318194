"""Logging configured once, in the entry point."""

from __future__ import annotations

import logging
import os

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(verbose: bool = False) -> None:
    """Set up the root logger; ``KINERJA_LOG_LEVEL`` overrides the level."""
    level_name = os.environ.get("KINERJA_LOG_LEVEL", "DEBUG" if verbose else "INFO").upper()
    logging.basicConfig(level=getattr(logging, level_name, logging.INFO), format=_FORMAT)
    # httpx logs every request URL, and a Bot API URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.ERROR)
