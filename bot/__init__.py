"""Kinerja Bot: the service that runs SOP P-SEK-KP-09 on Google Sheets/Drive and Telegram."""
