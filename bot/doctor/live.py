"""``python -m bot doctor --live``: a round trip through every Google behaviour the product relies on.

With the real credentials, in a scratch workbook made where the bot makes its own (the folder of
the dinas workbook, in the configured Shared Drive or My Drive) and deleted afterwards, the check
tries what the product assumes and prints one line per behaviour: what the product assumes, what
Google did, and OK or what to change:

- a workbook is made (``writersCanShare: false``), its locale set to Indonesian and read back
  (``id_ID``, else ``in_ID``; either read back counts);
- ``1.234,5``, ``75%`` and ``Rp 1.500.000`` typed as a person types them (USER_ENTERED) into a
  number-formatted column, read back as the poll reads a sheet and parsed as the bot parses it;
- a protected range holds for an editor account, when one is given (``--akun-editor``);
- each configured address is shared with without an email: Drive refuses an address that has no
  Google account (the bot invites those by email; they are listed);
- the workbook exports as PDF;
- an edit reaches the Drive change feed, timed (bounded by ``--tunggu-perubahan``).

What it learned is written to ``google.berkas_temuan`` (:mod:`config.learned`), where the service
reads it (the locale code Google took) and the other checks report it (addresses without a Google
account). Every call is bounded by the doctor's timeout; the change feed wait by its own bound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.doctor.report import CheckResult, CheckStatus, DoctorContext, _result, _skipped
from config.learned import GoogleFacts, load_facts, save_facts
from config.settings import GoogleAuth

logger = logging.getLogger(__name__)

__all__ = ["INDONESIAN", "TYPED", "LiveOptions", "check_live"]

INDONESIAN = ("id_ID", "in_ID")
"""The codes of Indonesian: the ICU one first, then the one Google reads back."""
TYPED: tuple[tuple[str, float], ...] = (("1.234,5", 1234.5), ("75%", 75.0), ("Rp 1.500.000", 1_500_000.0))
"""What a person types into a number column, and the number the bot must read from it."""
SCRATCH_PROP = "uji"  # kinerja_jenis of the scratch workbook (found again and removed by the next run)


@dataclass(frozen=True)
class LiveOptions:
    """How ``doctor --live`` runs: an editor account to try the protection with, and the change feed's bounds."""

    editor_token_file: Path | None = None
    change_wait: float = 300.0
    change_poll: float = 10.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


@dataclass
class _Scratch:
    """What the run shares between its steps."""

    drive: Any  # sheets.google.drive.DriveFiles
    sheets: Any  # sheets.google.spreadsheet.SheetsApi
    file: Any = None  # sheets.google.drive.FileInfo of the scratch workbook
    facts: GoogleFacts = field(default_factory=GoogleFacts)


def _line(key: str, name: str, status: CheckStatus, assumed: str, did: str, fix: str = "") -> CheckResult:
    return _result(f"live.{key}", name, status, f"bot mengandalkan: {assumed}; Google: {did}", fix)


