"""Logging configured once, in the entry point; secrets masked in every log record.

:func:`mask_in_logs` registers a secret (the Telegram bot token, which every Bot API URL
contains): from then on no log record of any logger carries it. python-telegram-bot logs the
Bot API URL at DEBUG at start; httpx would log every request URL. The masking is done where
records are made (``logging.setLogRecordFactory``), so it holds for every handler, also one added
later (a test's capture, a journal handler), and for the traceback of a logged exception.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def configure_logging(verbose: bool = False) -> None:
    """Set up the root logger; ``KINERJA_LOG_LEVEL`` overrides the level."""
    level_name = os.environ.get("KINERJA_LOG_LEVEL", "DEBUG" if verbose else "INFO").upper()
    logging.basicConfig(level=getattr(logging, level_name, logging.INFO), format=_FORMAT)
    # httpx logs every request URL, and a Bot API URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.ERROR)


def mask_secret(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def mask_in_logs(token: str | None) -> None:
    """From now on, ``token`` (and its secret part after the bot id) never appears in a log record."""
    global _installed
    if not token:
        return
    with _lock:
        _secrets.add(token)
        secret = token.partition(":")[2]
        if secret and len(secret) >= 8:
            _secrets.add(secret)
        if not _installed:
            logging.setLogRecordFactory(_masking_factory(logging.getLogRecordFactory()))
            _installed = True


def _masking_factory(previous: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = previous(*args, **kwargs)
        if not _secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to the handler to report, as logging does
            return record
        masked = mask_secret(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask_secret(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_secret(record.stack_info)
        return record

    return make
