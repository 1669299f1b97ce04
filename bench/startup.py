"""Measures `roleplay --help` start-up and the offline engine's reply time (DESIGN.md budgets).

    python bench/startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def help_time(runs: int = 15) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "roleplay", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return times


def reply_times() -> tuple[list[float], list[float]]:
    from roleplay.analysis import analyse
    from roleplay.content import load_library
    from roleplay.session import CallSession

    lib = load_library()
    lines = [line for line in (ROOT / "tests" / "scripts" / "path_1_acceptor_good.txt").read_text().splitlines() if line.strip()]
    replies = []
    for seed in range(50):
        s = CallSession(lib, "path_1_acceptor", seed=seed)
        s.start()
        for line in lines:
            if s.ended:
                break
            t0 = time.perf_counter()
            s.send(line)
            replies.append(time.perf_counter() - t0)
    analyses = []
    for _ in range(20):
        for line in lines:
            t0 = time.perf_counter()
            analyse(line)
            analyses.append(time.perf_counter() - t0)
    return replies, analyses


def main() -> None:
    h = help_time()
    print(f"roleplay --help           median {statistics.median(h) * 1000:7.1f} ms   (min {min(h) * 1000:.1f}, n={len(h)})")
    r, a = reply_times()
    print(f"offline client reply      median {statistics.median(r) * 1000:7.3f} ms   p95 {sorted(r)[int(len(r) * .95)] * 1000:.3f} ms (n={len(r)}, analysis + director + scripted voice, no store)")
    print(f"analysis of one rep turn  median {statistics.median(a) * 1000:7.3f} ms   (n={len(a)})")


if __name__ == "__main__":
    main()
