"""``python -m bot demo --setahun``: a whole budget year on the embedded sandbox.

TW I is the quarter demo itself (:class:`~bot.demo.run.DemoRun`): every person acts through
Telegram and Google Sheets, step by step. TW II, III and IV then run on a faster path so that the
year fits in a few minutes: the staff still type into their own workbooks with gspread and the bot
still finds the submissions by polling Drive, validates them and sends every notification through
Telegram, but the officials' decisions (approve, return, forward, rekomendasi, tindak lanjut, the
Plh, the revision) are made by calling the running service's actions with each person's own
identity, as the buttons' handlers do, instead of pressing the buttons in the chat.

The year holds one slip per quarter by a different person (TW I: the quarter demo's; TW II: a late
submission after the bot's reminders; TW III: a value the Plh of a Kepala Bidang returns; TW IV: a
realisasi left empty, refused by the bot), one APBD Perubahan between TW II and TW III (from
``config/demo/indikator-perubahan.csv``), one Plh, the year closed at TW IV with the ``Tahunan``
tab, and the next year's TW I opened by the calendar with new workbooks from that year's list.
"""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bot import texts
from bot.demo.actors import TITLE_TIDAK_VALID, Person, ScenarioError
from bot.demo.filling import Entry, Kolom, load_isian, set_status, type_cells
from bot.demo.paths import DEMO_DIR, ISIAN_DEMO
from bot.demo.provision import BOT_EMAIL
from bot.demo.report import fmt_time, text_table, write_riwayat
from bot.demo.run import DemoError, DemoRun
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BidangState, DinasState
from bot.workflow.notifications import Kind
from bot.workflow.people import Actor
from sheets import layout
from sheets.formatting import format_persen
from sheets.google.drive import PROP_JENIS, PROP_TAHUN

__all__ = [
    "DEMO_PERUBAHAN",
    "TAHUNAN_TABLE_HEADER",
    "YearEvent",
    "YearRun",
    "format_tahunan",
    "year_masters",
]

DEMO_PERUBAHAN = DEMO_DIR / "indikator-perubahan.csv"
"""The APBD Perubahan list of the demo year: one target lowered (PTK, pencari kerja ditempatkan)."""
REMINDER_KINDS = frozenset({Kind.DEADLINE_REMINDER, Kind.MUTU_BAKU_REMINDER, Kind.MUTU_BAKU_ESCALATION})
TAHUNAN_TABLE_HEADER = (
    "Bidang",
    "Indikator dinilai",
    "Capaian tahunan",
    "Predikat",
    "Serapan anggaran",
    "TW I",
    "TW II",
    "TW III",
    "TW IV",
)

FAST_PATH_NOTE = (
    "\nTriwulan II sampai IV dan Triwulan I tahun berikutnya (jalur cepat): staf tetap mengisi lembar kerja "
    "masing-masing dan Kinerja Bot tetap membaca, memeriksa, serta mengirim pemberitahuan melalui Telegram; "
    "keputusan para pejabat dijalankan langsung pada layanan atas nama masing-masing, tanpa menekan tombol.\n"
)

# The slips of TW II-IV (TW I's are the quarter demo's own).
LATE_BIDANG = "LAT"
"""TW II: this bidang submits only after the deadline, once the bot has reminded it."""
PLH_BIDANG, PLH_FROM = "HIJ", "LAT"
"""TW III: the Kepala Bidang of PLH_BIDANG is away; the Kepala Bidang of PLH_FROM acts as Plh."""
RETURNED_INDIKATOR = "Persentase pekerja formal yang terdaftar BPJS Ketenagakerjaan"
RETURNED_TYPED = "6,38"
RETURN_REASON = (
    "Persentase pekerja formal terdaftar BPJS Ketenagakerjaan tertulis 6,38%; mohon diperiksa kembali "
    "dengan data BPJS Ketenagakerjaan triwulan ini."
)
EMPTY_BIDANG = "SEK"
EMPTY_INDIKATOR = "Jumlah laporan keuangan SKPD yang disusun"
"""TW IV: the Sekretariat's staff leaves this realisasi empty; the bot refuses the submission."""


