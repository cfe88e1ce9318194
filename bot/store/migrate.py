"""Apply the Alembic migrations programmatically at start: ``upgrade(url)`` or ``upgrade_engine``."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from bot.store.db import create_store_engine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at this package's migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision``."""
    config = alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
    logger.info("database schema at revision %s", revision)


def upgrade(url: str, revision: str = "head") -> Engine:
    """Create the engine for ``url``, migrate it to ``revision`` and return the engine."""
    engine = create_store_engine(url)
    upgrade_engine(engine, revision)
    return engine
