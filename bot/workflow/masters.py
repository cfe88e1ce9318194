"""The master list of indicators as the workflow uses it: each budget year's source, and its versions in the store.

Every budget year has its own list (targets and pagu follow each year's DPA). Its source is what the
settings name: a CSV file (``google.master_indikator``, kept by the admin; ``{tahun}`` in the path
names one file per year, ``master/{tahun}.csv``) or a Google Sheet the Kasubbag keeps
(``google.master_sheet``; a year's list on the tab ``Daftar Induk 2027``, else ``Daftar Induk``),
read through the Google edge and validated cell by cell; a sheet that cannot be used gets each
problem written beside its row (``Catatan Validasi``) and raises :class:`~sheets.master.MasterError`,
whose ``cells`` name each problem's place for the Kasubbag's message.

Once a year's first TW is distributed, that year's list is stored as its version 1 (APBD Murni):
from then on the year's targets change only through a revision of that year
(:mod:`bot.workflow.revisions`), and an edit of the file or the sheet alone changes nothing already
distributed. :meth:`MasterBook.for_tw` is the list a TW of a year is measured against; before the
year has a version it is the year's source itself.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path

from bot import texts
from bot.store.repository import Store, Tx
from bot.workflow.master_versions import MasterVersion, masters_by_tw, target_labels, version_for_tw, versions_from_rows
from bot.workflow.ports import WorkbookPort
from config.settings import Settings
from sheets.master import Master, MasterError, load_master, master_to_json
from sheets.master_sheet import master_notes, master_tab, parse_master_sheet, sheet_id

logger = logging.getLogger(__name__)

__all__ = ["MasterBook"]

SHEET_CHECK_SECONDS = 600.0
"""How long the calendar's checks (a year due, the reminders) trust one read of the master sheet."""


