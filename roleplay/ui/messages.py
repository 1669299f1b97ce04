"""Messages the terminal app's screens and workers send each other, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from roleplay.domain.transcript import Turn


@dataclass
class ClientReplied(Message):
    """The client finished a reply (the opening line, an answer, or the goodbye)."""

    turn: Turn | None
    """None when the rep ended a call that was already over."""
    ended: bool
    """The call is over after this reply."""


@dataclass
class CallFailed(Message):
    """A turn could not be completed; `error` is one line for the user."""

    error: str


