"""The offline engine: voices each move from the persona's own lines, varied by a seed."""

from __future__ import annotations

import random
from collections.abc import Callable

from roleplay.director.moves import Beat, ClientMove
from roleplay.domain.persona import Persona
from roleplay.domain.transcript import Turn
from roleplay.engines.base import Reply


def line_texts(persona: Persona, beat: Beat) -> list[str]:
    """The candidate texts for one beat of a move."""
    if beat.line == "disclosure":
        return [persona.disclosure(beat.disclosure).text]
    group, _, key = beat.line.partition(".")
    if group == "objection":
        return getattr(persona.objection, key)
    if group == "cause":
        cause, _, field = key.partition(".")
        return getattr(persona.objection.causes[cause], field)
    return getattr(persona.lines, beat.line)


class ScriptedEngine:
    """Deterministic: the same persona, move, turn and seed always give the same words."""

    name = "scripted"
    model = None

    def voice(
        self,
        persona: Persona,
        move: ClientMove,
        history: list[Turn],
        seed: int,
        on_chunk: Callable[[str], None] | None = None,
    ) -> Reply:
        turn = len(history)
        parts = []
        for i, beat in enumerate(move.beats):
            options = line_texts(persona, beat)
            # A string seed is hashed deterministically (unlike hash()), so replays are identical.
            rng = random.Random(f"{seed}/{turn}/{i}/{beat.line}")
            parts.append(rng.choice(options))
        text = " ".join(parts)
        if on_chunk:
            on_chunk(text)
        return Reply(text=text, voiced_by="scripted")
