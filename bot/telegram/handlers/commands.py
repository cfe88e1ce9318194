"""The command handlers: /start, /daftar, /bantuan, /status, /rekap and /kirim.

Each checks that the sender is bound (else says how to register), calls the workflow service in
a thread, and replies. /status, /rekap and /kirim take a year and a TW after the command
(``/status TW II 2026``, ``/rekap 4``; :mod:`bot.telegram.period_args`), else the running period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.telegram.bantuan import bantuan_answers
from bot.telegram.charts import Bar, capaian_chart
from bot.telegram.handlers.context import EdgeContext, _actor, _bound_or_explain, _reply, edge
from bot.telegram.period_args import PeriodArgs, PeriodArgsError, parse_period_args
from bot.telegram.render import link, rekap_figures, with_links
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BIDANG_HOLDS, DINAS_HOLDS, Role

logger = logging.getLogger("bot.telegram.handlers")  # the name the log has always shown for the handlers

REKAP_ROLES = frozenset({Role.KEPALA_DINAS, Role.SEKRETARIS, Role.KASUBBAG_KPEP, Role.KEPALA_BIDANG})


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greet a bound person (and mark them reachable again), or say how to register (with
    their Telegram id). ``/start KODE``, what an invite's deep link sends, registers as /daftar does."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if context.args:
        await _register(ctx, message, user.id, context.args)
        return
    actor = await _actor(ctx, user.id)
    if actor is None:
        await _reply(ctx, message, texts.start_unbound(ctx.settings.dinas.nama, user.id))
        return
    await asyncio.to_thread(ctx.service.directory.set_reachable, user.id, True)
    await _reply(ctx, message, texts.start_bound(actor.nama, actor.role, ctx.bidang_nama(actor.bidang)))


async def cmd_daftar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/daftar KODE: bind the sender with a one-time invite code."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    await _register(ctx, message, user.id, context.args or [])


async def _register(ctx: EdgeContext, message: Message, telegram_id: int, args: Sequence[str]) -> None:
    """Bind ``telegram_id`` with the invite code in ``args`` (/daftar KODE and /start KODE)."""
    if len(args) != 1:
        await _reply(ctx, message, texts.DAFTAR_USAGE)
        return
    existing = await _actor(ctx, telegram_id)
    if existing is not None:
        await _reply(ctx, message, texts.daftar_already(existing.nama))
        return
    try:
        actor = await asyncio.to_thread(ctx.service.directory.redeem_invite, telegram_id, args[0], ctx.now())
    except ActionRefused as err:
        logger.info("invite refused for telegram user %s", telegram_id)
        await _reply(ctx, message, texts.refused(err.reason))
        return
    logger.info("telegram user %s bound as %s (%s)", telegram_id, actor.role, actor.bidang)
    await _reply(ctx, message, texts.daftar_ok(actor.nama, actor.role, ctx.bidang_nama(actor.bidang)))


async def cmd_bantuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/bantuan: what this person can do now, by role, with their pending actions as buttons."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    for answer in await asyncio.to_thread(bantuan_answers, ctx.service, ctx.settings, actor):
        await _reply(ctx, message, answer.text, answer.keyboard)


def status_text(ctx: EdgeContext, named: PeriodArgs | None = None) -> str:
    """The /status text: the period named, else every running period, oldest first (blocking: reads the store)."""
    if named is not None and named.named:
        period_id = ctx.service.period_id_for(named.tahun, named.tw)
        if period_id is None:
            return texts.period_not_found(named.tw, named.tahun)
        return _period_status(ctx, period_id)
    period_ids = ctx.service.running_period_ids()
    if not period_ids:
        return texts.STATUS_NO_PERIOD
    return "\n\n".join(_period_status(ctx, period_id) for period_id in period_ids)


async def _period_args(ctx: EdgeContext, message: Message, args: list[str] | None) -> PeriodArgs | None:
    """The year and TW after the command; None (the usage answered) when they are ambiguous."""
    try:
        return parse_period_args(args or ())
    except PeriodArgsError:
        await _reply(ctx, message, texts.PERIOD_ARGS_USAGE)
        return None


def _period_status(ctx: EdgeContext, period_id: int) -> str:
    """One period's block of /status: its state, each bidang's, who holds each open step."""
    service = ctx.service
    view = service.period_view(period_id)
    now, tz = ctx.now(), ctx.settings.tz

    def holder_line(role: Role | None, names: tuple[str, ...], since: datetime, step: int | None) -> str | None:
        if role is None or step is None:
            return None
        durasi = ctx.settings.mutu_baku.for_step(step)
        late = now > service.calendar.mutu_baku_deadline(since, durasi)
        return texts.status_holder(texts.role_name(role), names, since, now - since, str(durasi), late, tz)

    lines = [texts.status_header(view.tw, view.tahun, texts.STATE_LABELS[view.state], view.deadline, tz)]
    dinas_holding = DINAS_HOLDS.get(view.state)
    if dinas_holding is not None and dinas_holding.role is not Role.KEPALA_BIDANG:
        line = holder_line(view.holder_role, view.holder_nama, view.step_since, dinas_holding.sop_step)
        if line:
            lines.append(line)
    lines.append("")
    for report in view.reports:
        lines.append(texts.status_bidang(report.bidang_nama, report.bidang, report.state_label))
        holding = BIDANG_HOLDS.get(report.state)
        if holding is not None and view.state.value == "pengumpulan":
            line = holder_line(report.holder_role, report.holder_nama, report.step_since, holding.sop_step)
            if line:
                lines.append(line)
        if report.last_reason and report.state.value in ("dikembalikan", "dibuka_kembali"):
            lines.append(texts.status_reason(report.last_reason))
        if view.state.value in ("tindak_lanjut", "selesai"):
            lines.append(texts.status_tindak_lanjut(report.tindak_lanjut))
    return "\n".join(lines)


async def cmd_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status: the period, each bidang's state, who holds each open step and for how long."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if await _bound_or_explain(ctx, message, user.id) is None:
        return
    named = await _period_args(ctx, message, context.args)
    if named is None:
        return
    await _reply(ctx, message, await asyncio.to_thread(status_text, ctx, named))


async def cmd_rekap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rekap: the dinas rekap's link, summary and capaian chart."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    if actor.role not in REKAP_ROLES:
        await _reply(ctx, message, texts.REKAP_NOT_ALLOWED)
        return
    named = await _period_args(ctx, message, context.args)
    if named is None:
        return
    period_id = await asyncio.to_thread(ctx.service.period_id_for, named.tahun, named.tw)
    view = None if period_id is None else await asyncio.to_thread(ctx.service.period_view, period_id)
    if view is None or view.rekap_url is None:
        missing = texts.period_not_found(named.tw, named.tahun) if named.named else texts.STATUS_NO_PERIOD
        await _reply(ctx, message, texts.REKAP_NONE if view else missing)
        return
    figures, dinas = rekap_figures(view.rekap_summary, ctx.settings)
    body = texts.rekap_lines(figures, dinas)
    if figures:
        chart = await asyncio.to_thread(capaian_chart, [Bar(f[0], f[2], f[3]) for f in figures])
        caption = texts.chart_caption(view.tw, view.tahun)
        await ctx.call(lambda: message.reply_photo(chart, caption=caption))
    text = texts.rekap_message(view.tw, view.tahun, body, view.catatan_analisis)
    await _reply(ctx, message, text, with_links([link(texts.BTN_BUKA_REKAP, view.rekap_url)]))


async def cmd_kirim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kirim: a staff member submits the open TW (same effect as the sheet's status)."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    if actor.role is not Role.STAF or actor.bidang is None:
        await _reply(ctx, message, texts.KIRIM_NOT_STAFF)
        return
    period = await _period_args(ctx, message, context.args)
    if period is None:
        return
    named = {arg.upper() for arg in period.rest} & {b.kode for b in ctx.settings.bidang}
    if named - {actor.bidang}:  # "/kirim LAT" from PTK staff: never submit a report they did not name
        await _reply(ctx, message, texts.kirim_other_bidang(ctx.bidang_nama(actor.bidang) or actor.bidang))
        return
    period_id = await asyncio.to_thread(ctx.service.period_id_for, period.tahun, period.tw)
    if period_id is None:
        await _reply(
            ctx, message, texts.period_not_found(period.tw, period.tahun) if period.named else texts.KIRIM_NO_PERIOD
        )
        return
    view = await asyncio.to_thread(ctx.service.period_view, period_id)
    try:
        submission = await asyncio.to_thread(ctx.service.submit_from_sheet, actor, actor.bidang, view.tahun, view.tw)
    except ActionRefused as err:
        await _reply(ctx, message, texts.refused(err.reason))
        return
    except Exception:
        logger.exception("reading the submission of %s TW %s failed", actor.bidang, view.tw)
        await _reply(ctx, message, texts.KIRIM_READ_FAILED)
        return
    if submission.ok:
        sekretaris = ctx.settings.dikoreksi_sekretaris(actor.bidang)
        await _reply(ctx, message, texts.kirim_ok(view.tw, view.tahun, sekretaris))
    else:
        errors = sum(1 for p in submission.problems if p.severity == "error")
        await _reply(ctx, message, texts.kirim_invalid(view.tw, view.tahun, errors))
