"""``python -m bot invite``: a one-time registration code, its deep link and a QR code to print.

The code (the core's Directory stores only its hash) binds whoever sends it: by tapping the deep
link ``https://t.me/<bot username>?start=<CODE>`` (the Telegram app then sends ``/start CODE``), by
scanning the QR code of that link, or by typing ``/daftar CODE``. The bot's username comes from
``getMe`` through the configured Bot API endpoint (``telegram.base_url``), so the link names the
bot the office actually runs. When Telegram cannot be reached the code is still created and
printed: ``/daftar CODE`` needs no link.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.helpers import create_deep_linked_url
from telegram.request import HTTPXRequest

from bot import texts
from bot.runtime import open_store
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import Role
from bot.workflow.people import Directory
from config.settings import Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)

INVITE_ROLES = tuple(role.value for role in Role if role is not Role.SYSTEM)
GET_ME_TIMEOUT = 10.0
QR_SCALE = 10  # pixels per module: about 4 cm wide at 300 dpi for a 10-character code's link
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


class InviteLinkError(Exception):
    """The deep link cannot be made (no token, Telegram unreachable); ``reason`` is for the admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Invitation:
    """A new invite: the code, and its deep link when the bot's username could be read."""

    code: str
    link: str | None


def fetch_bot_username(settings: Settings, token: str | None = None, timeout: float = GET_ME_TIMEOUT) -> str:
    """The bot's username from ``getMe`` through ``telegram.base_url``; InviteLinkError when it cannot be read."""
    token = token or settings.telegram.resolved_token()
    if not token:
        raise InviteLinkError(texts.TELEGRAM_TOKEN_MISSING)
    request = HTTPXRequest(connect_timeout=timeout, read_timeout=timeout)
    bot = Bot(token, base_url=settings.telegram.base_url.rstrip("/"), request=request)

    async def ask() -> str:
        async with bot:  # initialize() asks getMe once; leaving closes the connection
            return bot.username

    try:
        return asyncio.run(ask())
    except InvalidToken as err:
        raise InviteLinkError(texts.INVITE_TOKEN_REFUSED) from err
    except NetworkError as err:  # its message may hold the URL, and the URL holds the token
        raise InviteLinkError(texts.invite_telegram_unreachable(type(err).__name__)) from err
    except TelegramError as err:
        raise InviteLinkError(texts.invite_telegram_unreachable(err.message)) from err


def deep_link(username: str, code: str) -> str:
    """``https://t.me/<username>?start=<code>``: tapping it sends the bot ``/start <code>``."""
    return create_deep_linked_url(username, code)


def write_qr(path: Path, link: str) -> None:
    """A PNG of ``link``'s QR code at ``path``, large enough to print and scan from paper."""
    import segno  # only the invite command draws a QR code; the running service never does

    segno.make(link, error="m").save(str(path), kind="png", scale=QR_SCALE, border=QR_BORDER)


def qr_file_name(role: str, bidang: str | None, nama: str) -> str:
    """``undangan-staf-PTK-tri-handayani.png``: who the printed code is for, readable in a folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", nama.split(",")[0].lower()).strip("-") or "pegawai"
    return "-".join(["undangan", role, *([bidang] if bidang else []), slug]) + ".png"


def invite(
    directory: Directory,
    role: Role,
    bidang: str | None,
    nama: str,
    now: datetime,
    *,
    username: str | None = None,
) -> Invitation:
    """A new code for (role, bidang, nama) and its deep link (``username``: the bot's, when known)."""
    code = directory.create_invite(role, bidang, nama, now)
    return Invitation(code, deep_link(username, code) if username else None)


def cmd_invite(args: argparse.Namespace) -> int:
    """Print a new invite code for (role, bidang, nama), its link and QR file; 2 on bad settings or input."""
    try:
        settings = load_settings(args.config)
    except SettingsError as err:
        sys.stderr.write(f"{err}\n")
        return 2
    store = open_store(settings)
    now = datetime.now(settings.tz)
    try:
        invitation = invite(Directory(settings, store), Role(args.role), args.bidang, args.nama, now)
    except ActionRefused as err:
        sys.stderr.write(f"{err.reason}\n")
        return 2
    finally:
        store.dispose()
    # After the code is stored: a refused input or an unusable database never waits on Telegram.
    try:
        invitation = replace(invitation, link=deep_link(fetch_bot_username(settings), invitation.code))
        problem = None
    except InviteLinkError as err:
        problem = err.reason
    until = texts.format_waktu(now + timedelta(days=settings.jadwal.undangan_berlaku_hari), settings.tz)
    qr_path: Path | None = None
    if invitation.link is not None:
        qr_path = Path(args.qr) if args.qr else Path(qr_file_name(args.role, args.bidang, args.nama))
        try:
            write_qr(qr_path, invitation.link)
        except OSError as err:
            sys.stderr.write(texts.invite_qr_not_written(str(qr_path), err.strerror or str(err)) + "\n")
            qr_path = None
    logger.info("invite code created for role %s bidang %s", args.role, args.bidang)
    qr_name = str(qr_path) if qr_path else None
    sys.stdout.write(
        texts.invite_created(args.nama, args.role, args.bidang, invitation.code, until, invitation.link, qr_name)
    )
    if problem is not None:
        sys.stderr.write(texts.invite_link_unavailable(problem) + "\n")
    return 0
