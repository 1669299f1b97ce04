"""Engines voice the director's moves: `scripted` from the persona's own lines, `litellm` with a model."""

from roleplay.engines.base import Engine, Reply
from roleplay.engines.scripted import ScriptedEngine, line_texts

__all__ = ["Engine", "Reply", "ScriptedEngine", "line_texts"]
