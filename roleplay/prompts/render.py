"""Renders the prompt templates in this folder: sandboxed, strict, never compiling content as a template.

Persona, scenario and transcript text are passed in as values, so `{{ ... }}` inside a persona file is
printed as written, never evaluated (a persona file is untrusted input). A missing value is an error
(StrictUndefined), not an empty string.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).parent


def _json(value) -> str:
    """JSON for a prompt: readable Unicode, no HTML escaping (unlike jinja's `tojson`)."""
    return json.dumps(value, ensure_ascii=False)


@lru_cache(maxsize=1)
def environment():
    """The shared sandboxed environment (jinja2 is imported on first use, not at start-up)."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(PROMPTS_DIR)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json"] = _json
    return env


def render(name: str, **values) -> str:
    """Render the template `name` (e.g. `persona_system.j2`) with `values`."""
    return environment().get_template(name).render(**values).strip()


def template_text(*names: str) -> str:
    """The source of the named templates, for cache keys: a changed prompt invalidates cached answers."""
    return "\n".join((PROMPTS_DIR / name).read_text(encoding="utf-8") for name in names)
