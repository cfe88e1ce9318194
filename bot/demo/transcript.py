"""The transcript of the demo: every chat with the bot, with the buttons shown and pressed and the
sheet edits in between, each at its time on the demo's office clock."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import texts
from bot.demo.actors import Action, Cast, Office, Person, message_text
from bot.demo.scenario import Step

__all__ = ["Progress", "Segment", "Transcript"]


@dataclass
class Segment:
    """From these message ids on (per chat), messages happened at ``moment`` of the office clock."""

    marks: dict[int, int]
    moment: datetime


@dataclass
class Progress:
    segments: list[Segment] = field(default_factory=list)
    step_starts: list[int] = field(default_factory=list)
    """For each step begun, how many actions the office had logged before it."""
    pace: float = 0.0


@dataclass
class Transcript:
    """Writes the transcript of a finished run (``clock``: the office clock, for a run without segments)."""

    office: Office
    cast: Cast
    steps: Sequence[Step]
    progress: Progress
    dinas: str
    tz: Any
    clock: Callable[[], datetime]

    def moment_of(self, telegram_id: int, message_id: int) -> datetime:
        segments = self.progress.segments
        keys = [segment.marks.get(telegram_id, 0) for segment in segments]
        index = bisect.bisect_left(keys, message_id) - 1
        return segments[max(index, 0)].moment if segments else self.clock()

    def render(self, tahun: int, tw: int) -> str:
        lines = [
            f"# Transkrip percakapan Telegram: demo Kinerja Bot, {texts.periode(tw, tahun)}",
            "",
            f"{self.dinas}. Setiap bagian adalah percakapan satu orang dengan Kinerja Bot, "
            "dari pesan pertama sampai terakhir, beserta tombol yang ditampilkan dan yang ditekan. Waktu adalah "
            "jam kantor simulasi demo.",
            "",
        ]
        people = self.order()
        lines += ["Isi:", ""]
        lines += [f"- {person.nama} ({person.peran})" for person in people]
        lines.append("")
        for person in people:
            lines += [f"## {person.nama} ({person.peran})", "", f"ID Telegram {person.telegram_id}.", ""]
            actions = [a for a in self.office.actions if a.person.telegram_id == person.telegram_id]
            for message in self.office.chat(person, include_user=True):
                message_id = int(message["message_id"])
                when = texts.format_waktu(self.moment_of(person.telegram_id, message_id), self.tz)
                if message.get("sender") == "bot":
                    head = f"**Kinerja Bot** · {when} · pesan #{message_id}"
                    if message.get("edits"):
                        head += " · diperbarui"
                else:
                    head = f"**{person.nama}** · {when} · pesan #{message_id}"
                    reply = message.get("reply_to_message")
                    if reply:
                        head += f" · membalas pesan #{reply['message_id']}"
                lines += [head, ""]
                media = []
                if message.get("photo"):
                    media = ["> [Foto: grafik capaian per bidang]" if message.get("sender") == "bot" else "> [Foto]"]
                if message.get("document"):
                    media = [f"> [Berkas: {message['document'].get('file_name', '')}]"]
                body = message_text(message)
                quoted = [f"> {_md_line(line)}" if line else ">" for line in body.splitlines()]
                lines += media + quoted if media or quoted else [">"]
                shown = _buttons(message)
                if shown:
                    lines += ["", "Tombol: " + " ".join(shown)]
                elif (message.get("reply_markup") or {}).get("force_reply"):
                    lines += ["", "(Bot meminta balasan atas pesan ini.)"]
                lines.append("")
                for action in [a for a in actions if a.after_id == message_id]:
                    lines += self.action_lines(action)
            for action in [a for a in actions if a.after_id == 0]:
                lines += self.action_lines(action)
        return "\n".join(lines).rstrip() + "\n"

    def order(self) -> list[Person]:
        """People in the order the SOP meets them: Sekretaris, each bidang, Kasubbag, Kepala Dinas."""
        order = [self.cast.sekretaris]
        for kode in self.cast.kodes:
            order += [self.cast.staf[kode], self.cast.kepala[kode]]
        order += [self.cast.kasubbag, self.cast.kepala_dinas]
        seen: dict[int, Person] = {}
        for person in order:
            seen.setdefault(person.telegram_id, person)
        return list(seen.values())

    def action_lines(self, action: Action) -> list[str]:
        if action.kind == "tautan":  # registration, before the SOP's first step
            when = texts.format_waktu(action.at, self.tz)
            return [f"*{action.person.nama} membuka tautan undangan {action.text} lalu menekan Mulai* · {when}", ""]
        position = self.office.actions.index(action)
        step = self.steps[max(bisect.bisect_right(self.progress.step_starts, position) - 1, 0)]
        when = f"{texts.format_waktu(action.at, self.tz)} · langkah SOP {step.sop_step}"
        if action.kind == "tekan":
            shown = " ".join(f"[{label}]" for label in action.buttons)
            return [
                f"*{action.person.nama} menekan tombol [{action.label}] pada pesan #{action.message_id}* "
                f"· {when} (tombol yang tampil: {shown})",
                "",
            ]
        return [f"*{action.person.nama} di Google Sheets: {action.text}* · {when}", ""]


def _buttons(message: dict[str, Any]) -> list[str]:
    """A message's buttons as the transcript shows them: ``[Setujui]``, a URL button as a Markdown link."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [f"[{b['text']}]({b['url']})" if b.get("url") else f"[{b['text']}]" for row in rows for b in row]


def _md_line(line: str) -> str:
    """A message line inside a Markdown quote: a leading ``>`` (the bot's outcome lines) stays literal."""
    return "\\" + line if line.startswith((">", "#")) else line
