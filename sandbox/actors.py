"""Simulated people of SOP P-SEK-KP-09, acting on a sandbox the way real people act on Google and Telegram.

People act ONLY through what a person has: the sandbox's Telegram control API (send a message,
press an inline button by its label, reply to the bot's ForceReply prompt) and real gspread with
their own sandbox Google account (open the link the bot sent, type values, pick "Siap Dikoreksi").
Nothing here touches the service, its store or its process, so the same steps run against a bot in
the same process (``python -m bot demo``) or in a subprocess that a test kills and restarts.

A scenario is an ordered list of :class:`Step`: the SOP step it belongs to, who acts, what they
do (``act``) and the condition that shows the bot has reacted (``until``, waited for with a
generous timeout, never a fixed sleep). :class:`Scenario` runs them in order with optional hooks
before and after each step (advance a simulated clock, print progress, kill and restart the
service, inject faults). :func:`quarter_steps` builds one full quarter of the SOP.

Typical use::

    control = SandboxControl(base_url)
    cast = Cast.from_settings(settings)
    office = Office(control, cast)
    script = demo_script(settings.tahun, load_isian(ISIAN_DEMO))
    results = Scenario(office, quarter_steps(cast, script)).run(before=..., after=...)

Against a service in another process (``python -m bot run`` with the provisioned settings written
to a file), the same steps run unchanged: leave ``Office(nudge=...)`` unset (the service polls on
its own interval; the waits are long enough), kill and restart it in the ``before`` hook, and
ignore :attr:`Step.when` (it only matters on a simulated clock). On a real clock the scheduler
opens the latest due TW of ``settings.tahun`` at start: build the script for that TW
(``demo_script(tahun, isian, tw=n)``) or pass ``quarter_steps(..., open_period=...)`` to open the
period another way (e.g. a CLI call).
"""

from __future__ import annotations

import csv
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import gspread
import requests

from bot import texts
from config.settings import Orang, Settings
from sandbox.provision import SandboxControl
from sheets import layout

logger = logging.getLogger(__name__)

__all__ = [
    "ISIAN_DEMO",
    "Action",
    "Cast",
    "Correction",
    "Entry",
    "Office",
    "OfficeTime",
    "Person",
    "QuarterScript",
    "Scenario",
    "ScenarioError",
    "Step",
    "StepContext",
    "StepFailed",
    "StepResult",
    "WaitTimeout",
    "demo_script",
    "load_isian",
    "quarter_steps",
]

ISIAN_DEMO = Path(__file__).resolve().parents[1] / "config" / "demo" / "isian-tw1.csv"
"""What the demo's staff type into their sheets for TW I (values written the way people write them)."""

DEFAULT_TIMEOUT = 60.0
_SPREADSHEET_URL = re.compile(r"https?://\S*/spreadsheets/d/[A-Za-z0-9_-]+\S*")
PROMPT_CUE = "membalas pesan ini"  # every ForceReply prompt of the bot asks for a reply with these words

# What people recognise the bot's messages by (their title lines).
TITLE_DISTRIBUSI = "Permohonan persetujuan pembagian format"
TITLE_DIBUKA = "Pengisian laporan kinerja dibuka"
TITLE_DIBAGIKAN = "Format laporan kinerja telah dibagikan"
TITLE_TIDAK_VALID = "Laporan belum dapat diajukan"
TITLE_KOREKSI = "Permohonan koreksi laporan kinerja"
TITLE_DIKEMBALIKAN = "Laporan dikembalikan untuk diperbaiki"
TITLE_DISETUJUI = "Laporan disetujui"
TITLE_DRAF = "Draf rekap laporan kinerja dinas"
TITLE_TELAAH = "Permohonan telaah laporan kinerja dinas"
TITLE_DINAS_DIKEMBALIKAN = "Laporan kinerja dinas dikembalikan"
TITLE_REKOMENDASI = "Permohonan rekomendasi Kepala Dinas"
TITLE_REKOMENDASI_DITERUSKAN = "Rekomendasi Kepala Dinas telah diteruskan"
TITLE_TINDAK_LANJUT = "Rekomendasi Kepala Dinas untuk ditindaklanjuti"
TITLE_TL_DICATAT = "Tindak lanjut dicatat"
TITLE_DITUTUP = "Periode pelaporan kinerja ditutup"
CHART_CAPTION = "Capaian per bidang"


# ==========================================================================================
# errors
# ==========================================================================================


class ScenarioError(Exception):
    """Base class of everything that stops a scenario."""


class WaitTimeout(ScenarioError):
    """A condition was not reached in time; ``what`` says (in Indonesian) what was awaited."""

    def __init__(self, what: str, timeout: float) -> None:
        self.what = what
        self.timeout = timeout
        super().__init__(f"tidak terjadi dalam {timeout:.0f} detik: {what}")


class StepFailed(ScenarioError):
    """A step's action or its awaited condition failed; ``step`` is the step, the cause is chained."""

    def __init__(self, index: int, step: Step, reason: str) -> None:
        self.index = index
        self.step = step
        self.reason = reason
        super().__init__(f"langkah skenario {index + 1} ({step.key}, SOP langkah {step.sop_step}) gagal: {reason}")


# ==========================================================================================
# the people
# ==========================================================================================


@dataclass(frozen=True)
class Person:
    """One simulated person: who they are, their Telegram user id and their Google account."""

    key: str
    nama: str
    peran: str
    telegram_id: int
    email: str | None = None
    bidang: str | None = None

    @property
    def label(self) -> str:
        """``Peran (Nama)`` as the timeline shows an actor."""
        return f"{self.peran} ({self.nama})"


def _person(key: str, orang: Orang | None, peran: str, bidang: str | None = None) -> Person:
    if orang is None or orang.telegram_id is None:
        raise ScenarioError(f"{peran}: telegram_id belum diisi di pengaturan; skenario membutuhkannya")
    return Person(key, orang.nama, peran, orang.telegram_id, str(orang.email) if orang.email else None, bidang)


