"""Prompt tokens per client turn for the LLM persona engine, through 20-turn calls (budget: under 1,500).

    python bench/prompt_tokens.py

Every scenario is played for 20 rep turns (its turn limit raised to 20) with a script built from the
persona's own disclosure topics, so the director releases as much as it will; the prompt for each
client turn is built exactly as the engine builds it (`build_messages`) and counted with
litellm.token_counter using the gpt-4o-mini tokenizer (o200k; bundled, no network), next to a
characters/4 estimate. A synthetic worst case follows: every disclosure released and 20 earlier
exchanges at the per-turn length cap. Static part = the system message (identical on every turn of a
call, so a provider's prompt cache can reuse it).
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from roleplay.content import load_library  # noqa: E402
from roleplay.director.moves import Beat, ClientMove  # noqa: E402
from roleplay.domain.transcript import Turn  # noqa: E402
from roleplay.engines.base import Reply  # noqa: E402
from roleplay.engines.llm import MAX_TURN_CHARS, build_messages  # noqa: E402
from roleplay.engines.scripted import ScriptedEngine  # noqa: E402
from roleplay.llm.loader import load_litellm  # noqa: E402
from roleplay.session import CallSession  # noqa: E402

TURNS = 20
TOKENIZER_MODEL = "gpt-4o-mini"
BUDGET = 1500


class Recorder:
    """Voices like the scripted engine (replies of realistic length) and keeps each prompt it would send."""

    name = "recorder"
    model = None

    def __init__(self):
        self.prompts: list[list[dict]] = []
        self.scripted = ScriptedEngine()

    def voice(self, persona, move, history, seed, on_chunk=None):
        text = self.scripted.voice(persona, move, history, seed).text
        self.prompts.append(build_messages(persona, move, history, text))
        return Reply(text=text, voiced_by="scripted")


def script_for(persona) -> list[str]:
    """Rep turns that aim at each disclosure in turn, by the kind of question that opens it."""
    zh = persona.language == "zh"
    lines = ["为了给您有针对性的建议，我想先了解一下您的业务重点，可以吗？" if zh else
             "So I can suggest something relevant, could I first ask about your priorities for the business?"]
    for d in persona.disclosures:
        topic = d.topics[0] if d.topics else ("业务" if zh else "the business")
        kind = d.asked_by[0]
        if zh:
            lines.append({"problem": f"在{topic}方面，最大的困难是什么？", "implication": f"如果{topic}的问题不解决，会带来什么影响？",
                          "need_payoff": f"如果{topic}变得更可靠，对您有什么帮助？", "situation": f"现在{topic}是怎么安排的？"}[kind])
        else:
            lines.append({"problem": f"What is the biggest difficulty with {topic} today?",
                          "implication": f"What happens to {topic} if that problem doesn't change?",
                          "need_payoff": f"How would it help you if {topic} became more reliable?",
                          "situation": f"How is {topic} organised today?"}[kind])
    filler = ("我确认一下我的理解：您最关心的是增长和可靠性，对吗？" if zh else
              "Let me check I have understood: growth and reliability matter most, and the cost of delay is real.")
    while len(lines) < TURNS:
        lines.append(filler)
    return lines[:TURNS]


def count(litellm, messages: list[dict]) -> tuple[int, int, int]:
    """(tokens, static system-part tokens, characters/4 estimate)."""
    tokens = litellm.token_counter(model=TOKENIZER_MODEL, messages=messages)
    static = litellm.token_counter(model=TOKENIZER_MODEL, messages=messages[:1])
    return tokens, static, sum(len(m["content"]) for m in messages) // 4


def played(litellm, library) -> list[tuple[str, int, list[tuple[int, int, int]]]]:
    rows = []
    for sid, scenario in sorted(library.scenarios.items()):
        library.scenarios[sid] = scenario.model_copy(update={"turn_limit": TURNS})
        engine = Recorder()
        call = CallSession(library, sid, engine=engine)
        call.start()
        for line in script_for(call.persona):
            if call.ended:
                break
            call.send(line)
        library.scenarios[sid] = scenario
        rows.append((sid, call.transcript.rep_turns.__len__(), [count(litellm, p) for p in engine.prompts]))
    return rows


def worst_case(litellm, library, persona_id: str) -> tuple[int, int, int]:
    """Every disclosure released, 20 exchanges with every rep turn at the length cap, before an answer move."""
    persona = library.persona(persona_id)
    sentence = ("我想先确认一下我的理解，您说的增长目标和产线可靠性之间的关系，对董事会来说意味着什么？" if persona.language == "zh"
                else "I want to make sure I have understood how the growth target and line reliability connect, "
                     "and what that means for the board. ")
    long_rep = (sentence * 40)[:MAX_TURN_CHARS]
    history: list[Turn] = [Turn(speaker="client", text=persona.lines.opening[0])]
    for i in range(TURNS - 1):
        d = persona.disclosures[i % len(persona.disclosures)]
        history.append(Turn(speaker="rep", text=long_rep))
        history.append(Turn(speaker="client", text=d.text, released=[d.id]))
    history.append(Turn(speaker="rep", text=long_rep))
    last = max(persona.disclosures, key=lambda d: len(d.text))
    move = ClientMove(kind="answer", beats=[Beat(line="disclosure", disclosure=last.id)], released=[last.id])
    return count(litellm, build_messages(persona, move, history, last.text))


def main() -> None:
    litellm = load_litellm()
    library = load_library()
    print(f"prompt tokens per client turn ({TOKENIZER_MODEL} tokenizer via litellm.token_counter; "
          f"est = characters/4); budget {BUDGET}")
    print(f"{'scenario':32} {'turns':>5} {'mean':>6} {'max':>6} {'max est':>8} {'static':>7}")
    worst = 0
    for sid, reps, counts in played(litellm, library):
        tokens = [c[0] for c in counts]
        worst = max(worst, max(tokens))
        print(f"{sid:32} {reps:>5} {statistics.mean(tokens):>6.0f} {max(tokens):>6} "
              f"{max(c[2] for c in counts):>8} {counts[0][1]:>7}")
    print(f"played calls: worst client turn {worst} tokens ({'within' if worst < BUDGET else 'OVER'} budget)")
    for pid in sorted(library.personas):
        tokens, static, est = worst_case(litellm, library, pid)
        print(f"synthetic worst case {pid:24} {tokens:>5} tokens (est {est}, static {static})"
              + ("" if tokens < BUDGET else "  OVER budget"))


if __name__ == "__main__":
    main()
