"""A whole call against a real model; skipped unless ROLEPLAY_TEST_API_BASE points at one.

    bash /work/shared/scripts/local-llm.sh start 8765      # Gemma 3 270M, OpenAI-compatible
    ROLEPLAY_TEST_API_BASE=http://127.0.0.1:8765/v1 pytest tests/test_llm_real.py -s

ROLEPLAY_TEST_MODEL picks the model (default `openai/gemma-270m`). A tiny model shows the plumbing
(streaming, checks, fallback), not good acting: every turn must be voiced by the model or fall back.
"""

import os
from collections import Counter
from pathlib import Path

import pytest

from roleplay.content import load_library, load_rubric
from roleplay.engines.factory import make_engine
from roleplay.grading import grade
from roleplay.grading.judge import judge_scorecard
from roleplay.llm.errors import LLMError
from roleplay.session import CallSession

API_BASE = os.environ.get("ROLEPLAY_TEST_API_BASE")
MODEL = os.environ.get("ROLEPLAY_TEST_MODEL", "openai/gemma-270m")
SCRIPT = Path(__file__).parent / "scripts" / "path_3_power_holder_good.txt"

pytestmark = pytest.mark.skipif(not API_BASE, reason="set ROLEPLAY_TEST_API_BASE to run against a real model")


def play(engine):
    call = CallSession(load_library(), "path_3_power_holder", engine=engine)
    call.start()
    for line in SCRIPT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not call.ended:
            call.send(line)
    return call


def test_a_whole_call_with_a_real_model(capsys):
    engine = make_engine(MODEL, API_BASE, timeout=120)
    notes = []
    chunks = []
    call = CallSession(load_library(), "path_3_power_holder", engine=engine)
    call.start(on_chunk=chunks.append)
    notes.append(engine.last_reply.note)
    for line in SCRIPT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not call.ended:
            call.send(line, on_chunk=chunks.append)
            notes.append(engine.last_reply.note)
    scripted = play(None)
    clients = [t for t in call.transcript.turns if t.speaker == "client"]
    # The director decided everything: the same facts were released and the call ended the same way.
    assert [t.released for t in clients] == [t.released for t in scripted.transcript.turns if t.speaker == "client"]
    assert call.outcome == scripted.outcome
    assert all(t.text.strip() and t.voiced_by in ("llm", "fallback") for t in clients)
    with capsys.disabled():
        print(f"\n{MODEL} voiced: {dict(Counter(t.voiced_by for t in clients))}")
        for t, note in zip(clients, notes):
            print(f"  [{t.voiced_by}] {t.text[:150]!r}" + (f"  ({note})" if note else ""))


def test_the_judge_with_a_real_model_gives_a_scorecard_or_one_clear_line(tmp_path, capsys):
    call = play(None)
    rubric = load_rubric()
    card = grade(call.transcript, rubric, "executive")
    try:
        judged = judge_scorecard(call.transcript, card, rubric, MODEL, API_BASE, tmp_path, timeout=120)
    except LLMError as err:
        assert err.kind == "judge_output"
        outcome = f"LLMError: {err}"
    else:
        assert judged.overall == card.overall
        j = judged.metrics["judge"]
        outcome = f"{j['items']} items kept, {len(j['disagreements'])} disagreements, {len(j['rejected'])} rejected"
    with capsys.disabled():
        print(f"\njudge {MODEL}: {outcome}")