@dataclass(frozen=True)
class Cast:
    """Everyone of the settings who acts in a scenario.

    ``kepala[kode]`` is whoever corrects that bidang's report (SOP step 3) and records its tindak
    lanjut (step 9): its Kepala Bidang, or the Sekretaris for a bidang without one.
    ``staf[kode]`` is the first staff member of the bidang (who fills the sheet).
    """

    kepala_dinas: Person
    sekretaris: Person
    kasubbag: Person
    kepala: Mapping[str, Person]
    staf: Mapping[str, Person]
    kodes: tuple[str, ...]
    bidang_nama: Mapping[str, str]
    """Kode -> the bidang's name, as the bot writes it on its messages (``Bidang: ...``)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Cast:
        """The cast of ``settings`` (every acting person needs a telegram_id, staff a Google email)."""
        pejabat = settings.pejabat
        sekretaris = _person("sekretaris", pejabat.sekretaris, "Sekretaris")
        kepala: dict[str, Person] = {}
        staf: dict[str, Person] = {}
        for bidang in settings.bidang:
            if bidang.kepala is None:
                kepala[bidang.kode] = sekretaris
            else:
                kepala[bidang.kode] = _person(
                    f"kepala:{bidang.kode}", bidang.kepala, f"Kepala Bidang {bidang.kode}", bidang.kode
                )
            if not bidang.staf:
                raise ScenarioError(f"bidang {bidang.kode}: belum ada staf di pengaturan; skenario membutuhkannya")
            person = _person(f"staf:{bidang.kode}", bidang.staf[0], f"Staf {bidang.kode}", bidang.kode)
            if person.email is None:
                raise ScenarioError(f"staf {bidang.kode} ({person.nama}): email Google belum diisi di pengaturan")
            staf[bidang.kode] = person
        return cls(
            kepala_dinas=_person("kepala_dinas", pejabat.kepala_dinas, "Kepala Dinas"),
            sekretaris=sekretaris,
            kasubbag=_person("kasubbag", pejabat.kasubbag_kpep, "Kasubbag KPEP"),
            kepala=kepala,
            staf=staf,
            kodes=tuple(b.kode for b in settings.bidang),
            bidang_nama={b.kode: b.nama for b in settings.bidang},
        )

    def everyone(self) -> tuple[Person, ...]:
        """Every person once (the Sekretaris, who also corrects the Sekretariat, only once)."""
        seen: dict[int, Person] = {}
        for person in (self.kepala_dinas, self.sekretaris, self.kasubbag, *self.kepala.values(), *self.staf.values()):
            seen.setdefault(person.telegram_id, person)
        return tuple(seen.values())


# ==========================================================================================
# the people's side of the sandbox
# ==========================================================================================


@dataclass(frozen=True)
class Action:
    """Something a person did that is not a chat message, for the transcript: a press or sheet edits.

    ``after_id`` is the latest message id of the person's chat when they acted (the action comes
    after that message); ``at`` is the office's stamp (see ``Office(stamp=...)``).
    """

    person: Person
    kind: Literal["tekan", "sheet"]
    after_id: int
    at: Any
    message_id: int | None = None
    label: str | None = None
    buttons: tuple[str, ...] = ()
    text: str | None = None


def message_text(message: Mapping[str, Any]) -> str:
    """A message's text, or its caption for a photo or document."""
    return str(message.get("text") or message.get("caption") or "")


def button_labels(message: Mapping[str, Any]) -> list[str]:
    """The labels of a message's inline buttons, row by row."""
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [str(button.get("text")) for row in keyboard for button in row]


class Office:
    """What the simulated people can do: Telegram through the control API, Sheets through gspread.

    ``nudge`` (optional) is called at most every ``nudge_every`` seconds while a condition is
    awaited; a runner that compresses time uses it to let the service poll the sheets at once.
    """

    def __init__(
        self,
        control: SandboxControl,
        cast: Cast,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        interval: float = 0.03,
        nudge: Callable[[], None] | None = None,
        nudge_every: float = 0.2,
        stamp: Callable[[], Any] = time.time,
    ) -> None:
        self.control = control
        self.cast = cast
        self.timeout = timeout
        self.interval = interval
        self.nudge = nudge
        self.nudge_every = nudge_every
        self.stamp = stamp
        self.actions: list[Action] = []
        self._cancelled = threading.Event()
        self._http = requests.Session()
        self._gspread: dict[str, gspread.Client] = {}
        self._lock = threading.Lock()

    # --- Telegram: reading ------------------------------------------------------------------

    def _get(self, path: str, **params: Any) -> Any:
        response = self._http.get(f"{self.control.base}/_sandbox/{path}", params=params, timeout=self.control.timeout)
        response.raise_for_status()
        return response.json()

    def _post(self, path: str, body: Mapping[str, Any]) -> Any:
        response = self._http.post(
            f"{self.control.base}/_sandbox/{path}", json=dict(body), timeout=self.control.timeout
        )
        if response.status_code >= 400:
            raise ScenarioError(f"kontrol sandbox {path} menolak: {response.status_code} {response.text}")
        return response.json()

    def chat(self, person: Person, *, include_user: bool = False) -> list[dict[str, Any]]:
        """Every message of the person's chat with the bot, oldest first (the person's own too if asked)."""
        params = {"include_user": 1} if include_user else {}
        return list(self._get(f"telegram/chats/{person.telegram_id}/messages", **params)["messages"])

    def last_id(self, person: Person) -> int:
        """The id of the latest bot message in the person's chat (0 when none)."""
        messages = self.chat(person)
        return int(messages[-1]["message_id"]) if messages else 0

    def marks(self, people: Iterable[Person] | None = None) -> dict[int, int]:
        """Telegram user id -> latest bot message id, for everyone (a watermark taken before acting)."""
        return {p.telegram_id: self.last_id(p) for p in (people or self.cast.everyone())}

    def find(
        self,
        person: Person,
        contains: str | Sequence[str],
        *,
        after: int = 0,
        button: str | None = None,
        photo: bool = False,
        last: bool = False,
    ) -> dict[str, Any] | None:
        """The first (or ``last``) bot message with id > ``after`` holding every text of ``contains``."""
        wanted = [contains] if isinstance(contains, str) else list(contains)
        found = None
        for message in self.chat(person):
            if int(message["message_id"]) <= after or message.get("deleted"):
                continue
            body = message_text(message)
            if not all(part in body for part in wanted):
                continue
            if button is not None and button not in button_labels(message):
                continue
            if photo and not message.get("photo"):
                continue
            found = message
            if not last:
                break
        return found

    # --- waiting ----------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop: every wait in progress or to come raises :class:`ScenarioError` (e.g. on Ctrl-C)."""
        self._cancelled.set()

    def wait(self, check: Callable[[], Any], what: str, timeout: float | None = None) -> Any:
        """``check()`` until it returns something truthy; :class:`WaitTimeout` after ``timeout``."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        next_nudge = 0.0
        while True:
            if self._cancelled.is_set():
                raise ScenarioError(f"dihentikan saat menunggu: {what}")
            result = check()
            if result:
                return result
            now = time.monotonic()
            if now > deadline:
                raise WaitTimeout(what, limit)
            if self.nudge is not None and now >= next_nudge:
                self.nudge()
                next_nudge = time.monotonic() + self.nudge_every
            time.sleep(self.interval)

    def wait_message(
        self,
        person: Person,
        contains: str | Sequence[str],
        *,
        after: int = 0,
        button: str | None = None,
        photo: bool = False,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """The first bot message after ``after`` holding ``contains`` (waited for)."""
        wanted = contains if isinstance(contains, str) else " + ".join(contains)
        return self.wait(
            lambda: self.find(person, contains, after=after, button=button, photo=photo),
            f"pesan bot kepada {person.label} berisi {wanted!r}",
            timeout,
        )

    def wait_edit(self, person: Person, message_id: int, contains: str, timeout: float | None = None) -> dict[str, Any]:
        """Message ``message_id`` once an edit has put ``contains`` into it."""

        def edited() -> dict[str, Any] | None:
            for message in self.chat(person):
                if int(message["message_id"]) == message_id and contains in message_text(message):
                    return message
            return None

        return self.wait(edited, f"pesan {message_id} {person.label} diperbarui berisi {contains!r}", timeout)

    # --- Telegram: acting -------------------------------------------------------------------

    def _chat_last_id(self, person: Person) -> int:
        messages = self.chat(person, include_user=True)
        return int(messages[-1]["message_id"]) if messages else 0

    def record(self, person: Person, kind: Literal["tekan", "sheet"], **details: Any) -> None:
        """Log an action of ``person`` for the transcript."""
        action = Action(person, kind, self._chat_last_id(person), self.stamp(), **details)
        with self._lock:
            self.actions.append(action)

    def send(self, person: Person, text: str, *, reply_to: int | None = None) -> int:
        """The person sends the bot ``text`` (optionally as a reply); returns the message id."""
        body: dict[str, Any] = {"user_id": person.telegram_id, "text": text}
        if reply_to is not None:
            body["reply_to_message_id"] = reply_to
        return int(self._post("telegram/send", body)["message_id"])

    def press(self, person: Person, message: Mapping[str, Any], label: str) -> str:
        """The person presses the inline button labelled ``label``; returns the callback query id."""
        if label not in button_labels(message):
            raise ScenarioError(
                f"{person.label}: tombol {label!r} tidak ada pada pesan {message['message_id']} "
                f"(ada: {button_labels(message)})"
            )
        self.record(
            person, "tekan", message_id=int(message["message_id"]), label=label, buttons=tuple(button_labels(message))
        )
        body = {"user_id": person.telegram_id, "message_id": int(message["message_id"]), "text": label}
        return str(self._post("telegram/press", body)["callback_query_id"])

    def callback(self, callback_query_id: str) -> dict[str, Any]:
        """How the bot answered a press (``answered`` False until it has)."""
        return dict(self._get(f"telegram/callbacks/{callback_query_id}"))

    def prompt(self, person: Person, *, after: int) -> dict[str, Any]:
        """The ForceReply prompt the bot sent the person after message ``after`` (waited for)."""

        def found() -> dict[str, Any] | None:
            message = self.find(person, PROMPT_CUE, after=after, last=True)
            if message is not None and (message.get("reply_markup") or {}).get("force_reply"):
                return message
            return None

        return self.wait(found, f"permintaan balasan (ForceReply) kepada {person.label}")

    def reply_to_prompt(self, person: Person, text: str, *, after: int) -> int:
        """The person answers the latest ForceReply prompt sent after ``after``; returns their message id."""
        prompt = self.prompt(person, after=after)
        return self.send(person, text, reply_to=int(prompt["message_id"]))

    # --- Google Sheets ----------------------------------------------------------------------

    def gspread(self, person: Person) -> gspread.Client:
        """A real gspread client acting with the person's own sandbox Google account."""
        if person.email is None:
            raise ScenarioError(f"{person.label} tidak punya akun Google di pengaturan")
        with self._lock:
            client = self._gspread.get(person.email)
            if client is None:
                client = self.control.gspread_as(person.email)
                self._gspread[person.email] = client
            return client

    def workbook_link(self, person: Person) -> str:
        """The workbook link the bot sent the person (the latest message holding a spreadsheet link)."""
        for message in reversed(self.chat(person)):
            match = _SPREADSHEET_URL.search(message_text(message))
            if match:
                return match.group(0)
        raise ScenarioError(f"{person.label} belum menerima tautan workbook dari bot")

    def open_workbook(self, person: Person) -> gspread.Spreadsheet:
        """The person opens the link the bot sent them."""
        return self.gspread(person).open_by_url(self.workbook_link(person))


