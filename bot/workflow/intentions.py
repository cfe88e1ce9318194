"""Durable intentions: an action that needs Google is written down before Google is touched.

The generic path (:meth:`bot.workflow.core.WorkflowCore.perform`) records, in the transaction that
checks an action, the decision it is about to carry out: who pressed what, on which period and
bidang, with which text. The transaction that moves the state closes the row (``done``). In
between, the Google effect runs; every effect is idempotent, so it can run again.

- A refusal or a Google failure in between closes the row ``undone`` after the Google effect is
  compensated: the sheet is made to say what the store says (:meth:`GoogleEffects.settle`). If
  Google cannot be reached for that either, the row keeps ``needs_reconcile`` and the scheduler
  tries again each cycle.
- A row still ``pending`` when the service starts belongs to an action a stop (SIGKILL, power)
  interrupted. :func:`resume_intentions` carries it out again as the person asked; if it cannot
  be, it is undone as above. Either way the person is told (:data:`Kind.ACTION_RESUMED`).

An effect that only makes the sheet say what the store says (:data:`~bot.workflow.effects.FOLLOWING_EFFECTS`:
the lock of an approval) is not carried out before the move but after it, as DESIGN.md section 6
has it: the move, its audit row, its notifications and the row of the effect it now ``owes`` are
written in ONE transaction, and the press is answered from that; a worker then settles the sheet
(:meth:`GoogleEffects.settle`) and closes the row ``done``. Until then the row keeps later actions
on the same report waiting, as a pending one does; one a stop or an unreachable Google left
``owed`` is carried out at start and by the scheduler each cycle.

So after any stop, a report ends in exactly one consistent state: approved and locked, or still
submitted (and locked for the koreksi, its buttons still working).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from bot.workflow.machine import Role
from bot.workflow.people import Actor

logger = logging.getLogger(__name__)

# The status of an intention row. ``owed``: the move is written, its Google effect still to be carried out.
PENDING, DONE, UNDONE, OWED = "pending", "done", "undone", "owed"

# The intention being resumed in this thread, adopted by the first ``perform`` that runs under it
# (the resumed call goes through the same service method the press did, which cannot pass it).
resuming: contextvars.ContextVar[int | None] = contextvars.ContextVar("resuming", default=None)

# Who waits for an action to be decided (the Telegram edge, to answer the press), told in the
# action's thread once its checks passed and it turns to Google, which may take minutes (a quota
# minute): the press is answered then instead of after Google. An action that needs no Google
# call before its move (an approval: its lock follows) is decided without it.
turning_to_google: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "turning_to_google", default=None
)


def tell_turning_to_google() -> None:
    """Tell whoever waits for this action (:data:`turning_to_google`) that it now waits on Google."""
    told = turning_to_google.get()
    if told is not None:
        told()


def actor_json(actor: Actor) -> dict[str, Any]:
    """The actor as the intention row keeps it."""
    return {
        "role": str(actor.role),
        "nama": actor.nama,
        "bidang": actor.bidang,
        "person_id": actor.person_id,
        "telegram_id": actor.telegram_id,
        "atas_nama": actor.atas_nama,
    }


def actor_from_json(data: Mapping[str, Any]) -> Actor:
    """The actor an intention row names."""
    return Actor(
        Role(data["role"]),
        str(data["nama"]),
        bidang=data.get("bidang"),
        person_id=data.get("person_id"),
        telegram_id=data.get("telegram_id"),
        atas_nama=data.get("atas_nama"),
    )


@dataclass(frozen=True)
class Intention:
    """One recorded action: what was asked, by whom, on which period and bidang."""

    id: int
    period_id: int
    bidang: str | None
    operation: str  # the first event's value: what the person asked for
    effect: str
    actor: Actor
    text: str | None
    khusus: Mapping[str, str]

    @classmethod
    def from_row(cls, row: Row[Any]) -> Intention:
        """The intention a store row holds."""
        return cls(
            id=int(row.id),
            period_id=int(row.period_id),
            bidang=row.bidang,
            operation=str(row.operation),
            effect=str(row.effect),
            actor=actor_from_json(row.actor),
            text=row.text,
            khusus=dict(row.khusus or {}),
        )


# How to carry out an intention again: the service method the press called, as the person called it.
Resumer = Callable[[Intention], None]
