"""The workflow's exception hierarchy; every message a chat may show is Indonesian."""

from __future__ import annotations


class WorkflowError(Exception):
    """Base of every error the workflow core raises on purpose."""


class ActionRefused(WorkflowError):
    """An action was checked and refused before anything was written; ``reason`` is for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ActionBusy(ActionRefused):
    """Another action on the same report is being carried out (its intention is pending)."""


class ActionFailed(WorkflowError):
    """An action could not take effect (Google failed); nothing changed and it may be tried again.

    ``reason`` is for the user; the cause is chained (``raise ActionFailed(...) from err``).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidTransition(WorkflowError):
    """The state table has no row for this (state, event): a programming or data error, loud."""

    def __init__(self, machine: str, state: str, event: str) -> None:
        super().__init__(f"{machine}: no transition from state {state!r} on event {event!r}")
        self.machine = machine
        self.state = state
        self.event = event


class PortError(WorkflowError):
    """An edge (Google, Telegram) failed; raised by adapters, translated from library errors."""


class DeliveryError(WorkflowError):
    """Base of the errors a Notifier raises for one notification."""


class RecipientUnreachable(DeliveryError):
    """The recipient cannot be reached at all (blocked the bot, deleted the chat): do not retry."""


class TransientDeliveryError(DeliveryError):
    """A delivery failed for a reason that may pass (network, rate limit): retry later.

    ``retry_after`` (seconds), when the far side said how long to wait.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