@dataclass(frozen=True)
class YearEvent:
    """One line of the year's log (TW II onwards): when, which TW, who, what."""

    waktu: datetime
    triwulan: str
    pelaku: str
    peristiwa: str


def year_masters(workdir: Path, tahun: int, master: Path) -> Path:
    """One master list per year (``{tahun}.csv``: this year and the next, the same list) in ``workdir``."""
    folder = workdir / "induk"
    folder.mkdir(parents=True, exist_ok=True)
    for year in (tahun, tahun + 1):
        shutil.copyfile(master, folder / f"{year}.csv")
    return folder / "{tahun}.csv"


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def format_tahunan(rows: Sequence[dict[str, Any]]) -> str:
    """The Tahunan tab's table per bidang and for the dinas, as a text table."""
    body = []
    for row in rows:
        label = f"{row.get('bidang') or row.get('kode_bidang')}"
        if row.get("kode_bidang"):
            label += f" ({row['kode_bidang']})"
        body.append(
            [
                label,
                f"{row.get('indikator_dinilai', '-')}/{row.get('jumlah_indikator', '-')}",
                format_persen(_number(row.get("rata_rata_capaian"))),
                str(row.get("predikat") or "-"),
                format_persen(_number(row.get("serapan"))),
                *(format_persen(_number(row.get(f"capaian_tw{tw}"))) for tw in (1, 2, 3, 4)),
            ]
        )
    return text_table(TAHUNAN_TABLE_HEADER, body)


