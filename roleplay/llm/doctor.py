"""`roleplay doctor`: which model is configured, from where, whether its key is set, and whether it answers."""

from __future__ import annotations

import os
import time

from roleplay.llm.config import load_config
from roleplay.llm.errors import LLMConfigError, LLMError
from roleplay.llm.exceptions import key_env_for, provider_of

PING = [{"role": "user", "content": "Reply with the single word: ok"}]


def doctor(model: str | None = None, api_base: str | None = None, timeout: float | None = None) -> list[str]:
    """Lines describing the LLM set-up; `model`/`api_base` are the command-line flags (they win).

    Never prints a key, only whether the variable holding it is set. Pings the model once (a few
    tokens) when one is configured.
    """
    try:
        cfg = load_config(model, api_base, timeout)
    except LLMConfigError as exc:
        return [f"config:     {exc}"]
    lines = [f"config:     {cfg.path} ({'found' if cfg.path and cfg.path.exists() else 'not found'})"]
    if not cfg.model:
        lines.append("model:      none: calls use the offline scripted engine "
                     "(set --model, ROLEPLAY_MODEL or `model` in the config file)")
        return lines
    lines.append(f"model:      {cfg.model} (from {cfg.sources.get('model')})")
    if cfg.api_base:
        lines.append(f"api base:   {cfg.api_base} (from {cfg.sources.get('api_base')})")
    judge = cfg.judge_model or cfg.model
    lines.append(f"judge:      {judge}" + ("" if cfg.judge_model else " (same as model)"))
    lines.append(f"timeout:    {cfg.timeout:g} s")
    key_env = key_env_for(cfg.model)
    if os.environ.get(key_env):
        lines.append(f"key:        {key_env} is set")
    elif cfg.api_base and provider_of(cfg.model) == "openai":
        lines.append(f"key:        {key_env} is not set (fine for a local server; a placeholder is sent)")
    else:
        lines.append(f"key:        {key_env} is not set")
    lines.append(_ping(cfg.model, cfg.api_base, min(cfg.timeout, 30.0)))
    return lines


def _ping(model: str, api_base: str | None, timeout: float) -> str:
    from roleplay.llm.client import ChatClient, RetryPolicy

    client = ChatClient(model, api_base, timeout, RetryPolicy(rate_limit_retries=0, transient_retries=0))
    start = time.perf_counter()
    try:
        reply = client.complete(PING, max_tokens=5, temperature=0)
    except LLMError as err:
        return f"answers:    no: {err}"
    said = " ".join(reply.text.split())[:40]
    return f"answers:    yes, in {time.perf_counter() - start:.2f} s ({said!r})"
