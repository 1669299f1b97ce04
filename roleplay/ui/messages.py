"""Messages the terminal app's screens and workers send each other, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from roleplay.domain.transcript import Turn


@dataclass
class ClientReplied(Message):
    """The client finished a reply (the opening line, an answer, or the goodbye)."""

    turn: Turn
    ended: bool
    """The call is over after this reply."""


@dataclass
class CallFailed(Message):
    """A turn could not be completed; `error` is one line for the user."""

    error: str


@dataclass
class ReviewSaved(Message):
    """A trainer's note or override was stored."""

    call_id: str