# ==========================================================================================
# filling a bidang sheet, as a person does in the browser
# ==========================================================================================

Kolom = Literal["realisasi", "anggaran", "kendala", "bukti"]


@dataclass(frozen=True)
class Entry:
    """What a staff member types for one indicator (text exactly as typed; empty = left blank)."""

    indikator: str
    realisasi: str
    anggaran: str = ""
    kendala: str = ""
    bukti: str = ""

    def value(self, kolom: Kolom) -> str:
        """The typed text of one column."""
        return str(getattr(self, kolom))


def load_isian(path: str | Path) -> dict[str, tuple[Entry, ...]]:
    """Bidang kode -> entries, from a CSV with columns Bidang, Indikator Kinerja, Realisasi,
    Realisasi Anggaran (Rp), Kendala/Keterangan, Bukti Dukung (tautan)."""
    isian: dict[str, list[Entry]] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            isian.setdefault(row["Bidang"].strip(), []).append(
                Entry(
                    indikator=row["Indikator Kinerja"].strip(),
                    realisasi=row["Realisasi"].strip(),
                    anggaran=(row.get("Realisasi Anggaran (Rp)") or "").strip(),
                    kendala=(row.get("Kendala/Keterangan") or "").strip(),
                    bukti=(row.get(layout.COL_BUKTI) or "").strip(),
                )
            )
    return {kode: tuple(entries) for kode, entries in isian.items()}


def _column_label(kolom: Kolom, tw: int) -> str:
    return {
        "realisasi": layout.col_realisasi(tw),
        "anggaran": layout.col_anggaran(tw),
        "kendala": layout.COL_KENDALA,
        "bukti": layout.COL_BUKTI,
    }[kolom]


def _header_row(grid: Sequence[Sequence[str]]) -> int:
    """0-based index of the header row, found by its content as a person would."""
    for index, row in enumerate(grid[:50]):
        if layout.COL_INDIKATOR in row and layout.col_realisasi(1) in row:
            return index
    raise ScenarioError("baris judul kolom lembar Realisasi tidak ditemukan")


def type_cells(sheet: gspread.Worksheet, tw: int, cells: Iterable[tuple[str, Kolom, str]]) -> list[str]:
    """Type ``(indikator, kolom, text)`` into the Realisasi tab in one request (as typed: USER_ENTERED).

    Rows are found by the indicator's name and columns by their labels, never by position.
    Returns the A1 cells written.
    """
    grid = sheet.get_all_values()
    header_index = _header_row(grid)
    header = grid[header_index]
    indikator_col = header.index(layout.COL_INDIKATOR)
    rows = {
        row[indikator_col].strip(): n
        for n, row in enumerate(grid[header_index + 1 :], start=header_index + 2)
        if len(row) > indikator_col
    }
    updates: list[dict[str, Any]] = []
    for indikator, kolom, text in cells:
        if indikator not in rows:
            raise ScenarioError(f"indikator {indikator!r} tidak ditemukan di lembar Realisasi")
        label = _column_label(kolom, tw)
        cell = layout.a1(rows[indikator], header.index(label))
        updates.append({"range": cell, "values": [[text]]})
    if updates:
        sheet.batch_update(updates, value_input_option="USER_ENTERED")
    return [u["range"] for u in updates]