class MasterBook:
    """The master list of every budget year: read from that year's source, versioned in the store."""

    def __init__(self, settings: Settings, store: Store, workbook: WorkbookPort) -> None:
        self.settings = settings
        self.store = store
        self.workbook = workbook
        # The poll and the chat read side by side: the caches change under a lock.
        self._lock = threading.Lock()
        self._versions: dict[int, tuple[tuple[int, ...], list[MasterVersion]]] = {}
        self._csv: dict[Path, tuple[tuple[int, int], Master]] = {}
        self._checked: dict[int, tuple[float, str | None]] = {}

    @property
    def from_sheet(self) -> bool:
        """Whether the Kasubbag keeps the master list as a Google Sheet."""
        return self.settings.google.master_sheet is not None

    @property
    def sheet(self) -> str:
        """The master sheet's id or URL (only when :attr:`from_sheet`)."""
        source = self.settings.google.master_sheet
        assert source is not None
        return source

    @property
    def sheet_url(self) -> str | None:
        """A link to the master sheet (None for a CSV)."""
        if not self.from_sheet:
            return None
        return f"https://docs.google.com/spreadsheets/d/{sheet_id(self.sheet)}/edit"

    def where(self, tahun: int) -> str:
        """Where ``tahun``'s list is read from, as the admin's and the Kasubbag's messages name it."""
        if self.from_sheet:
            return f'tab "{master_tab(tahun)}" pada {self.sheet_url}'
        path = self.settings.master_path(tahun)
        return str(path) if path is not None else "-"

    # --- the source ----------------------------------------------------------------------------

    def read_sheet(self, tahun: int, notes: bool = True) -> Master:
        """Read and validate ``tahun``'s tab of the master sheet now; its problems are written beside their rows.

        Raises :class:`MasterError` (``cells``: every problem at its cell) when it cannot be used.
        A sheet the bot may read but not write still gets validated: the notes are then only in
        the message to the Kasubbag.
        """
        read = self.workbook.read_master(self.sheet, tahun)
        error: MasterError | None = None
        try:
            master = parse_master_sheet(read, bidang_codes=[b.kode for b in self.settings.bidang])
        except MasterError as err:
            error = err
        if notes:
            place = master_notes(read, error)
            if place is not None:
                try:
                    self.workbook.write_master_notes(self.sheet, place)
                except Exception:  # the validation stands; the Kasubbag's message names every cell
                    logger.warning("notes not written into the master sheet", exc_info=True)
        if error is not None:
            raise error
        logger.info("master sheet read for %s (tab %s): %d indicators", tahun, read.tab, len(master))
        return master

    def read_csv(self, tahun: int, path: Path | None = None) -> Master:
        """``tahun``'s master CSV (the configured one by default), read again only when the file changed."""
        file = path or self.settings.master_path(tahun)
        if file is None:
            raise MasterError("-", [texts.MASTER_NO_SOURCE])
        # Not checked against the settings' bidang here (the Google edge and doctor check that): a
        # list with a bidang the settings dropped must not stop the others' periods.
        if path is not None:
            return load_master(file)
        try:
            stat = file.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (-1, -1)
        with self._lock:
            cached = self._csv.get(file)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        master = load_master(file)
        with self._lock:
            self._csv[file] = (stamp, master)
        return master

    def source(self, tahun: int) -> Master:
        """``tahun``'s master list as its source holds it now (the sheet is read, the CSV loaded)."""
        return self.read_sheet(tahun) if self.from_sheet else self.read_csv(tahun)

    def problem(self, tahun: int) -> str | None:
        """Why ``tahun``'s list cannot be used: ``""`` (no file yet), its problems; None when it can.

        A year with a stored version has its list. The calendar asks this on every turn, so a
        master sheet is read at most once in :data:`SHEET_CHECK_SECONDS` per year for it (``/induk``
        reads it at once).
        """
        if self.versions(tahun):
            return None
        if not self.from_sheet:
            path = self.settings.master_path(tahun)
            if path is None or not path.exists():
                return ""
            try:
                self.read_csv(tahun)
            except MasterError as err:
                return "; ".join(err.problems)
            return None
        with self._lock:
            checked = self._checked.get(tahun)
        if checked is not None and time.monotonic() - checked[0] < SHEET_CHECK_SECONDS:
            return checked[1]
        found: str | None = None
        try:
            self.read_sheet(tahun, notes=False)
        except MasterError as err:
            found = "; ".join(p.sentence() for p in err.cells)
        except Exception as err:  # Google unreachable: the list is not usable now; asked again later
            logger.warning("master sheet of %s not read: %s", tahun, err)
            return texts.MASTER_SHEET_UNREADABLE
        with self._lock:
            self._checked[tahun] = (time.monotonic(), found)
        return found

    # --- the versions --------------------------------------------------------------------------

    def versions(self, tahun: int) -> list[MasterVersion]:
        """The applied versions of ``tahun``, oldest first (parsed once per change)."""
        with self.store.transaction() as tx:
            ids = tuple(tx.master_version_ids(tahun))
            with self._lock:
                cached = self._versions.get(tahun)
            if cached is not None and cached[0] == ids:
                return cached[1]
            versions = versions_from_rows(tx.master_versions(tahun))
        with self._lock:
            self._versions[tahun] = (ids, versions)
        return versions

    def current(self, tahun: int) -> Master:
        """``tahun``'s list in force now: its latest version, else its source."""
        versions = self.versions(tahun)
        return versions[-1].master if versions else self.source(tahun)

    def for_tw(self, tahun: int, tw: int) -> Master:
        """The list TW ``tw`` of ``tahun`` is measured against."""
        version = version_for_tw(self.versions(tahun), tw)
        return version.master if version is not None else self.current(tahun)

    def by_tw(self, tahun: int) -> dict[int, Master]:
        """TW -> the list it is measured against (every TW: the source for a year without versions)."""
        versions = self.versions(tahun)
        if not versions:
            source = self.source(tahun)
            return dict.fromkeys((1, 2, 3, 4), source)
        found = masters_by_tw(versions)
        return {tw: found.get(tw, versions[0].master) for tw in (1, 2, 3, 4)}

    def labels(self, tahun: int) -> dict[int, str]:
        """TW -> which targets it is measured against (empty for a year without versions)."""
        return target_labels(self.versions(tahun))

    def keep_murni(self, tx: Tx, tahun: int, master: Master, now: datetime) -> bool:
        """Store ``master`` as ``tahun``'s version 1 (APBD Murni) unless the year has one; True when stored.

        Written in the caller's transaction (the distribution's move), so a distribution that fails
        keeps nothing.
        """
        if tx.master_version_ids(tahun):
            return False
        tx.insert_master_version(
            tahun=tahun,
            versi=1,
            status="berlaku",
            label=texts.LABEL_APBD_MURNI,
            berlaku_mulai=None,
            mulai_tw=1,
            sumber=master.source or "-",
            indikator=master_to_json(master),
            created_at=now,
            created_by_nama=texts.BOT_NAME,
            applied_at=now,
        )
        logger.info("master list of %s kept as version 1 (%d indicators)", tahun, len(master))
        return True
