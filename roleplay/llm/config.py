"""Which model to use: command-line flags, then environment variables, then the user's config file.

The file is TOML at `platformdirs.user_config_dir("roleplay")/config.toml` (or `ROLEPLAY_CONFIG`):

    model = "openai/gpt-4o-mini"
    api_base = "http://127.0.0.1:8080/v1"   # any OpenAI-compatible server
    judge_model = "openai/gpt-4o"
    timeout = 60

Provider keys are never read from or written to this file: litellm reads them from the usual
environment variables (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from roleplay.errors import field_problem
from roleplay.llm.errors import LLMConfigError

DEFAULT_TIMEOUT = 60.0
ENV_MODEL = "ROLEPLAY_MODEL"
ENV_API_BASE = "ROLEPLAY_API_BASE"
ENV_CONFIG = "ROLEPLAY_CONFIG"


class ConfigFile(BaseModel):
    """The keys the config file may hold; anything else (an `api_key`, a typo) is an error."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    api_base: str | None = None
    judge_model: str | None = None
    timeout: float | None = Field(default=None, gt=0)


class LLMConfig(BaseModel):
    """The merged configuration; `sources` says where each value came from (for `roleplay doctor`)."""

    model_config = ConfigDict(frozen=True)

    model: str | None = None
    """A litellm model string; None means the offline scripted engine."""
    api_base: str | None = None
    judge_model: str | None = None
    """The model for `grade --judge`; defaults to `model`."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds to wait for a reply (for a streamed reply: for each piece of it)."""
    path: Path | None = None
    """The config file consulted (it may not exist)."""
    sources: dict[str, str] = {}


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file lives: `ROLEPLAY_CONFIG`, else the platform's user config dir."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_CONFIG):
        return Path(environ[ENV_CONFIG])
    from platformdirs import user_config_dir

    return Path(user_config_dir("roleplay")) / "config.toml"


def read_config_file(path: Path) -> ConfigFile:
    """Read and validate the config file; a missing file is an empty config."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ConfigFile()
    except (OSError, UnicodeDecodeError) as exc:
        raise LLMConfigError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LLMConfigError(f"{path}: invalid TOML: {exc}") from None
    for secret in ("api_key", "key", "token"):
        if secret in data:
            raise LLMConfigError(f"{path}: {secret}: keys are not read from the config file; set the provider's "
                                 "environment variable instead (e.g. OPENAI_API_KEY)")
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise LLMConfigError(f"{path}: {field_problem(exc)}") from None


def load_config(
    model: str | None = None,
    api_base: str | None = None,
    timeout: float | None = None,
    judge_model: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> LLMConfig:
    """Merge CLI flags (the arguments; they win), then ROLEPLAY_MODEL / ROLEPLAY_API_BASE, then the file."""
    environ = os.environ if environ is None else environ
    path = path or config_path(environ)
    file = read_config_file(path)
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    layers = [
        ("command line", {"model": model, "api_base": api_base, "timeout": timeout, "judge_model": judge_model}),
        (ENV_MODEL + "/" + ENV_API_BASE, {"model": environ.get(ENV_MODEL), "api_base": environ.get(ENV_API_BASE)}),
        (str(path), file.model_dump()),
    ]
    for source, layer in layers:
        for key, value in layer.items():
            if key not in values and value not in (None, ""):
                values[key] = value
                sources[key] = environ_name(key) if source.startswith(ENV_MODEL) else source
    if "timeout" not in values:
        sources["timeout"] = "default"
    return LLMConfig(**values, path=path, sources=sources)


def environ_name(key: str) -> str:
    return {"model": ENV_MODEL, "api_base": ENV_API_BASE}[key]