def set_status(spreadsheet: gspread.Spreadsheet, tw: int, status: str = layout.STATUS_SIAP_DIKOREKSI) -> None:
    """Pick ``status`` in the TW's Status Pengisian dropdown on the Status tab."""
    sheet = spreadsheet.worksheet(layout.TAB_STATUS)
    grid = sheet.get_all_values()
    header = grid[0]
    column = header.index(layout.STATUS_HEADER[1])
    label = layout.tw_label(tw)
    for number, row in enumerate(grid[1:], start=2):
        if row and row[0] == label:
            sheet.update([[status]], layout.a1(number, column), value_input_option="USER_ENTERED")
            return
    raise ScenarioError(f"baris {label} tidak ditemukan di tab Status")


def status_of(spreadsheet: gspread.Spreadsheet, tw: int) -> dict[str, str]:
    """The TW's row of the Status tab as the staff sees it (column label -> text)."""
    grid = spreadsheet.worksheet(layout.TAB_STATUS).get_all_values()
    header = grid[0]
    for row in grid[1:]:
        if row and row[0] == layout.tw_label(tw):
            return {label: (row[i] if i < len(row) else "") for i, label in enumerate(header)}
    raise ScenarioError(f"baris {layout.tw_label(tw)} tidak ditemukan di tab Status")


def validation_note(spreadsheet: gspread.Spreadsheet, indikator: str) -> str:
    """The Catatan Validasi the bot wrote on an indicator's row (what the staff sees in the sheet)."""
    grid = spreadsheet.worksheet(layout.TAB_REALISASI).get_all_values()
    header_index = _header_row(grid)
    header = grid[header_index]
    indikator_col, note_col = header.index(layout.COL_INDIKATOR), header.index(layout.COL_CATATAN_VALIDASI)
    for row in grid[header_index + 1 :]:
        if len(row) > indikator_col and row[indikator_col].strip() == indikator:
            return row[note_col] if len(row) > note_col else ""
    raise ScenarioError(f"indikator {indikator!r} tidak ditemukan di lembar Realisasi")


# ==========================================================================================
# steps and the runner
# ==========================================================================================


@dataclass(frozen=True)
class OfficeTime:
    """A moment of the office's timeline: the n-th working day after the period opened, at HH:MM.

    Only a runner on a simulated clock uses it (to move the clock there before the step);
    against a real clock it is ignored.
    """

    hari_kerja: int
    jam: str
    """``HH:MM`` or ``HH:MM:SS``."""

    def __str__(self) -> str:
        return f"hari kerja ke-{self.hari_kerja + 1}, {self.jam}"

    def clock(self) -> tuple[int, int, int]:
        """(hour, minute, second)."""
        parts = [int(part) for part in self.jam.split(":")]
        return parts[0], parts[1], parts[2] if len(parts) > 2 else 0


@dataclass
class StepContext:
    """What a step's ``act`` and ``until`` see: the office, the watermarks taken before the act,
    and a memo shared by every step of the scenario (message ids and the like)."""

    office: Office
    marks: dict[int, int]
    memo: dict[str, Any]

    def after(self, person: Person) -> int:
        """The person's watermark: only bot messages with a larger id are new to this step."""
        return self.marks.get(person.telegram_id, 0)

    def new_message(
        self, person: Person, contains: str | Sequence[str], *, button: str | None = None, photo: bool = False
    ) -> dict[str, Any] | None:
        """A bot message to the person sent since this step began."""
        return self.office.find(person, contains, after=self.after(person), button=button, photo=photo)

    def latest(self, person: Person, contains: str | Sequence[str], *, button: str | None = None) -> dict[str, Any]:
        """The latest bot message to the person holding ``contains`` (and ``button``): what they act on."""
        message = self.office.find(person, contains, button=button, last=True)
        if message is None:
            raise ScenarioError(f"{person.label} belum menerima pesan berisi {contains!r}")
        return message


Act = Callable[[StepContext], Any]
Until = Callable[[StepContext], Any]


@dataclass(frozen=True)
class Step:
    """One thing a person (or the bot's schedule, ``actor`` None) does, and how to see it took effect."""

    key: str
    sop_step: int
    actor: Person | None
    action: str
    act: Act
    until: Until
    expect: str
    when: OfficeTime | None = None

    @property
    def actor_label(self) -> str:
        """Who acts, as people read it."""
        return self.actor.label if self.actor is not None else "Kinerja Bot (jadwal)"


@dataclass(frozen=True)
class StepResult:
    """A step done: when it started (monotonic seconds), how long it took, what ``until`` returned."""

    index: int
    step: Step
    started: float
    seconds: float
    outcome: Any = None


Hook = Callable[[int, Step], None]
AfterHook = Callable[[StepResult], None]


@dataclass
class Scenario:
    """Runs steps in order: before-hook, watermarks, act, wait for ``until``, after-hook."""

    office: Office
    steps: Sequence[Step]
    memo: dict[str, Any] = field(default_factory=dict)

    def run_step(self, index: int) -> StepResult:
        """Run step ``index`` (its hooks are the caller's business)."""
        step = self.steps[index]
        started = time.monotonic()
        context = StepContext(self.office, self.office.marks(), self.memo)
        try:
            step.act(context)
            outcome = self.office.wait(lambda: step.until(context), step.expect)
        except WaitTimeout as err:
            raise StepFailed(index, step, str(err)) from err
        except ScenarioError as err:
            raise StepFailed(index, step, str(err)) from err
        except (requests.RequestException, gspread.exceptions.GSpreadException) as err:
            raise StepFailed(index, step, f"{type(err).__name__}: {err}") from err
        return StepResult(index, step, started, time.monotonic() - started, outcome)

    def run(
        self, *, before: Hook | None = None, after: AfterHook | None = None, start: int = 0, stop: int | None = None
    ) -> list[StepResult]:
        """Run steps ``start`` .. ``stop - 1`` in order; :class:`StepFailed` on the first failure."""
        results = []
        for index in range(start, len(self.steps) if stop is None else stop):
            if before is not None:
                before(index, self.steps[index])
            result = self.run_step(index)
            results.append(result)
            if after is not None:
                after(result)
        return results


# ==========================================================================================
# one quarter of the SOP
# ==========================================================================================


@dataclass(frozen=True)
class Correction:
    """A cell a staff member first types as ``ketik`` and later corrects to the isian's value."""

    bidang: str
    indikator: str
    kolom: Kolom
    ketik: str


