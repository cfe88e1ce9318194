"""The workflow core: SOP P-SEK-KP-09 as state machines, the service that runs it, its calendar,
timers, outbox and scheduler. The Google and Telegram edges plug in through ``ports``."""
