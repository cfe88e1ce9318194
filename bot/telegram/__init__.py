"""The Telegram edge of Kinerja Bot: PTB application, handlers, rendering, delivery."""
