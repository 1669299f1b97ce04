"""Measures rule-grader throughput: twenty-turn calls graded per second on one core.

    python bench/grading_speed.py
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roleplay.content import load_rubric  # noqa: E402
from roleplay.domain.transcript import Transcript, Turn  # noqa: E402
from roleplay.grading import grade  # noqa: E402

CLIENT_LINES = ["We miss slots with the retailers and pay penalties.", "Mostly reactive, to be honest.",
                "That would be worth a lot to us.", "Twelve technicians.", "It's too expensive.", "Yes, let's do that."]


def calls(n: int, rng: random.Random) -> list[Transcript]:
    texts = [json.loads(line)["text"] for line in (ROOT / "tests" / "data" / "utterances.jsonl").read_text().splitlines()
             if line.strip() and json.loads(line)["lang"] == "en"]
    out = []
    for i in range(n):
        turns = []
        for _ in range(10):
            turns += [Turn(speaker="rep", text=rng.choice(texts)), Turn(speaker="client", text=rng.choice(CLIENT_LINES))]
        out.append(Transcript(id=str(i), turns=turns))
    return out


def main() -> None:
    rubric = load_rubric()
    sample = calls(500, random.Random(1))
    grade(sample[0], rubric)  # compile cues
    t0 = time.perf_counter()
    for t in sample:
        grade(t, rubric, level="manager")
    elapsed = time.perf_counter() - t0
    print(f"graded {len(sample)} twenty-turn calls in {elapsed:.2f} s: {len(sample) / elapsed:,.0f} calls/s on one core "
          f"({elapsed / len(sample) / 20 * 1e6:.0f} µs per turn; every turn analysed afresh, no cache)")


if __name__ == "__main__":
    main()
