"""``GoogleWorkbooks``: the workflow's :class:`~bot.workflow.ports.WorkbookPort` on Drive and Sheets.

Blocking; the service calls it through ``asyncio.to_thread``. Every method is idempotent: files
are found by their ``appProperties`` before any is created, the bidang layout is one atomic
batch, and opening/locking a TW sets the protections to an exact state. Request budget:

- ``distribute``: 1 Drive search for all bidang, then per bidang 1 create + 1 layout batch + 1
  locale request (new; more batches for a master whose layout passes 2 MB, and a second locale
  request when Google refuses the first code) or 1 read of the protections and the locale + at
  most 1 batch (existing; + 1 locale request when the locale read back is not Indonesian, + 1
  permission listing in a Shared Drive), + 1 share per missing address (2 for an address without
  a Google account: Drive refuses to share with it silently, so it is invited by Google's email);
- ``changed``: 1 Drive change listing (the first time: 1 Drive search); ``read_changed``: 1 read
  of one changed workbook (:mod:`sheets.google.poll`), + 1 permission listing in a Shared Drive
  when its permission ids are not all ones already found configured (Drive gives My Drive files'
  permissions with the change, Shared Drive items' only through ``permissions.list``; in steady
  state nothing is listed); the workflow reads at most ``google.maks_baca_per_polling`` of them
  per poll and keeps the rest for the next (Sheets' quota: 60 reads per minute); ``poll``: both
  at once, every changed workbook read;
- ``read_submission`` (``/kirim``): 1 read of the workbook (plus 1 Drive search after a restart);
- ``write_feedback``: 1 batchUpdate carrying the notes, the cell marks and the Status row (plus 1
  Drive search after a restart, and 1 read of the workbook when the workflow never read it: the
  notes go where the last read found the ``Catatan Validasi`` column and the rows; more batches
  only when the notes pass 2 MB); ``lock_tw``/``reopen_tw``: 1 batchUpdate moving the protections
  and writing the feedback (plus 1 Drive search and 1 read after a restart);
- ``store_evidence``: 1 read of the workbook, 1 Drive search, 1 upload (resumable above 5 MB: 1 +
  1 per 5 MB), 1 values.batchUpdate (plus a folder create and its shares the first time in a TW);
- ``write_rekap``: 1 batchUpdate + 1 values.batchUpdate per 2 MB of values (plus the search/create
  and 1 locale request, or 1 read of the tab ids and the locale, the first time in a process);
- ``archive``: 1 Drive search, then per missing copy 1 upload (+ 1 export for the xlsx; when Drive
  refuses to export a workbook over 10 MB, 1 read of every tab's values and the xlsx is built here);
- ``revise_targets`` (an APBD Perubahan, per bidang): 1 read of the protections, 1 read of the
  workbook, at most 1 batchUpdate (plus 1 Drive search after a restart);
- ``read_master``: 1 read of the master sheet; ``write_master_notes``: 1 values.batchUpdate.

Every write that grows with the data is cut into requests of at most 2 MB (:mod:`sheets.google.chunks`);
Google refuses a body over 10 MB.

The adapter keeps no workflow memory: its poll states facts (per changed workbook, what one
read found, the permissions outside the configured access, or that the workbook is gone or
unreachable; :mod:`sheets.facts`) and the workflow's intake decides what they mean against the
store. Who may open which workbook comes from the settings (:mod:`sheets.google.sharing`). What
it caches are facts of Google itself, found again after a restart: each bidang workbook's file
(by ``appProperties``), the ids of its protections and the state they record (the open TW, the
approved TWs).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from config.settings import Settings
from sheets import bukti, layout
from sheets.facts import (
    ArchiveRef,
    BookDeferred,
    BookFact,
    BookGone,
    BookSeen,
    BookToRead,
    BookUnreachable,
    ChangedBooks,
    ChangesRead,
    EvidenceFile,
    EvidenceRef,
    Feedback,
    FeedbackPlace,
    MasterNotes,
    MasterSheetRead,
    PermissionInfo,
    RekapData,
    RekapRef,
    WorkbookRef,
)
from sheets.formatting import STEMPEL_WAKTU
from sheets.google.auth import GoogleClients, build_clients
from sheets.google.chunks import MAX_REQUEST_BYTES
from sheets.google.distribute import (
    BOOK_FIELDS,
    STATUS_ALUR_DIBUKA,
    BookLayout,
    layout_batches,
    parse_book_layout,
    protection_requests,
    realisasi_row_batches,
    status_row_request,
)
from sheets.google.drive import (
    FOLDER_MIME,
    PROP_BIDANG,
    PROP_DINAS,
    PROP_JENIS,
    PROP_SUMBER,
    PROP_TAHUN,
    PROP_TW,
    SPREADSHEET_MIME,
    DriveFiles,
    FileInfo,
)
from sheets.google.errors import AccessDenied, ApiRequestInvalid, NotFound, QuotaExhausted, WorkbookLayoutError
from sheets.google.feedback import feedback_requests, request_batches
from sheets.google.http import RetryPolicy
from sheets.google.locale import is_indonesian, set_indonesian_locale
from sheets.google.master_sheet import read_master_sheet, sheet_id, write_master_notes
from sheets.google.poll import read_workbook
from sheets.google.revision import REVISION_FIELDS, dropped_protections, realisasi_row_count, revision_requests
from sheets.google.sharing import bidang_access, foreign_permissions, rekap_access
from sheets.google.spreadsheet import SheetsApi
from sheets.master import Master, MasterLists
from sheets.notes import feedback_place
from sheets.revision import TargetRevision, plan_revision

logger = logging.getLogger(__name__)

__all__ = ["GoogleWorkbooks"]


def _bare_file(file_id: str, name: str) -> FileInfo:
    """A file known only by its id (deleted from the bot's memory): its permissions are listed."""
    return FileInfo(
        id=file_id, name=name, mime_type=SPREADSHEET_MIME, trashed=False, created_time="", app_properties={}, url=""
    )


@dataclass
class _Book:
    kode: str
    file: FileInfo
    layout: BookLayout | None = None


def _csv_path(settings: Settings, tahun: int) -> Path:
    """``tahun``'s master CSV (only asked for when the settings name one)."""
    path = settings.master_path(tahun)
    assert path is not None
    return path


class GoogleWorkbooks:
    """The Google side of the workflow (implements ``WorkbookPort``)."""

    def __init__(
        self,
        settings: Settings,
        *,
        master: Master | None = None,
        masters: MasterLists | None = None,
        clients: GoogleClients | None = None,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        preferred_locale: str | None = None,
        max_request_bytes: int = MAX_REQUEST_BYTES,
    ) -> None:
        """``sleep``: how the Google session waits between attempts; ``preferred_locale``: the
        Indonesian locale code to send first (what ``doctor --live`` saw Google take);
        ``max_request_bytes``: the largest request body sent (Google recommends 2 MB)."""
        self.settings = settings
        # Each budget year's master list from the CSV the settings name (``master`` given: that one
        # for every year), read on first use: what the workbooks are laid out from when the workflow
        # gives no list (its versions live in the store). A list kept as a Google Sheet is read
        # through read_master, never here: then only the workflow's lists are used.
        if masters is None:
            csv = settings.google.master_indikator
            kodes = [b.kode for b in settings.bidang]
            if master is not None:
                masters = MasterLists.fixed(master)
            elif csv is not None:
                masters = MasterLists(lambda tahun: _csv_path(settings, tahun), bidang_codes=kodes)
        self.masters = masters
        self.clients = clients or build_clients(settings.google, policy=policy, sleep=sleep)
        self.drive = DriveFiles(self.clients.drive, settings)
        self.sheets = SheetsApi(self.clients.sheets)
        self.clock = clock or (lambda: datetime.now(settings.tz))
        # Lock order: the workbooks lock (the shared maps, the Drive listing, the poll), then the
        # bidang locks (one workbook's Google writes). A bidang's write takes the first
        # only briefly, to find its book, so writes on different bidang reach Google side by side;
        # the poll holds only the workbooks lock: it reads, it writes nothing.
        self._lock = threading.RLock()
        self._bidang_locks: dict[str, threading.RLock] = {}
        self._books: dict[tuple[int, str], _Book] = {}
        self._by_id: dict[str, tuple[int, str]] = {}
        self._rekap: dict[int, tuple[FileInfo, list[int] | None]] = {}
        self._locale = preferred_locale  # the Indonesian code Google took last (a fact of Google)
        self._rekap_localized: set[str] = set()  # dinas workbooks whose locale is known to be Indonesian
        self.max_request_bytes = max_request_bytes
        self._rekap_shared: set[str] = set()  # rekap workbooks shared in this process
        # Per bidang workbook, the permission ids last listed and found configured: a change whose
        # permissionIds are among them needs no permissions.list (a Shared Drive item's cost).
        self._configured_ids: dict[str, frozenset[str]] = {}

    # --- helpers ----------------------------------------------------------------------------

    def _now_text(self) -> str:
        return self.clock().astimezone(self.settings.tz).strftime(STEMPEL_WAKTU)

    def _remember(self, tahun: int, kode: str, file: FileInfo) -> _Book:
        key = (tahun, kode)
        book = self._books.get(key)
        if book is None or book.file.id != file.id:
            book = _Book(kode, file)
            self._books[key] = book
        else:
            book.file = file
        self._by_id[file.id] = key
        return book

    def _discover(self, tahun: int) -> dict[str, FileInfo]:
        """Every bidang workbook of ``tahun`` on Drive (one search); the oldest wins a duplicate."""
        found: dict[str, FileInfo] = {}
        for file in self.drive.find(self.drive.props(tahun, "bidang"), mime=SPREADSHEET_MIME):
            kode = file.app_properties.get(PROP_BIDANG, "")
            if kode in found:
                logger.warning("duplicate workbook for %s %d: %s (using %s)", kode, tahun, file.id, found[kode].id)
                continue
            found[kode] = file
            self._remember(tahun, kode, file)
        return found

    def _read_layout(self, book: _Book) -> BookLayout | None:
        body = self.sheets.get(book.file.id, fields=BOOK_FIELDS, action=f"membaca struktur lembar kerja {book.kode}")
        book.layout = parse_book_layout(body)
        return book.layout

    def _book(self, kode: str, tahun: int) -> _Book:
        """The laid-out workbook of ``kode`` for ``tahun`` (from memory, else found on Drive)."""
        book = self._find(kode, tahun)
        if book.layout is None and self._read_layout(book) is None:
            raise WorkbookLayoutError(f"workbook of {kode} {tahun} has no Realisasi tab")
        return book

    def _find(self, kode: str, tahun: int) -> _Book:
        """The workbook of ``kode`` (from memory, else found on Drive), layout not read."""
        book = self._books.get((tahun, kode))
        if book is None:
            self._discover(tahun)
            book = self._books.get((tahun, kode))
        if book is None:
            raise NotFound(
                f"no workbook for bidang {kode} {tahun}",
                penjelasan=f"Lembar kerja bidang {kode} tahun {tahun} tidak ditemukan di Drive; "
                "jalankan pembagian format (langkah 1) lebih dahulu.",
            )
        return book

    def _bidang_lock(self, kode: str) -> threading.RLock:
        with self._lock:
            return self._bidang_locks.setdefault(kode, threading.RLock())

    @contextmanager
    def _bidang_book(self, tahun: int, kode: str, *, with_layout: bool = True) -> Iterator[_Book]:
        """``kode``'s workbook, held under that bidang's lock (found under the workbooks lock)."""
        with self._lock:
            book = self._book(kode, tahun) if with_layout else self._find(kode, tahun)
            bidang_lock = self._bidang_lock(kode)
        with bidang_lock:
            yield book

    # --- step 1: distribution --------------------------------------------------------------

    def distribute(
        self, tahun: int, tw: int, bidang_kodes: Sequence[str], master: Master | None = None
    ) -> Mapping[str, WorkbookRef]:
        """Find or create each bidang's workbook (laid out from ``master``), share it, open TW ``tw`` for input."""
        layout.tw_label(tw)
        master = self._master_of(tahun, master, "lay out the workbooks from")
        with self._lock:
            found = self._discover(tahun)
            refs: dict[str, WorkbookRef] = {}
            for kode in bidang_kodes:
                bidang = self.settings.bidang_by_kode(kode)
                file = found.get(kode)
                if file is None:
                    file = self.drive.create_spreadsheet(
                        layout.judul_bidang(tahun, bidang.nama),
                        bidang.folder_id,
                        self.drive.props(tahun, "bidang", **{PROP_BIDANG: kode}),
                    )
                book = self._remember(tahun, kode, file)
                with self._bidang_lock(kode):
                    self._prepare(book, tahun, tw, bidang.nama, master, fresh=kode not in found)
                    refs[kode] = self._share_book(book, fresh=kode not in found)
            logger.info("distributed TW %d %d to %s", tw, tahun, ", ".join(refs))
            return refs

    def _share_book(self, book: _Book, *, fresh: bool) -> WorkbookRef:
        """Share ``book`` with its editors and reviewers (only the missing ones); editors may not re-share.

        A workbook made before the bot set ``writersCanShare: false`` at creation gets it now (My
        Drive; a Shared Drive item has no such setting). A new workbook has no permission of its own
        yet, so nothing is listed for it.
        """
        if book.file.writers_can_share:
            book.file = self.drive.forbid_resharing(book.file)
        existing = () if fresh and book.file.permissions is None else self.drive.permissions(book.file)
        outcome = self.drive.share(book.file, bidang_access(self.settings, book.kode), existing)
        return WorkbookRef(
            url=book.file.url,
            spreadsheet_id=book.file.id,
            invited=outcome.invited,
            not_shared=dict(outcome.refused),
        )

    def _master_of(self, tahun: int, given: Master | None, what: str) -> Master:
        """``given`` (the list the workflow measures the TW against), else ``tahun``'s list from the CSV."""
        if given is not None:
            return given
        if self.masters is None:
            raise WorkbookLayoutError(f"no master list to {what} (the workflow gave none and there is no CSV)")
        return self.masters(tahun)

    def _prepare(self, book: _Book, tahun: int, tw: int, nama: str, master: Master, *, fresh: bool) -> None:
        current = None if fresh else self._read_layout(book)
        if current is None:
            current = self._lay_out(book, tahun, tw, nama, master)
        if not is_indonesian(current.locale):
            current.locale = self._set_locale(book.file.id, f"lembar kerja {book.kode}")
        if not current.complete:
            self._finish_layout(book, current, tw, master)
            return
        if current.open_tw == tw:
            return  # already open: re-running changes nothing (and keeps the Status row as is)
        approved = current.approved - {tw}
        requests = protection_requests(current, tw, approved)
        requests.append(status_row_request(tw, status_alur=STATUS_ALUR_DIBUKA, catatan="", when=self._now_text()))
        self.sheets.batch_update(book.file.id, requests, f"membuka {layout.tw_label(tw)} untuk {book.kode}")
        current.open_tw, current.approved = tw, approved

    def _lay_out(self, book: _Book, tahun: int, tw: int, nama: str, master: Master) -> BookLayout:
        """Lay out a new workbook from ``master``: one batch, or its first part when the master is too large
        (then unfinished)."""
        items = master.for_bidang(book.kode)
        plan = layout_batches(
            tahun,
            nama,
            items,
            open_tw=tw,
            bot_email=self.clients.account_email,
            time_zone=self.settings.zona_waktu,
            status_when=self._now_text(),
            limit=self.max_request_bytes,
            korektor="Sekretaris" if self.settings.dikoreksi_sekretaris(book.kode) else layout.KOREKTOR,
        )
        try:
            replies = self.sheets.batch_update(book.file.id, plan.first, f"menyusun lembar kerja {book.kode}")
        except ApiRequestInvalid:
            # A retried batch that Google had applied already: the layout is there.
            if self._read_layout(book) is None:
                raise
            assert book.layout is not None
            return book.layout
        protections = {}
        for reply in replies:
            added = reply.get("addProtectedRange", {}).get("protectedRange")
            if added:
                tab = next(t for t in layout.BIDANG_TABS if f"({t})" in str(added.get("description", "")))
                protections[tab] = int(added["protectedRangeId"])
        book.layout = BookLayout(
            rows=len(items), protections=protections, open_tw=None if plan.in_parts else tw, complete=not plan.in_parts
        )
        return book.layout

    def _finish_layout(self, book: _Book, current: BookLayout, tw: int, master: Master) -> None:
        """The rest of a layout sent in parts: every ``Realisasi`` row again, then TW ``tw`` opened.

        Until the last request every cell is locked, so writing the rows again after a crash
        overwrites nothing a person typed.
        """
        items = master.for_bidang(book.kode)
        batches = realisasi_row_batches(items, self.max_request_bytes)
        for number, batch in enumerate(batches, 1):
            action = f"menulis baris indikator lembar kerja {book.kode} ({number}/{len(batches)})"
            self.sheets.batch_update(book.file.id, batch, action)
        approved = current.approved - {tw}
        requests = protection_requests(current, tw, approved)
        requests.append(status_row_request(tw, status_alur=STATUS_ALUR_DIBUKA, catatan="", when=self._now_text()))
        self.sheets.batch_update(book.file.id, requests, f"membuka {layout.tw_label(tw)} untuk {book.kode}")
        current.open_tw, current.approved, current.complete = tw, approved, True

    def _set_locale(self, spreadsheet_id: str, what: str) -> str | None:
        """The Indonesian locale on ``spreadsheet_id`` (its own request); the code Google took, remembered."""
        code = set_indonesian_locale(self.sheets, spreadsheet_id, self._locale, what)
        if code is not None:
            self._locale = code
        return code

    # --- steps 2-3: feedback, lock, reopen -------------------------------------------------

    def write_feedback(self, tahun: int, kode: str, tw: int, feedback: Feedback) -> None:
        """Catatan Validasi, the marked cells, the Status row and the reset to Draft if asked: one batchUpdate."""
        with self._bidang_book(tahun, kode, with_layout=False) as book:
            self._send(tahun, kode, book, tw, [], feedback, f"menulis catatan validasi {kode}")

    def _current_place(self, tahun: int, kode: str, book: _Book) -> FeedbackPlace:
        """Where the notes go and which cells carry the bot's marks, as the sheet is now (one read)."""
        # The place (header, columns, marks) does not depend on the indicators: any list finds it.
        return feedback_place(kode, read_workbook(self.sheets, book.file.id), Master(()))

    def _send(
        self,
        tahun: int,
        kode: str,
        book: _Book,
        tw: int,
        head: list[dict[str, Any]],
        feedback: Feedback | None,
        action: str,
    ) -> None:
        """``head`` (the protections' moves) and ``feedback``'s requests in one batchUpdate (atomic).

        A place older than the sheet (rows deleted since the last read: a marked cell off the
        grid) makes Google refuse the batch; the sheet is then read and the batch built again once.
        """
        requests = list(head)
        if feedback is not None and feedback.status_alur is not None:
            notes = f"menulis catatan validasi {kode}"
            action = f"{action}, {notes}" if head else notes
        if feedback is not None:
            place = feedback.place
            if place is None and feedback.status_alur is not None:  # never read by the workflow: read it now
                place = self._current_place(tahun, kode, book)
            requests += feedback_requests(tw, feedback, place, self._now_text(), self.max_request_bytes)
        try:
            self._batches(book, requests, action)
        except ApiRequestInvalid:
            if feedback is None or feedback.place is None:
                raise
            logger.info("feedback of %s TW %d refused on the last read's place; reading the sheet again", kode, tw)
            fresh = self._current_place(tahun, kode, book)
            now = self._now_text()
            self._batches(book, head + feedback_requests(tw, feedback, fresh, now, self.max_request_bytes), action)

    def _batches(self, book: _Book, requests: list[dict[str, Any]], action: str) -> None:
        """``requests`` in order, in as few batchUpdates of at most 2 MB as they fit (one, nearly always)."""
        for batch in request_batches(requests, self.max_request_bytes):
            self.sheets.batch_update(book.file.id, batch, action)

    def lock_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Protect TW ``tw``'s cells (approval) and write ``feedback``: one batchUpdate."""
        with self._bidang_book(tahun, kode) as book:
            current = book.layout
            assert current is not None
            approved = current.approved | {tw}
            open_tw = None if current.open_tw == tw else current.open_tw
            moves = []
            if open_tw != current.open_tw or approved != current.approved:
                moves = protection_requests(current, open_tw, approved)
            self._send(tahun, kode, book, tw, moves, feedback, f"mengunci {layout.tw_label(tw)} {kode}")
            current.open_tw, current.approved = open_tw, approved

    def reopen_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Open TW ``tw``'s cells again (after a return or a reopen) and write ``feedback``: one batchUpdate."""
        with self._bidang_book(tahun, kode) as book:
            current = book.layout
            assert current is not None
            approved = current.approved - {tw}
            moves = []
            if current.open_tw != tw or approved != current.approved:
                moves = protection_requests(current, tw, approved)
            self._send(tahun, kode, book, tw, moves, feedback, f"membuka kembali {layout.tw_label(tw)} {kode}")
            current.open_tw, current.approved = tw, approved

    # --- step 2: bukti dukung sent through Telegram ------------------------------------------

    def store_evidence(
        self, tahun: int, kode: str, tw: int, evidence: EvidenceFile, master: Master | None = None
    ) -> EvidenceRef:
        """Keep ``evidence`` in the bidang's Bukti Dukung folder of TW ``tw`` and link it in its indicator's cell.

        One read of the workbook (refused unless TW ``tw`` is open there, and the indicator's row
        and the ``Bukti Dukung`` column found as they are now), one Drive search for the TW's
        folder and what was kept before (the folder is created and shared with the bidang's
        editors and reviewers the first time), one upload (skipped when this file was kept already), and one
        values.batchUpdate of the cell: its text with the link added. Idempotent.
        """
        bidang = self.settings.bidang_by_kode(kode)
        with self._bidang_book(tahun, kode, with_layout=False) as book:
            read = read_workbook(self.sheets, book.file.id)
            if read.open_tw != tw:
                raise WorkbookLayoutError(
                    f"{layout.tw_label(tw)} of {kode} is not open in its workbook (open: {read.open_tw})",
                    penjelasan=f"{layout.tw_label(tw)} belum atau tidak lagi dibuka untuk pengisian di lembar kerja "
                    f"bidang {kode}.",
                )
            master = self._master_of(tahun, master, "find the indicator's row with")
            target = bukti.bukti_cell(read, master, kode, evidence.indikator_key)
            if target is None:
                raise WorkbookLayoutError(
                    f"no Bukti Dukung cell for {evidence.indikator_key} in the workbook of {kode}",
                    penjelasan="Baris indikator atau kolom Bukti Dukung (tautan) tidak ditemukan di tab Realisasi.",
                )
            props = self.drive.props(tahun, "bukti", **{PROP_BIDANG: kode, PROP_TW: str(tw)})
            kept = self.drive.find(props)
            folder = next((f for f in kept if f.mime_type == FOLDER_MIME), None)
            if folder is None:
                folder = self.drive.create_folder(bukti.folder_name(tahun, tw), bidang.folder_id, props)
                # As the workbook: its editors add evidence, its reviewers open what is linked there.
                self.drive.share(folder, bidang_access(self.settings, kode), folder.permissions or ())
            file = next((f for f in kept if f.app_properties.get(PROP_SUMBER) == evidence.source_id), None)
            if file is None:
                extra = {PROP_SUMBER: evidence.source_id}
                file = self.drive.upload(evidence.name, folder.id, evidence.mime_type, evidence.content, props | extra)
            text = bukti.with_link(target.text, file.url)
            if text != target.text:
                data = [{"range": f"{layout.quote_tab(layout.TAB_REALISASI)}!{target.cell}", "values": [[text]]}]
                self.sheets.values_update(book.file.id, data, f"menautkan bukti dukung {kode} di {target.cell}")
            logger.info("bukti dukung of %s TW %d kept as %s, linked in %s", kode, tw, file.id, target.cell)
            return EvidenceRef(url=file.url, folder_url=folder.url, cell=target.cell)

    # --- step 2: polling -------------------------------------------------------------------

    def changed(self, cursor: str | None, known: Mapping[str, tuple[int, str]], years: Collection[int]) -> ChangedBooks:
        """One Drive change listing: the changed bidang workbooks of the ``years`` watched, none read yet.

        ``cursor`` None (the first poll): every workbook of those years, found by one Drive search
        per year. ``known`` maps the spreadsheet ids the workflow handed out to their (tahun,
        bidang): a workbook deleted while the bot was stopped arrives as a bare ``removed`` change,
        which Drive can no longer tie to a bidang by ``appProperties``.
        """
        with self._lock:
            watched = set(years)
            facts: list[BookFact] = []
            targets: dict[str, tuple[int, str]] = {}
            if cursor is None:
                token = self.drive.start_page_token()
                for tahun in sorted(watched):
                    for kode, file in self._discover(tahun).items():
                        targets[file.id] = (tahun, kode)
            else:
                changes, token = self.drive.changes(cursor)
                discovered = False
                for change in changes:
                    file_id = str(change.get("fileId"))
                    data = change.get("file")
                    if change.get("removed") or not data:
                        if file_id not in self._by_id and not discovered:
                            for tahun in sorted(watched):  # after a restart: learn which ids are ours
                                self._discover(tahun)
                            discovered = True
                        key = self._by_id.get(file_id)
                        if key is not None and key[0] in watched:
                            targets[file_id] = key
                        elif file_id in known:  # deleted while the bot was stopped: Drive no longer finds it
                            targets[file_id] = known[file_id]
                        continue
                    ours = self._ours(data)
                    if ours is None or ours[0] not in watched:
                        continue
                    tahun, bidang = ours
                    file = FileInfo.from_json(data)
                    self._remember(tahun, bidang, file)
                    if file.trashed:
                        targets.pop(file.id, None)
                        reason = "lembar kerja dipindahkan ke tempat sampah"
                        facts.append(BookGone(bidang=bidang, reason=reason, tahun=tahun))
                        continue
                    targets[file.id] = ours
            logger.debug("poll: %d changed workbooks", len(targets))
            to_read = tuple(
                BookToRead(spreadsheet_id=file_id, bidang=kode, tahun=tahun)
                for file_id, (tahun, kode) in targets.items()
            )
            return ChangedBooks(to_read=to_read, known=tuple(facts), cursor=token)

    def read_changed(self, book: BookToRead) -> BookFact | BookDeferred:
        """Read one changed workbook (one request): what it holds, or that it is gone or unreachable.

        :class:`BookDeferred` when Google's per-minute quota stayed used up through every wait
        (the HTTP layer waits it out first): the workbook is to be read later.
        """
        try:
            return self._read_fact(book.spreadsheet_id, book.bidang, book.tahun)
        except QuotaExhausted as err:
            logger.warning("workbook %s of %s not read now: %s", book.spreadsheet_id, book.bidang, err)
            return BookDeferred(bidang=book.bidang, spreadsheet_id=book.spreadsheet_id)

    def poll(self, cursor: str | None, known: Mapping[str, tuple[int, str]], years: Collection[int]) -> ChangesRead:
        """One Drive change listing, then one read per changed bidang workbook of ``years``, all at once."""
        changed = self.changed(cursor, known, years)
        facts = list(changed.known)
        facts += [self._read_fact(book.spreadsheet_id, book.bidang, book.tahun) for book in changed.to_read]
        return ChangesRead(books=tuple(facts), cursor=changed.cursor)

    def read_book(self, tahun: int, kode: str) -> BookSeen:
        """Read bidang ``kode``'s workbook of ``tahun`` now (``/kirim``): the same one read as the poll's."""
        with self._bidang_book(tahun, kode, with_layout=False) as book:
            read = read_workbook(self.sheets, book.file.id)
            if book.layout is not None:
                book.layout.open_tw, book.layout.approved = read.open_tw, read.approved
            return BookSeen(bidang=kode, spreadsheet_id=book.file.id, name=book.file.name, read=read, tahun=tahun)

    def _ours(self, data: Mapping[str, Any]) -> tuple[int, str] | None:
        """(tahun, bidang) of a bidang workbook of this dinas, from its ``appProperties``; else None."""
        props = data.get("appProperties") or {}
        if props.get(PROP_DINAS) != self.drive.dinas or props.get(PROP_JENIS) != "bidang" or not props.get(PROP_BIDANG):
            return None
        tahun = str(props.get(PROP_TAHUN, ""))
        return (int(tahun), str(props[PROP_BIDANG])) if tahun.isdigit() else None

    def _read_fact(self, file_id: str, kode: str, tahun: int) -> BookFact:
        # The read runs outside the workbooks lock: a quota wait must not hold up the bidang's writes.
        try:
            read = read_workbook(self.sheets, file_id)
        except NotFound:
            with self._lock:
                self._forget(file_id)
            return BookGone(bidang=kode, reason="lembar kerja dihapus atau tidak ditemukan", tahun=tahun)
        except AccessDenied:
            return BookUnreachable(bidang=kode, tahun=tahun)
        except ApiRequestInvalid as err:
            logger.warning("workbook %s of %s unreadable: %s", file_id, kode, err)
            return BookGone(bidang=kode, reason="tab Realisasi atau Status diganti nama atau dihapus", tahun=tahun)
        with self._lock:
            book = self._books.get((tahun, kode))
            # The title comes with the read itself: a workbook carried over from an earlier cycle
            # (or a restart) is not in this process's cache, and its name is no less known.
            name = read.title or (book.file.name if book is not None else "")
            if book is not None and book.layout is not None:
                book.layout.open_tw, book.layout.approved = read.open_tw, read.approved
            # The file as the poll last listed it (with its permissions on My Drive, their ids on a
            # Shared Drive); one the bot no longer remembers is listed afresh.
            file = book.file if book is not None and book.file.id == file_id else _bare_file(file_id, name)
        foreign = self._foreign(kode, file)
        return BookSeen(bidang=kode, spreadsheet_id=file_id, name=name, read=read, tahun=tahun, foreign=foreign)

    def _foreign(self, kode: str, file: FileInfo) -> tuple[PermissionInfo, ...]:
        """The permissions on bidang ``kode``'s workbook outside its configured access.

        Without the bot's own address (an OAuth token that does not name its account) an unknown
        address might be the bot itself: then only grants to anyone or a domain are foreign.
        """
        try:
            access = bidang_access(self.settings, kode)
        except KeyError:  # a bidang no longer configured: nobody to compare with, nothing removed
            return ()
        with self._lock:
            known = self._configured_ids.get(file.id)
        unchanged = known is not None and file.permission_ids is not None and file.permission_ids <= known
        if file.permissions is None and unchanged:
            return ()  # no permission added since they were last listed and found configured
        try:
            listed = self.drive.permissions(file)
        except (NotFound, AccessDenied) as err:
            logger.warning("permissions of %s (%s) unreadable: %s", file.id, kode, err)
            return ()
        own = self.clients.account_email
        found = foreign_permissions(listed, access, [own] if own else [])
        if own is None:
            found = tuple(p for p in found if p.type in {"anyone", "domain"})
        foreign_ids = {p.id for p in found}
        with self._lock:
            self._configured_ids[file.id] = frozenset(
                str(p.get("id")) for p in listed if str(p.get("id")) not in foreign_ids
            )
        return found

    def remove_permissions(self, tahun: int, kode: str, permission_ids: Sequence[str]) -> tuple[str, ...]:
        """Delete these permissions from bidang ``kode``'s workbook of ``tahun`` (one call each; one gone is fine).

        Returns those Drive did not let the bot delete (it may no longer share the workbook).
        """
        with self._bidang_book(tahun, kode, with_layout=False) as book:
            kept = tuple(p for p in permission_ids if not self.drive.remove_permission(book.file.id, p))
            logger.warning(
                "removed %d foreign permission(s) from the workbook of %s", len(permission_ids) - len(kept), kode
            )
            return kept

    def _forget(self, file_id: str) -> None:
        key = self._by_id.pop(file_id, None)
        if key is not None and key in self._books and self._books[key].file.id == file_id:
            del self._books[key]

    # --- steps 4-9: the dinas workbook and the archive -------------------------------------

    def _rekap_book(self, tahun: int, *, create: bool) -> tuple[FileInfo, list[int] | None]:
        cached = self._rekap.get(tahun)
        if cached is not None:
            return cached
        found = self.drive.find(self.drive.props(tahun, "rekap"), mime=SPREADSHEET_MIME)
        if found:
            entry: tuple[FileInfo, list[int] | None] = (found[0], None)
        elif create:
            file = self.drive.create_spreadsheet(
                layout.judul_dinas(tahun, self.settings.dinas.nama),
                self.settings.google.root_folder_id,
                self.drive.props(tahun, "rekap"),
            )
            entry = (file, [0])
        else:
            raise NotFound(
                f"no rekap workbook for {tahun}",
                penjelasan=f"Lembar kerja rekap dinas tahun {tahun} belum dibuat; susun rekap lebih dahulu.",
            )
        self._rekap[tahun] = entry
        return entry

    def _share_rekap(self, file: FileInfo) -> None:
        """Once per process: the officials and every Kepala Bidang may open the dinas workbook
        (read only), and nobody it is shared with may share it on."""
        if file.id in self._rekap_shared:
            return
        if file.writers_can_share:
            file = self.drive.forbid_resharing(file)
        outcome = self.drive.share(file, rekap_access(self.settings), self.drive.permissions(file))
        if outcome.invited or outcome.refused:
            logger.warning(
                "dinas workbook: invited by email %s, not shared with %s", outcome.invited, sorted(outcome.refused)
            )
        self._rekap_shared.add(file.id)

    def _rekap_sheet_ids(self, file: FileInfo) -> list[int]:
        """The dinas workbook's tab ids (and, in the same read, whether its locale is Indonesian)."""
        body = self.sheets.get(
            file.id, fields="properties(locale),sheets(properties(sheetId))", action="membaca tab lembar kerja rekap"
        )
        if is_indonesian((body.get("properties") or {}).get("locale")):
            self._rekap_localized.add(file.id)
        return [int(s["properties"]["sheetId"]) for s in body.get("sheets", [])]

    def write_rekap(self, tahun: int, tw: int, data: RekapData) -> RekapRef:
        """Write every tab of the dinas workbook: one batchUpdate, then the values in requests of at most 2 MB."""
        # The rekap's modules (and pandas) are loaded with the first rekap, not at the service's start.
        from sheets.google.rekap import (
            TAB_IDS,
            build_rekap_sheets,
            rekap_requests,
            rekap_summary,
            rekap_value_batches,
        )

        layout.tw_label(tw)
        with self._lock:
            file, sheet_ids = self._rekap_book(tahun, create=True)
            self._share_rekap(file)
            if sheet_ids is None:
                sheet_ids = self._rekap_sheet_ids(file)
            if file.id not in self._rekap_localized:
                self._set_locale(file.id, f"workbook rekap {tahun}")
                self._rekap_localized.add(file.id)  # tried once per process: a refusal is logged, not repeated
            names = {b.kode: b.nama for b in self.settings.bidang}
            master = data.masters.get(tw) or self._master_of(tahun, None, "write the rekap from")
            sheets = build_rekap_sheets(master, data, names, tw, self.settings.tz)
            action = f"menyusun tab lembar kerja rekap {tahun}"
            try:
                self.sheets.batch_update(file.id, rekap_requests(sheets, sheet_ids, tw), action)
            except ApiRequestInvalid:
                # The tabs changed under us (or a retried batch had applied): read them and redo once.
                sheet_ids = self._rekap_sheet_ids(file)
                self.sheets.batch_update(file.id, rekap_requests(sheets, sheet_ids, tw), action)
            self._rekap[tahun] = (file, sorted(TAB_IDS[tab] for tab in sheets.tabs))
            batches = rekap_value_batches(sheets, self.max_request_bytes)
            for number, batch in enumerate(batches, 1):
                action = f"menulis isi lembar kerja rekap {tahun} ({number}/{len(batches)})"
                self.sheets.values_update(file.id, batch, action)
            return RekapRef(url=file.url, spreadsheet_id=file.id, summary=rekap_summary(sheets.rekap))

    def archive(self, tahun: int, tw: int, laporan: bytes | None = None) -> ArchiveRef:
        """The report PDF (uploaded) and the dinas workbook as xlsx into the archive folder (missing copies only)."""
        from sheets.google.archive import archive_workbook  # once a period, at its close

        with self._lock:
            file, _ = self._rekap_book(tahun, create=False)
            folder = self.settings.google.archive_folder_id or self.settings.google.root_folder_id
            return archive_workbook(
                self.drive, file, tahun, tw, folder, laporan, local_xlsx=lambda: self._rekap_xlsx(file, tahun, tw)
            )

    def _rekap_xlsx(self, file: FileInfo, tahun: int, tw: int) -> bytes:
        """The dinas workbook as xlsx, built from one read of every tab's values (Drive refused the export)."""
        from sheets.google.rekap import xlsx_formats
        from sheets.google.xlsx import workbook_xlsx  # openpyxl only for the rare archive that needs it

        tabs = list(layout.dinas_tabs(tw))
        grids = self.sheets.values_get(
            file.id, [layout.quote_tab(tab) for tab in tabs], f"membaca isi workbook rekap {tahun}"
        )
        return workbook_xlsx(list(zip(tabs, grids, strict=True)), xlsx_formats())

    # --- the master list: the Kasubbag's sheet, and a revision applied to each workbook --------

    def read_master(self, source: str, tahun: int) -> MasterSheetRead:
        """Read ``tahun``'s tab of the master sheet (its id or URL): one request."""
        return read_master_sheet(self.sheets, sheet_id(source), tahun)

    def write_master_notes(self, source: str, notes: MasterNotes) -> None:
        """Write the validation's notes beside each row of the master sheet: one request."""
        write_master_notes(self.sheets, sheet_id(source), notes)

    def revise_targets(self, tahun: int, kode: str, revision: TargetRevision) -> None:
        """Give bidang ``kode``'s workbook of ``tahun`` the revised targets (see :mod:`sheets.revision`)."""
        with self._bidang_book(tahun, kode, with_layout=False) as book:
            action = f"menerapkan perubahan target {kode}"
            body = self.sheets.get(book.file.id, fields=REVISION_FIELDS, action=action)
            current = parse_book_layout(body)
            if current is None:
                raise WorkbookLayoutError(f"workbook of {kode} {tahun} has no Realisasi tab")
            read = read_workbook(self.sheets, book.file.id)
            try:
                plan = plan_revision(read.realisasi, revision)
            except ValueError as err:
                raise WorkbookLayoutError(f"workbook of {kode} {tahun}: {err}") from err
            requests, rows = revision_requests(
                plan,
                row_count=realisasi_row_count(body),
                book=current,
                locks=dropped_protections(body),
                bot_email=self.clients.account_email,
                label=f"perubahan mulai {layout.tw_label(revision.from_tw)}",
            )
            if requests:
                self.sheets.batch_update(book.file.id, requests, action)
            current.rows = rows - 1
            book.layout = current
            logger.info(
                "revised targets of %s %d from TW %d: %d requests", kode, tahun, revision.from_tw, len(requests)
            )
