"""``GoogleWorkbooks``: the workflow's :class:`~bot.workflow.ports.WorkbookPort` on Drive and Sheets.

Blocking; the service calls it through ``asyncio.to_thread``. Every method is idempotent: files
are found by their ``appProperties`` before any is created, the bidang layout is one atomic
batch, and opening/locking a TW sets the protections to an exact state. Request budget:

- ``distribute``: 1 Drive search for all bidang, then per bidang 1 create + 1 layout batch + 1
  locale request (new; more batches for a master whose layout passes 2 MB, and a second locale
  request when Google refuses the first code) or 1 read of the protections and the locale + at
  most 1 batch (existing; + 1 locale request when the locale read back is not Indonesian), + 1
  share per missing editor;
- ``poll``: 1 Drive change listing + 1 read per changed workbook (:mod:`sheets.google.poll`);
- ``read_submission`` (``/kirim``): 1 read of the workbook (plus 1 Drive search after a restart);
- ``write_feedback``/``reset_submission``: 1 values.batchUpdate per 2 MB (``write_feedback`` plus 1 Drive
  search and 1 read of the workbook after a restart: the notes go where the last read found the
  ``Catatan Validasi`` column and the rows); ``lock_tw``/``reopen_tw`` with their feedback: 1 batchUpdate
  moving the protections and writing the feedback together (only the values.batchUpdate when the
  protections are already where they should be; the move then the values when the notes pass 2 MB;
  plus 1 Drive search and 1 read after a restart);
- ``write_rekap``: 1 batchUpdate + 1 values.batchUpdate per 2 MB of values (plus the search/create
  and 1 locale request, or 1 read of the tab ids and the locale, the first time in a process);
- ``archive``: 1 Drive search, then per missing copy 1 upload (+ 1 export for the xlsx; when Drive
  refuses to export a workbook over 10 MB, 1 read of every tab's values and the xlsx is built here).

Every write that grows with the data is cut into requests of at most 2 MB (:mod:`sheets.google.chunks`);
Google refuses a body over 10 MB.

The adapter keeps no workflow memory: its poll states facts (per changed workbook, what one
read found, or that the workbook is gone or unreachable; :mod:`sheets.facts`) and the workflow's
intake decides what they mean against the store. What it caches are facts of Google itself, found
again after a restart: each bidang workbook's file (by ``appProperties``), the ids of its
protections and the state they record (the open TW, the approved TWs).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config.settings import Settings
from sheets import layout
from sheets.facts import (
    ArchiveRef,
    BookFact,
    BookGone,
    BookSeen,
    BookUnreachable,
    ChangesRead,
    Feedback,
    RekapData,
    RekapRef,
    WorkbookRef,
)
from sheets.google.auth import GoogleClients, build_clients
from sheets.google.chunks import MAX_REQUEST_BYTES, blocks_of, json_size, value_batches
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
    PROP_BIDANG,
    PROP_DINAS,
    PROP_JENIS,
    PROP_TAHUN,
    SPREADSHEET_MIME,
    DriveFiles,
    FileInfo,
)
from sheets.google.errors import AccessDenied, ApiRequestInvalid, NotFound, WorkbookLayoutError
from sheets.google.feedback import as_cell_requests, feedback_batch
from sheets.google.http import RetryPolicy
from sheets.google.locale import is_indonesian, set_indonesian_locale
from sheets.google.poll import read_workbook
from sheets.google.spreadsheet import SheetsApi
from sheets.master import Master, load_master
from sheets.notes import feedback_place

logger = logging.getLogger(__name__)

__all__ = ["GoogleWorkbooks"]


@dataclass
class _Book:
    kode: str
    file: FileInfo
    layout: BookLayout | None = None


class GoogleWorkbooks:
    """The Google side of the workflow (implements ``WorkbookPort``)."""

    def __init__(
        self,
        settings: Settings,
        *,
        master: Master | None = None,
        clients: GoogleClients | None = None,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
        preferred_locale: str | None = None,
        max_request_bytes: int = MAX_REQUEST_BYTES,
    ) -> None:
        """``preferred_locale``: the Indonesian locale code to send first (what ``doctor --live`` saw Google
        take); ``max_request_bytes``: the largest request body sent (Google recommends 2 MB)."""
        self.settings = settings
        self.master = master or load_master(
            settings.google.master_indikator, bidang_codes=[b.kode for b in settings.bidang]
        )
        self.clients = clients or build_clients(settings.google, policy=policy)
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

    # --- helpers ----------------------------------------------------------------------------

    def _now_text(self) -> str:
        return self.clock().astimezone(self.settings.tz).strftime("%d-%m-%Y %H:%M")

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
        body = self.sheets.get(book.file.id, fields=BOOK_FIELDS, action=f"membaca struktur workbook {book.kode}")
        book.layout = parse_book_layout(body)
        return book.layout

    def _book(self, kode: str, tahun: int | None = None) -> _Book:
        """The laid-out workbook of ``kode`` (from memory, else found on Drive)."""
        tahun = tahun or self.settings.tahun
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
                penjelasan=f"Workbook bidang {kode} tahun {tahun} tidak ditemukan di Drive; "
                "jalankan pembagian format (langkah 1) lebih dulu.",
            )
        return book

    def _bidang_lock(self, kode: str) -> threading.RLock:
        with self._lock:
            return self._bidang_locks.setdefault(kode, threading.RLock())

    @contextmanager
    def _bidang_book(self, kode: str, *, with_layout: bool = True) -> Iterator[_Book]:
        """``kode``'s workbook, held under that bidang's lock (found under the workbooks lock)."""
        with self._lock:
            book = self._book(kode) if with_layout else self._find(kode, self.settings.tahun)
            bidang_lock = self._bidang_lock(kode)
        with bidang_lock:
            yield book

    # --- step 1: distribution --------------------------------------------------------------

    def distribute(self, tahun: int, tw: int, bidang_kodes: Sequence[str]) -> Mapping[str, WorkbookRef]:
        """Find or create each bidang's workbook, lay it out, share it, open TW ``tw`` for input."""
        layout.tw_label(tw)
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
                    self._prepare(book, tahun, tw, bidang.nama, fresh=kode not in found)
                    self.drive.share_writers(book.file, bidang.editor)
                refs[kode] = WorkbookRef(url=book.file.url, spreadsheet_id=book.file.id)
            logger.info("distributed TW %d %d to %s", tw, tahun, ", ".join(refs))
            return refs

    def _prepare(self, book: _Book, tahun: int, tw: int, nama: str, *, fresh: bool) -> None:
        current = None if fresh else self._read_layout(book)
        if current is None:
            current = self._lay_out(book, tahun, tw, nama)
        if not is_indonesian(current.locale):
            current.locale = self._set_locale(book.file.id, f"workbook {book.kode}")
        if not current.complete:
            self._finish_layout(book, current, tw)
            return
        if current.open_tw == tw:
            return  # already open: re-running changes nothing (and keeps the Status row as is)
        approved = current.approved - {tw}
        requests = protection_requests(current, tw, approved)
        requests.append(status_row_request(tw, status_alur=STATUS_ALUR_DIBUKA, catatan="", when=self._now_text()))
        self.sheets.batch_update(book.file.id, requests, f"membuka {layout.tw_label(tw)} untuk {book.kode}")
        current.open_tw, current.approved = tw, approved

    def _lay_out(self, book: _Book, tahun: int, tw: int, nama: str) -> BookLayout:
        """Lay out a new workbook: one batch, or its first part when the master is too large (then unfinished)."""
        items = self.master.for_bidang(book.kode)
        plan = layout_batches(
            tahun,
            nama,
            items,
            open_tw=tw,
            bot_email=self.clients.account_email,
            time_zone=self.settings.zona_waktu,
            status_when=self._now_text(),
            limit=self.max_request_bytes,
        )
        try:
            replies = self.sheets.batch_update(book.file.id, plan.first, f"menyusun workbook {book.kode}")
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

    def _finish_layout(self, book: _Book, current: BookLayout, tw: int) -> None:
        """The rest of a layout sent in parts: every ``Realisasi`` row again, then TW ``tw`` opened.

        Until the last request every cell is locked, so writing the rows again after a crash
        overwrites nothing a person typed.
        """
        items = self.master.for_bidang(book.kode)
        batches = realisasi_row_batches(items, self.max_request_bytes)
        for number, batch in enumerate(batches, 1):
            action = f"menulis baris indikator workbook {book.kode} ({number}/{len(batches)})"
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

    def _feedback_data(self, book: _Book, kode: str, tw: int, feedback: Feedback) -> list[dict[str, Any]]:
        place = feedback.place
        if place is None:  # never read by the workflow yet: find the column and rows as they are now
            place = feedback_place(kode, read_workbook(self.sheets, book.file.id), self.master)
        return feedback_batch(tw, feedback, place, self._now_text())

    def _write_values(self, book: _Book, kode: str, data: list[dict[str, Any]]) -> None:
        # The Status row comes last in the data, so it is written with (or after) the last notes.
        for batch in value_batches(blocks_of(data), self.max_request_bytes):
            self.sheets.values_update(book.file.id, batch, f"menulis catatan validasi {kode}")

    def write_feedback(self, kode: str, tw: int, feedback: Feedback) -> None:
        """Per-row Catatan Validasi, the Status row, and the reset to Draft if asked: one values.batchUpdate."""
        with self._bidang_book(kode, with_layout=False) as book:
            self._write_values(book, kode, self._feedback_data(book, kode, tw, feedback))

    def _move_and_write(
        self, book: _Book, kode: str, tw: int, moves: list[dict[str, Any]], feedback: Feedback | None, action: str
    ) -> None:
        """The protections moved and the feedback written: one batchUpdate when both fit in one request.

        A batchUpdate is atomic, so the sheet never shows the new protections with the old Status
        row or the other way round. Notes too large for one request (a huge workbook) go after the
        move, in values.batchUpdate requests of at most ``max_request_bytes``; no move, only values.
        """
        data = self._feedback_data(book, kode, tw, feedback) if feedback is not None else []
        if not moves:
            if data:
                self._write_values(book, kode, data)
            return
        together = moves + as_cell_requests(data)
        if json_size({"requests": together}) <= self.max_request_bytes:
            self.sheets.batch_update(book.file.id, together, action)
            return
        self.sheets.batch_update(book.file.id, moves, action)
        if data:
            self._write_values(book, kode, data)

    def lock_tw(self, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Protect TW ``tw``'s cells and write the feedback: one batchUpdate (values only when already locked)."""
        with self._bidang_book(kode) as book:
            current = book.layout
            assert current is not None
            approved = current.approved | {tw}
            open_tw = None if current.open_tw == tw else current.open_tw
            moved = open_tw != current.open_tw or approved != current.approved
            moves = protection_requests(current, open_tw, approved) if moved else []
            self._move_and_write(book, kode, tw, moves, feedback, f"mengunci {layout.tw_label(tw)} {kode}")
            current.open_tw, current.approved = open_tw, approved

    def reopen_tw(self, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """Open TW ``tw``'s cells again (after a return or a reopen) and write the feedback: one batchUpdate."""
        with self._bidang_book(kode) as book:
            current = book.layout
            assert current is not None
            approved = current.approved - {tw}
            moved = current.open_tw != tw or approved != current.approved
            moves = protection_requests(current, tw, approved) if moved else []
            self._move_and_write(book, kode, tw, moves, feedback, f"membuka kembali {layout.tw_label(tw)} {kode}")
            current.open_tw, current.approved = tw, approved

    # --- step 2: polling -------------------------------------------------------------------

    def poll(self, cursor: str | None, known: Mapping[str, str]) -> ChangesRead:
        """One Drive change listing, then one read per changed bidang workbook of this year.

        ``known`` maps the spreadsheet ids the workflow handed out to their bidang: a workbook
        deleted while the bot was stopped arrives as a bare ``removed`` change, which Drive can no
        longer tie to a bidang by ``appProperties``.
        """
        with self._lock:
            tahun = self.settings.tahun
            facts: list[BookFact] = []
            targets: dict[str, str] = {}
            if cursor is None:
                token = self.drive.start_page_token()
                for kode, file in self._discover(tahun).items():
                    targets[file.id] = kode
            else:
                changes, token = self.drive.changes(cursor)
                discovered = False
                for change in changes:
                    file_id = str(change.get("fileId"))
                    data = change.get("file")
                    if change.get("removed") or not data:
                        if file_id not in self._by_id and not discovered:
                            self._discover(tahun)  # after a restart: learn which ids are ours
                            discovered = True
                        key = self._by_id.get(file_id)
                        if key is not None and key[0] == tahun:
                            targets[file_id] = key[1]
                        elif file_id in known:  # deleted while the bot was stopped: Drive no longer finds it
                            targets[file_id] = known[file_id]
                        continue
                    bidang = self._ours(data, tahun)
                    if bidang is None:
                        continue
                    file = FileInfo.from_json(data)
                    self._remember(tahun, bidang, file)
                    if file.trashed:
                        facts.append(BookGone(bidang=bidang, reason="workbook dipindahkan ke tempat sampah"))
                        continue
                    targets[file.id] = bidang
            for file_id, kode in targets.items():
                facts.append(self._read_fact(file_id, kode, tahun))
            logger.debug("poll: %d changed workbooks", len(targets))
            return ChangesRead(books=tuple(facts), cursor=token)

    def read_book(self, kode: str) -> BookSeen:
        """Read bidang ``kode``'s workbook now (``/kirim``): the same one read as the poll's."""
        with self._bidang_book(kode, with_layout=False) as book:
            read = read_workbook(self.sheets, book.file.id)
            if book.layout is not None:
                book.layout.open_tw, book.layout.approved = read.open_tw, read.approved
            return BookSeen(bidang=kode, spreadsheet_id=book.file.id, name=book.file.name, read=read)

    def _ours(self, data: Mapping[str, Any], tahun: int) -> str | None:
        props = data.get("appProperties") or {}
        if (
            props.get(PROP_DINAS) == self.drive.dinas
            and props.get(PROP_TAHUN) == str(tahun)
            and props.get(PROP_JENIS) == "bidang"
            and props.get(PROP_BIDANG)
        ):
            return str(props[PROP_BIDANG])
        return None

    def _read_fact(self, file_id: str, kode: str, tahun: int) -> BookFact:
        try:
            read = read_workbook(self.sheets, file_id)
        except NotFound:
            self._forget(file_id)
            return BookGone(bidang=kode, reason="workbook dihapus atau tidak ditemukan")
        except AccessDenied:
            return BookUnreachable(bidang=kode)
        except ApiRequestInvalid as err:
            logger.warning("workbook %s of %s unreadable: %s", file_id, kode, err)
            return BookGone(bidang=kode, reason="tab Realisasi atau Status diganti nama atau dihapus")
        book = self._books.get((tahun, kode))
        name = ""
        if book is not None:
            name = book.file.name
            if book.layout is not None:
                book.layout.open_tw, book.layout.approved = read.open_tw, read.approved
        return BookSeen(bidang=kode, spreadsheet_id=file_id, name=name, read=read)

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
                penjelasan=f"Workbook rekap dinas tahun {tahun} belum dibuat; susun rekap lebih dulu.",
            )
        self._rekap[tahun] = entry
        return entry

    def _rekap_sheet_ids(self, file: FileInfo) -> list[int]:
        """The dinas workbook's tab ids (and, in the same read, whether its locale is Indonesian)."""
        body = self.sheets.get(
            file.id, fields="properties(locale),sheets(properties(sheetId))", action="membaca tab workbook rekap"
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
            if sheet_ids is None:
                sheet_ids = self._rekap_sheet_ids(file)
            if file.id not in self._rekap_localized:
                self._set_locale(file.id, f"workbook rekap {tahun}")
                self._rekap_localized.add(file.id)  # tried once per process: a refusal is logged, not repeated
            names = {b.kode: b.nama for b in self.settings.bidang}
            sheets = build_rekap_sheets(self.master, data, names, tw, self.settings.tz)
            action = f"menyusun tab workbook rekap {tahun}"
            try:
                self.sheets.batch_update(file.id, rekap_requests(sheets, sheet_ids, tw), action)
            except ApiRequestInvalid:
                # The tabs changed under us (or a retried batch had applied): read them and redo once.
                sheet_ids = self._rekap_sheet_ids(file)
                self.sheets.batch_update(file.id, rekap_requests(sheets, sheet_ids, tw), action)
            self._rekap[tahun] = (file, sorted(TAB_IDS.values()))
            batches = rekap_value_batches(sheets, self.max_request_bytes)
            for number, batch in enumerate(batches, 1):
                action = f"menulis isi workbook rekap {tahun} ({number}/{len(batches)})"
                self.sheets.values_update(file.id, batch, action)
            return RekapRef(url=file.url, spreadsheet_id=file.id, summary=rekap_summary(sheets.rekap))

    def archive(self, tahun: int, tw: int, laporan: bytes | None = None) -> ArchiveRef:
        """The report PDF (uploaded) and the dinas workbook as xlsx into the archive folder (missing copies only)."""
        from sheets.google.archive import archive_workbook  # once a period, at its close

        with self._lock:
            file, _ = self._rekap_book(tahun, create=False)
            folder = self.settings.google.archive_folder_id or self.settings.google.root_folder_id
            return archive_workbook(
                self.drive, file, tahun, tw, folder, laporan, local_xlsx=lambda: self._rekap_xlsx(file, tahun)
            )

    def _rekap_xlsx(self, file: FileInfo, tahun: int) -> bytes:
        """The dinas workbook as xlsx, built from one read of every tab's values (Drive refused the export)."""
        from sheets.google.rekap import xlsx_formats
        from sheets.google.xlsx import workbook_xlsx  # openpyxl only for the rare archive that needs it

        tabs = list(layout.DINAS_TABS)
        grids = self.sheets.values_get(
            file.id, [layout.quote_tab(tab) for tab in tabs], f"membaca isi workbook rekap {tahun}"
        )
        return workbook_xlsx(list(zip(tabs, grids, strict=True)), xlsx_formats())
