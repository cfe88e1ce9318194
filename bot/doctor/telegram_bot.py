"""Doctor check of the Telegram bot: the token is set and valid (getMe), no webhook blocks polling."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from bot.doctor.report import CheckResult, CheckStatus, DoctorContext, _result


def check_telegram(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The bot token is set and valid (getMe); no webhook blocks long polling."""
    telegram = ctx.settings.telegram
    name = "Bot Telegram"
    token = telegram.resolved_token()
    if not token:
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            "token bot belum diisi",
            "isi variabel lingkungan KINERJA_TELEGRAM__TOKEN atau telegram.token_file dengan token dari "
            "@BotFather; lihat docs/pemasangan.md bagian 3",
        )
        return
    base = telegram.base_url.rstrip("/")
    if not base.endswith("/bot"):
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            f"telegram.base_url {base!r} tidak berakhiran /bot",
            "isi telegram.base_url dengan https://api.telegram.org/bot",
        )
        return
    host = httpx.URL(base).host
    try:
        with httpx.Client(timeout=ctx.timeout) as client:
            me = client.get(f"{base}{token}/getMe")
            hook = client.get(f"{base}{token}/getWebhookInfo") if me.status_code == 200 else None
    except httpx.HTTPError as err:
        # The message of a transport error may hold the URL, and the URL holds the token.
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            f"Telegram ({host}) tidak dapat dihubungi: {type(err).__name__}",
            f"periksa koneksi internet/proxy/firewall ke {host}, atau telegram.base_url",
        )
        return
    if me.status_code in (401, 404):
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            "token bot ditolak Telegram (Unauthorized)",
            "salin ulang token dari @BotFather (/mybots → API Token); bila token dicabut, buat yang baru "
            "dengan /revoke lalu perbarui KINERJA_TELEGRAM__TOKEN",
        )
        return
    if me.status_code != 200:
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            f"Telegram menjawab HTTP {me.status_code}",
            "ulangi beberapa saat lagi; bila terus terjadi, periksa telegram.base_url",
        )
        return
    result = (me.json() or {}).get("result") or {}
    yield _result(
        "telegram.token", name, CheckStatus.OK, f"@{result.get('username', '?')} ({result.get('first_name', '')})"
    )
    url = ((hook.json() or {}).get("result") or {}).get("url") if hook is not None and hook.status_code == 200 else ""
    if url and telegram.mode == "polling":
        yield _result(
            "telegram.webhook",
            "Webhook Telegram",
            CheckStatus.WARNING,
            "bot masih memasang webhook; long polling (telegram.mode: polling) akan ditolak Telegram",
            f"hapus webhook: buka {base}<TOKEN>/deleteWebhook sekali, atau pakai telegram.mode: webhook",
        )
