"""Reads transcripts from files: the project's JSON form, or plain text with `Rep:` / `Client:` turns."""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from roleplay.content import validation_message
from roleplay.domain.transcript import Transcript, Turn
from roleplay.errors import InputFileError

_PREFIX = re.compile(r"^\s*(rep|client)\s*[:：]\s*", re.IGNORECASE)


def parse_text_transcript(text: str, source: str = "transcript") -> Transcript:
    """Each turn starts with `Rep:` or `Client:`; a line without a prefix continues the turn before it."""
    turns: list[Turn] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = _PREFIX.match(line)
        if m:
            turns.append(Turn(speaker=m.group(1).lower(), text=line[m.end():].strip()))
        elif turns:
            turns[-1].text = f"{turns[-1].text} {line.strip()}".strip()
        else:
            raise InputFileError(f"{source}: line {number}: a transcript turn must start with 'Rep:' or 'Client:'")
    if not turns:
        raise InputFileError(f"{source}: no turns found (each turn starts with 'Rep:' or 'Client:')")
    return Transcript(id=_stem(source), turns=turns)


def parse_json_transcript(text: str, source: str = "transcript") -> Transcript:
    """The project's JSON: a transcript object, or `roleplay run --json` output with a `transcript` key."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{source}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("transcript"), dict):
        data = data["transcript"]
    if not isinstance(data, dict):
        raise InputFileError(f"{source}: expected a JSON object with 'turns'")
    data = {"id": _stem(source), **data}
    data.pop("scorecard", None)
    try:
        transcript = Transcript.model_validate(data)
    except ValidationError as exc:
        raise InputFileError(validation_message(source, exc)) from None
    if not transcript.turns:
        raise InputFileError(f"{source}: turns: the transcript has no turns")
    return transcript


def parse_transcript(text: str, source: str = "transcript") -> Transcript:
    """JSON when the text starts with `{`, else the plain-text form."""
    if text.lstrip().startswith("{"):
        return parse_json_transcript(text, source)
    return parse_text_transcript(text, source)


def _stem(source: str) -> str:
    name = re.split(r"[\\/]", source)[-1]
    return name.rsplit(".", 1)[0] or "transcript"
