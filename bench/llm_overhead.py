"""What the LLM engine adds to time-to-first-token over a bare litellm call (budget: under 5%).

    python bench/llm_overhead.py [RUNS]

Both paths stream the same prompt from the same loopback OpenAI-compatible server (tests/llm_server.py),
which waits a fixed 200 ms before the first token and then streams one word per chunk. Bare: time to
the first non-empty delta of `litellm.completion(stream=True)`. App: time to the first `on_chunk` of
`LLMEngine.voice` (which also renders the prompt, works out the reply rules and runs the in-character
guard). Runs alternate between the two after a warm-up; medians are reported. A second table spaces the
chunks 20 ms apart, like a model producing ~50 tokens/s, to show the cost of the guard's hold-back
(the first words, and for a fact-releasing move everything until the fact has been said).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("OPENAI_API_KEY", "bench")

from llm_server import FakeLLMServer, Reply  # noqa: E402

from roleplay.content import load_library  # noqa: E402
from roleplay.engines.llm import LLMEngine, build_messages  # noqa: E402
from roleplay.engines.scripted import ScriptedEngine  # noqa: E402
from roleplay.llm.loader import load_litellm  # noqa: E402
from roleplay.session import CallSession  # noqa: E402

MODEL = "openai/test-model"
FIRST_TOKEN_DELAY = 0.2


def situations(library):
    """(label, persona, move, history) for a plain move and a fact-releasing answer."""
    call = CallSession(library, "path_3_power_holder")
    call.start()
    out = []
    for label, line in [("plain move", "So I can suggest something relevant, may I first ask about your priorities?"),
                        ("fact move", "What are the biggest challenges in delivering the growth the board is asking of you?")]:
        history = list(call.transcript.turns) + [call.transcript.turns[0].model_copy(update={"speaker": "rep",
                                                                                             "text": line})]
        call.send(line)
        out.append((f"{label} ({call.last_move.kind})", call.persona, call.last_move, history))
    return out


def bare_first_token(litellm, api_base, messages) -> float:
    start = time.perf_counter()
    first = None
    for chunk in litellm.completion(model=MODEL, messages=messages, stream=True, api_base=api_base,
                                    timeout=10, max_retries=0, max_tokens=200, temperature=0.7):
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - start
    return first


def app_first_token(engine, persona, move, history) -> float:
    start = time.perf_counter()
    first = []

    def on_chunk(_text):
        if not first:
            first.append(time.perf_counter() - start)

    reply = engine.voice(persona, move, history, 0, on_chunk)
    assert reply.voiced_by == "llm", reply.note
    return first[0]


def measure(runs: int, chunk_delay: float) -> None:
    litellm = load_litellm()
    library = load_library()
    print(f"\nchunks {chunk_delay * 1000:.0f} ms apart, {runs} runs each, server first-token delay "
          f"{FIRST_TOKEN_DELAY * 1000:.0f} ms")
    print(f"{'move':34} {'bare TTFT':>10} {'app TTFT':>10} {'added':>9} {'overhead':>9}")
    for label, persona, move, history in situations(library):
        content = ScriptedEngine().voice(persona, move, history, 0).text
        messages = build_messages(persona, move, history, content)
        with FakeLLMServer(default=Reply(content, chunk_delay=chunk_delay), first_token_delay=FIRST_TOKEN_DELAY) as server:
            engine = LLMEngine(MODEL, server.api_base, timeout=10)
            bare_first_token(litellm, server.api_base, messages)  # warm-up: imports, connection set-up
            app_first_token(engine, persona, move, history)
            bare, app = [], []
            for _ in range(runs):
                bare.append(bare_first_token(litellm, server.api_base, messages))
                app.append(app_first_token(engine, persona, move, history))
        b, a = statistics.median(bare), statistics.median(app)
        print(f"{label:34} {b * 1000:>8.1f}ms {a * 1000:>8.1f}ms {(a - b) * 1000:>7.1f}ms {(a - b) / b:>8.1%}")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    start = time.perf_counter()
    load_litellm()
    print(f"litellm import (first use, paid once per process): {time.perf_counter() - start:.2f} s")
    measure(runs, 0.0)
    measure(runs, 0.02)


if __name__ == "__main__":
    main()
