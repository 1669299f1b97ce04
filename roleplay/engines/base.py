"""The engine interface: turn a director's move into the client's words, possibly streamed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from roleplay.director.moves import ClientMove
from roleplay.domain.persona import Persona
from roleplay.domain.transcript import Turn


@dataclass
class Reply:
    """The voiced reply and how it was produced."""

    text: str
    voiced_by: str
    """`scripted`, `llm`, or `fallback` when an LLM reply was replaced by the scripted line."""
    note: str = ""


class Engine(Protocol):
    """Anything that can voice a client move."""

    name: str
    model: str | None

    def voice(
        self,
        persona: Persona,
        move: ClientMove,
        history: list[Turn],
        seed: int,
        on_chunk: Callable[[str], None] | None = None,
    ) -> Reply:
        """Voice `move` in character; call `on_chunk` with each piece of text as it arrives."""
        ...
