"""Doctor checks that read the settings and the people: the master list of indicators, who is bound.

Neither calls Google or Telegram; :func:`check_people` also reads the store when the database
check could open it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.doctor.report import CheckResult, CheckStatus, DoctorContext, _result, _skipped

INVITE_FIX = (
    'buat kode undangan: python -m bot invite --role PERAN [--bidang KODE] --nama "NAMA", lalu orang itu '
    "mengirim /daftar KODE kepada bot"
)


def check_master_list(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The master list of indicators must exist and parse: the workbooks are built from it."""
    from sheets.master import load_master
    from sheets.numbers import DomainError

    path = ctx.settings.google.master_indikator
    name = "Daftar indikator"
    if path is None:
        yield _result(
            "master", name, CheckStatus.OK, "disimpan sebagai Google Sheet (google.master_sheet), diperiksa di bawah"
        )
        return
    try:
        master = load_master(path, bidang_codes=[b.kode for b in ctx.settings.bidang])
    except DomainError as err:
        yield _result(
            "master",
            name,
            CheckStatus.FAILED,
            str(err),
            "perbaiki CSV daftar indikator (google.master_indikator); kolomnya dijelaskan di docs/pemasangan.md",
        )
        return
    counts = ", ".join(f"{b.kode} {len(master.for_bidang(b.kode))}" for b in ctx.settings.bidang)
    empty = [b.kode for b in ctx.settings.bidang if not master.for_bidang(b.kode)]
    if empty:
        yield _result(
            "master",
            name,
            CheckStatus.WARNING,
            f"{path}: bidang tanpa indikator: {', '.join(empty)}",
            "tambahkan indikator bidang tersebut ke CSV, atau hapus bidangnya dari pengaturan",
        )
    else:
        yield _result("master", name, CheckStatus.OK, f"{path}: {counts} indikator")


def check_people(ctx: DoctorContext) -> Iterable[CheckResult]:
    """Who can act from Telegram (telegram_id in the settings or bound by invite), who cannot yet."""
    settings = ctx.settings
    configured = [(role, bidang, orang.nama, orang.telegram_id) for role, bidang, orang in settings.people()]
    rows: list[Any] = []
    if ctx.store is not None:
        with ctx.store.transaction() as tx:
            rows = tx.people()
    bound_in_store = {(r.role, r.bidang, r.nama): r for r in rows if r.telegram_id is not None}
    by_settings = [c for c in configured if c[3] is not None]
    from_settings = {(c[0], c[1], c[2]) for c in by_settings}
    # Bound in the store but not by a telegram_id of the settings: bound with /daftar KODE.
    by_invite = [r for key, r in bound_in_store.items() if key not in from_settings]
    unbound = [c for c in configured if c[3] is None and (c[0], c[1], c[2]) not in bound_in_store]
    label = "Orang terikat ke Telegram"

    def who(role: str, bidang: str | None, nama: str) -> str:
        return f"{role}{' ' + bidang if bidang else ''} ({nama})"

    summary = f"{len(by_settings)} lewat pengaturan, {len(by_invite)} lewat kode undangan"
    if by_invite:
        summary += ": " + "; ".join(who(r.role, r.bidang, r.nama) for r in by_invite)
    if unbound:
        yield _result(
            "people",
            label,
            CheckStatus.WARNING,
            f"{summary}. Belum terikat: " + "; ".join(who(*c[:3]) for c in unbound),
            INVITE_FIX,
        )
    else:
        yield _result("people", label, CheckStatus.OK, f"semua terikat ({summary})")
    if ctx.store is None and any(c[3] is None for c in configured):
        yield _result(
            "people.store",
            "Pendaftaran lewat undangan",
            CheckStatus.SKIPPED,
            "basis data belum dapat dibaca; pendaftaran /daftar belum diperhitungkan",
        )
    yield from _invite_over_settings(configured, rows, who)
    unreachable = [r for r in rows if r.unreachable]
    if unreachable:
        yield _result(
            "people.unreachable",
            "Orang yang tidak dapat dihubungi",
            CheckStatus.WARNING,
            "; ".join(who(r.role, r.bidang, r.nama) for r in unreachable)
            + ": memblokir bot atau belum pernah membuka chat",
            "minta orang tersebut membuka chat dengan bot dan menekan Mulai (/start)",
        )


def _invite_over_settings(configured: list[Any], rows: list[Any], who: Any) -> Iterable[CheckResult]:
    """Bindings made by invite that the settings contradict: the invite's is kept, the settings are stale."""
    by_key = {(r.role, r.bidang, r.nama): r for r in rows}
    by_telegram = {r.telegram_id: r for r in rows if r.telegram_id is not None}
    found: list[str] = []
    for role, bidang, nama, telegram_id in configured:
        if telegram_id is None:
            continue
        row, holder = by_key.get((role, bidang, nama)), by_telegram.get(telegram_id)
        if row is not None and row.source == "invite" and row.telegram_id not in (None, telegram_id):
            found.append(
                f"{who(role, bidang, nama)}: pengaturan menyebut telegram_id {telegram_id}, "
                f"tetapi terikat lewat undangan ke {row.telegram_id}"
            )
        elif holder is not None and holder.source == "invite" and (row is None or holder.id != row.id):
            found.append(
                f"{who(role, bidang, nama)}: telegram_id {telegram_id} di pengaturan terikat lewat undangan ke "
                f"{who(holder.role, holder.bidang, holder.nama)}"
            )
    if found:
        yield _result(
            "people.invite",
            "Pengaturan berbeda dengan pendaftaran undangan",
            CheckStatus.WARNING,
            "; ".join(found) + ". Pendaftaran lewat undangan yang berlaku",
            "samakan telegram_id di pengaturan dengan akun yang terdaftar (atau hapus telegram_id itu); "
            "untuk memakai akun lain, buat undangan baru",
        )


def check_master_sheet(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The master sheet the Kasubbag keeps (``google.master_sheet``): readable and valid, cell by cell."""
    from sheets.google.errors import GoogleEdgeError
    from sheets.google.master_sheet import read_master_sheet, sheet_id
    from sheets.master import MasterError
    from sheets.master_sheet import parse_master_sheet

    source = ctx.settings.google.master_sheet
    name = "Sheet daftar induk"
    if source is None:
        return
    if ctx.sheets is None:
        yield _skipped("master.sheet", name, "Google belum dapat dihubungi")
        return
    try:
        read = read_master_sheet(ctx.sheets, sheet_id(source))
    except GoogleEdgeError as err:
        yield _result(
            "master.sheet",
            name,
            CheckStatus.FAILED,
            err.penjelasan,
            f"Kasubbag KPEP membagikan sheet daftar induk kepada {ctx.account_email} sebagai Editor",
        )
        return
    try:
        master = parse_master_sheet(read, bidang_codes=[b.kode for b in ctx.settings.bidang])
    except MasterError as err:
        shown = "; ".join(p.sentence() for p in err.cells[:10])
        more = f" (dan {len(err.cells) - 10} lagi)" if len(err.cells) > 10 else ""
        yield _result(
            "master.sheet",
            name,
            CheckStatus.FAILED,
            f"{read.title!r}: {len(err.cells)} masalah: {shown}{more}",
            "Kasubbag KPEP memperbaiki sel tersebut; /induk di Telegram menulis setiap masalah di kolom "
            "Catatan Validasi",
        )
        return
    counts = ", ".join(f"{b.kode} {len(master.for_bidang(b.kode))}" for b in ctx.settings.bidang)
    yield _result("master.sheet", name, CheckStatus.OK, f"{read.title!r} tab {read.tab}: {counts} indikator")