@dataclass(frozen=True)
class QuarterScript:
    """The content of one quarter: what each bidang types, the slips, and what the officials write."""

    tahun: int
    tw: int
    isian: Mapping[str, tuple[Entry, ...]]
    salah_ketik: Correction
    """A typing error the bot catches on submission (the staff then fixes it)."""
    terlewat: Correction
    """A cell the staff leaves out; the Kepala Bidang returns the report with ``alasan_kepala_bidang``."""
    alasan_kepala_bidang: str
    catatan_analisis: str
    alasan_sekretaris: str
    catatan_analisis_revisi: str
    rekomendasi_umum: str
    rekomendasi_bidang: Mapping[str, str]
    tindak_lanjut: Mapping[str, str]
    kirim_lewat_telegram: frozenset[str] = frozenset()
    """Bidang whose staff submit with /kirim in Telegram instead of the sheet's Status Pengisian."""

    def entry(self, correction: Correction) -> Entry:
        """The isian entry a correction is about."""
        for entry in self.isian[correction.bidang]:
            if entry.indikator == correction.indikator:
                return entry
        raise ScenarioError(f"{correction.bidang}: indikator {correction.indikator!r} tidak ada di isian")

    def rekomendasi_text(self) -> str:
        """The Kepala Dinas's reply: general lines, then ``KODE: teks`` per bidang."""
        lines = [self.rekomendasi_umum, *(f"{kode}: {teks}" for kode, teks in self.rekomendasi_bidang.items())]
        return "\n".join(lines)


def demo_script(tahun: int, isian: Mapping[str, tuple[Entry, ...]], tw: int = 1) -> QuarterScript:
    """The demo's quarter: HIJ mistypes a percentage, PTK leaves out one realisasi anggaran."""
    return QuarterScript(
        tahun=tahun,
        tw=tw,
        isian=isian,
        salah_ketik=Correction(
            "HIJ", "Persentase kasus perselisihan hubungan industrial yang diselesaikan", "realisasi", "87,5x"
        ),
        terlewat=Correction("PTK", "Jumlah pencari kerja yang ditempatkan", "anggaran", ""),
        alasan_kepala_bidang=(
            "Realisasi anggaran Pelayanan Antarkerja (pencari kerja yang ditempatkan) belum diisi; "
            "mohon dilengkapi sesuai SP2D triwulan ini."
        ),
        catatan_analisis=(
            "Capaian dinas tergolong tinggi. Pelatihan berbasis kompetensi baru mencapai separuh target "
            "karena dua paket pelatihan dijadwalkan ulang."
        ),
        alasan_sekretaris=(
            "Mohon analisis dilengkapi dengan langkah percepatan untuk indikator pelatihan yang capaiannya "
            "rendah serta serapan anggarannya."
        ),
        catatan_analisis_revisi=(
            "Capaian dinas tergolong tinggi. Pelatihan berbasis kompetensi baru 50% dari target TW I karena dua "
            "paket (menjahit dan las) dijadwalkan ulang ke April; Bidang Pelatihan menyiapkan instruktur "
            "pengganti sehingga target semester I tetap dapat dicapai. Serapan anggaran dinas sesuai jadwal "
            "kas triwulan I."
        ),
        rekomendasi_umum="Pertahankan ketepatan waktu pelaporan dan lengkapi bukti dukung setiap indikator.",
        rekomendasi_bidang={
            "SEK": "Percepat penyelesaian diklat teknis ASN yang tertunda pada triwulan II.",
            "PTK": "Perkuat kemitraan dengan perusahaan untuk persiapan bursa kerja bulan Mei.",
            "LAT": "Jadwalkan ulang dua paket pelatihan pada awal April dan siapkan instruktur pengganti.",
            "HIJ": "Dorong dua perusahaan yang tertunda agar segera membentuk LKS Bipartit.",
        },
        tindak_lanjut={
            "SEK": "Diklat teknis susulan dijadwalkan pada 21-23 April 2026 bersama BPSDM Provinsi.",
            "PTK": "Undangan kemitraan bursa kerja telah dikirim kepada 45 perusahaan.",
            "LAT": "Pelatihan menjahit dan las dimulai 13 April 2026 dengan instruktur dari BLK Madiun.",
            "HIJ": "Pendampingan pembentukan LKS Bipartit dijadwalkan pada minggu kedua April 2026.",
        },
        kirim_lewat_telegram=frozenset({"LAT"}),
    )


# --- step builders -------------------------------------------------------------------------


def _bidang_line(names: Mapping[str, str], kode: str) -> str:
    return f"Bidang: {names.get(kode, kode)}"


