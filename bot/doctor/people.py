"""Doctor checks that read the settings and the people: the master list of indicators, who is bound.

Neither calls Google or Telegram; :func:`check_people` also reads the store when the database
check could open it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from datetime import datetime
from typing import Any

from bot.doctor.report import CheckResult, CheckStatus, DoctorContext, _result, _skipped
from sheets.riwayat import pelaku

INVITE_FIX = (
    'buat kode undangan: python -m bot invite --role PERAN [--bidang KODE] --nama "NAMA", lalu orang itu '
    "mengirim /daftar KODE kepada bot"
)


def check_master_list(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The master list of indicators must exist and parse: the workbooks are built from it.

    With one file per year (``{tahun}`` in ``google.master_indikator``) the current year's list
    is checked, and the next year's as well: a warning while it is missing, a failure once that
    year's TW I is due.
    """
    settings = ctx.settings
    if settings.google.master_indikator is None:
        yield _result(
            "master",
            "Daftar indikator",
            CheckStatus.OK,
            "disimpan sebagai lembar kerja Google Sheets (google.master_sheet), diperiksa di bawah",
        )
        return
    tahun = ctx.current_year()
    yield from _master_of_year(ctx, "master", tahun, required=True)
    if settings.master_per_tahun:
        next_year, opens = ctx.next_year_opening()
        if next_year != tahun:
            yield from _master_of_year(ctx, "master.berikutnya", next_year, required=False, opens=opens)


def _master_of_year(
    ctx: DoctorContext, key: str, tahun: int, *, required: bool, opens: datetime | None = None
) -> Iterable[CheckResult]:
    from bot.texts import format_waktu
    from sheets.master import load_master
    from sheets.numbers import DomainError

    settings = ctx.settings
    path = settings.master_path(tahun)
    assert path is not None  # only asked for a list kept as a CSV
    per_year = settings.master_per_tahun
    name = f"Daftar indikator {tahun}" if per_year else "Daftar indikator"
    fix = "perbaiki CSV daftar indikator (google.master_indikator); kolomnya dijelaskan di docs/pemasangan.md"
    if not required and not path.exists():
        when = format_waktu(opens, settings.tz) if opens is not None else "-"
        yield _result(
            key,
            name,
            CheckStatus.WARNING,
            f"{path} belum ada; Triwulan I {tahun} dibuka {when} dan menunggu daftar ini",
            f"letakkan daftar indikator tahun {tahun} (target dan pagu menurut DPA) di {path}; "
            "lihat docs/pemasangan.md bagian 5.1",
        )
        return
    try:
        master = load_master(path, bidang_codes=[b.kode for b in settings.bidang])
    except DomainError as err:
        yield _result(key, name, CheckStatus.FAILED if required else CheckStatus.WARNING, str(err), fix)
        return
    counts = ", ".join(f"{b.kode} {len(master.for_bidang(b.kode))}" for b in settings.bidang)
    empty = [b.kode for b in settings.bidang if not master.for_bidang(b.kode)]
    if empty:
        yield _result(
            key,
            name,
            CheckStatus.WARNING,
            f"{path}: bidang tanpa indikator: {', '.join(empty)}",
            "tambahkan indikator bidang tersebut ke CSV, atau hapus bidangnya dari pengaturan",
        )
    else:
        yield _result(key, name, CheckStatus.OK, f"{path}: {counts} indikator")


