"""Steps and their runner: who acts at which office time, what they do and how to see the bot reacted."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gspread
import requests

from bot.demo.actors import Office, Person, ScenarioError, WaitTimeout

__all__ = ["Act", "OfficeTime", "Scenario", "Step", "StepContext", "StepFailed", "StepResult", "Until"]


class StepFailed(ScenarioError):
    """A step's action or its awaited condition failed; ``step`` is the step, the cause is chained."""

    def __init__(self, index: int, step: Step, reason: str) -> None:
        self.index = index
        self.step = step
        self.reason = reason
        super().__init__(f"langkah skenario {index + 1} ({step.key}, SOP langkah {step.sop_step}) gagal: {reason}")


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
