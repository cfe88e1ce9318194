"""The simulated people of SOP P-SEK-KP-09, acting on a sandbox the way real people act on Google and Telegram.

People act ONLY through what a person has: the sandbox's Telegram control API (send a message,
press an inline button by its label, reply to the bot's ForceReply prompt) and real gspread with
their own sandbox Google account (open the link the bot sent, type values, pick "Siap Dikoreksi").
Nothing here touches the service, its store or its process, so the same steps run against a bot in
the same process (``python -m bot demo``) or in a subprocess that a test kills and restarts.

This module holds the people (:class:`Person`, :class:`Cast`) and what they can do
(:class:`Office`); :mod:`bot.demo.filling` is how they fill a sheet, :mod:`bot.demo.scenario`
runs steps in order, and :mod:`bot.demo.quarter` builds one full quarter of the SOP
(:func:`~bot.demo.quarter.quarter_steps`) from a :class:`~bot.demo.script.QuarterScript`.

Typical use::

    control = SandboxControl(base_url)
    cast = Cast.from_settings(settings)
    office = Office(control, cast)
    script = demo_script(2026, load_isian(ISIAN_DEMO))
    results = Scenario(office, quarter_steps(cast, script)).run(before=..., after=...)

Against a service in another process (``python -m bot run`` with the provisioned settings written
to a file), the same steps run unchanged: leave ``Office(nudge=...)`` unset (the service polls on
its own interval; the waits are long enough), kill and restart it in the ``before`` hook, and
ignore :attr:`~bot.demo.scenario.Step.when` (it only matters on a simulated clock). On a real clock
the scheduler opens the period due on the calendar at start (``WorkCalendar.due_period``): build
the script for that year and TW (``demo_script(tahun, isian, tw=n)``) or pass
``quarter_steps(..., open_period=...)`` to open the period another way (e.g. a CLI call).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import gspread
import requests
from gspread import Spreadsheet

from config.settings import Orang, Settings
from sandbox.control import SandboxControl

logger = logging.getLogger(__name__)

__all__ = [
    "CHART_CAPTION",
    "Action",
    "Cast",
    "Office",
    "Person",
    "ScenarioError",
    "WaitTimeout",
    "button_labels",
    "button_links",
    "message_text",
]

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
TITLE_BUKTI_PILIH = "Bukti dukung ini untuk indikator"
TITLE_BUKTI_TERSIMPAN = "Bukti dukung tersimpan"
TITLE_BANTUAN_KOREKSI = "Menunggu koreksi Bapak/Ibu"
TERDAFTAR = "Pendaftaran berhasil"
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
    """Kode -> the bidang's name, as the bot writes it on its messages (``texts.bidang_line``)."""

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
    """Something a person did that is not a chat message, for the transcript: a press, sheet edits,
    or opening a link in Telegram (``text``: the link).

    ``after_id`` is the latest message id of the person's chat when they acted (the action comes
    after that message); ``at`` is the office's stamp (see ``Office(stamp=...)``).
    """

    person: Person
    kind: Literal["tekan", "sheet", "tautan"]
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


def button_links(message: Mapping[str, Any]) -> list[str]:
    """The URLs of a message's URL buttons ("Buka laporan", "Buka rekap"), row by row."""
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [str(button["url"]) for row in keyboard for button in row if button.get("url")]


class Office:
    """What the simulated people can do: Telegram through the control API, Sheets through gspread.

    ``nudge`` (optional) is called at most every ``nudge_every`` seconds while a condition is
    awaited; a runner that compresses time uses it to let the service poll the sheets at once.
    ``on_press`` (optional) is told the callback query id of every press (a runner that moves the
    sandbox clock holds it still until the press is answered).
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
        on_press: Callable[[str], None] | None = None,
    ) -> None:
        self.control = control
        self.on_press = on_press
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
        message: dict[str, Any] = self.wait(
            lambda: self.find(person, contains, after=after, button=button, photo=photo),
            f"pesan bot kepada {person.label} berisi {wanted!r}",
            timeout,
        )
        return message

    def wait_edit(self, person: Person, message_id: int, contains: str, timeout: float | None = None) -> dict[str, Any]:
        """Message ``message_id`` once an edit has put ``contains`` into it."""

        def edited() -> dict[str, Any] | None:
            for message in self.chat(person):
                if int(message["message_id"]) == message_id and contains in message_text(message):
                    return message
            return None

        message: dict[str, Any] = self.wait(
            edited, f"pesan {message_id} {person.label} diperbarui berisi {contains!r}", timeout
        )
        return message

    # --- Telegram: acting -------------------------------------------------------------------

    def _chat_last_id(self, person: Person) -> int:
        messages = self.chat(person, include_user=True)
        return int(messages[-1]["message_id"]) if messages else 0

    def record(self, person: Person, kind: Literal["tekan", "sheet", "tautan"], **details: Any) -> None:
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

    def send_photo(self, person: Person, caption: str | None = None, *, size: tuple[int, int] = (1600, 1200)) -> int:
        """The person sends the bot a photo (a picture of ``size`` pixels), with ``caption``; its message id."""
        body: dict[str, Any] = {"user_id": person.telegram_id, "photo": {"width": size[0], "height": size[1]}}
        if caption:
            body["caption"] = caption
        return int(self._post("telegram/send", body)["message_id"])

    def open_link(self, person: Person, url: str) -> int:
        """The person opens a bot's deep link (an invite) in Telegram and presses Start; the app sends
        ``/start <code>``. Returns the id of that message."""
        self.record(person, "tautan", text=url)
        return int(self._post("telegram/start", {"user_id": person.telegram_id, "url": url})["message_id"])

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
        query_id = str(self._post("telegram/press", body)["callback_query_id"])
        if self.on_press is not None:
            self.on_press(query_id)
        return query_id

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

        prompt: dict[str, Any] = self.wait(found, f"permintaan balasan (ForceReply) kepada {person.label}")
        return prompt

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
        """The workbook the person opens: the latest "Buka laporan" button the bot sent them."""
        for message in reversed(self.chat(person)):
            for url in button_links(message):
                if _SPREADSHEET_URL.fullmatch(url):
                    return url
        raise ScenarioError(f"{person.label} belum menerima tautan lembar kerja dari bot")

    def open_workbook(self, person: Person) -> Spreadsheet:
        """The person opens the link the bot sent them."""
        return self.gspread(person).open_by_url(self.workbook_link(person))
