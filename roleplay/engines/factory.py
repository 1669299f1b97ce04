"""Builds the engine for a call from a model string: scripted when there is none, else a litellm model."""

from __future__ import annotations

from roleplay.engines.base import Engine
from roleplay.engines.scripted import ScriptedEngine


def make_engine(model: str | None, api_base: str | None = None, timeout: float | None = None, *,
                offline_fallback: bool = False) -> Engine:
    """The engine for `model` (a litellm model string); the offline ScriptedEngine when `model` is None.

    With `offline_fallback=True` a failed model call voices the scripted line instead of raising
    `LLMError` (the reply is marked `voiced_by="fallback"`, the error in its note). Nothing here
    imports litellm; the first reply does. Resolve flags, environment and config file first with
    `roleplay.llm.config.load_config`.
    """
    if not model:
        return ScriptedEngine()
    from roleplay.engines.llm import FallbackEngine, LLMEngine

    engine = LLMEngine(model, api_base, timeout)
    return FallbackEngine(engine) if offline_fallback else engine
