"""No log record carries the bot token once it is registered, whatever logger, handler or traceback."""

from __future__ import annotations

import logging

import pytest

from bot.logging_setup import mask_in_logs

TOKEN = "7000000999:AAH-a-token-only-this-test-uses"


def test_the_token_never_reaches_a_log_record(caplog: pytest.LogCaptureFixture) -> None:
    mask_in_logs(TOKEN)
    logger = logging.getLogger("telegram.ext.ExtBot")
    with caplog.at_level(logging.DEBUG):
        logger.debug("Calling Bot API endpoint %s at https://api.telegram.org/bot%s/getMe", "getMe", TOKEN)
        logger.info("secret part alone: " + TOKEN.split(":")[1])
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getUpdates failed")
        except RuntimeError:
            logger.exception("request failed")
    assert len(caplog.records) == 3
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
    assert "https://api.telegram.org/bot***/getMe" in caplog.text
    assert "bot***/getUpdates failed" in caplog.text  # the traceback is masked too
