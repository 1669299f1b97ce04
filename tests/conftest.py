"""Shared fixtures: an isolated ROLEPLAY_HOME for every test, the shipped content, and a CLI runner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roleplay.analysis.cues import load_client_cues, load_cues
from roleplay.cli import main
from roleplay.content import load_library, load_rubric

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
TEST_DATA = Path(__file__).parent / "data"
SCRIPTS = Path(__file__).parent / "scripts"


CUE_FILES = [("en", load_cues), ("zh", load_cues), ("en", load_client_cues), ("zh", load_client_cues)]
"""Every shipped cue file, as (language, loader)."""

AWKWARD = ["\u0130", "\u0131", "\u017f", "\u212a", "\u00e9", "\u00a0", "\u3000", "\uff11", "\u2028", "\n", "你", "。", "？",
           "'", "-", ",", " ", "_", "1"]
"""Characters that trip up case folding and splitting: dotted and dotless i, long s, the Kelvin sign,
odd spaces and line breaks, full-width digits, Han next to Latin."""


def splice(text: str, insertions: list[tuple[int, str]], upper: bool) -> str:
    """`text` (upper-cased if `upper`) with each (offset, character) put in."""
    text = text.upper() if upper else text
    for at, ch in insertions:
        text = text[:at] + ch + text[at:]
    return text


def labelled_texts() -> list[tuple[str, str]]:
    """Every (text, language) of our labelled sets, whole calls and scripts: the analyser's known inputs."""
    out = []
    for path in sorted(TEST_DATA.rglob("*.jsonl")):
        out += [(row["text"], row["lang"]) for row in map(json.loads, path.read_text("utf-8").splitlines()) if row]
    for path in sorted((TEST_DATA / "calls").glob("*.txt")) + sorted(SCRIPTS.glob("*.txt")):
        out += [(line.split(":", 1)[1].strip(), "zh" if "_zh" in path.name else "en")
                for line in path.read_text("utf-8").splitlines() if ":" in line]
    return out


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test touches the user's real data or config."""
    home = tmp_path / "home"
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("ROLEPLAY_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("OPENAI_API_KEY", "test")  # only ever sent to the loopback test server
    monkeypatch.delenv("ROLEPLAY_CONTENT", raising=False)
    monkeypatch.delenv("ROLEPLAY_MODEL", raising=False)
    monkeypatch.delenv("ROLEPLAY_API_BASE", raising=False)
    return home


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture
def server():
    """A real OpenAI-compatible server on loopback (tests/llm_server.py), empty queue."""
    from llm_server import FakeLLMServer

    with FakeLLMServer() as s:
        yield s


@pytest.fixture(scope="session")
def rubric():
    return load_rubric()


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(capsys):
    """Run the real command line in-process; returns exit code, stdout and stderr."""

    def run(*argv: str, stdin: str | None = None) -> CliResult:
        if stdin is not None:
            import io
            import sys

            old = sys.stdin
            sys.stdin = io.StringIO(stdin)
            try:
                code = main(list(argv))
            finally:
                sys.stdin = old
        else:
            code = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def play(library, scenario: str, lines: list[str], seed: int = 0):
    """An offline call: the client opens, then each line is a rep turn until the client ends the call."""
    from roleplay.session import CallSession

    session = CallSession(library, scenario, seed=seed)
    session.start()
    for line in lines:
        if session.ended:
            break
        session.send(line)
    return session


def write_script(tmp_path: Path, lines: list[str], name: str = "script.txt") -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def home_snapshot(home: Path) -> dict[str, bytes]:
    """Every file under the store, to check that a failing command lost nothing."""
    if not home.exists():
        return {}
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file() and p.name != ".lock"}


__all__ = ["SCRIPTS", "SHARED_DATA", "TEST_DATA", "play", "write_script", "home_snapshot", "os"]
