"""Measures rule-grader throughput: twenty-turn calls graded per second on one core.

    python bench/grading_speed.py

Each call alternates ten rep lines with ten client lines, in English and then in Chinese. Every rep
line is new to the process: a line of our labelled set with a word and a numbered name put in, so
nothing the analyser has seen before (a warm cache of any kind) makes it look faster than it is on a
real call. A warm-up first compiles every cue (about a second, once per process; the product compiles
each cue when first needed) and grades other calls. Time is this process's CPU time, so other work on
the machine does not count against the grader; each figure is the median of 5 runs.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roleplay.analysis.cues import load_client_cues, load_cues  # noqa: E402
from roleplay.content import load_rubric  # noqa: E402
from roleplay.domain.transcript import Transcript, Turn  # noqa: E402
from roleplay.grading import grade  # noqa: E402

CLIENT_LINES = {
    "en": ["We miss slots with the retailers and pay penalties.", "Mostly reactive, to be honest.",
           "That would be worth a lot to us.", "Twelve technicians.", "It's too expensive.", "Yes, let's do that."],
    "zh": ["我们经常错过零售商的送货时段，还要交罚款。", "说实话，基本都是坏了再修。", "这对我们来说价值很大。",
           "十二个技术员。", "太贵了。", "好，就这么定。"],
}
INSERTS = {
    "en": ["really", "now", "today", "also", "just", "still", "here", "currently", "Dana", "Corby", "Leeds"],
    "zh": ["现在", "其实", "目前", "一般", "还", "也", "张总", "贵司", "北区"],
}


def fresh(text: str, lang: str, rng: random.Random, n: int) -> str:
    """`text` with a word and a numbered name (Site417, K417) put in at random: a line never seen,
    still one sentence."""
    if lang == "en":
        words = text.split(" ")
        for word in (rng.choice(INSERTS["en"]), f"Site{n}"):
            words.insert(rng.randrange(len(words)), word)
        return " ".join(words)
    for word in (rng.choice(INSERTS["zh"]), f"K{n}"):
        at = rng.randrange(len(text))
        text = text[:at] + word + text[at:]
    return text


def calls(n: int, lang: str, rng: random.Random, first: int) -> list[Transcript]:
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "utterances.jsonl").read_text("utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows if r["lang"] == lang]
    out, k = [], first
    for i in range(n):
        turns = []
        for _ in range(10):
            k += 1
            turns += [Turn(speaker="rep", text=fresh(rng.choice(texts), lang, rng, k)),
                      Turn(speaker="client", text=rng.choice(CLIENT_LINES[lang]))]
        out.append(Transcript(id=str(i), turns=turns))
    return out


def main() -> None:
    rubric = load_rubric()
    for lang in ("en", "zh"):
        rng = random.Random(1)
        for language_cues in (load_cues(lang), load_client_cues(lang)):  # compile every cue: a one-off per process
            for cueset in language_cues.flat.values():
                for i in range(len(cueset.patterns)):
                    cueset.search_one(i, "")
        for t in calls(50, lang, rng, 0):
            grade(t, rubric)
        runs = []
        for run in range(5):
            sample = calls(500, lang, rng, 100_000 * (run + 1))
            t0 = time.process_time()
            for t in sample:
                grade(t, rubric, level="manager")
            runs.append(time.process_time() - t0)
        per_call = statistics.median(runs) / 500
        print(f"{lang}: {1 / per_call:,.0f} twenty-turn calls/s on one core (median of 5 runs of 500 calls, every rep "
              f"line new; best {500 / min(runs):,.0f}; {per_call / 20 * 1e6:.0f} µs per turn)")


if __name__ == "__main__":
    main()
