"""The Telegram half of the sandbox: the Bot API with real long polling."""