def check_hari_libur(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The regency's days off: a ``tetap_masuk`` date that is no national day off changes nothing."""
    from bot.workflow.calendar import WorkCalendar

    libur = ctx.settings.hari_libur
    if not libur.tambahan and not libur.tetap_masuk:
        return
    calendar = WorkCalendar.of(ctx.settings)
    idle = [d for d in libur.tetap_masuk if not calendar.is_national_holiday(d.tanggal)]
    already = [d for d in libur.tambahan if calendar.is_national_holiday(d.tanggal) or d.tanggal.weekday() >= 5]
    name = "Hari libur daerah"
    if idle or already:
        lines = [f"{d.tanggal.isoformat()} ({d.keterangan}) bukan libur nasional atau cuti bersama" for d in idle]
        lines += [f"{d.tanggal.isoformat()} ({d.keterangan}) sudah libur tanpa penetapan daerah" for d in already]
        yield _result(
            "hari_libur",
            name,
            CheckStatus.WARNING,
            "; ".join(lines),
            "periksa tanggal di hari_libur.tetap_masuk dan hari_libur.tambahan; tanggal itu tidak berpengaruh",
        )
        return
    yield _result(
        "hari_libur",
        name,
        CheckStatus.OK,
        f"{len(libur.tambahan)} libur tambahan, {len(libur.tetap_masuk)} hari tetap masuk kerja",
    )


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
    label = "Pegawai terdaftar di Telegram"

    def who(role: str, bidang: str | None, nama: str) -> str:
        return pelaku(role, nama, bidang)

    summary = f"{len(by_settings)} melalui pengaturan, {len(by_invite)} melalui kode undangan"
    if by_invite:
        summary += ": " + "; ".join(who(r.role, r.bidang, r.nama) for r in by_invite)
    if unbound:
        yield _result(
            "people",
            label,
            CheckStatus.WARNING,
            f"{summary}. Belum terdaftar: " + "; ".join(who(*c[:3]) for c in unbound),
            INVITE_FIX,
        )
    else:
        yield _result("people", label, CheckStatus.OK, f"semua terdaftar ({summary})")
    if ctx.store is None and any(c[3] is None for c in configured):
        yield _result(
            "people.store",
            "Pendaftaran melalui kode undangan",
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
                f"tetapi terdaftar melalui kode undangan dengan ID {row.telegram_id}"
            )
        elif holder is not None and holder.source == "invite" and (row is None or holder.id != row.id):
            found.append(
                f"{who(role, bidang, nama)}: telegram_id {telegram_id} di pengaturan sudah terdaftar melalui kode "
                f"undangan atas nama "
                f"{who(holder.role, holder.bidang, holder.nama)}"
            )
    if found:
        yield _result(
            "people.invite",
            "Pengaturan berbeda dengan pendaftaran melalui kode undangan",
            CheckStatus.WARNING,
            "; ".join(found) + ". Pendaftaran melalui kode undangan yang berlaku",
            "samakan telegram_id di pengaturan dengan akun yang terdaftar (atau hapus telegram_id itu); "
            "untuk memakai akun lain, buat kode undangan baru",
        )


def check_master_sheet(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The master sheet the Kasubbag keeps (``google.master_sheet``): readable and valid, cell by cell.

    The current year's list is checked (its tab ``Daftar Induk 2026``, else ``Daftar Induk``); when
    the sheet keeps a tab per year, the next year's tab as well: a warning while it is missing.
    """
    from sheets.master_sheet import master_tab

    if ctx.settings.google.master_sheet is None:
        return
    if ctx.sheets is None:
        yield _skipped("master.sheet", "Lembar kerja daftar induk", "Google belum dapat dihubungi")
        return
    tahun = ctx.current_year()
    read = yield from _master_sheet_of_year(ctx, "master.sheet", tahun, required=True)
    if read is None or read.tab != master_tab(tahun):
        return  # one list for every year: nothing else to read
    next_year, opens = ctx.next_year_opening()
    if next_year != tahun:
        yield from _master_sheet_of_year(ctx, "master.sheet.berikutnya", next_year, required=False, opens=opens)


def _master_sheet_of_year(
    ctx: DoctorContext, key: str, tahun: int, *, required: bool, opens: datetime | None = None
) -> Generator[CheckResult, None, Any]:
    """Check ``tahun``'s list in the master sheet; returns what was read (None when it could not be)."""
    from bot.texts import format_waktu
    from sheets.google.errors import GoogleEdgeError
    from sheets.google.master_sheet import read_master_sheet, sheet_id
    from sheets.master import MasterError
    from sheets.master_sheet import master_tab, parse_master_sheet

    settings = ctx.settings
    source = settings.google.master_sheet
    assert source is not None
    name = f"Lembar kerja daftar induk {tahun}"
    try:
        read = read_master_sheet(ctx.sheets, sheet_id(source), tahun)
    except GoogleEdgeError as err:
        yield _result(
            key,
            name,
            CheckStatus.FAILED,
            err.penjelasan,
            f"Kasubbag KPEP membagikan lembar kerja daftar induk kepada {ctx.account_email} sebagai Editor",
        )
        return None
    if not required and read.tab != master_tab(tahun):
        when = format_waktu(opens, settings.tz) if opens is not None else "-"
        yield _result(
            key,
            name,
            CheckStatus.WARNING,
            f'tab "{master_tab(tahun)}" belum ada; Triwulan I {tahun} dibuka {when} dan menunggu daftar ini',
            f'Kasubbag KPEP menambahkan tab "{master_tab(tahun)}" berisi daftar indikator tahun {tahun} '
            "(target dan pagu menurut DPA), lalu memeriksanya dengan /induk",
        )
        return read
    try:
        master = parse_master_sheet(read, bidang_codes=[b.kode for b in settings.bidang])
    except MasterError as err:
        shown = "; ".join(p.sentence() for p in err.cells[:10])
        more = f" (dan {len(err.cells) - 10} lagi)" if len(err.cells) > 10 else ""
        yield _result(
            key,
            name,
            CheckStatus.FAILED if required else CheckStatus.WARNING,
            f'"{read.title}" tab "{read.tab}": {len(err.cells)} masalah: {shown}{more}',
            "Kasubbag KPEP memperbaiki sel tersebut; /induk di Telegram menulis setiap masalah di kolom "
            "Catatan Validasi",
        )
        return read
    counts = ", ".join(f"{b.kode} {len(master.for_bidang(b.kode))}" for b in settings.bidang)
    yield _result(key, name, CheckStatus.OK, f'"{read.title}" tab "{read.tab}": {counts} indikator')
    return read


def check_google_people(ctx: DoctorContext) -> Iterable[CheckResult]:
    """Who can open the workbooks: officials without an email, addresses without a Google account.

    The officials get view access to the workbooks whose links the bot sends them, which needs
    their email; an address Drive said has no Google account (``doctor --live``, or shared by
    the bot's invitation email) opens nothing until that account exists.
    """
    from config.learned import load_facts
    from sheets.google.sharing import bidang_access, officials_without_email, rekap_access

    settings = ctx.settings
    missing = officials_without_email(settings)
    if missing:
        yield _result(
            "people.email",
            "Pejabat tanpa email",
            CheckStatus.WARNING,
            "tautan lembar kerja yang dikirim bot tidak dapat mereka buka: " + "; ".join(missing),
            "isi email (akun Google) orang tersebut di pengaturan; bot memberi mereka akses lihat "
            f"(google.peran_peninjau: {settings.google.peran_peninjau}) saat membagikan format",
        )
    if ctx.live is not None:
        return  # the live round trip below tries every address itself
    facts = load_facts(settings.google.berkas_temuan)
    configured = set(rekap_access(settings))
    for bidang in settings.bidang:
        configured |= set(bidang_access(settings, bidang.kode))
    invited = _invited_at_distribution(ctx)
    no_account = sorted((set(facts.no_google_account) | invited) & configured)
    sources = []
    if facts.checked_at is not None:
        sources.append(f"uji langsung {facts.checked_at}")
    if invited:
        sources.append("pembagian format periode berjalan")
    name = "Akun Google alamat di pengaturan"
    if no_account:
        yield _result(
            "people.google",
            name,
            CheckStatus.WARNING,
            f"menurut {' dan '.join(sources)}, belum punya akun Google: {', '.join(no_account)}; "
            "bot membagikan lembar kerja kepada mereka melalui undangan email Google",
            "minta yang bersangkutan membuat akun Google dengan alamat itu, atau ganti alamatnya di pengaturan; "
            "lalu ulangi python -m bot doctor --live",
        )
    elif facts.checked_at is None:
        yield _result(
            "people.google",
            name,
            CheckStatus.OK,
            "belum diuji langsung; jalankan python -m bot doctor --live untuk memeriksa setiap alamat",
        )
    else:
        yield _result(
            "people.google", name, CheckStatus.OK, f"semua alamat punya akun Google (uji langsung {facts.checked_at})"
        )


def _invited_at_distribution(ctx: DoctorContext) -> set[str]:
    """The addresses the running period's distribution invited by email (no Google account)."""
    if ctx.store is None or not ctx.reports:
        return set()
    period_id = next(iter(ctx.reports.values())).period_id
    invited: set[str] = set()
    with ctx.store.transaction() as tx:
        for row in tx.outbox_rows(period_id):
            if row.kind == "distribution_done":
                invited |= {str(email).lower() for email in (row.payload or {}).get("tanpa_akun_google") or []}
    return invited
