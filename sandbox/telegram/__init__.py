"""The Telegram half of the sandbox: the Bot API with real long polling."""

from sandbox.telegram.constants import DEFAULT_BOT_TOKEN

__all__ = ["DEFAULT_BOT_TOKEN"]
