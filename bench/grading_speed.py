"""Measures rule-grader throughput: twenty-turn calls graded per second on one core.

    python bench/grading_speed.py

Each call alternates ten rep lines, drawn from our labelled utterances, with ten client lines, in
English and then in Chinese. Every turn is analysed afresh (no result is cached between turns or
calls); a warm-up on other calls first compiles the cues. Time is this process's CPU time, the
median of five runs, so other work on the machine does not count against the grader.
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

from roleplay.content import load_rubric  # noqa: E402
from roleplay.domain.transcript import Transcript, Turn  # noqa: E402
from roleplay.grading import grade  # noqa: E402

CLIENT_LINES = {
    "en": ["We miss slots with the retailers and pay penalties.", "Mostly reactive, to be honest.",
           "That would be worth a lot to us.", "Twelve technicians.", "It's too expensive.", "Yes, let's do that."],
    "zh": ["我们经常错过零售商的送货时段，还要交罚款。", "说实话，基本都是坏了再修。", "这对我们来说价值很大。",
           "十二个技术员。", "太贵了。", "好，就这么定。"],
}


def calls(n: int, lang: str, rng: random.Random) -> list[Transcript]:
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "utterances.jsonl").read_text("utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows if r["lang"] == lang]
    out = []
    for i in range(n):
        turns = []
        for _ in range(10):
            turns += [Turn(speaker="rep", text=rng.choice(texts)), Turn(speaker="client", text=rng.choice(CLIENT_LINES[lang]))]
        out.append(Transcript(id=str(i), turns=turns))
    return out


def main() -> None:
    rubric = load_rubric()
    for lang in ("en", "zh"):
        sample = calls(500, lang, random.Random(1))
        for t in calls(50, lang, random.Random(2)):
            grade(t, rubric)
        runs = []
        for _ in range(5):
            t0 = time.process_time()
            for t in sample:
                grade(t, rubric, level="manager")
            runs.append(time.process_time() - t0)
        per_call = statistics.median(runs) / len(sample)
        print(f"{lang}: {1 / per_call:,.0f} twenty-turn calls/s on one core (median of 5 runs of {len(sample)} calls; "
              f"best {len(sample) / min(runs):,.0f}; {per_call / 20 * 1e6:.0f} µs per turn)")


if __name__ == "__main__":
    main()
