"""``python -m bot invite``: create a one-time /daftar code (the core's Directory stores its hash)."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import datetime, timedelta

from bot import texts
from bot.runtime import open_store
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import Role
from bot.workflow.people import Directory
from config.settings import SettingsError, load_settings

logger = logging.getLogger(__name__)

INVITE_ROLES = tuple(role.value for role in Role if role is not Role.SYSTEM)


def cmd_invite(args: argparse.Namespace) -> int:
    """Print a new invite code for (role, bidang, nama); 2 on bad settings or refused input."""
    try:
        settings = load_settings(args.config)
    except SettingsError as err:
        sys.stderr.write(f"{err}\n")
        return 2
    store = open_store(settings)
    now = datetime.now(settings.tz)
    try:
        code = Directory(settings, store).create_invite(Role(args.role), args.bidang, args.nama, now)
    except ActionRefused as err:
        sys.stderr.write(f"{err.reason}\n")
        return 2
    finally:
        store.dispose()
    until = texts.format_waktu(now + timedelta(days=settings.jadwal.undangan_berlaku_hari), settings.tz)
    logger.info("invite code created for role %s bidang %s", args.role, args.bidang)
    sys.stdout.write(texts.invite_created(args.nama, args.role, args.bidang, code, until))
    return 0
