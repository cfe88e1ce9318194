"""The master list of indicators (daftar induk indikator): loaded from CSV or sheet rows, validated.

The Kasubbag KPEP keeps one list for the whole dinas (``config/demo/indikator.csv`` is the
demo's): one row per indicator with its bidang, Kode, programme, indicator name, unit,
polaritas, jenis, targets and pagu. The bidang workbooks are built from it and a report is
checked against it. A bad list never half-loads: :class:`MasterError` lists every problem,
each naming its CSV line, in Indonesian.

An indicator is identified by ``(bidang, Kode, Indikator Kinerja)``: the Kode is the sub
kegiatan's code, which several indicators of one sub kegiatan share. :attr:`Indikator.key`
is the string form used in tables and snapshots.

Every budget year has its own list (targets and pagu change with each year's DPA):
:class:`MasterLists` reads the list of a year on first use, from a path the settings give per
year (``master/{tahun}.csv``), and keeps it.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheets import layout
from sheets.capaian import Jenis, NilaiTidakDikenal, Polaritas, parse_jenis, parse_polaritas
from sheets.numbers import AngkaTidakSah, DomainError, parse_angka

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MASTER_COLUMNS",
    "Indikator",
    "Master",
    "MasterError",
    "MasterLists",
    "MasterProblem",
    "indikator_key",
    "load_master",
    "master_from_json",
    "master_to_json",
    "parse_master",
]

logger = logging.getLogger(__name__)

COL_BIDANG = "Bidang"
MASTER_COLUMNS: tuple[str, ...] = (
    COL_BIDANG,
    layout.COL_KODE,
    layout.COL_PROGRAM,
    layout.COL_INDIKATOR,
    layout.COL_SATUAN,
    layout.COL_POLARITAS,
    layout.COL_JENIS,
    layout.COL_TARGET_TAHUNAN,
    *(layout.col_target(tw) for tw in layout.TW_LABELS),
    layout.COL_PAGU,
)
"""The header of the master list, in this order."""


@dataclass(frozen=True)
class MasterProblem:
    """One problem of the master list, at its place: a line of the CSV or a cell of the master sheet."""

    row: int
    """1-based line of the CSV, or sheet row of the master sheet (0: the list as a whole)."""
    column: str
    """The column's label ("" when the problem is the whole row's or the list's)."""
    message: str
    """What is wrong, without the place (``"empat" bukan angka``)."""
    text: str
    """The whole sentence as the CSV report words it, with its line."""
    col: int | None = None
    """0-based column in the source, when the problem has one."""

    @property
    def cell(self) -> str | None:
        """The A1 address of the cell (``J12``), None when the problem has no column."""
        if self.col is None or self.row < 1:
            return None
        return layout.a1(self.row, self.col)

    def sentence(self) -> str:
        """As a sheet's reader needs it: ``Baris 12, kolom Target TW II: "empat" bukan angka``."""
        if self.row < 1:
            return self.message
        place = f"Baris {self.row}, kolom {self.column}" if self.column else f"Baris {self.row}"
        return f"{place}: {self.message}"