class _QuarterBuilder:
    """Builds :func:`quarter_steps`; one method per kind of step."""

    def __init__(
        self, cast: Cast, script: QuarterScript, bidang_nama: Mapping[str, str], open_period: Act | None
    ) -> None:
        self.cast = cast
        self.script = script
        self.nama = bidang_nama
        self.open_period = open_period
        self.steps: list[Step] = []
        self.periode = texts.periode(script.tw, script.tahun)

    def add(
        self,
        key: str,
        sop: int,
        actor: Person | None,
        action: str,
        act: Act,
        until: Until,
        expect: str,
        when: tuple[int, str] | None,
    ) -> None:
        self.steps.append(
            Step(key, sop, actor, action, act, until, expect, OfficeTime(*when) if when is not None else None)
        )

    # --- step 1 ------------------------------------------------------------------------------

    def opening(self, when: tuple[int, str]) -> None:
        sekretaris = self.cast.sekretaris

        def act(ctx: StepContext) -> None:
            if self.open_period is not None:
                self.open_period(ctx)

        self.add(
            "periode-dibuka",
            1,
            None,
            f"membuka {self.periode} dan meminta persetujuan Sekretaris untuk membagikan format",
            act,
            lambda ctx: ctx.office.find(sekretaris, [TITLE_DISTRIBUSI, self.periode], button=texts.BTN_SETUJUI),
            f"permohonan persetujuan pembagian format kepada {sekretaris.label}",
            when,
        )

    def distribution(self, when: tuple[int, str]) -> None:
        sekretaris, kasubbag = self.cast.sekretaris, self.cast.kasubbag

        def act(ctx: StepContext) -> None:
            request = ctx.latest(sekretaris, [TITLE_DISTRIBUSI, self.periode], button=texts.BTN_SETUJUI)
            ctx.office.press(sekretaris, request, texts.BTN_SETUJUI)

        def until(ctx: StepContext) -> bool:
            office = ctx.office
            done = office.find(sekretaris, ">> Disetujui oleh")
            opened = all(ctx.new_message(self.cast.staf[k], TITLE_DIBUKA) for k in self.cast.kodes)
            told = ctx.new_message(kasubbag, TITLE_DIBAGIKAN)
            return bool(done and opened and told)

        self.add(
            "setujui-distribusi",
            1,
            sekretaris,
            "menyetujui pembagian format (tombol Setujui)",
            act,
            until,
            "tautan workbook dan batas waktu kepada setiap bidang",
            when,
        )

    # --- steps 2 and 3 -----------------------------------------------------------------------

    def _cells(
        self, kode: str, skip: Correction | None = None, typo: Correction | None = None
    ) -> list[tuple[str, Kolom, str]]:
        cells: list[tuple[str, Kolom, str]] = []
        kolom_list: tuple[Kolom, ...] = ("realisasi", "anggaran", "kendala", "bukti")
        for entry in self.script.isian[kode]:
            for kolom in kolom_list:
                text = entry.value(kolom)
                for slip in (skip, typo):
                    if (
                        slip is not None
                        and slip.bidang == kode
                        and slip.indikator == entry.indikator
                        and slip.kolom == kolom
                    ):
                        text = slip.ketik
                if text:
                    cells.append((entry.indikator, kolom, text))
        return cells

    def fill(
        self, kode: str, when: tuple[int, str], *, slip: Correction | None = None, expect_invalid: bool = False
    ) -> None:
        staf, kepala = self.cast.staf[kode], self.cast.kepala[kode]
        by_telegram = kode in self.script.kirim_lewat_telegram and not expect_invalid
        tw = self.script.tw
        typo = slip if expect_invalid else None
        skip = slip if not expect_invalid else None

        def act(ctx: StepContext) -> None:
            spreadsheet = ctx.office.open_workbook(staf)
            written = type_cells(
                spreadsheet.worksheet(layout.TAB_REALISASI), tw, self._cells(kode, skip=skip, typo=typo)
            )
            note = f"mengisi {len(written)} sel lembar Realisasi {layout.tw_label(tw)} ({spreadsheet.title})"
            if typo is not None:
                note += f'; salah ketik "{typo.ketik}" pada {typo.indikator}'
            if not by_telegram:
                set_status(spreadsheet, tw)
                note += f'; memilih "{layout.STATUS_SIAP_DIKOREKSI}" di tab Status'
            ctx.office.record(staf, "sheet", text=note)
            if by_telegram:
                ctx.office.send(staf, "/kirim")

        if expect_invalid:
            assert slip is not None

            def until_invalid(ctx: StepContext) -> Any:
                told = ctx.new_message(staf, [TITLE_TIDAK_VALID, slip.ketik])
                if not told:
                    return None
                note = validation_note(ctx.office.open_workbook(staf), slip.indikator)
                return told if slip.ketik in note else None

            until: Until = until_invalid
            expect = f"pesan 'Laporan belum dapat diajukan' kepada {staf.label} dan catatan validasi di sheet"
            action = (
                f'mengisi lembar {layout.tw_label(tw)} dengan salah ketik "{slip.ketik}" lalu memilih "Siap Dikoreksi"'
            )
        else:

            def until_submitted(ctx: StepContext) -> Any:
                return ctx.new_message(kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_SETUJUI)

            until = until_submitted
            expect = f"permohonan koreksi kepada {kepala.label}"
            how = "mengirim /kirim di Telegram" if by_telegram else 'memilih "Siap Dikoreksi"'
            missing = " (satu realisasi anggaran terlewat)" if skip is not None else ""
            action = f"mengisi lembar {layout.tw_label(tw)} lewat Google Sheets{missing} lalu {how}"
        self.add(f"isi-{kode}", 2, staf, action, act, until, expect, when)

    def fix(self, kode: str, correction: Correction, when: tuple[int, str], *, by_telegram: bool, what: str) -> None:
        staf, kepala = self.cast.staf[kode], self.cast.kepala[kode]
        tw = self.script.tw
        value = self.script.entry(correction).value(correction.kolom)

        def act(ctx: StepContext) -> None:
            spreadsheet = ctx.office.open_workbook(staf)
            # What the staff reads in the sheet first: the bot's note on the row, the Status tab's remark.
            seen = []
            row_note = validation_note(spreadsheet, correction.indikator)
            if row_note:
                seen.append(f'Catatan Validasi pada barisnya: "{row_note}"')
            status = status_of(spreadsheet, tw)
            remark = status.get(layout.STATUS_HEADER[3], "")
            if remark:
                seen.append(f'tab Status ({status.get(layout.STATUS_HEADER[2], "")}): "{remark}"')
            if seen:
                ctx.office.record(staf, "sheet", text="membaca " + "; ".join(seen))
            cells = type_cells(
                spreadsheet.worksheet(layout.TAB_REALISASI), tw, [(correction.indikator, correction.kolom, value)]
            )
            note = f'mengubah sel {cells[0]} ({correction.indikator}) menjadi "{value}"'
            if not by_telegram:
                set_status(spreadsheet, tw)
                note += f'; memilih "{layout.STATUS_SIAP_DIKOREKSI}" di tab Status'
            ctx.office.record(staf, "sheet", text=note)
            if by_telegram:
                ctx.office.send(staf, "/kirim")

        how = "mengirim /kirim di Telegram" if by_telegram else 'memilih "Siap Dikoreksi" lagi'
        self.add(
            f"perbaiki-{kode}",
            2,
            staf,
            f'{what} menjadi "{value}" lalu {how}',
            act,
            lambda ctx: ctx.new_message(
                kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_SETUJUI
            ),
            f"permohonan koreksi kepada {kepala.label}",
            when,
        )

    def koreksi_approve(self, kode: str, when: tuple[int, str], *, last: bool = False) -> None:
        staf, kepala, kasubbag = self.cast.staf[kode], self.cast.kepala[kode], self.cast.kasubbag

        def act(ctx: StepContext) -> None:
            request = ctx.latest(kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_SETUJUI)
            ctx.office.press(kepala, request, texts.BTN_SETUJUI)

        def until(ctx: StepContext) -> Any:
            approved = ctx.new_message(staf, TITLE_DISETUJUI)
            if not last:
                return approved
            draft = ctx.new_message(kasubbag, TITLE_DRAF, button=texts.BTN_KIRIM_SEKRETARIS)
            chart = ctx.new_message(kasubbag, CHART_CAPTION, photo=True)
            return approved and draft and chart

        expect = f"'Laporan disetujui' kepada {staf.label}"
        if last:
            expect += f", draf rekap dan grafik capaian kepada {kasubbag.label}"
        self.add(
            f"koreksi-setujui-{kode}",
            3,
            kepala,
            f"menyetujui laporan {self.nama.get(kode, kode)} (Setujui)",
            act,
            until,
            expect,
            when,
        )

    def koreksi_return(self, kode: str, press_at: tuple[int, str], reply_at: tuple[int, str]) -> None:
        staf, kepala = self.cast.staf[kode], self.cast.kepala[kode]
        alasan = self.script.alasan_kepala_bidang

        def press(ctx: StepContext) -> None:
            request = ctx.latest(kepala, [TITLE_KOREKSI, _bidang_line(self.nama, kode)], button=texts.BTN_KEMBALIKAN)
            ctx.memo[f"koreksi-{kode}"] = int(request["message_id"])
            ctx.office.press(kepala, request, texts.BTN_KEMBALIKAN)

        self.add(
            f"koreksi-kembalikan-{kode}",
            3,
            kepala,
            f"menekan Kembalikan pada laporan {self.nama.get(kode, kode)}",
            press,
            lambda ctx: ctx.office.find(kepala, PROMPT_CUE, after=ctx.after(kepala)),
            f"permintaan alasan kepada {kepala.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kepala, alasan, after=ctx.memo.get(f"koreksi-{kode}", 0))

        self.add(
            f"koreksi-alasan-{kode}",
            3,
            kepala,
            f'menuliskan alasan pengembalian: "{alasan}"',
            reply,
            lambda ctx: ctx.new_message(staf, [TITLE_DIKEMBALIKAN, alasan]),
            f"'Laporan dikembalikan' beserta alasannya kepada {staf.label}",
            reply_at,
        )

    # --- step 4 ------------------------------------------------------------------------------

    def analysis_note(
        self, text: str, press_at: tuple[int, str], reply_at: tuple[int, str], *, origin: str, key: str
    ) -> None:
        kasubbag = self.cast.kasubbag

        def press(ctx: StepContext) -> None:
            message = ctx.latest(kasubbag, origin, button=texts.BTN_TAMBAH_ANALISIS)
            ctx.memo[key] = int(message["message_id"])
            ctx.office.press(kasubbag, message, texts.BTN_TAMBAH_ANALISIS)

        self.add(
            f"{key}-tekan",
            4,
            kasubbag,
            "menekan Tambah analisis",
            press,
            lambda ctx: ctx.office.find(kasubbag, PROMPT_CUE, after=ctx.after(kasubbag)),
            f"permintaan catatan analisis kepada {kasubbag.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kasubbag, text, after=ctx.memo.get(key, 0))

        self.add(
            f"{key}-tulis",
            4,
            kasubbag,
            "menuliskan catatan analisis",
            reply,
            lambda ctx: ctx.new_message(kasubbag, texts.REPLY_ANALISIS),
            "catatan analisis tersimpan",
            reply_at,
        )

    def submit_to_sekretaris(self, when: tuple[int, str], *, origin: str, key: str) -> None:
        kasubbag, sekretaris = self.cast.kasubbag, self.cast.sekretaris

        def act(ctx: StepContext) -> None:
            message = ctx.latest(kasubbag, origin, button=texts.BTN_KIRIM_SEKRETARIS)
            ctx.office.press(kasubbag, message, texts.BTN_KIRIM_SEKRETARIS)

        self.add(
            key,
            4,
            kasubbag,
            "mengirim laporan kinerja dinas kepada Sekretaris (Kirim ke Sekretaris)",
            act,
            lambda ctx: ctx.new_message(sekretaris, TITLE_TELAAH, button=texts.BTN_TERUSKAN_KADIS),
            f"permohonan telaah kepada {sekretaris.label}",
            when,
        )

    # --- step 5 ------------------------------------------------------------------------------

    def sekretaris_return(self, press_at: tuple[int, str], reply_at: tuple[int, str]) -> None:
        sekretaris, kasubbag = self.cast.sekretaris, self.cast.kasubbag
        alasan = self.script.alasan_sekretaris

        def press(ctx: StepContext) -> None:
            message = ctx.latest(sekretaris, TITLE_TELAAH, button=texts.BTN_KEMBALIKAN)
            ctx.memo["telaah-sekretaris"] = int(message["message_id"])
            ctx.office.press(sekretaris, message, texts.BTN_KEMBALIKAN)

        self.add(
            "telaah-kembalikan",
            5,
            sekretaris,
            "menekan Kembalikan pada draf laporan kinerja dinas",
            press,
            lambda ctx: ctx.office.find(sekretaris, PROMPT_CUE, after=ctx.after(sekretaris)),
            f"permintaan alasan kepada {sekretaris.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(sekretaris, alasan, after=ctx.memo.get("telaah-sekretaris", 0))

        self.add(
            "telaah-alasan",
            5,
            sekretaris,
            f'menuliskan alasan pengembalian: "{alasan}"',
            reply,
            lambda ctx: ctx.new_message(
                kasubbag, [TITLE_DINAS_DIKEMBALIKAN, alasan], button=texts.BTN_KIRIM_SEKRETARIS
            ),
            f"'Laporan kinerja dinas dikembalikan' beserta alasannya kepada {kasubbag.label}",
            reply_at,
        )

    def forward(self, when: tuple[int, str]) -> None:
        sekretaris, kadis = self.cast.sekretaris, self.cast.kepala_dinas

        def act(ctx: StepContext) -> None:
            message = ctx.latest(sekretaris, TITLE_TELAAH, button=texts.BTN_TERUSKAN_KADIS)
            ctx.office.press(sekretaris, message, texts.BTN_TERUSKAN_KADIS)

        self.add(
            "teruskan-kadis",
            5,
            sekretaris,
            "meneruskan laporan kepada Kepala Dinas",
            act,
            lambda ctx: ctx.new_message(kadis, TITLE_TELAAH, button=texts.BTN_SETUJUI),
            f"permohonan telaah kepada {kadis.label}",
            when,
        )

    # --- step 6 (7 and 8 by the bot) -----------------------------------------------------------

    def kadis_approve(self, when: tuple[int, str]) -> None:
        kadis = self.cast.kepala_dinas

        def act(ctx: StepContext) -> None:
            message = ctx.latest(kadis, TITLE_TELAAH, button=texts.BTN_SETUJUI)
            ctx.office.press(kadis, message, texts.BTN_SETUJUI)

        self.add(
            "kadis-setujui",
            6,
            kadis,
            "menyetujui laporan kinerja dinas (Setujui)",
            act,
            lambda ctx: ctx.new_message(kadis, TITLE_REKOMENDASI, button=texts.BTN_TULIS_REKOMENDASI),
            f"permohonan rekomendasi kepada {kadis.label}",
            when,
        )

    def rekomendasi(self, press_at: tuple[int, str], reply_at: tuple[int, str]) -> None:
        kadis, sekretaris, kasubbag = self.cast.kepala_dinas, self.cast.sekretaris, self.cast.kasubbag

        def press(ctx: StepContext) -> None:
            message = ctx.latest(kadis, TITLE_REKOMENDASI, button=texts.BTN_TULIS_REKOMENDASI)
            ctx.memo["rekomendasi"] = int(message["message_id"])
            ctx.office.press(kadis, message, texts.BTN_TULIS_REKOMENDASI)

        self.add(
            "rekomendasi-tekan",
            6,
            kadis,
            "menekan Tulis rekomendasi",
            press,
            lambda ctx: ctx.office.find(kadis, PROMPT_CUE, after=ctx.after(kadis)),
            f"permintaan rekomendasi kepada {kadis.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kadis, self.script.rekomendasi_text(), after=ctx.memo.get("rekomendasi", 0))

        def until(ctx: StepContext) -> bool:
            handed = all(ctx.new_message(p, TITLE_REKOMENDASI_DITERUSKAN) for p in (sekretaris, kasubbag))
            per_bidang = all(
                ctx.new_message(
                    self.cast.kepala[k],
                    [TITLE_TINDAK_LANJUT, _bidang_line(self.nama, k)],
                    button=texts.BTN_CATAT_TINDAK_LANJUT,
                )
                for k in self.cast.kodes
            )
            return handed and per_bidang

        self.add(
            "rekomendasi-tulis",
            6,
            kadis,
            "menuliskan rekomendasi umum dan rekomendasi per bidang",
            reply,
            until,
            "rekomendasi diteruskan (langkah 7 dan 8) kepada Sekretaris, Kasubbag dan setiap bidang",
            reply_at,
        )

    # --- step 9 ------------------------------------------------------------------------------

    def tindak_lanjut(
        self, kode: str, press_at: tuple[int, str], reply_at: tuple[int, str], *, closes: bool = False
    ) -> None:
        kepala, kasubbag = self.cast.kepala[kode], self.cast.kasubbag
        teks = self.script.tindak_lanjut[kode]
        bidang = _bidang_line(self.nama, kode)

        def press(ctx: StepContext) -> None:
            message = ctx.latest(kepala, [TITLE_TINDAK_LANJUT, bidang], button=texts.BTN_CATAT_TINDAK_LANJUT)
            ctx.memo[f"tl-{kode}"] = int(message["message_id"])
            ctx.office.press(kepala, message, texts.BTN_CATAT_TINDAK_LANJUT)

        self.add(
            f"tindak-lanjut-tekan-{kode}",
            9,
            kepala,
            f"menekan Catat tindak lanjut untuk {self.nama.get(kode, kode)}",
            press,
            lambda ctx: ctx.office.find(kepala, PROMPT_CUE, after=ctx.after(kepala)),
            f"permintaan tindak lanjut kepada {kepala.label}",
            press_at,
        )

        def reply(ctx: StepContext) -> None:
            ctx.office.reply_to_prompt(kepala, teks, after=ctx.memo.get(f"tl-{kode}", 0))

        def until(ctx: StepContext) -> bool:
            recorded = ctx.new_message(kasubbag, [TITLE_TL_DICATAT, teks])
            if not closes:
                return bool(recorded)
            closed = all(ctx.new_message(p, TITLE_DITUTUP) for p in self.cast.everyone())
            return bool(recorded and closed)

        expect = f"tindak lanjut {kode} dicatat"
        if closes:
            expect += "; periode ditutup dan diarsipkan, semua orang diberi tahu"
        self.add(
            f"tindak-lanjut-tulis-{kode}",
            9,
            kepala,
            f'menuliskan tindak lanjut: "{teks}"',
            reply,
            until,
            expect,
            reply_at,
        )


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def quarter_steps(cast: Cast, script: QuarterScript, *, open_period: Act | None = None) -> list[Step]:
    """Every step of one quarter, in order, for a dinas with the cast's bidang.

    The first step waits for the period to open: by the service's own schedule (its clock reaches
    the opening time) or, when given, by ``open_period`` (e.g. a CLI call). The bidang of
    ``script.terlewat`` is returned once by its Kepala Bidang; the bidang of ``script.salah_ketik``
    submits with a typing error first; the Sekretaris returns the draft once; the Kepala Dinas
    approves and writes rekomendasi; every bidang records its tindak lanjut; the last one closes
    the period. Each step carries the office time of the demo's timeline (:class:`OfficeTime`).
    """
    b = _QuarterBuilder(cast, script, cast.bidang_nama, open_period)
    typo, missing = script.salah_ketik, script.terlewat
    if typo.bidang == missing.bidang:
        raise ScenarioError("salah ketik dan isian terlewat harus pada bidang yang berbeda")
    others = [k for k in cast.kodes if k not in (typo.bidang, missing.bidang)]
    if not others:
        raise ScenarioError("skenario membutuhkan sedikitnya tiga bidang")
    late = others[-1]  # submits on the next working day, after the Mutu Baku of step 2
    early = others[:-1]

    b.opening((0, "08:00"))
    b.distribution((0, "08:07"))
    clock = [10 * 60 + 30]  # minutes after midnight of day 0 for the next bidang

    def at(minutes: int) -> tuple[int, str]:
        return (0, f"{minutes // 60:02d}:{minutes % 60:02d}")

    for kode in early:
        b.fill(kode, at(clock[0]))
        b.koreksi_approve(kode, at(clock[0] + 6))
        clock[0] += 75
    start = clock[0]
    b.fill(missing.bidang, at(start), slip=missing)
    b.koreksi_return(missing.bidang, at(start + 7), at(start + 9))
    b.fix(missing.bidang, missing, at(start + 85), by_telegram=True, what="melengkapi realisasi anggaran")
    b.koreksi_approve(missing.bidang, at(start + 92))
    start += 115
    b.fill(typo.bidang, at(start), slip=typo, expect_invalid=True)
    b.fix(typo.bidang, typo, at(start + 16), by_telegram=False, what="memperbaiki sel yang salah ketik")
    b.koreksi_approve(typo.bidang, at(start + 23))
    b.fill(late, (1, "09:05"))
    b.koreksi_approve(late, (1, "09:12"), last=True)

    b.analysis_note(script.catatan_analisis, (1, "13:30"), (1, "13:34"), origin=TITLE_DRAF, key="analisis")
    b.submit_to_sekretaris((1, "13:36"), origin=TITLE_DRAF, key="kirim-sekretaris")
    b.sekretaris_return((1, "13:42"), (1, "13:44"))
    b.analysis_note(
        script.catatan_analisis_revisi,
        (1, "14:18"),
        (1, "14:24"),
        origin=TITLE_DINAS_DIKEMBALIKAN,
        key="analisis-revisi",
    )
    b.submit_to_sekretaris((1, "14:26"), origin=TITLE_DINAS_DIKEMBALIKAN, key="kirim-sekretaris-lagi")
    b.forward((1, "14:33"))
    b.kadis_approve((1, "14:50"))
    b.rekomendasi((1, "14:52"), (1, "14:58"))
    # Step 9's Mutu Baku (5 minutes) runs for every bidang at once: each records within it.
    second = 14 * 3600 + 59 * 60
    for index, kode in enumerate(cast.kodes):
        b.tindak_lanjut(kode, (1, _hms(second)), (1, _hms(second + 40)), closes=index == len(cast.kodes) - 1)
        second += 60
    return b.steps
