"""Where the demo's data lives: ``config/demo`` (settings, indicator master, what the staff type)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_DIR", "DEMO_MASTER", "DEMO_SETTINGS", "ISIAN_DEMO"]

DEMO_DIR = Path(__file__).resolve().parents[2] / "config" / "demo"
DEMO_SETTINGS = DEMO_DIR / "settings.yaml"
DEMO_MASTER = DEMO_DIR / "indikator.csv"
ISIAN_DEMO = DEMO_DIR / "isian-tw1.csv"
"""What the demo's staff type into their sheets for TW I (values written the way people write them)."""