class MasterError(DomainError):
    """The master list cannot be used; ``problems`` lists every reason, each with its line.

    ``cells`` holds the same problems with their place (:class:`MasterProblem`), for the master
    sheet's notes and the Kasubbag's message.
    """

    def __init__(self, source: str, problems: Sequence[str | MasterProblem]) -> None:
        self.source = source
        self.cells = [p if isinstance(p, MasterProblem) else MasterProblem(0, "", p, p) for p in problems]
        self.problems = [p.text for p in self.cells]
        lines = [f"Daftar induk indikator {source} tidak dapat dipakai ({len(self.problems)} masalah):"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


def indikator_key(kode: str, indikator: str) -> str:
    """The identity of an indicator within its bidang: ``"<kode>|<indikator, spaces collapsed>"``."""
    return f"{' '.join(str(kode).split())}|{' '.join(str(indikator).split())}"


@dataclass(frozen=True)
class Indikator:
    """One indicator of the master list."""

    bidang: str
    kode: str
    program: str
    indikator: str
    satuan: str
    polaritas: Polaritas
    jenis: Jenis
    target_tahunan: float
    target_tw: tuple[float | None, float | None, float | None, float | None]
    pagu: float | None
    line: int = 0

    @property
    def key(self) -> str:
        """See :func:`indikator_key`."""
        return indikator_key(self.kode, self.indikator)

    @property
    def persen(self) -> bool:
        """Whether the unit is a percentage (``%`` or ``persen``)."""
        return self.satuan.strip().casefold() in {"%", "persen", "persentase"}


MASTER_FRAME_COLUMNS: tuple[str, ...] = (
    "bidang",
    "key",
    "no",
    "kode",
    "program",
    "indikator",
    "satuan",
    "polaritas",
    "jenis",
    "target_tahunan",
    "target_tw1",
    "target_tw2",
    "target_tw3",
    "target_tw4",
    "pagu",
)


@dataclass(frozen=True)
class Master:
    """The whole master list, in file order."""

    indikator: tuple[Indikator, ...]
    source: str = ""
    dihapus: tuple[Indikator, ...] = ()
    """Indicators of an earlier version of the year that this one dropped (kept in the sheets, marked)."""

    def bidang_codes(self) -> tuple[str, ...]:
        """The bidang codes in order of first appearance."""
        return self._bidang_codes

    def key_rows(self) -> dict[str, dict[str, int]] | None:
        """Per bidang, each indicator key's row in :meth:`frame`; None when a bidang names a key twice."""
        return self._key_rows

    @cached_property
    def _key_rows(self) -> dict[str, dict[str, int]] | None:
        # Built once per list (from the frame's columns, keys already made): the rekap places every
        # approved value by it.
        rows: dict[str, dict[str, int]] = {}
        bidang, keys = (self._frame[name].to_numpy(dtype=object) for name in ("bidang", "key"))
        for position, (kode, key) in enumerate(zip(bidang.tolist(), keys.tolist(), strict=True)):
            if rows.setdefault(kode, {}).setdefault(key, position) != position:
                return None
        return rows

    @cached_property
    def _bidang_codes(self) -> tuple[str, ...]:
        # Kept: a regency's list has 80,000 rows and the rekap asks for the codes per TW.
        return tuple(dict.fromkeys(item.bidang for item in self.indikator))

    def for_bidang(self, bidang: str) -> tuple[Indikator, ...]:
        """The indicators of one bidang, in file order."""
        return tuple(item for item in self.indikator if item.bidang == bidang)

    def dropped_for(self, bidang: str) -> tuple[Indikator, ...]:
        """The indicators of one bidang that this version dropped."""
        return tuple(item for item in self.dihapus if item.bidang == bidang)

    def frame(self) -> pd.DataFrame:
        """The list as a DataFrame (:data:`MASTER_FRAME_COLUMNS`); ``no`` numbers rows within a bidang."""
        # A shallow copy: pandas 3 always copies on write, so what the caller changes (a column
        # added, a value set) stays in its copy, without copying 80,000 rows on every call.
        return self._frame.copy(deep=False)

    @cached_property
    def _frame(self) -> pd.DataFrame:
        # Built once per list: the rekap asks for it on every run. pandas is loaded here, not at
        # import: the service reads the list at start and needs a frame only for a rekap.
        import pandas as pd

        counters: dict[str, int] = {}
        records = []
        # Equal texts as one string object: a regency's 80,000 rows repeat a few hundred programmes,
        # units and names, and the rekap lays each out in every tab (a row referring to a handful
        # of objects is built and freed faster than one referring to its own copies).
        texts: dict[str, str] = {}

        def shared(text: str) -> str:
            return texts.setdefault(text, text)

        for item in self.indikator:
            counters[item.bidang] = counters.get(item.bidang, 0) + 1
            records.append(
                (
                    shared(item.bidang),
                    shared(item.key),
                    counters[item.bidang],
                    shared(item.kode),
                    shared(item.program),
                    shared(item.indikator),
                    shared(item.satuan),
                    shared(str(item.polaritas)),
                    shared(str(item.jenis)),
                    item.target_tahunan,
                    *item.target_tw,
                    item.pagu,
                )
            )
        frame = pd.DataFrame.from_records(records, columns=list(MASTER_FRAME_COLUMNS))
        float_columns = ["target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4", "pagu"]
        frame[float_columns] = frame[float_columns].astype("float64")
        frame["no"] = frame["no"].astype("int64")
        return frame

    def __len__(self) -> int:
        return len(self.indikator)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def parse_master(
    rows: Iterable[Sequence[Any]],
    source: str = "daftar induk",
    *,
    bidang_codes: Collection[str] | None = None,
    first_line: int = 1,
) -> Master:
    """Build a :class:`Master` from rows (header first), as read from a CSV file or a master sheet.

    ``bidang_codes``, when given, are the bidang codes the settings know; any other is an error.
    ``first_line`` is the line number of the header (for messages). Every problem is kept with its
    line and column (:attr:`MasterError.cells`).
    """
    iterator = iter(rows)
    problems: list[MasterProblem] = []
    header_raw = next(iterator, None)
    if header_raw is None:
        raise MasterError(source, ["berkas kosong; baris pertama harus berisi judul kolom"])
    header = [layout.normal_label(str(cell)) for cell in header_raw]
    positions: dict[str, int] = {}
    for label in MASTER_COLUMNS:
        wanted = layout.normal_label(label)
        if wanted in header:
            positions[label] = header.index(wanted)
        else:
            problems.append(
                MasterProblem(first_line, label, "kolom tidak ada", f'baris {first_line}: kolom "{label}" tidak ada')
            )
    if problems:
        raise MasterError(source, problems)

    items: list[Indikator] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, raw in enumerate(iterator, start=1):
        line = first_line + offset
        row = list(raw)
        if not any(_text(cell) for cell in row):
            continue

        def get(label: str, row: list[Any] = row) -> Any:
            index = positions[label]
            return row[index] if index < len(row) else None

        def problem(label: str, message: str, text: str, line: int = line) -> None:
            problems.append(MasterProblem(line, label, message, text, positions.get(label)))

        bidang = _text(get(COL_BIDANG))
        kode = _text(get(layout.COL_KODE))
        nama = _text(get(layout.COL_INDIKATOR))
        for label, value in ((COL_BIDANG, bidang), (layout.COL_KODE, kode), (layout.COL_INDIKATOR, nama)):
            if not value:
                problem(label, "kosong", f'baris {line}: kolom "{label}" kosong')
        if bidang and bidang_codes is not None and bidang not in bidang_codes:
            known = ", ".join(sorted(bidang_codes))
            message = f'bidang "{bidang}" tidak dikenal (yang ada: {known})'
            problem(COL_BIDANG, message, f"baris {line}: {message}")
        try:
            polaritas = parse_polaritas(_text(get(layout.COL_POLARITAS)))
        except NilaiTidakDikenal as err:
            problem(layout.COL_POLARITAS, str(err), f"baris {line}: {err}")
            polaritas = Polaritas.POSITIF
        try:
            jenis = parse_jenis(_text(get(layout.COL_JENIS)))
        except NilaiTidakDikenal as err:
            problem(layout.COL_JENIS, str(err), f"baris {line}: {err}")
            jenis = Jenis.KUMULATIF

        def number(label: str, required: bool, line: int = line) -> float | None:
            try:
                value = parse_angka(get(label))
            except AngkaTidakSah as err:
                problem(label, str(err), f'baris {line}: kolom "{label}": {err}')
                return None
            if value is None and required:
                problem(label, "kosong", f'baris {line}: kolom "{label}" kosong')
            elif value is not None and value < 0:
                message = f"bernilai negatif ({value:g})"
                problem(label, message, f'baris {line}: kolom "{label}" {message}')
            return value

        target_tahunan = number(layout.COL_TARGET_TAHUNAN, required=True)
        targets = tuple(number(layout.col_target(tw), required=False) for tw in layout.TW_LABELS)
        pagu = number(layout.COL_PAGU, required=False)

        if bidang and kode and nama:
            identity = (bidang, indikator_key(kode, nama))
            if identity in seen:
                message = f'indikator "{nama}" (Kode {kode}) bidang {bidang} sudah ada di baris {seen[identity]}'
                problem(layout.COL_INDIKATOR, message, f"baris {line}: {message}")
            else:
                seen[identity] = line
        items.append(
            Indikator(
                bidang=bidang,
                kode=kode,
                program=_text(get(layout.COL_PROGRAM)),
                indikator=nama,
                satuan=_text(get(layout.COL_SATUAN)),
                polaritas=polaritas,
                jenis=jenis,
                target_tahunan=target_tahunan if target_tahunan is not None else 0.0,
                target_tw=targets,  # type: ignore[arg-type]
                pagu=pagu,
                line=line,
            )
        )
    if not items and not problems:
        problems.append(MasterProblem(0, "", "tidak ada satu pun indikator", "tidak ada satu pun indikator"))
    if problems:
        raise MasterError(source, problems)
    logger.info("master list %s: %d indicators", source, len(items))
    return Master(indikator=tuple(items), source=source)


def load_master(path: str | Path, *, bidang_codes: Collection[str] | None = None) -> Master:
    """Read and validate the master list CSV (UTF-8, comma or semicolon separated)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise MasterError(str(file), ["berkas tidak ditemukan"]) from err
    except UnicodeDecodeError as err:
        raise MasterError(str(file), ["berkas bukan teks UTF-8; simpan ulang sebagai CSV UTF-8"]) from err
    except OSError as err:
        raise MasterError(str(file), [f"berkas tidak dapat dibaca: {err.strerror}"]) from err
    first_line = text.splitlines()[0] if text else ""
    # Spreadsheet programs set to Indonesian export CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    rows = list(reader)
    return parse_master(rows, str(file), bidang_codes=bidang_codes)


# --- the master list as the store keeps it ---------------------------------------------------------


def master_to_json(master: Master) -> list[dict[str, Any]]:
    """The indicators as JSON-ready rows (the store's ``master_versions.indikator``)."""
    return [
        {
            "bidang": item.bidang,
            "kode": item.kode,
            "program": item.program,
            "indikator": item.indikator,
            "satuan": item.satuan,
            "polaritas": str(item.polaritas),
            "jenis": str(item.jenis),
            "target_tahunan": item.target_tahunan,
            "target_tw": list(item.target_tw),
            "pagu": item.pagu,
        }
        for item in master.indikator
    ]


def master_from_json(rows: Iterable[Mapping[str, Any]], source: str = "", dihapus: Sequence[Indikator] = ()) -> Master:
    """The inverse of :func:`master_to_json` (``dihapus``: what earlier versions had and this one lacks)."""
    items = tuple(
        Indikator(
            bidang=str(row["bidang"]),
            kode=str(row["kode"]),
            program=str(row.get("program") or ""),
            indikator=str(row["indikator"]),
            satuan=str(row.get("satuan") or ""),
            polaritas=parse_polaritas(str(row["polaritas"])),
            jenis=parse_jenis(str(row["jenis"])),
            target_tahunan=float(row["target_tahunan"]),
            target_tw=tuple(None if v is None else float(v) for v in row["target_tw"]),  # type: ignore[arg-type]
            pagu=None if row.get("pagu") is None else float(row["pagu"]),
        )
        for row in rows
    )
    return Master(indikator=items, source=source, dihapus=tuple(dihapus))


class MasterLists:
    """The master list of each budget year: read on first use from ``path_for(tahun)``, then kept.

    A list that cannot be read is not kept (the error is raised each time), so a file the admin
    provides or fixes is taken at the next use. Thread-safe: the poll and the chat read it side by side.
    """

    def __init__(
        self,
        path_for: Callable[[int], Path],
        *,
        bidang_codes: Collection[str] | None = None,
        every_year: Master | None = None,
    ) -> None:
        self.path_for = path_for
        self.bidang_codes = bidang_codes
        self._fixed = every_year
        self._lists: dict[int, Master] = {}
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, master: Master) -> MasterLists:
        """One list, already read, for every year (a caller that holds the list itself)."""
        return cls(lambda tahun: Path(master.source), every_year=master)

    def __call__(self, tahun: int) -> Master:
        """The master list of ``tahun``; :class:`MasterError` when it is missing or invalid."""
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            found = self._lists.get(tahun)
            if found is None:
                found = load_master(self.path_for(tahun), bidang_codes=self.bidang_codes)
                self._lists[tahun] = found
            return found

    def path(self, tahun: int) -> Path:
        """Where the list of ``tahun`` is read from."""
        return self.path_for(tahun)
