"""The master list of indicators as the workflow uses it: its source, and each year's versions in the store.

The source is what the settings name: a CSV file (``google.master_indikator``, kept by the admin)
or a Google Sheet the Kasubbag keeps (``google.master_sheet``), read through the Google edge and
validated cell by cell; a sheet that cannot be used gets each problem written beside its row
(``Catatan Validasi``) and raises :class:`~sheets.master.MasterError`, whose ``cells`` name each
problem's place for the Kasubbag's message.

Once a year's first TW is distributed, its list is stored as version 1 (APBD Murni): from then on
the year's targets change only through a revision (:mod:`bot.workflow.revisions`), and an edit of
the file or the sheet alone changes nothing already distributed. :meth:`MasterBook.for_tw` is the
list a TW is measured against; before any version is stored it is the source itself.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from bot import texts
from bot.store.repository import Store, Tx
from bot.workflow.master_versions import MasterVersion, masters_by_tw, target_labels, version_for_tw, versions_from_rows
from bot.workflow.ports import WorkbookPort
from config.settings import Settings
from sheets.master import Master, MasterError, load_master, master_to_json
from sheets.master_sheet import master_notes, parse_master_sheet, sheet_id

logger = logging.getLogger(__name__)

__all__ = ["MasterBook"]


class MasterBook:
    """The master list of every year: read from its source, versioned in the store."""

    def __init__(self, settings: Settings, store: Store, workbook: WorkbookPort) -> None:
        self.settings = settings
        self.store = store
        self.workbook = workbook
        self._versions: dict[int, tuple[tuple[int, ...], list[MasterVersion]]] = {}
        self._csv: tuple[Path, float, Master] | None = None

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

    # --- the source ----------------------------------------------------------------------------

    def read_sheet(self, notes: bool = True) -> Master:
        """Read and validate the master sheet now; its problems are written beside their rows.

        Raises :class:`MasterError` (``cells``: every problem at its cell) when it cannot be used.
        A sheet the bot may read but not write still gets validated: the notes are then only in
        the message to the Kasubbag.
        """
        read = self.workbook.read_master(self.sheet)
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
        logger.info("master sheet read: %d indicators", len(master))
        return master

    def read_csv(self, path: Path | None = None) -> Master:
        """The master CSV (the configured one by default), read again only when the file changed."""
        file = path or self.settings.google.master_indikator
        if file is None:
            raise MasterError("-", [texts.MASTER_NO_SOURCE])
        # Not checked against the settings' bidang here (the Google edge and doctor check that): a
        # list with a bidang the settings dropped must not stop the others' periods.
        if path is not None:
            return load_master(file)
        try:
            mtime = file.stat().st_mtime
        except OSError:
            mtime = -1.0
        if self._csv is not None and self._csv[0] == file and self._csv[1] == mtime:
            return self._csv[2]
        master = load_master(file)
        self._csv = (file, mtime, master)
        return master

    def source(self) -> Master:
        """The master list as its source holds it now (the sheet is read, the CSV loaded)."""
        return self.read_sheet() if self.from_sheet else self.read_csv()

    # --- the versions --------------------------------------------------------------------------

    def versions(self, tahun: int) -> list[MasterVersion]:
        """The applied versions of ``tahun``, oldest first (parsed once per change)."""
        with self.store.transaction() as tx:
            ids = tuple(tx.master_version_ids(tahun))
            cached = self._versions.get(tahun)
            if cached is not None and cached[0] == ids:
                return cached[1]
            versions = versions_from_rows(tx.master_versions(tahun))
        self._versions[tahun] = (ids, versions)
        return versions

    def current(self, tahun: int) -> Master:
        """The list in force now: the latest version, else the source."""
        versions = self.versions(tahun)
        return versions[-1].master if versions else self.source()

    def for_tw(self, tahun: int, tw: int) -> Master:
        """The list TW ``tw`` of ``tahun`` is measured against."""
        version = version_for_tw(self.versions(tahun), tw)
        return version.master if version is not None else self.current(tahun)

    def by_tw(self, tahun: int) -> dict[int, Master]:
        """TW -> the list it is measured against (every TW: the source for a year without versions)."""
        versions = self.versions(tahun)
        if not versions:
            source = self.source()
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