class YearRun(DemoRun):
    """The quarter demo for TW I, then TW II-IV, the year's close and the next year's TW I."""

    def __init__(self, *args: Any, perubahan: Path = DEMO_PERUBAHAN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.perubahan = perubahan
        self.isian: dict[str, tuple[Entry, ...]] = load_isian(ISIAN_DEMO)
        self.events: list[YearEvent] = []
        self.tahunan: list[dict[str, Any]] = []
        self.periods: list[int] = []
        self.next_year_period: int | None = None
        self._tw_label = ""

    # --- the year's log -------------------------------------------------------------------------

    def log(self, pelaku: str, peristiwa: str) -> None:
        """One line of the year's log, printed as it happens."""
        event = YearEvent(self.clock(), self._tw_label, pelaku, peristiwa)
        self.events.append(event)
        self.write(f"      {self.when(event.waktu)}  {event.triwulan}  {pelaku}: {peristiwa}\n")
        if self.pace:
            time.sleep(self.pace)

    def when(self, moment: datetime) -> str:
        """``Kam 02-07-2026 09.00``: the year too, since the log spans two years."""
        short = fmt_time(moment, self.tz)
        return f"{short[:9]}-{moment.astimezone(self.tz).year}{short[9:]}"

    # --- time and people --------------------------------------------------------------------------

    def move_to(self, moment: datetime) -> None:
        """The office clock (and Google's) to ``moment``; the bot does what is due by then."""
        self.drain()
        earlier = self.clock()
        self.clock.set(moment)
        self.sandbox_time.let_pass(max((self.clock() - earlier).total_seconds(), 0.0))
        self.sweep()
        self.poll()
        self.drain()

    def at(self, opening: datetime, hari_kerja: int, jam: str) -> datetime:
        """``jam`` (HH:MM) on the n-th working day after the day ``opening`` falls on."""
        day = self.calendar.add_working_days_to_date(opening.date(), hari_kerja)
        hour, minute = (int(part) for part in jam.split(":"))
        return datetime.combine(day, clock_time(hour, minute), tzinfo=self.tz)

    def actor(self, person: Person) -> Actor:
        """The person as the bot knows them (as a button press would identify them)."""
        actor: Actor | None = self._service().directory.actor_for_telegram(person.telegram_id)
        if actor is None:
            raise DemoError(f"{person.label} belum terdaftar di Kinerja Bot.")
        return actor

    def _state(self, period_id: int, kode: str) -> BidangState:
        view = self._service().period_view(period_id)
        state: BidangState = next(r.state for r in view.reports if r.bidang == kode)
        return state

    def wait_state(self, period_id: int, kode: str, state: BidangState) -> None:
        """Until the bidang's report is in ``state`` (the bot polls Drive meanwhile)."""
        assert self.office is not None
        self.office.wait(lambda: self._state(period_id, kode) is state, f"laporan {kode} berstatus {state.value}")

    def wait_dinas(self, period_id: int, state: DinasState) -> None:
        """Until the dinas report is in ``state``."""
        assert self.office is not None
        self.office.wait(
            lambda: self._service().period_view(period_id).state is state, f"laporan dinas berstatus {state.value}"
        )

    def fill(self, kode: str, tw: int, changed: dict[str, str] | None = None, *, submit: bool = True) -> None:
        """The bidang's staff types TW ``tw`` (realisasi, realisasi anggaran) into their workbook."""
        assert self.office is not None
        changed = changed or {}
        cells: list[tuple[str, Kolom, str]] = []
        for entry in self.isian[kode]:
            cells.append((entry.indikator, "realisasi", changed.get(entry.indikator, entry.realisasi)))
            if entry.anggaran:
                cells.append((entry.indikator, "anggaran", entry.anggaran))
        book = self.office.open_workbook(self.cast.staf[kode])
        type_cells(book.worksheet(layout.TAB_REALISASI), tw, cells)
        if submit:
            set_status(book, tw)

    def correct(self, kode: str, tw: int, indikator: str) -> None:
        """The staff types the isian's value of one indicator and sets Siap Dikoreksi again."""
        assert self.office is not None
        entry = next(e for e in self.isian[kode] if e.indikator == indikator)
        book = self.office.open_workbook(self.cast.staf[kode])
        type_cells(book.worksheet(layout.TAB_REALISASI), tw, [(indikator, "realisasi", entry.realisasi)])
        set_status(book, tw)

    # --- the year ---------------------------------------------------------------------------------

    def _play(self) -> dict[str, Path]:
        files = super()._play()  # TW I through the chat, and its outputs
        self.write(FAST_PATH_NOTE)
        try:
            for tw in (2, 3, 4):
                if tw == 3:
                    self.revise()
                self.quarter(tw)
            self.next_year()
        except (ScenarioError, ActionRefused) as err:
            raise DemoError(f"Demo setahun berhenti pada {self._tw_label}: {err}") from err
        files.update(self.year_outputs())
        return files

    def quarter(self, tw: int) -> None:
        """TW ``tw`` from its opening by the calendar to its close, with its one slip."""
        service = self._service()
        cast = self.cast
        self._tw_label = f"TW {layout.TW_LABELS[tw].split()[-1]}"
        opening = self.calendar.period_open_at(self.tahun, tw)
        self.move_to(opening)
        period_id = service.period_id_for(self.tahun, tw)
        if period_id is None:
            raise DemoError(f"{texts.periode(tw, self.tahun)} tidak dibuka oleh jadwal.")
        self.periods.append(period_id)
        self.log("Kinerja Bot", f"membuka {texts.periode(tw, self.tahun)} sesuai kalender")
        self.move_to(opening + timedelta(minutes=20))
        service.approve_distribution(self.actor(cast.sekretaris), period_id)
        self.log(cast.sekretaris.label, "menyetujui pembagian format")
        self.move_to(opening + timedelta(minutes=40))
        for number, kode in enumerate(cast.kodes):
            if tw == 2 and kode == LATE_BIDANG:
                continue  # submits after the deadline, below
            self.move_to(self.at(opening, 1, f"{9 + 2 * number:02d}:00"))
            self.bidang(tw, period_id, kode)
        if tw == 2:
            self.late(period_id, LATE_BIDANG)
        self.dinas(tw, period_id)

    def bidang(self, tw: int, period_id: int, kode: str) -> None:
        """One bidang's TW: filled, submitted, corrected by its Kepala Bidang (or the Plh)."""
        assert self.office is not None
        service = self._service()
        staf, kepala = self.cast.staf[kode], self.cast.kepala[kode]
        if tw == 4 and kode == EMPTY_BIDANG:
            mark = self.office.last_id(staf)
            self.fill(kode, tw, {EMPTY_INDIKATOR: ""})
            self.office.wait_message(staf, TITLE_TIDAK_VALID, after=mark)
            self.log(staf.label, f'mengosongkan realisasi "{EMPTY_INDIKATOR}"; Kinerja Bot menolak pengajuan')
            self.move_to(self.clock() + timedelta(minutes=25))
            self.correct(kode, tw, EMPTY_INDIKATOR)
            self.wait_state(period_id, kode, BidangState.SUBMITTED)
            self.log(staf.label, "melengkapi realisasi lalu memilih Siap Dikoreksi lagi")
        elif tw == 3 and kode == PLH_BIDANG:
            self.fill(kode, tw, {RETURNED_INDIKATOR: RETURNED_TYPED})
            self.wait_state(period_id, kode, BidangState.SUBMITTED)
            self.log(staf.label, "mengisi lembar lalu memilih Siap Dikoreksi")
            plh = self.actor(self.cast.kepala[PLH_FROM])
            self.move_to(self.clock() + timedelta(minutes=15))
            service.return_koreksi(plh, period_id, kode, RETURN_REASON)
            self.log(
                f"{self.cast.kepala[PLH_FROM].label} sebagai Plh", f"mengembalikan laporan {kode}: {RETURN_REASON}"
            )
            self.move_to(self.clock() + timedelta(minutes=40))
            self.correct(kode, tw, RETURNED_INDIKATOR)
            self.wait_state(period_id, kode, BidangState.SUBMITTED)
            self.log(staf.label, "memperbaiki realisasi lalu memilih Siap Dikoreksi lagi")
            self.move_to(self.clock() + timedelta(minutes=10))
            service.approve_koreksi(plh, period_id, kode)
            self.log(f"{self.cast.kepala[PLH_FROM].label} sebagai Plh", f"menyetujui laporan {kode}")
            return
        else:
            self.fill(kode, tw)
            self.wait_state(period_id, kode, BidangState.SUBMITTED)
            self.log(staf.label, "mengisi lembar lalu memilih Siap Dikoreksi")
        self.move_to(self.clock() + timedelta(minutes=10))
        service.approve_koreksi(self.actor(kepala), period_id, kode)
        self.log(kepala.label, f"menyetujui laporan {kode}")

    def late(self, period_id: int, kode: str) -> None:
        """The bidang misses the deadline; the bot reminds it; it submits the next morning."""
        service = self._service()
        deadline = service.period_view(period_id).deadline
        if deadline is None:
            raise DemoError("Periode tidak memiliki batas waktu pengisian.")
        local = deadline.astimezone(self.tz)
        reminder = datetime.combine(local.date(), self.settings.jadwal.jam_pengingat, tzinfo=self.tz)
        self.move_to(max(reminder, self.clock() + timedelta(minutes=1)))
        self.move_to(self.at(local, 1, "08:30"))
        nama = {self.cast.staf[kode].nama, self.cast.kepala[kode].nama}
        with self._store().transaction() as tx:
            reminders = [
                row for row in tx.outbox_rows(period_id) if row.kind in REMINDER_KINDS and row.recipient_nama in nama
            ]
        self.log(
            "Kinerja Bot",
            f"batas pengisian {self.when(deadline)} terlewati; {len(reminders)} pengingat terkirim "
            f"kepada {self.cast.bidang_nama[kode]}",
        )
        self.move_to(self.at(local, 1, "09:30"))
        self.bidang(2, period_id, kode)

    def dinas(self, tw: int, period_id: int) -> None:
        """The dinas report: Kasubbag, Sekretaris, Kepala Dinas, rekomendasi, tindak lanjut, close."""
        service = self._service()
        cast = self.cast
        self.wait_dinas(period_id, DinasState.ANALYSIS)
        self.log("Kinerja Bot", "menyusun draf rekap dinas")
        steps: list[tuple[Person, str, Callable[[], None]]] = [
            (
                cast.kasubbag,
                "mengirim laporan kinerja dinas kepada Sekretaris",
                lambda: service.submit_to_sekretaris(self.actor(cast.kasubbag), period_id),
            ),
            (
                cast.sekretaris,
                "meneruskan laporan kepada Kepala Dinas",
                lambda: service.forward_to_kepala_dinas(self.actor(cast.sekretaris), period_id),
            ),
            (
                cast.kepala_dinas,
                "menyetujui laporan kinerja dinas",
                lambda: service.approve_by_kepala_dinas(self.actor(cast.kepala_dinas), period_id),
            ),
            (
                cast.kepala_dinas,
                "memberikan rekomendasi",
                lambda: service.give_rekomendasi(
                    self.actor(cast.kepala_dinas),
                    period_id,
                    f"Pertahankan capaian {texts.periode(tw, self.tahun)} dan percepat serapan anggaran.",
                ),
            ),
        ]
        for person, what, act in steps:
            self.move_to(self.clock() + timedelta(minutes=20))
            act()
            self.log(person.label, what)
        for kode in cast.kodes:
            kepala = cast.kepala[kode]
            self.move_to(self.clock() + timedelta(minutes=5))
            service.record_tindak_lanjut(self.actor(kepala), period_id, kode, "Rekomendasi telah ditindaklanjuti.")
            self.log(kepala.label, f"mencatat tindak lanjut {kode}")
        self.wait_dinas(period_id, DinasState.CLOSED)
        self.log("Kinerja Bot", f"menutup dan mengarsipkan {texts.periode(tw, self.tahun)}")

    def revise(self) -> None:
        """APBD Perubahan between TW II and TW III, by the Kasubbag; the Plh named for TW III."""
        service = self._service()
        cast = self.cast
        self._tw_label = "APBD-P"
        berlaku = date(self.tahun, 9, 15)
        self.move_to(datetime.combine(berlaku, clock_time(9, 0), tzinfo=self.tz))
        kasubbag = self.actor(cast.kasubbag)
        master = service.core.masters.read_csv(self.tahun, self.perubahan)
        draft = service.prepare_revision(kasubbag, berlaku, master, self.tahun)
        self.move_to(self.clock() + timedelta(minutes=10))
        service.apply_revision(kasubbag, draft.id)
        self.log(cast.kasubbag.label, f"menerapkan daftar induk APBD Perubahan yang berlaku {berlaku:%d-%m-%Y}")
        # The Plh: the Kepala Bidang of PLH_BIDANG is away for TW III's input window.
        self._tw_label = "TW III"
        opening = self.calendar.period_open_at(self.tahun, 3)
        mulai, selesai = opening.date(), self.calendar.add_working_days_to_date(opening.date(), 6)
        holder, acting = cast.kepala[PLH_BIDANG], cast.kepala[PLH_FROM]
        self.move_to(self.clock() + timedelta(days=10))
        view = service.name_plh(self.actor(holder), acting.nama, mulai, selesai)
        self.log(holder.label, f"menunjuk {acting.nama} sebagai Plh {mulai:%d-%m-%Y} s.d. {selesai:%d-%m-%Y}")
        self.move_to(self.clock() + timedelta(minutes=30))
        service.accept_plh(self.actor(acting), view.id)
        self.log(acting.label, "menerima penunjukan sebagai Plh")

    def next_year(self) -> None:
        """The next year's TW I, opened by the calendar from that year's list (distribution approved)."""
        service = self._service()
        tahun = self.tahun + 1
        self._tw_label = f"{tahun} TW I"
        opening = self.calendar.period_open_at(tahun, 1)
        self.move_to(opening)
        period_id = service.period_id_for(tahun, 1)
        if period_id is None:
            raise DemoError(f"{texts.periode(1, tahun)} tidak dibuka oleh jadwal.")
        self.log("Kinerja Bot", f"membuka {texts.periode(1, tahun)} sesuai kalender")
        self.move_to(opening + timedelta(minutes=20))
        service.approve_distribution(self.actor(self.cast.sekretaris), period_id)
        self.move_to(opening + timedelta(minutes=40))
        assert self.office is not None
        self.office.wait(
            lambda: self._service().period_view(period_id).state is DinasState.COLLECTING,
            f"pembagian format {texts.periode(1, tahun)}",
        )
        self.log(self.cast.sekretaris.label, f"menyetujui pembagian format {texts.periode(1, tahun)}")
        self.next_year_period = period_id

    # --- the year's outputs -------------------------------------------------------------------------

    def _store(self) -> Any:
        assert self.bot is not None
        return self.bot.store

    def _rekap_id(self) -> str:
        for file in self.control.files():
            props = file.get("appProperties") or {}
            if props.get(PROP_JENIS) == "rekap" and props.get(PROP_TAHUN) == str(self.tahun):
                return str(file["id"])
        raise DemoError(f"Lembar kerja rekap dinas {self.tahun} tidak ditemukan di Drive.")

    def year_outputs(self) -> dict[str, Path]:
        """The Tahunan tab (xlsx of the dinas workbook, CSV), TW IV's report, the year's riwayat and log."""
        tahun = self.tahun
        files = {
            "rekap_tahunan_xlsx": self.out / f"rekap-{tahun}-TW4.xlsx",
            "tahunan_csv": self.out / f"tahunan-{tahun}.csv",
            "laporan_tw4": self.out / f"laporan-{tahun}-TW4.pdf",
            "riwayat_tahunan": self.out / f"riwayat-{tahun}.csv",
            "lini_masa_tahunan": self.out / f"lini-masa-{tahun}.md",
        }
        closing = self._closing_message()  # the latest one: TW IV's
        files["rekap_tahunan_xlsx"].write_bytes(self._export_rekap(closing))
        files["laporan_tw4"].write_bytes(self._archived_pdf(closing))
        grid = self.control.gspread_as(BOT_EMAIL).open_by_key(self._rekap_id()).worksheet(layout.TAB_TAHUNAN)
        values = grid.get(value_render_option="UNFORMATTED_VALUE")
        with files["tahunan_csv"].open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(values)
        self.tahunan = _bidang_rows(values)
        with self._store().transaction() as tx:
            audit = tx.audit_rows()  # every period's, and the revision's
        write_riwayat(files["riwayat_tahunan"], audit, self.tz)
        files["lini_masa_tahunan"].write_text(self._year_log(), encoding="utf-8")
        return files

    def _year_log(self) -> str:
        lines = [
            f"# Lini masa {self.settings.dinas.nama} {self.tahun} (Triwulan II sampai IV dan tahun berikutnya)",
            "",
            "Triwulan I dijalankan penuh melalui percakapan Telegram (lihat transkrip.md). Sesudahnya staf tetap "
            "mengisi lembar kerja masing-masing dan Kinerja Bot tetap membaca, memeriksa, dan mengirim "
            "pemberitahuan melalui Telegram; keputusan para pejabat dijalankan langsung pada layanan atas nama "
            "masing-masing, tanpa menekan tombol di percakapan.",
            "",
            "| Waktu | Triwulan | Pelaku | Peristiwa |",
            "| --- | --- | --- | --- |",
        ]
        for event in self.events:
            lines.append(f"| {self.when(event.waktu)} | {event.triwulan} | {event.pelaku} | {event.peristiwa} |")
        return "\n".join(lines) + "\n"


def _bidang_rows(values: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """The Tahunan tab's table per bidang (and the dinas row), up to its first empty row."""
    names = [name for name, _ in layout.TAHUNAN_BIDANG_COLUMNS]
    rows = []
    for row in values[1:]:
        if not row or not any(cell not in ("", None) for cell in row):
            break
        rows.append({name: row[i] if i < len(row) else None for i, name in enumerate(names) if name})
    return rows