def check_live(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The live round trip (only with ``--live``): one line per behaviour, the scratch workbook removed."""
    from sheets.google.auth import build_clients
    from sheets.google.drive import DriveFiles
    from sheets.google.http import RetryPolicy
    from sheets.google.spreadsheet import SheetsApi

    options = ctx.live or LiveOptions()
    if ctx.credentials is None or ctx.drive is None:
        yield _skipped("live", "Uji langsung Google", "Google belum dapat dihubungi (lihat pemeriksaan di atas)")
        return
    policy = RetryPolicy(attempts=2, timeout=ctx.timeout, initial_wait=0.2, max_wait=0.5)
    clients = build_clients(
        ctx.settings.google, credentials=ctx.credentials, account_email=ctx.account_email, policy=policy
    )
    run = _Scratch(DriveFiles(clients.drive, ctx.settings), SheetsApi(clients.sheets))
    run.facts = GoogleFacts(checked_at=datetime.now(ctx.settings.tz).isoformat(timespec="seconds"))
    steps: list[Callable[[], Iterator[CheckResult]]] = [
        lambda: _locale(run),
        lambda: _typed_numbers(run),
        lambda: _protection(ctx, run, options),
        lambda: _sharing(ctx, run),
        lambda: _export(run),
        lambda: _change_feed(ctx, run, options),
    ]
    try:
        yield from _create(ctx, run)
        if run.file is None:
            return
        for step in steps:
            yield from _guarded(step)
    finally:
        # The scratch workbook goes whatever happened above (its lines follow the steps').
        cleanup = list(_cleanup(run))
        clients.session.close()  # type: ignore[no-untyped-call]  # unannotated in google-auth
    yield from cleanup
    yield from _save(ctx, run.facts)


def _guarded(step: Callable[[], Iterator[CheckResult]]) -> Iterator[CheckResult]:
    """A step's lines; a Google error it did not expect ends the step with a failed line, not the run."""
    from sheets.google.errors import GoogleEdgeError

    try:
        yield from step()
    except GoogleEdgeError as err:
        yield _result("live.galat", "Uji langsung Google", CheckStatus.FAILED, str(err), err.penjelasan)


# --- the steps ------------------------------------------------------------------------------------


def _create(ctx: DoctorContext, run: _Scratch) -> Iterator[CheckResult]:
    from sheets.google.errors import GoogleEdgeError

    settings = ctx.settings
    props = run.drive.props(ctx.current_year(), SCRATCH_PROP)
    try:
        for leftover in run.drive.find(props):  # from a run that was interrupted
            run.drive.delete_or_trash(leftover)
        stamp = datetime.now(settings.tz).strftime("%Y-%m-%d %H.%M.%S")
        run.file = run.drive.create_spreadsheet(
            f"Kinerja Bot - uji doctor {stamp}", settings.google.root_folder_id, props
        )
    except GoogleEdgeError as err:
        yield _line(
            "buat",
            "Membuat workbook",
            CheckStatus.FAILED,
            "akun bot dapat membuat spreadsheet di folder rekap dinas",
            err.penjelasan + f" ({err})",
            "periksa hasil pemeriksaan folder dan penyimpanan di atas",
        )
        return
    where = "Shared Drive" if run.file.drive_id else "My Drive"
    yield _line(
        "buat",
        "Membuat workbook",
        CheckStatus.OK,
        "akun bot dapat membuat spreadsheet di folder rekap dinas",
        f"workbook uji dibuat di {where} ({run.file.url})",
    )
    if run.file.drive_id:
        yield _line(
            "berbagi_ulang",
            "Editor tidak membagikan ulang",
            CheckStatus.OK,
            "editor lembar kerja tidak dapat membagikannya kepada orang lain",
            "di Drive bersama setelan writersCanShare tidak berlaku (Google tidak mengisinya); siapa yang "
            "dapat berbagi diatur oleh setelan Drive bersama, dan bot menghapus akses di luar daftar setiap kali "
            "lembar kerja berubah",
            "",
        )
    elif run.file.writers_can_share is False:
        yield _line(
            "berbagi_ulang",
            "Editor tidak membagikan ulang",
            CheckStatus.OK,
            "editor lembar kerja tidak dapat membagikannya kepada orang lain",
            "writersCanShare false diterima",
        )
    else:
        yield _line(
            "berbagi_ulang",
            "Editor tidak membagikan ulang",
            CheckStatus.WARNING,
            "editor lembar kerja tidak dapat membagikannya kepada orang lain",
            f"writersCanShare terbaca {run.file.writers_can_share!r}",
            "bot tetap menghapus akses di luar daftar setiap kali lembar kerja berubah; laporkan hasil ini "
            "kepada pengembang",
        )


def _locale(run: _Scratch) -> Iterator[CheckResult]:
    from sheets.google.errors import ApiRequestInvalid
    from sheets.google.locale import INDONESIAN_LOCALES, is_indonesian, locale_request

    assumed = "workbook berlokal Indonesia (id_ID atau in_ID): koma desimal, titik ribuan"
    tried: list[str] = []
    for code in INDONESIAN_LOCALES:
        try:
            run.sheets.batch_update(run.file.id, [locale_request(code)], "mengatur lokal workbook uji")
        except ApiRequestInvalid as err:
            tried.append(f"{code} ditolak (HTTP {err.status})")
            continue
        body = run.sheets.get(run.file.id, fields="properties(locale)", action="membaca lokal workbook uji")
        stored = str((body.get("properties") or {}).get("locale") or "")
        if is_indonesian(stored):
            run.facts = run.facts.with_changes(locale=code)
            stored_as = "" if stored == code else f", terbaca kembali sebagai {stored}"
            yield _line(
                "lokal", "Lokal Indonesia", CheckStatus.OK, assumed, "; ".join([*tried, f"{code} diterima{stored_as}"])
            )
            return
        tried.append(f"{code} diterima tetapi terbaca kembali sebagai {stored or '(kosong)'}")
    yield _line(
        "lokal",
        "Lokal Indonesia",
        CheckStatus.FAILED,
        assumed,
        "; ".join(tried),
        "angka yang diketik dengan koma desimal akan tersimpan sebagai teks (bot tetap membacanya); "
        "laporkan hasil ini kepada pengembang",
    )


def _typed_numbers(run: _Scratch) -> Iterator[CheckResult]:
    from sheets.google.distribute import NUMBER_FORMAT
    from sheets.google.errors import GoogleEdgeError
    from sheets.google.poll import read_cells
    from sheets.numbers import AngkaTidakSah, parse_angka

    number_format = {
        "repeatCell": {
            "range": {
                "sheetId": 0,
                "startRowIndex": 0,
                "endRowIndex": len(TYPED),
                "startColumnIndex": 0,
                "endColumnIndex": 1,
            },
            "cell": {"userEnteredFormat": {"numberFormat": NUMBER_FORMAT}},
            "fields": "userEnteredFormat.numberFormat",
        }
    }
    try:
        run.sheets.batch_update(run.file.id, [number_format], "memformat kolom angka workbook uji")
        data = [{"range": f"A{n}", "values": [[typed]]} for n, (typed, _) in enumerate(TYPED, start=1)]
        run.sheets.values_update(run.file.id, data, "mengetik angka di workbook uji", input_option="USER_ENTERED")
        rows, percent = read_cells(run.sheets, run.file.id, f"A1:A{len(TYPED)}")
    except GoogleEdgeError as err:
        yield _line(
            "angka",
            "Angka yang diketik",
            CheckStatus.FAILED,
            "angka dapat ditulis dan dibaca",
            str(err),
            err.penjelasan,
        )
        return
    for n, (typed, meant) in enumerate(TYPED):
        stored = rows[n][0] if n < len(rows) and rows[n] else ""
        is_percent = (n, 0) in percent
        kind = "angka berformat persen" if is_percent else ("angka" if isinstance(stored, int | float) else "teks")
        try:
            value = parse_angka(stored)
        except AngkaTidakSah:
            value = None
        read = None if value is None else value * (100 if is_percent else 1)
        shown = _angka(float(stored)) if isinstance(stored, int | float) else repr(stored)
        did = f"menyimpan {shown} ({kind}); bot membaca {_angka(read)}"
        assumed = f"{typed!r} yang diketik dibaca sebagai {_angka(meant)}"
        key = f"angka.{n + 1}"
        if read is not None and abs(read - meant) < 1e-9 * max(1.0, meant):
            yield _line(key, f"Mengetik {typed}", CheckStatus.OK, assumed, did)
        elif typed.endswith("%") and read is not None and abs(read * 100 - meant) < 1e-9 * meant:
            yield _line(
                key,
                f"Mengetik {typed}",
                CheckStatus.WARNING,
                assumed,
                did + " (Google mempertahankan format angka kolom, bukan format persen yang diketik)",
                "tidak perlu tindakan: untuk indikator persen dengan target di atas 1, nilai 1 atau kurang diberi "
                "peringatan 'apakah maksudnya 75%?' di selnya; minta staf mengetik 75 tanpa tanda %",
            )
        else:
            yield _line(
                key,
                f"Mengetik {typed}",
                CheckStatus.FAILED,
                assumed,
                did,
                "periksa lokal lembar kerja (baris Lokal Indonesia di atas) dan laporkan hasil ini kepada pengembang",
            )


def _angka(value: float | None) -> str:
    """A number as the office writes it, without a needless ``,00`` (``1.234,5``, ``75``)."""
    from sheets.formatting import format_angka

    if value is None:
        return "(bukan angka)"
    text = format_angka(value)  # always two decimals ("1.234,50")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def _protection(ctx: DoctorContext, run: _Scratch, options: LiveOptions) -> Iterator[CheckResult]:
    from sheets.google.auth import build_clients, load_credentials
    from sheets.google.errors import AccessDenied, ApiRequestInvalid, GoogleEdgeError
    from sheets.google.http import RetryPolicy
    from sheets.google.spreadsheet import SheetsApi

    assumed = "sel yang dikunci bot tidak dapat diubah editor; sel yang dibuka dapat"
    name = "Kunci sel (proteksi)"
    protect = {
        "addProtectedRange": {
            "protectedRange": {
                "range": {
                    "sheetId": 0,
                    "startRowIndex": 0,
                    "endRowIndex": 2,
                    "startColumnIndex": 1,
                    "endColumnIndex": 2,
                },
                "description": "Dikunci Kinerja Bot (uji doctor)",
                "warningOnly": False,
                "editors": {"users": [ctx.account_email] if ctx.account_email else []},
            }
        }
    }
    try:
        run.sheets.batch_update(run.file.id, [protect], "mengunci sel workbook uji")
    except GoogleEdgeError as err:
        yield _line("proteksi", name, CheckStatus.FAILED, assumed, str(err), err.penjelasan)
        return
    if options.editor_token_file is None:
        yield _result(
            "live.proteksi",
            name,
            CheckStatus.SKIPPED,
            "proteksi dibuat; tidak diuji dengan akun editor",
            "ulangi dengan --akun-editor BERKAS (berkas token OAuth akun editor, dibuat dengan google-login)",
        )
        return
    google = ctx.settings.google.model_copy(
        update={"auth": GoogleAuth.OAUTH, "oauth_token_file": options.editor_token_file}
    )
    try:
        credentials, email = load_credentials(google)
    except GoogleEdgeError as err:
        yield _line("proteksi", name, CheckStatus.FAILED, assumed, err.penjelasan, "periksa berkas --akun-editor")
        return
    if not email:
        yield _line(
            "proteksi",
            name,
            CheckStatus.FAILED,
            assumed,
            "berkas --akun-editor tidak menyebut alamat akunnya",
            'tambahkan kunci "account" berisi alamat email akun editor ke berkas token itu',
        )
        return
    policy = RetryPolicy(attempts=2, timeout=ctx.timeout, initial_wait=0.2, max_wait=0.5)
    editor = build_clients(google, credentials=credentials, account_email=email, policy=policy)
    try:
        run.drive.create_permission(run.file, email, "writer", True)
        editor_sheets = SheetsApi(editor.sheets)
        try:
            editor_sheets.values_update(run.file.id, [{"range": "B1", "values": [["x"]]}], "uji sel terkunci")
        except (ApiRequestInvalid, AccessDenied) as refused:
            held = f"mengubah sel terkunci ditolak ({refused.status})"
        else:
            yield _line(
                "proteksi",
                name,
                CheckStatus.FAILED,
                assumed,
                f"{email} dapat mengubah sel terkunci",
                "laporkan hasil ini kepada pengembang; jangan pakai bot sampai ini jelas",
            )
            return
        editor_sheets.values_update(run.file.id, [{"range": "C1", "values": [["x"]]}], "uji sel terbuka")
    except GoogleEdgeError as err:
        yield _line("proteksi", name, CheckStatus.FAILED, assumed, str(err), err.penjelasan)
        return
    finally:
        editor.session.close()  # type: ignore[no-untyped-call]  # unannotated in google-auth
    yield _line("proteksi", name, CheckStatus.OK, assumed, f"sebagai {email}: {held}; sel terbuka dapat diubah")


def _sharing(ctx: DoctorContext, run: _Scratch) -> Iterator[CheckResult]:
    from sheets.google.errors import ApiRequestInvalid, GoogleEdgeError
    from sheets.google.sharing import bidang_access, officials_without_email, rekap_access

    settings = ctx.settings
    addresses: dict[str, str] = {}
    for bidang in settings.bidang:
        addresses.update(bidang_access(settings, bidang.kode))
    addresses.update({e: r for e, r in rekap_access(settings).items() if e not in addresses})
    own = (ctx.account_email or "").lower()
    no_account: list[str] = []
    refused: dict[str, str] = {}
    try:
        for email in sorted(addresses):
            if email == own:
                continue
            try:
                run.drive.create_permission(run.file, email, "reader", False)
            except ApiRequestInvalid as err:
                if err.reason == "invalidSharingRequest":
                    no_account.append(email)
                else:
                    refused[email] = str(err)
    except GoogleEdgeError as err:
        yield _line(
            "bagikan",
            "Berbagi tanpa email",
            CheckStatus.FAILED,
            "bot dapat membagikan lembar kerja",
            str(err),
            err.penjelasan,
        )
        return
    run.facts = run.facts.with_changes(no_google_account=tuple(no_account))
    assumed = "setiap alamat di pengaturan punya akun Google (dibagikan tanpa email pemberitahuan)"
    if refused:
        yield _line(
            "bagikan",
            "Berbagi tanpa email",
            CheckStatus.FAILED,
            assumed,
            "ditolak untuk " + "; ".join(f"{e}: {why}" for e, why in sorted(refused.items())),
            "periksa alamat tersebut di pengaturan (salah ketik?) dan kebijakan berbagi domain Google Workspace",
        )
    if no_account:
        yield _line(
            "akun_google",
            "Alamat tanpa akun Google",
            CheckStatus.WARNING,
            assumed,
            f"{len(no_account)} dari {len(addresses)} alamat belum punya akun Google: {', '.join(no_account)}",
            "bot membagikan lembar kerja kepada mereka melalui undangan email Google; minta yang bersangkutan membuat "
            "akun Google dengan alamat itu, atau ganti alamatnya di pengaturan dengan akun Google yang dipakai",
        )
    elif not refused:
        yield _line(
            "akun_google",
            "Alamat tanpa akun Google",
            CheckStatus.OK,
            assumed,
            f"{len(addresses)} alamat semuanya punya akun Google",
        )
    missing = officials_without_email(settings)
    if missing:
        yield _result(
            "live.peninjau",
            "Pejabat tanpa email",
            CheckStatus.WARNING,
            "tidak dapat diberi akses lembar kerja: " + "; ".join(missing),
            "isi email (akun Google) orang tersebut di pengaturan agar tautan dari bot dapat dibuka",
        )


def _export(run: _Scratch) -> Iterator[CheckResult]:
    from sheets.google.drive import PDF_MIME
    from sheets.google.errors import ExportTooLarge, GoogleEdgeError

    assumed = "lembar kerja dapat diekspor sebagai PDF (arsip, perintah export)"
    try:
        data = run.drive.export(run.file.id, PDF_MIME)
    except ExportTooLarge as err:
        yield _line(
            "pdf",
            "Ekspor PDF",
            CheckStatus.WARNING,
            assumed,
            f"ekspor ditolak karena terlalu besar ({err.status}), padahal workbook uji hampir kosong",
            "arsip tetap memakai dokumen laporan buatan bot dan xlsx yang disusun bot; laporkan hasil ini "
            "kepada pengembang",
        )
        return
    except GoogleEdgeError as err:
        yield _line("pdf", "Ekspor PDF", CheckStatus.FAILED, assumed, str(err), err.penjelasan)
        return
    if data.startswith(b"%PDF"):
        yield _line("pdf", "Ekspor PDF", CheckStatus.OK, assumed, f"PDF {len(data):,} byte".replace(",", "."))
    else:
        yield _line(
            "pdf",
            "Ekspor PDF",
            CheckStatus.FAILED,
            assumed,
            f"jawaban bukan PDF ({data[:8]!r})",
            "laporkan hasil ini kepada pengembang",
        )


def _change_feed(ctx: DoctorContext, run: _Scratch, options: LiveOptions) -> Iterator[CheckResult]:
    from sheets.google.errors import GoogleEdgeError

    interval = ctx.settings.jadwal.interval_polling_detik
    assumed = "perubahan sheet muncul di daftar perubahan Drive (bot membaca sheet yang berubah)"
    name = "Daftar perubahan Drive"
    try:
        token = run.drive.start_page_token()
        run.sheets.values_update(run.file.id, [{"range": "D1", "values": [["uji"]]}], "mengubah workbook uji")
        start = options.clock()
        while True:
            changes, token = run.drive.changes(token)
            waited = options.clock() - start
            if any(str(c.get("fileId")) == run.file.id for c in changes):
                break
            if waited >= options.change_wait:
                yield _line(
                    "perubahan",
                    name,
                    CheckStatus.WARNING,
                    assumed,
                    f"perubahan belum muncul setelah {waited:.0f} detik",
                    "Google kadang butuh hingga 10 menit; kiriman staf tetap dapat diproses seketika dengan /kirim. "
                    "Ulangi dengan --tunggu-perubahan 600 untuk mengukur lebih lama",
                )
                return
            options.sleep(min(options.change_poll, max(options.change_wait - waited, 0.0)))
    except GoogleEdgeError as err:
        yield _line("perubahan", name, CheckStatus.FAILED, assumed, str(err), err.penjelasan)
        return
    run.facts = run.facts.with_changes(change_lag_seconds=round(waited, 1))
    yield _line(
        "perubahan",
        name,
        CheckStatus.OK,
        assumed,
        f"perubahan muncul setelah {waited:.0f} detik; dengan interval polling {interval} detik, kiriman melalui "
        f"sheet terdeteksi paling lambat sekitar {waited + interval:.0f} detik (/kirim tetap seketika)",
    )


def _cleanup(run: _Scratch) -> Iterator[CheckResult]:
    from sheets.google.errors import GoogleEdgeError

    if run.file is None:
        return
    try:
        deleted = run.drive.delete_or_trash(run.file)
    except GoogleEdgeError as err:
        yield _result(
            "live.hapus",
            "Menghapus workbook uji",
            CheckStatus.WARNING,
            f"lembar kerja uji tidak dapat dihapus: {err}",
            f"hapus manual: {run.file.url} (doctor --live berikutnya juga mencoba menghapusnya)",
        )
        return
    where = "dihapus" if deleted else "dipindahkan ke tempat sampah (akun bot hanya Content manager)"
    yield _result("live.hapus", "Menghapus workbook uji", CheckStatus.OK, f"workbook uji {where}")


def _save(ctx: DoctorContext, facts: GoogleFacts) -> Iterator[CheckResult]:
    path = ctx.settings.google.berkas_temuan
    learned = facts
    previous = load_facts(path)
    if learned.locale is None and previous.locale is not None:  # a step that failed keeps what was known
        learned = learned.with_changes(locale=previous.locale)
    try:
        save_facts(path, learned)
    except OSError as err:
        yield _result(
            "live.temuan",
            "Menyimpan temuan",
            CheckStatus.FAILED,
            f"{path} tidak dapat ditulis: {err.strerror}",
            "isi google.berkas_temuan dengan path yang dapat ditulis pengguna layanan",
        )
        return
    yield _result(
        "live.temuan",
        "Menyimpan temuan",
        CheckStatus.OK,
        f"{path}: lokal {learned.locale or '-'}, {len(learned.no_google_account)} alamat tanpa akun Google, "
        f"jeda daftar perubahan {_angka(learned.change_lag_seconds) if learned.change_lag_seconds is not None else '-'}"
        " detik",
    )
